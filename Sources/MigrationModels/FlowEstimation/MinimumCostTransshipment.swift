import Linalg

/// The uncapacitated minimum-cost transshipment problem on a directed graph of regions, solved
/// by successive shortest paths (Ahuja, Magnanti & Orlin 1993, *Network Flows*, §9.7):
///
///     minimise Σᵢⱼ cᵢⱼ yᵢⱼ  subject to  Σᵢ yᵢₖ − Σⱼ yₖⱼ = netₖ (in − out),  yᵢⱼ ≥ 0,
///     yᵢⱼ = 0 where the cell is not allowed,
///
/// with costs cᵢⱼ ≥ 0. Regions with a negative net are sources (supply −netₖ), regions with a
/// positive net sinks. A super source S feeds every source and a super sink T drains every sink;
/// each step finds a shortest S → T path in the residual graph (forward arcs i → j of allowed
/// cells, cost cᵢⱼ, unbounded; backward arcs j → i of cells carrying flow, cost −cᵢⱼ, capacity
/// yᵢⱼ) by Dijkstra's algorithm on reduced costs c + πᵤ − πᵥ ≥ 0 (node potentials π, updated by
/// the distances), and sends along it the most it can carry: the source's remaining supply, the
/// sink's remaining demand or a backward arc's flow, whichever is smallest, which that step
/// exhausts. When every supply is sent the flow is optimal: the potentials are a dual solution
/// with zero reduced cost on every cell that carries flow (complementary slackness). Each step is
/// O(n²) (dense Dijkstra); a step exhausts a supply, a demand or a backward arc, and in practice
/// there are O(n) steps. Ties are broken by the lowest region index, so results are
/// deterministic. Internal: the public entry point is
/// `NetMigrationFlows.minimumCost(netTotals:costs:structuralZeros:prior:maxIterations:)`.
struct MinimumCostTransshipment {
    /// Row-major n × n flows.
    var flows: [Double]
    /// Shortest-path augmentations performed.
    var augmentations: Int

    /// Solves the problem. `net` must sum to (nearly) zero, `cost` (row-major n × n) be finite
    /// and ≥ 0 on allowed cells; the caller checks both.
    /// - Parameters:
    ///   - net: netₖ = in − out per region.
    ///   - cost: cᵢⱼ, row-major n × n.
    ///   - allowed: allowed[i][j] is true when flows from i to j may be positive.
    ///   - maxAugmentations: the most shortest-path steps before giving up.
    /// - Throws: `FlowEstimationError.invalidInput` when a sink cannot be reached from the
    ///   remaining sources through allowed cells (no feasible flow), `notConverged` after
    ///   `maxAugmentations` steps.
    init(net: [Double], cost: [Double], allowed: [[Bool]], maxAugmentations: Int) throws {
        let n = net.count
        let source = n, sink = n + 1, nodes = n + 2
        let scale = max(1, net.map(abs).max() ?? 1)
        // Amounts below this are rounding left-overs of a zero-sum net vector.
        let negligible = 1e-12 * scale
        var supply = net.map { max(-$0, 0) }
        var demand = net.map { max($0, 0) }
        var y = [Double](repeating: 0, count: n * n)
        var potential = [Double](repeating: 0, count: nodes)
        var steps = 0
        // Predecessor arcs of the shortest-path tree: node and whether the arc runs backward
        // along a cell that carries flow.
        var previous = [Int](repeating: -1, count: nodes)
        var backward = [Bool](repeating: false, count: nodes)
        var distance = [Double](repeating: .infinity, count: nodes)
        var settled = [Bool](repeating: false, count: nodes)
        while supply.contains(where: { $0 > negligible }) && demand.contains(where: { $0 > negligible }) {
            guard steps < maxAugmentations else {
                let left = supply.reduce(0, +)
                throw FlowEstimationError.notConverged(what: "minimum-cost net flows (successive shortest paths)", iterations: steps,
                                                       deviation: left / scale, tolerance: 1e-12)
            }
            steps += 1
            for v in 0..<nodes { distance[v] = .infinity; previous[v] = -1; backward[v] = false; settled[v] = false }
            distance[source] = 0
            // Dense Dijkstra (reduced costs are ≥ 0; rounding below 0 is clamped).
            while true {
                var u = -1
                for v in 0..<nodes where !settled[v] && distance[v].isFinite && (u < 0 || distance[v] < distance[u]) { u = v }
                if u < 0 { break }
                settled[u] = true
                func relax(_ v: Int, _ reducedCost: Double, _ isBackward: Bool) {
                    let d = distance[u] + max(0, reducedCost)
                    if d < distance[v] { distance[v] = d; previous[v] = u; backward[v] = isBackward }
                }
                if u == source {
                    for s in 0..<n where supply[s] > negligible && !settled[s] { relax(s, potential[source] - potential[s], false) }
                } else if u < n {
                    if demand[u] > negligible && !settled[sink] { relax(sink, potential[u] - potential[sink], false) }
                    for v in 0..<n where v != u && !settled[v] {
                        let forward = allowed[u][v] ? cost[u * n + v] + potential[u] - potential[v] : Double.infinity
                        let back = y[v * n + u] > 0 ? -cost[v * n + u] + potential[u] - potential[v] : Double.infinity
                        if back < forward { relax(v, back, true) } else if forward.isFinite { relax(v, forward, false) }
                    }
                }
            }
            guard distance[sink].isFinite else {
                let k = (0..<n).first { demand[$0] > negligible } ?? 0
                throw FlowEstimationError.invalidInput("region \(k) (0-based) has a positive net (\(net[k])) that no region with a negative net can reach through the allowed cells — allow more cells (fewer structural zeros) or correct the nets")
            }
            for v in 0..<nodes where distance[v].isFinite { potential[v] += distance[v] }
            // The path T ← t ← … ← s ← S and the most it can carry.
            var path: [(from: Int, to: Int, backward: Bool)] = []
            var v = sink
            while v != source {
                let u = previous[v]
                path.append((u, v, backward[v]))
                v = u
            }
            guard let first = path.last, let last = path.first else { break }
            let s = first.to, t = last.from
            var amount = min(supply[s], demand[t])
            for arc in path where arc.backward { amount = min(amount, y[arc.to * n + arc.from]) }
            for arc in path where arc.from < n && arc.to < n {
                if arc.backward {
                    let k = arc.to * n + arc.from
                    y[k] = y[k] == amount ? 0 : max(0, y[k] - amount)
                } else {
                    y[arc.from * n + arc.to] += amount
                }
            }
            supply[s] = supply[s] == amount ? 0 : supply[s] - amount
            demand[t] = demand[t] == amount ? 0 : demand[t] - amount
        }
        flows = y
        augmentations = steps
    }
}
