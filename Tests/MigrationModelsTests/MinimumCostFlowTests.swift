import Foundation
import Linalg
import Testing
@testable import MigrationModels

/// `NetMigrationFlows.minimumCost` (migest `net_matrix_lp`) against Tests/Fixtures/flows/lp_reference.json
/// (make_lp_reference.py: scipy's HiGHS on migest's LP and on the non-negative one).
@Suite("migest net_matrix_lp: least-cost flows from net totals, against scipy's HiGHS")
struct MinimumCostFlowTests {
    nonisolated(unsafe) static let cases: [String: [String: Any]] = {
        let url = TestData.fixtures.appendingPathComponent("flows/lp_reference.json")
        guard let data = try? Data(contentsOf: url), let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return obj["cases"] as? [String: [String: Any]] ?? [:]
    }()

    struct Case {
        let net: [Double]
        let mask: [[Bool]]
        let costs: Matrix?
        let prior: Matrix?
        let objective: Double
        let flows: Matrix?
        let raw: [String: Any]
    }

    static func load(_ name: String) throws -> Case {
        let c = try #require(cases[name], "lp_reference.json has no case \(name)")
        let mask = try #require(c["mask"] as? [[Bool]])
        return Case(net: try FlowsFromStocksTests.vector(c["net"]), mask: mask,
                    costs: c["costs"] is NSNull ? nil : try FlowsFromStocksTests.matrix(c["costs"]),
                    prior: c["prior"] is NSNull ? nil : try FlowsFromStocksTests.matrix(c["prior"]),
                    objective: try #require((c["objective"] as? NSNumber)?.doubleValue),
                    flows: c["flows"] is NSNull ? nil : try FlowsFromStocksTests.matrix(c["flows"]), raw: c)
    }

    /// The constraints, checked independently of the result's own residual: nets to 1e-9, no
    /// negative flow, structural zeros exactly 0.
    func checkFeasible(_ y: Matrix, _ c: Case) {
        let n = c.net.count
        var worstNet = 0.0, negative = false, zeroBroken = false
        for k in 0..<n {
            var inflow = 0.0, outflow = 0.0
            for i in 0..<n { inflow += y[i, k]; outflow += y[k, i] }
            worstNet = max(worstNet, abs(inflow - outflow - c.net[k]))
        }
        for i in 0..<n { for j in 0..<n {
            if y[i, j] < 0 { negative = true }
            if c.mask[i][j] && y[i, j] != 0 { zeroBroken = true }
        } }
        #expect(worstNet < 1e-9)
        #expect(!negative)
        #expect(!zeroBroken)
    }

    @Test("migest's example: total flow 70 = Σ max(net, 0), as migest's LP and lpSolve's printed matrix")
    func migestExample() throws {
        let c = try Self.load("migest_example")
        let r = try NetMigrationFlows.minimumCost(netTotals: c.net, prior: c.prior)
        checkFeasible(r.flows, c)
        #expect(abs(r.totalCost - c.objective) < 1e-9)
        #expect(abs(r.totalCost - 70) < 1e-9 && abs(r.totalFlow - 70) < 1e-9)
        #expect(abs(((c.raw["objective_migest_lp"] as? NSNumber)?.doubleValue ?? .nan) - r.totalCost) < 1e-9)
        // The documented lpSolve matrix is another optimum: same total.
        let documented = try FlowsFromStocksTests.matrix(c.raw["migest_documented"])
        #expect(abs(documented.elements.reduce(0, +) - r.totalFlow) < 1e-9)
        // Deterministic tie-breaking (lowest region first): C→A 15, D→A 15, D→B 40 (the doc comment's claim).
        let expected = try Matrix([[0, 0, 0, 0], [0, 0, 0, 0], [15, 0, 0, 0], [15, 40, 0, 0]])
        #expect(zip(r.flows.elements, expected.elements).allSatisfy { $0 == $1 })
        // migest's `value`: Σ|y − m| over the allowed cells.
        let prior = try #require(c.prior)
        var deviation = 0.0
        for i in 0..<4 { for j in 0..<4 where i != j { deviation += abs(r.flows[i, j] - prior[i, j]) } }
        #expect(abs((r.priorDeviation ?? .nan) - deviation) < 1e-12)
        #expect(r.maxNetResidual < 1e-12)
    }

    @Test("random costs: the unique optimum (flows to 1e-9, objective to 1e-9)",
          arguments: ["random_costs_5", "random_costs_8", "random_costs_12", "random_costs_9_masked", "asymmetric_mask"])
    func uniqueOptimum(_ name: String) throws {
        let c = try Self.load(name)
        let r = try NetMigrationFlows.minimumCost(netTotals: c.net, costs: c.costs, structuralZeros: c.mask)
        checkFeasible(r.flows, c)
        #expect(abs(r.totalCost - c.objective) < 1e-9 * max(1, c.objective))
        let reference = try #require(c.flows)
        let worst = zip(r.flows.elements, reference.elements).reduce(0) { max($0, abs($1.0 - $1.1)) }
        #expect(worst < 1e-9)
    }

