import Foundation
import Testing
import Linalg
@testable import MigrationModels

@Suite("Flows from stocks, net totals to flows, zero-sum rescaling (migest methods, numpy/quadprog references)")
struct FlowsFromStocksTests {
    static func matrix(_ any: Any?) throws -> Matrix {
        let rows = try #require(any as? [[Any]]).map { $0.compactMap { ($0 as? NSNumber)?.doubleValue } }
        return try Matrix(rows)
    }

    static func vector(_ any: Any?) throws -> [Double] {
        try #require(any as? [Any]).compactMap { ($0 as? NSNumber)?.doubleValue }
    }

    @Test("Stock differencing (migest ffs_diff example): decreases as zero or as return flows")
    func stockDifferencing() throws {
        let c = try FlowsFixture.shared.object("stocks", "ffs_diff")
        let s1 = try Self.matrix(c["stock_start"]), s2 = try Self.matrix(c["stock_end"])
        let zero = try FlowsFromStocks.stockDifferences(start: s1, end: s2, decrease: .zero)
        let back = try FlowsFromStocks.stockDifferences(start: s1, end: s2, decrease: .returnFlows)
        #expect(zero.maxAbsDifference(try Self.matrix(c["zero"])) == 0)
        #expect(back.maxAbsDifference(try Self.matrix(c["return"])) == 0)
        // include_native_born = TRUE: the diagonal keeps the native-born change.
        let nativeZero = try FlowsFromStocks.stockDifferences(start: s1, end: s2, decrease: .zero, includeNativeBorn: true)
        let nativeBack = try FlowsFromStocks.stockDifferences(start: s1, end: s2, decrease: .returnFlows, includeNativeBorn: true)
        #expect(nativeZero.maxAbsDifference(try Self.matrix(c["native_zero"])) == 0)
        #expect(nativeBack.maxAbsDifference(try Self.matrix(c["native_return"])) == 0)
        #expect((0..<4).contains { nativeBack[$0, $0] != 0 })
        #expect(throws: FlowEstimationError.self) { _ = try FlowsFromStocks.stockDifferences(start: s1, end: try Matrix([[1, 2]])) }
    }

    static let demoCases = ["demo_dr_stayers", "demo_dr_births_open_dr", "demo_science_rescale", "demo_science_births_proportion",
                            "demo_imr_independent_seed", "demo_imr_open"]

    @Test("Demographic accounting (migest ffs_demo's paper examples) equals the numpy reference to 1e-8", arguments: demoCases)
    func demographicAccounting(name: String) throws {
        let c = try FlowsFixture.shared.object("stocks", name)
        var options = DemographicAccountingOptions()
        options.stayerAssumption = (c["stayer"] as? Bool) ?? true
        options.birthplaceMatching = DemographicAccountingOptions.BirthplaceMatching(rawValue: (c["method"] as? String) ?? "rescale") ?? .rescale
        if c["seed_used"] != nil { options.seed = try Self.matrix(c["seed_used"]) }
        options.birthMethod = DemographicAccountingOptions.BirthMethod(rawValue: (c["birth_method"] as? String) ?? "native") ?? .native
        options.ipf.tolerance = 1e-12
        let r = try FlowsFromStocks.demographicAccounting(stockStart: try Self.matrix(c["s1"]), stockEnd: try Self.matrix(c["s2"]),
                                                          births: try Self.vector(c["births"]), deaths: try Self.vector(c["deaths"]), options: options)
        let expected = try Self.vector(c["flows"])
        #expect(expected.count == r.flows.values.count)
        var worst = 0.0
        for (a, b) in zip(r.flows.values, expected) { worst = max(worst, abs(a - b)) }
        #expect(worst < 1e-8, "\(name): max |Δ| = \(worst)")
        // The flows reproduce the adjusted stocks: Σ_j y[i, j, k] = S₁[k, i], Σ_i y[i, j, k] = S₂[k, j].
        let n = r.adjustedStart.rows
        for i in 0..<n {
            for k in 0..<n {
                var out = 0.0, into = 0.0
                for j in 0..<n { out += r.flows[[i, j, k]]; into += r.flows[[j, i, k]] }
                #expect(abs(out - r.adjustedStart[k, i]) < 1e-8 && abs(into - r.adjustedEnd[k, i]) < 1e-8)
            }
        }
        #expect((0..<n).allSatisfy { r.migrantFlows[$0, $0] == 0 })
    }

