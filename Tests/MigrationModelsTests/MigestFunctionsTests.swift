import Foundation
import Linalg
import Testing
@testable import MigrationModels

/// The migest functions of issue 17 against Tests/Fixtures/flows/migest_reference.json
/// (make_migest_reference.py: migest 2.0.5's R code re-implemented in numpy on its examples).
@Suite("migest functions: ffs_rates, cm_net_tot, fitted parameters, integer rules, weighted median")
struct MigestFunctionsTests {
    nonisolated(unsafe) static let reference: [String: Any] = {
        let url = TestData.fixtures.appendingPathComponent("flows/migest_reference.json")
        guard let data = try? Data(contentsOf: url), let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return obj
    }()

    static func object(_ key: String) throws -> [String: Any] { try #require(reference[key] as? [String: Any], "migest_reference.json has no \(key)") }
    static func matrix(_ any: Any?) throws -> Matrix { try FlowsFromStocksTests.matrix(any) }
    static func vector(_ any: Any?) throws -> [Double] { try FlowsFromStocksTests.vector(any) }

    func worst(_ a: Matrix, _ b: Matrix) -> Double {
        guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
        return zip(a.elements, b.elements).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test("ffs_rates: Dennett's shares of the start stocks and Rogers–von Rabenau's growth matrix (roxygen example)")
    func rates() throws {
        let c = try Self.object("ffs_rates")
        let s1 = try Self.matrix(c["s1"]), s2 = try Self.matrix(c["s2"])
        let m = try #require((c["M"] as? NSNumber)?.doubleValue)
        let dennett = try FlowsFromStocks.dennettRates(stockStart: s1, totalFlow: m)
        #expect(worst(dennett, try Self.matrix(c["dennett"])) < 1e-10)
        #expect(abs(dennett.elements.reduce(0, +) - m) < 1e-9)
        let rvr = try FlowsFromStocks.rogersVonRabenau(stockStart: s1, stockEnd: s2)
        #expect(worst(rvr, try Self.matrix(c["rogers_von_rabenau"])) < 1e-9)
        #expect(rvr.elements.contains { $0 < 0 })   // the method can give negative flows, as migest says
        #expect(throws: FlowEstimationError.self) { try FlowsFromStocks.rogersVonRabenau(stockStart: try Matrix([[1, 1], [1, 1]]), stockEnd: s2) }
    }

    @Test("cm_net_tot: both roxygen examples — flows, α (α₁ = 1) and λ; nets and total met")
    func netWithTotal() throws {
        let cases = try #require(Self.reference["cm_net_tot"] as? [[String: Any]])
        #expect(cases.count == 2)
        for c in cases {
            let net = try Self.vector(c["net"]), m = try Self.matrix(c["m"])
            let total = try #require((c["tot"] as? NSNumber)?.doubleValue)
            let noZeros = [[Bool]](repeating: [Bool](repeating: false, count: net.count), count: net.count)   // migest keeps the diagonal
            let r = try NetMigrationFlows.multiplicative(netTotals: net, prior: m, total: total, structuralZeros: noZeros)
            #expect(worst(r.flows, try Self.matrix(c["n"])) < 1e-6)
            let alpha = try #require(r.alpha)
            for (a, b) in zip(alpha, try Self.vector(c["alpha"])) { #expect(abs(a - b) < 1e-6 * max(1, abs(b))) }
            #expect(abs(r.scale - ((c["lambda"] as? NSNumber)?.doubleValue ?? .nan)) < 1e-6)
            #expect(abs(r.flows.elements.reduce(0, +) - total) < 1e-8 * total)
            #expect(NetMigrationFlows.netResidual(r.flows, net) <= 1e-10 * max(600, total))   // the stopping rule
        }
    }

    @Test("cm_net's and cm2's fitted parameters (normalised) equal migest's iterations'")
    func fittedParameters() throws {
        let c = try Self.object("cm_net")
        let net = try Self.vector(c["net"])
        let noZeros = [[Bool]](repeating: [Bool](repeating: false, count: 4), count: 4)
        let r = try NetMigrationFlows.multiplicative(netTotals: net, prior: try Self.matrix(c["m"]), structuralZeros: noZeros)
        #expect(worst(r.flows, try Self.matrix(c["n"])) < 1e-6)
        for (a, b) in zip(try #require(r.alpha), try Self.vector(c["alpha_normalised"])) { #expect(abs(a - b) < 1e-6 * max(1, b)) }
        #expect(r.scale == 1)
        let w = try Self.object("cm2")
        let fit = try IterativeProportionalFitting.fit(seed: try Self.matrix(w["m"]), rowTotals: try Self.vector(w["row_tot"]),
                                                       columnTotals: try Self.vector(w["col_tot"]))
        #expect(worst(fit.fitted, try Self.matrix(w["n"])) < 1e-8)
        for (a, b) in zip(try #require(fit.rowFactors), try Self.vector(w["alpha_normalised"])) { #expect(abs(a - b) < 1e-8 * b) }
        for (a, b) in zip(try #require(fit.columnFactors), try Self.vector(w["beta_normalised"])) { #expect(abs(a - b) < 1e-8 * b) }
    }

    @Test("cm3: known origin and destination totals spread over types (its first example), flows and factors")
    func typedFit() throws {
        let c = try Self.object("cm3")
        let seed = try ContingencyTable(shape: [2, 2, 2], values: try Self.vector(c["m_row_major"]))
        var options = IPFOptions()
        options.tolerance = 1e-13
        let r = try IterativeProportionalFitting.fitByType(seed: seed, rowTotals: try Self.vector(c["row_tot"]),
                                                           columnTotals: try Self.vector(c["col_tot"]), options: options)
        for (a, b) in zip(r.fitted.values, try Self.vector(c["n_row_major"])) { #expect(abs(a - b) < 1e-8) }
        for (a, b) in zip(r.rowFactors, try Self.vector(c["alpha_normalised"])) { #expect(abs(a - b) < 1e-8) }
        for (a, b) in zip(r.columnFactors, try Self.vector(c["beta_normalised"])) { #expect(abs(a - b) < 1e-8) }
        #expect(abs(r.fitted.values.reduce(0, +) - 76) < 1e-9)
    }

    @Test("nb_scale_global's integer rule (even gap, odd gap, gap mod 2 in (0, 0.5)) exactly")
    func nativeBornIntegerRule() throws {
        let cases = try #require(Self.reference["nb_scale_global"] as? [[String: Any]])
        #expect(cases.count == 3)
        for c in cases {
            let (a, b) = FlowsFromStocks.nativeBornIntegerScaling(try Self.matrix(c["s1"]), try Self.matrix(c["s2"]),
                                                                  births: try Self.vector(c["births"]), deaths: try Self.vector(c["deaths"]))
            let d1 = (0..<a.rows).map { a[$0, $0] }, d2 = (0..<b.rows).map { b[$0, $0] }
            let e1 = try Self.vector(c["s1_adjusted_diagonal"]), e2 = try Self.vector(c["s2_adjusted_diagonal"])
            // Exact up to the last bit of the fractional gaps numpy and Swift both carry.
            #expect(zip(d1, e1).allSatisfy { abs($0 - $1) < 1e-9 }, "\(c["name"] ?? ""): \(d1) vs \(e1)")
            #expect(zip(d2, e2).allSatisfy { abs($0 - $1) < 1e-9 }, "\(c["name"] ?? ""): \(d2) vs \(e2)")
        }
        // The option reaches the estimator: the even-gap accounts differ from the proportional rule.
        let c = cases[0]
        var options = DemographicAccountingOptions()
        options.nativeBornRescaling = .migestInteger
        let integer = try FlowsFromStocks.demographicAccounting(stockStart: try Self.matrix(c["s1"]), stockEnd: try Self.matrix(c["s2"]),
                                                                births: try Self.vector(c["births"]), deaths: try Self.vector(c["deaths"]), options: options)
        let proportional = try FlowsFromStocks.demographicAccounting(stockStart: try Self.matrix(c["s1"]), stockEnd: try Self.matrix(c["s2"]),
                                                                     births: try Self.vector(c["births"]), deaths: try Self.vector(c["deaths"]))
        #expect(worst(integer.migrantFlows, proportional.migrantFlows) > 1e-6)
    }

    @Test("rescale_net(integer_result = TRUE) on its example, exactly (R rounds half to even)")
    func rescaleNetInteger() throws {
        let c = try Self.object("rescale_net_integer")
        let x = try Self.vector(c["x"])
        #expect(try NetMigrationFlows.rescaleToZeroSum(x, method: .noSwitches, integer: true) == (try Self.vector(c["no_switches"])))
        #expect(try NetMigrationFlows.rescaleToZeroSum(x, method: .switches, integer: true) == (try Self.vector(c["switches"])))
    }

    @Test("the interpolated weighted median is matrixStats' (its own test values 5.5 and 3.5); the lower one is the default")
    func weightedMedian() throws {
        let cases = try #require(Self.reference["weighted_median_interpolated"] as? [[String: Any]])
        for c in cases {
            let x = try Self.vector(c["x"]), w = try Self.vector(c["w"]), expected = try #require((c["median"] as? NSNumber)?.doubleValue)
            #expect(abs(MigrationIndices.weightedMedian(x, weights: w, rule: .interpolated) - expected) < 1e-12)
        }
        #expect(MigrationIndices.weightedMedian(Array(1...10).map(Double.init), weights: [5] + Array(repeating: 1, count: 9)) == 3)   // cumulative 5, 6, 7 = half of 14
        // index_distance: the rule reaches the index.
        let flows = try Matrix([[0, 10, 5, 4], [3, 0, 8, 1], [6, 2, 0, 7], [2, 9, 3, 0]])
        let d = try Matrix([[0, 100, 200, 300], [100, 0, 150, 250], [200, 150, 0, 120], [300, 250, 120, 0]])
        let lower = try MigrationIndices.distance(flows: flows, distances: d)
        let interpolated = try MigrationIndices.distance(flows: flows, distances: d, median: .interpolated)
        var pairs: [(Double, Double)] = []
        for i in 0..<4 { for j in 0..<4 where i != j { pairs.append((d[i, j], flows[i, j])) } }
        // Lower: sorted distances 100 (13), 120 (10), 150 (10), … of 60 in all: 13, 23, 33 ≥ 30 at 150.
        #expect(lower.median == 150)
        #expect(abs(interpolated.median - MigrationIndices.weightedMedian(pairs.map(\.0), weights: pairs.map(\.1), rule: .interpolated)) < 1e-12)
    }
}

@Suite("migest index_connectivity: the measures migration.indices computes")
struct MigestConnectivityTests {
    @Test("migration.hyp, migration.hyp2 (documented values) and a random 5 × 5 matrix", arguments: ["hyp", "hyp2", "random5"])
    func connectivity(_ name: String) throws {
        let all = try #require(MigestFunctionsTests.reference["index_connectivity"] as? [String: Any])
        let c = try #require(all[name] as? [String: Any])
        let values = ((c["values"] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
        let documented = ((c["documented"] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
        let r = try MigrationIndices.connectivity(flows: try MigestFunctionsTests.matrix(c["m"]))
        let got: [String: Double] = [
            "connectivity": r.connectivity, "inequality_equal": r.inequalityEqual, "inequality_sim": r.inequalitySimulated,
            "gini_total": r.giniTotal, "gini_total_uncorrected": r.giniTotalUncorrected,
            "gini_orig_standardized": r.giniOriginStandardized, "gini_dest_standardized": r.giniDestinationStandardized,
            "mwg_orig": r.migrationWeightedGiniOrigin, "mwg_dest": r.migrationWeightedGiniDestination, "mwg_mean": r.migrationWeightedGiniMean,
            "cv_migest": r.coefficientOfVariationMigest, "acv": r.aggregatedCoefficientOfVariation,
        ]
        #expect(values.count == got.count)
        for (key, value) in values {
            #expect(abs((got[key] ?? .nan) - value) < 1e-9, "\(name) \(key): \(got[key] ?? .nan) vs \(value)")
        }
        // migration.indices' printed examples (7 digits).
        for (key, value) in documented { #expect(abs((got[key] ?? .nan) - value) < 5e-7, "\(name) \(key) documented") }
    }
}

@Suite("migest index_age and index_age_rc")
struct MigestAgeIndexTests {
    @Test("index_age on two profiles equals migest's code re-implemented")
    func ageProfile() throws {
        let cases = try #require(MigestFunctionsTests.reference["index_age"] as? [[String: Any]])
        #expect(cases.count == 2)
        for c in cases {
            let v = ((c["values"] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
            let r = try MigrationIndices.age(ages: try MigestFunctionsTests.vector(c["age"]), intensities: try MigestFunctionsTests.vector(c["mi"]))
            let got = ["gmr": r.grossMigraproduction, "peak_mi": r.peakIntensity, "peak_age": r.peakAge, "peak_breadth": r.peakBreadth,
                       "peak_share": r.peakShare, "murc": r.maximumUpwardChangeAge, "mdrc": r.maximumDownwardChangeAge, "asymmetry": r.asymmetry]
            #expect(v.count == got.count)
            for (key, value) in v { #expect(abs((got[key] ?? .nan) - value) < 1e-12 * max(1, abs(value)), "\(key)") }
        }
        #expect(throws: FlowEstimationError.self) { try MigrationIndices.age(ages: [0, 1, 2, 3], intensities: [0.1, 0.5, 0.2, 0.1]) }
    }

    /// rc_model_fund by hand: μ₂ = 20, a₁/a₂ = 0.02/0.06, a₂/a₁ = 3, λ₂/α₂ = 4, α₁/α₂ = 1.
    @Test("index_age_rc's peaking and labour dependency on rc_model_fund, by hand")
    func rogersCastroMeasures() {
        let m = RogersCastroParameters.fundamental.measures(model: .sevenParameter)
        #expect(m.peaking == 20)
        #expect(abs(m.childDependency - 1.0 / 3) < 1e-15 && abs(m.labourDependency - 3) < 1e-12)
        #expect(abs(m.labourAsymmetry - 4) < 1e-12 && abs(m.regularity - 1) < 1e-15)
    }
}

@Suite("migest ipf3_qi: the public three-way quasi-independent IPF")
struct QuasiIndependent3DTests {
    /// ipf3_qi's roxygen tables P1, P2 (row_tot = t(P1), col_tot = P2) are the stock tables of
    /// Tests/Fixtures/flows' demo_dr_stayers case (no births or deaths, equal birthplace totals),
    /// whose flows are ffs_demo's = ipf3_qi's fit.
    @Test("equals the demo_dr_stayers reference flows; the diagonal is min(O, D) and the margins are met")
    func stayersExample() throws {
        let c = try FlowsFixture.shared.object("stocks", "demo_dr_stayers")
        let p1 = try FlowsFromStocksTests.matrix(c["s1"]), p2 = try FlowsFromStocksTests.matrix(c["s2"])
        let n = p1.rows
        var origin = try Matrix(rows: n, cols: n), destination = try Matrix(rows: n, cols: n)
        for i in 0..<n { for k in 0..<n { origin[i, k] = p1[k, i]; destination[i, k] = p2[k, i] } }
        var options = IPFOptions()
        options.tolerance = 1e-12
        let r = try IterativeProportionalFitting.fitQuasiIndependent3D(originTotals: origin, destinationTotals: destination, options: options)
        let expected = try FlowsFromStocksTests.vector(c["flows"])
        var worst = 0.0
        for (a, b) in zip(r.fitted.values, expected) { worst = max(worst, abs(a - b)) }
        #expect(expected.count == r.fitted.values.count && worst < 1e-8, "max |Δ| = \(worst)")
        for i in 0..<n { for k in 0..<n {
            #expect(r.fitted[[i, i, k]] == min(origin[i, k], destination[i, k]))
            let o = (0..<n).reduce(0) { $0 + r.fitted[[i, $1, k]] }
            #expect(abs(o - origin[i, k]) < 1e-8 * max(1, origin[i, k]))
        } }
        // A diagonal above the margins is refused.
        var tooLarge = origin
        tooLarge[0, 0] += 1
        #expect(throws: FlowEstimationError.self) {
            try IterativeProportionalFitting.fitQuasiIndependent3D(originTotals: origin, destinationTotals: destination, diagonal: tooLarge)
        }
    }
}