    @Test("unit costs on a ring of regions: flows pass through other regions; objective as HiGHS")
    func transshipment() throws {
        let c = try Self.load("unit_costs_masked")
        let r = try NetMigrationFlows.minimumCost(netTotals: c.net, structuralZeros: c.mask)
        checkFeasible(r.flows, c)
        #expect(abs(r.totalCost - c.objective) < 1e-9)
        #expect(r.totalCost > c.net.reduce(0) { $0 + max($1, 0) } + 1)   // more than the direct minimum: transit needed
    }

    @Test("migest's negative flows along a forbidden direction are not reproduced: flows stay ≥ 0")
    func asymmetricMask() throws {
        let c = try Self.load("asymmetric_mask")
        let migest = try #require((c.raw["objective_migest_lp"] as? NSNumber)?.doubleValue)
        let r = try NetMigrationFlows.minimumCost(netTotals: c.net, structuralZeros: c.mask)
        #expect(abs(r.totalCost - 10) < 1e-12 && abs(migest - 5) < 1e-9)
        #expect(r.flows[1, 2] == 5 && r.flows[2, 0] == 5)
    }

    @Test("bad input: nets not summing to zero, unreachable sink, negative or non-finite costs, shapes")
    func badInput() throws {
        #expect(throws: FlowEstimationError.self) { try NetMigrationFlows.minimumCost(netTotals: [1, 2, -2]) }
        #expect(throws: FlowEstimationError.self) { try NetMigrationFlows.minimumCost(netTotals: [1]) }
        #expect(throws: FlowEstimationError.self) { try NetMigrationFlows.minimumCost(netTotals: [1, .nan, -1]) }
        // Region 2 has a positive net but every cell into it is a structural zero.
        var zeros = [[Bool]](repeating: [false, false, false], count: 3)
        for i in 0..<3 { zeros[i][i] = true; zeros[i][2] = true }
        do {
            _ = try NetMigrationFlows.minimumCost(netTotals: [-3, 1, 2], structuralZeros: zeros)
            Issue.record("an unreachable sink was accepted")
        } catch let error as FlowEstimationError {
            #expect(error.description.contains("region 2"))
        }
        let negative = try Matrix([[0, -1], [1, 0]])
        #expect(throws: FlowEstimationError.self) { try NetMigrationFlows.minimumCost(netTotals: [-1, 1], costs: negative) }
        let infinite = try Matrix([[0, .infinity], [1, 0]])
        #expect(throws: FlowEstimationError.self) { try NetMigrationFlows.minimumCost(netTotals: [-1, 1], costs: infinite) }
        #expect(throws: FlowEstimationError.self) { try NetMigrationFlows.minimumCost(netTotals: [-1, 1], costs: try Matrix(rows: 3, cols: 3)) }
        // A cost on the (forbidden) diagonal is ignored.
        let diagonalNaN = try Matrix([[.nan, 2], [3, .nan]])
        let r = try NetMigrationFlows.minimumCost(netTotals: [-1, 1], costs: diagonalNaN)
        #expect(r.flows[0, 1] == 1 && r.totalCost == 2)
        // All nets zero: no flow at all.
        let z = try NetMigrationFlows.minimumCost(netTotals: [0, 0, 0])
        #expect(z.totalFlow == 0 && z.augmentations == 0)
    }

    @Test("larger random systems: feasible, and the dual certificate holds (reduced costs ≥ 0, 0 on used cells)")
    func certificate() throws {
        var g = SplitMix64(seed: 7)
        let n = 60
        var net = (0..<n).map { _ in Double(Int(g.next() % 201) - 100) }
        net[n - 1] -= net.reduce(0, +)
        var cost = try Matrix(rows: n, cols: n)
        for i in 0..<n { for j in 0..<n { cost[i, j] = Double(g.next() % 1000) / 100 } }
        let r = try NetMigrationFlows.minimumCost(netTotals: net, costs: cost)
        let mask = (0..<n).map { i in (0..<n).map { $0 == i } }
        checkFeasible(r.flows, Case(net: net, mask: mask, costs: cost, prior: nil, objective: 0, flows: nil, raw: [:]))
        // Potentials from shortest paths on the residual graph (Bellman–Ford): an optimum has no
        // negative cycle, so the distances exist and give reduced costs ≥ 0 on every residual arc.
        var pi = [Double](repeating: 0, count: n)
        for _ in 0..<n {
            for i in 0..<n { for j in 0..<n where i != j {
                pi[j] = min(pi[j], pi[i] + cost[i, j])
                if r.flows[i, j] > 0 { pi[i] = min(pi[i], pi[j] - cost[i, j]) }
            } }
        }
        var violated = false
        for i in 0..<n { for j in 0..<n where i != j {
            if cost[i, j] + pi[i] - pi[j] < -1e-9 { violated = true }
            if r.flows[i, j] > 0 && abs(cost[i, j] + pi[i] - pi[j]) > 1e-9 { violated = true }
        } }
        #expect(!violated)
    }
}
