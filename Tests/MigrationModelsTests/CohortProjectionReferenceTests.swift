import Foundation
import Linalg
import Testing
@testable import MigrationModels

/// The multiregional cohort-component projection against explicit numpy loops and the dense
/// multiregional Leslie matrix (Tests/Fixtures/markov/make_reference.py).
@Suite("Cohort-component projection against numpy references")
struct CohortProjectionReferenceTests {
    static func load(_ name: String) throws -> (PopulationLayout, RegionalPopulation, [CohortComponentRates], [String: Any]) {
        let c = try MarkovFixture.shared.case(name)
        let regions = try MarkovFixture.strings(c["regions"], "regions")
        let ages = Int(try MarkovFixture.number(c["ages"], "ages")), sexes = Int(try MarkovFixture.number(c["sexes"], "sexes"))
        let width = Int(try MarkovFixture.number(c["width"], "width"))
        let layout = try PopulationLayout(regions: regions, ageGroups: ages, ageWidth: width,
                                          sexes: sexes == 2 ? [.female, .male] : [.female])
        let initial = try RegionalPopulation(layout: layout, values: try MarkovFixture.vector(c["initial"], "initial"))
        guard let rawRates = c["rates"] as? [[String: Any]] else { throw MarkovFixtureMissing(key: "\(name).rates") }
        let rates = try rawRates.map { r in
            try CohortComponentRates(
                layout: layout,
                survival: try MarkovFixture.vector(r["survival"], "survival"),
                fertility: try MarkovFixture.vector(r["fertility"], "fertility"),
                birthSurvival: try MarkovFixture.vector(r["birth_survival"], "birth_survival"),
                sexRatioAtBirth: try MarkovFixture.number(r["srb"], "srb"),
                outmigration: try MarkovFixture.vector(r["outmigration"], "outmigration"),
                destinationShares: try MarkovFixture.matrix(r["D"], "D"),
                emigration: try MarkovFixture.vector(r["emigration"], "emigration"),
                immigration: try MarkovFixture.vector(r["immigration"], "immigration"))
        }
        return (layout, initial, rates, c)
    }

    @Test("block projection with per-step rates equals the explicit loops", arguments: ["projection_5year", "projection_annual_female"])
    func blockEqualsLoops(name: String) throws {
        let (_, initial, rates, c) = try Self.load(name)
        let result = try CohortComponentProjection.project(initial: initial, steps: rates.count,
                                                           options: CohortProjectionOptions(recordPopulations: true),
                                                           rates: { rates[$0] })
        let expected = (c["populations"] as? [Any] ?? []).compactMap { try? MarkovFixture.vector($0, "populations") }
        #expect(result.populations.count == expected.count && expected.count == rates.count + 1)
        for (got, exp) in zip(result.populations, expected) {
            #expect(markovError(got.values, exp) < markovTolerance)
        }
        let births = (c["births"] as? [Any] ?? []).compactMap { try? MarkovFixture.vector($0, "births") }
        for (account, exp) in zip(result.accounts, births) { #expect(markovError(account.births, exp) < markovTolerance) }
        #expect(result.final.values == result.populations.last?.values)
        // Internal migration sums to zero in every step, and the accounts close:
        // end = start − deaths − emigrants + immigrants + births(kept) + net internal migration.
        #expect(result.maximumMigrationImbalance < 1e-13)
        for account in result.accounts {
            #expect(abs(account.netInternalMigration.reduce(0, +)) < 1e-9)
        }
        for (t, account) in result.accounts.enumerated() where initial.layout.sexes.count == 2 {
            let start = result.populations[t].total, end = result.populations[t + 1].total
            let flows = account.births.reduce(0, +) - account.deaths.reduce(0, +) - account.emigrants.reduce(0, +) + account.immigrants.reduce(0, +)
            #expect(abs(start + flows - end) < 1e-9 * end)
        }
    }

    @Test("dense multiregional Leslie matrix, dominant eigenvalue and stable distribution", arguments: ["projection_5year", "projection_annual_female"])
    func growthMatrix(name: String) throws {
        let (_, initial, rates, c) = try Self.load(name)
        let l = try CohortComponentProjection.projectionMatrix(rates[0])
        #expect(markovError(l, try MarkovFixture.matrix(c["L0"], "L0")) < markovTolerance)
        // L·K equals one block step without immigration.
        let noImmigration = try CohortComponentRates(layout: rates[0].layout, survival: rates[0].survival, fertility: rates[0].fertility,
                                                     birthSurvival: rates[0].birthSurvival, sexRatioAtBirth: rates[0].sexRatioAtBirth,
                                                     outmigration: rates[0].outmigration, destinationShares: rates[0].destinationShares,
                                                     emigration: rates[0].emigration)
        let (stepped, _) = try CohortComponentProjection.step(initial, rates: noImmigration)
        #expect(markovError(try l.multiplied(by: initial.values), stepped.values) < markovTolerance)
        let growth = try GrowthMatrixAnalysis.analyze(rates[0])
        let lambda = try MarkovFixture.number(c["lambda"], "lambda")
        #expect(abs(growth.dominantEigenvalue - lambda) < 1e-12 * lambda)
        #expect(abs(growth.intrinsicGrowthRate - (try MarkovFixture.number(c["r"], "r"))) < 1e-12)
        // Eigenvectors are less well conditioned than eigenvalues: 1e-10.
        #expect(markovError(growth.stableDistribution.values, try MarkovFixture.vector(c["stable"], "stable")) < 1e-10)
        #expect(abs(growth.stableDistribution.total - 1) < 1e-12)
        #expect(growth.dampingRatio > 1)
        // vᵀw = 1 and vᵀL = λvᵀ.
        let v = growth.reproductiveValues
        let vl = try l.multiplied(by: v, transposeSelf: true)
        #expect(markovError(vl, v.map { $0 * growth.dominantEigenvalue }) < 1e-9)
    }
}
