import Foundation
import Testing
import MigrationData
@testable import MigrationModels

/// The formula entry points (`LinearModel.fit(_:data:…)`, `GeneralizedLinearModel.fit(_:data:…)`)
/// on tables built from plain Swift arrays and read from CSV, against the statsmodels and
/// pyfixest values of Tests/Fixtures/regression/reference.json (make_reference.py).
@Suite("Regressions from a formula and a table")
struct FormulaFitTests {
    let ref = RegressionFixture.shared

    @Test func olsFromPlainArrays() throws {
        let d = try RegressionFixture.data("ols.csv")
        // Plain Swift arrays in, through a Table; cluster columns as integer labels.
        let table = try Table([
            ("y", Column(d["y"]!)), ("x1", Column(d["x1"]!)), ("x2", Column(d["x2"]!)),
            ("cl1", Column(d["cl1"]!.map { Int($0) })), ("cl2", Column(d["cl2"]!.map { Int($0) })),
        ])
        let hc1 = try LinearModel.fit("y ~ x1 + x2", data: table, variance: .hc1, correction: .statsmodels)
        expectClose(hc1.estimates, try ref.coef("sm_ols"), coefTolerance, "sm_ols coef")
        expectClose(hc1.standardErrors, try ref.se("sm_ols", "HC1"), seTolerance, "sm_ols se HC1")
        #expect(rel(hc1.rSquared!, try ref.scalar("sm_ols", "rsquared")) < 1e-10)
        let twoWay = try LinearModel.fit("y ~ x1 + x2", data: table, variance: .twoWayCluster("cl1", "cl2"), correction: .statsmodels)
        expectClose(twoWay.standardErrors, try ref.se("sm_ols", "cluster_cl1_cl2"), seTolerance, "sm_ols se two-way")
        // The same fit from a ColumnDictionary of arrays.
        let dictionary = ColumnDictionary(numeric: ["y": d["y"]!, "x1": d["x1"]!, "x2": d["x2"]!])
        let iid = try LinearModel.fit("y ~ x1 + x2", data: dictionary, correction: .statsmodels)
        expectClose(iid.standardErrors, try ref.se("sm_ols", "nonrobust"), seTolerance, "sm_ols se iid")
        #expect(throws: ModelFrameError.self) {
            try LinearModel.fit("y ~ x1", data: table, variance: .cluster("no_such_column"))
        }
    }

    @Test func ppmlFromCSVTable() throws {
        let table = try CSVReader.readTable(path: TestData.fixtures.appendingPathComponent("regression/gravity.csv").path)
        let r = try GeneralizedLinearModel.fit("flow ~ ldist + contig | orig^year + dest^year", data: table, family: .poisson,
                                               variance: .cluster("pair"), correction: .fixest)
        expectClose(r.estimates, try ref.coef("pf_ppml_gravity"), coefTolerance, "ppml coef")
        expectClose(r.standardErrors, try ref.se("pf_ppml_gravity", "CRV1_pair"), seTolerance, "ppml se CRV1_pair")
        #expect(r.observations == Int(try ref.scalar("pf_ppml_gravity", "nobs_used")))
        let droppedRef = (try ref.case("pf_ppml_gravity")["dropped_rows"] as? [Int]) ?? []
        #expect(r.dropped.fixedEffectSeparation == droppedRef.sorted())
    }

    @Test func rowIndicesAreRowsOfTheTable() throws {
        // Row 1 has a missing x and is left out before fitting; row 4 is a singleton of its
        // fixed effect and dropped by the fit. Both indices refer to the table.
        let table = try Table([
            ("y", Column.double([1, 2, 3, 4, 5, 6, 7])),
            ("x", Column.double([0.5, nil, 1.5, 2.5, 0.7, 3.1, 1.9])),
            ("g", Column(["a", "a", "a", "b", "c", "b", "a"])),
        ])
        let r = try LinearModel.fit("y ~ x | g", data: table)
        #expect(r.dropped.singletons == [4])
        #expect(r.estimationRows == [0, 2, 3, 5, 6])
    }

    @Test("a Table hands its masked columns to the model frame: the same frame as from optional arrays")
    func tableAndDictionaryFramesAgree() throws {
        let y: [Double?] = [1, 2, nil, 4, 5, 6, 7, 8]
        let x: [Int?] = [3, nil, 1, 4, 1, 5, 9, 2]
        let w: [Double?] = [1, 1, 2, 2, 1, nil, 1, 1]
        let g: [Int?] = [1, 1, 2, 2, 1, 2, nil, 1]
        let table = try Table([("y", .double(y)), ("x", .int(x)), ("w", .double(w)), ("g", .int(g))])
        let dictionary = ColumnDictionary(numeric: ["y": y, "x": x.map { $0.map(Double.init) }, "w": w],
                                          labels: ["g": g.map { $0.map(String.init) }])
        let formula = try Formula("y ~ x + log(x) | g")
        let fromTable = try ModelFrame(formula: formula, data: table, weights: "w", clusters: ["g"])
        let fromDictionary = try ModelFrame(formula: formula, data: dictionary, weights: "w", clusters: ["g"])
        #expect(fromTable.rows == [0, 3, 4, 7])
        #expect(fromTable.rows == fromDictionary.rows)
        #expect(fromTable.missingRows.map(\.row) == [1, 2, 5, 6])
        #expect(fromTable.missingRows.map(\.variable) == fromDictionary.missingRows.map(\.variable))
        #expect(fromTable.response == fromDictionary.response)
        #expect(fromTable.regressors == fromDictionary.regressors)
        #expect(fromTable.weights == fromDictionary.weights)
        #expect(fromTable.fixedEffects.map(\.codes) == fromDictionary.fixedEffects.map(\.codes))
    }
}