    @Test("Demographic accounting refuses a negative adjusted stock (migest carries it on silently)")
    func negativeAdjustedStock() throws {
        let c = try FlowsFixture.shared.object("stocks", "demo_dr_births_open_dr")
        var options = DemographicAccountingOptions()
        options.birthplaceMatching = .open
        #expect(throws: FlowEstimationError.self) {
            _ = try FlowsFromStocks.demographicAccounting(stockStart: try Self.matrix(c["s1"]), stockEnd: try Self.matrix(c["s2"]),
                                                          births: try Self.vector(c["births"]), deaths: try Self.vector(c["deaths"]), options: options)
        }
    }

    @Test("Net totals to flows: multiplicative IPF and the L2 programme equal numpy and quadprog", arguments: ["net", "net7"])
    func netFlows(name: String) throws {
        let c = try FlowsFixture.shared.object("stocks", name)
        let prior = try Self.matrix(c["prior"]), net = try Self.vector(c["net"])
        let mult = try NetMigrationFlows.multiplicative(netTotals: net, prior: prior)
        #expect(mult.flows.maxAbsDifference(try Self.matrix(c["multiplicative"])) < 1e-8)
        #expect(mult.maxNetResidual < 1e-8)
        let l2 = try NetMigrationFlows.leastSquares(netTotals: net, prior: prior)
        #expect(l2.flows.maxAbsDifference(try Self.matrix(c["l2_nonnegative"])) < 1e-8, "\(name): \(l2.flows)")
        #expect(l2.flows.elements.allSatisfy { $0 >= 0 })
        if c["l2_free"] != nil {
            let free = try NetMigrationFlows.leastSquares(netTotals: net, prior: prior, nonNegative: false)
            #expect(free.flows.maxAbsDifference(try Self.matrix(c["l2_free"])) < 1e-8)
            #expect(free.iterations <= 1)
        }
    }

    @Test("Net totals that do not sum to zero are refused; rescaling (migest rescale_net example) fixes them")
    func rescaling() throws {
        let c = try FlowsFixture.shared.object("stocks", "rescale_net")
        let x = try Self.vector(c["x"])
        let noSwitch = try NetMigrationFlows.rescaleToZeroSum(x, method: .noSwitches)
        let switched = try NetMigrationFlows.rescaleToZeroSum(x, method: .switches)
        for (a, b) in zip(noSwitch, try Self.vector(c["no_switches"])) { #expect(abs(a - b) < 1e-12) }
        for (a, b) in zip(switched, try Self.vector(c["switches"])) { #expect(abs(a - b) < 1e-12) }
        #expect(abs(noSwitch.reduce(0, +)) < 1e-12 && abs(switched.reduce(0, +)) < 1e-12)
        let integer = try NetMigrationFlows.rescaleToZeroSum(x, integer: true)
        #expect(integer.reduce(0, +) == 0 && integer.allSatisfy { $0 == $0.rounded() })
        let prior = try Matrix([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
        #expect(throws: FlowEstimationError.self) { _ = try NetMigrationFlows.multiplicative(netTotals: [1, 1, -1], prior: prior) }
        // A region with a positive net and no possible inflow.
        let noInflow = try Matrix([[0, 1, 1], [0, 0, 1], [0, 1, 0]])
        #expect(throws: FlowEstimationError.self) { _ = try NetMigrationFlows.multiplicative(netTotals: [5, -2, -3], prior: noInflow) }
    }
}
