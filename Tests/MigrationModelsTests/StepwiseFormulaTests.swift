import Foundation
import Testing
@testable import MigrationModels
import MigrationData

@Suite("stepwise formulas (fixest sw/sw0/csw/csw0) and the library's dropped count")
struct StepwiseFormulaTests {
    @Test("each stepwise call expands as fixest documents it", arguments: [
        ("y ~ x1 + sw(x2, x3)", ["y ~ x1 + x2", "y ~ x1 + x3"]),
        ("y ~ sw0(x2, x3) + x1", ["y ~ x1", "y ~ x2 + x1", "y ~ x3 + x1"]),
        ("y ~ csw(x1, x2 + log(x3), x4)", ["y ~ x1", "y ~ x1 + x2 + log(x3)", "y ~ x1 + x2 + log(x3) + x4"]),
        ("y ~ csw0(x1, x2) | fe", ["y ~ 1 | fe", "y ~ x1 | fe", "y ~ x1 + x2 | fe"]),
        ("y ~ x1 | sw0(a, a^b)", ["y ~ x1", "y ~ x1 | a", "y ~ x1 | a^b"]),
        ("y ~ sw(x1, x2) | csw(a, b)", ["y ~ x1 | a", "y ~ x2 | a", "y ~ x1 | a + b", "y ~ x2 | a + b"]),
        ("y ~ `sw(x)` + x1", ["y ~ `sw(x)` + x1"]),
        ("y ~ x1 + x2 | fe", ["y ~ x1 + x2 | fe"]),
    ])
    func expansion(_ formula: String, _ expected: [String]) throws {
        let got = try StepwiseFormula.expand(formula)
        func squash(_ s: String) -> String { s.filter { $0 != " " } }
        #expect(got.map(squash) == expected.map(squash), "\(got)")
    }

    @Test("two calls on one side, an empty element, an unclosed call or a stepwise response are FormulaErrors", arguments: [
        "y ~ sw(a, b) + csw(c, d)", "y ~ sw(a, , b)", "y ~ sw(a, b", "sw(y, z) ~ x",
    ])
    func refusals(_ formula: String) {
        #expect(throws: FormulaError.self) { try StepwiseFormula.expand(formula) }
    }

    @Test("the library's dropped count includes rows with missing values, as the CLI's (README example: 5451)")
    func droppedCountAgreesWithCLI() throws {
        let path = TestData.repoRoot.appendingPathComponent("data/displacement_panel.csv").path
        let panel = try CSVReader.readTable(path: path)
        let r = try GeneralizedLinearModel.fit("returned_refugees ~ log1p(refugees) | iso3 + year", data: panel, family: .poisson,
                                               variance: .cluster("iso3"))
        let frame = try ModelFrame(formula: Formula("returned_refugees ~ log1p(refugees) | iso3 + year"), data: panel)
        #expect(r.dropped.missingValues.count == frame.missingRows.count)
        #expect(r.dropped.missingValues.map(\.row) == frame.missingRows.map(\.row))
        #expect(r.dropped.count == r.dropped.missingValues.count + r.dropped.singletons.count
                + r.dropped.fixedEffectSeparation.count + r.dropped.regressorSeparation.count)
        #expect(r.observations + r.dropped.count == panel.rowCount)
        #expect(r.family == .poisson)
        #expect(r.statisticDistribution == .studentT(degreesOfFreedom: 104))   // standard: t(G − 1), G = 105 origins
        let z = try GeneralizedLinearModel.fit("returned_refugees ~ log1p(refugees) | iso3 + year", data: panel, family: .poisson,
                                               variance: .cluster("iso3"), correction: .fixest)
        #expect(z.statisticDistribution == .normal)
        // The model's one default, in the library as in the CLI.
        #expect(RegressionModel.ppml.defaultVariance == .hc1 && RegressionModel.poisson.defaultVariance == .iid)
    }
}
