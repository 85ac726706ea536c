import Linalg

/// Flows of least total cost (by default: least total migration) that produce given net totals.
///
/// Members: `flows` (origin × destination, ≥ 0; structural zeros and the diagonal by default are
/// 0), `totalCost` (Σ cᵢⱼyᵢⱼ, the optimal objective), `totalFlow` (Σ yᵢⱼ), `priorDeviation`
/// (Σ |yᵢⱼ − mᵢⱼ| over the allowed cells — migest `net_matrix_lp`'s `value`; nil without a prior),
/// `maxNetResidual` (max |Σᵢ yᵢₖ − Σⱼ yₖⱼ − netₖ|) and `augmentations` (shortest-path steps).
public struct MinimumCostFlowResult: Sendable {
    public let flows: Matrix
    public let totalCost: Double
    public let totalFlow: Double
    public let priorDeviation: Double?
    public let maxNetResidual: Double
    public let augmentations: Int
}

extension NetMigrationFlows {
    /// The origin–destination flows of least total cost that produce the net totals, by linear
    /// programming (migest `net_matrix_lp`, 2.0.5):
    ///
    ///     minimise Σᵢⱼ cᵢⱼ yᵢⱼ  subject to  Σᵢ yᵢₖ − Σⱼ yₖⱼ = netₖ (in − out),  yᵢⱼ ≥ 0,
    ///     yᵢⱼ = 0 on structural zeros (default: the diagonal).
    ///
    /// With the default unit costs this is migest's objective: its code minimises Σ (x⁺ + x⁻) over
    /// split variables, the total flow — the prior m enters only the reported `value`
    /// Σ|y − m| (here `priorDeviation`), not the optimisation, although migest's documentation
    /// speaks of the deviation from m. The minimum total is Σₖ max(netₖ, 0) when every pair is
    /// allowed: each region with a negative net sends straight to regions with a positive net.
    /// That optimum is rarely unique (any such transport plan is optimal) and an LP solver
    /// returns one of them: migest (lpSolve) gives C→B 15, D→A 30, D→B 25 on its example, this
    /// function C→A 15, D→A 15, D→B 40 — same total 70, same nets. Costs cᵢⱼ (e.g. distances)
    /// choose among them, and with structural zeros flows may pass through other regions.
    ///
    /// Solved exactly (no iteration tolerance) by successive shortest paths on the region graph,
    /// a network-flow form of the LP; checked against scipy's HiGHS (`linprog`) in
    /// Tests/Fixtures/flows/make_lp_reference.py.
    ///
    /// One deliberate difference: migest's split variables x⁺ − x⁻ let a cell carry a negative
    /// flow, a move in the opposite direction. With a symmetric mask (the default) that changes
    /// nothing — the same move is the positive flow of the mirrored cell — but with an asymmetric
    /// mask migest can move people along a forbidden direction as a negative entry. Here flows
    /// are ≥ 0, as migest's documentation states, and a structural zero stays 0.
    /// - Parameters:
    ///   - netTotals: netₖ = in − out per region; must sum to zero (rescale first with
    ///     `rescaleToZeroSum(_:method:weights:integer:)`).
    ///   - costs: cᵢⱼ ≥ 0 per unit of flow (regions × regions; nil: 1 everywhere, migest's
    ///     objective). Values on structural zeros are ignored.
    ///   - structuralZeros: cells forced to 0 (nil: the diagonal, migest's default `zero_mask`).
    ///   - prior: a prior matrix m, used only for `priorDeviation` (migest's `value`).
    ///   - maxIterations: the most shortest-path steps (each exhausts a supply, a demand or a
    ///     reversed flow; a handful per region in practice).
    /// - Returns: the flows and the objective (`MinimumCostFlowResult`).
    /// - Throws: `FlowEstimationError.invalidInput` for shapes that do not match, fewer than 2
    ///   regions, nets that do not sum to zero, or a region with a positive net that no region
    ///   with a negative net can reach through the allowed cells (no feasible flow);
    ///   `invalidValue` for non-finite nets, prior values or costs, or negative costs;
    ///   `notConverged` after `maxIterations` steps.
    public static func minimumCost(netTotals: [Double], costs: Matrix? = nil, structuralZeros: [[Bool]]? = nil, prior: Matrix? = nil,
                                   maxIterations: Int = 1_000_000) throws -> MinimumCostFlowResult {
        let n = netTotals.count
        guard n >= 2 else { throw FlowEstimationError.invalidInput("at least 2 regions are needed, got \(n) net totals") }
        for (name, m) in [("costs", costs), ("prior", prior)] {
            if let m, m.rows != n || m.cols != n {
                throw FlowEstimationError.invalidInput("the \(name) must be \(n)×\(n) for \(n) net totals, got \(m.rows)×\(m.cols)")
            }
        }
        if let z = structuralZeros, z.count != n || !z.allSatisfy({ $0.count == n }) {
            throw FlowEstimationError.invalidInput("structural zeros must be \(n)×\(n)")
        }
        for (k, v) in netTotals.enumerated() where !v.isFinite {
            throw FlowEstimationError.invalidValue(what: "net totals", index: k, value: v, requirement: "they must be finite")
        }
        let total = netTotals.reduce(0, +), scale = max(1, netTotals.map(abs).max() ?? 1)
        guard abs(total) <= 1e-9 * scale else {
            throw FlowEstimationError.invalidInput("net totals sum to \(total), not 0 — every move is an in-move somewhere; rescale them first (NetMigrationFlows.rescaleToZeroSum)")
        }
        let allowed = (0..<n).map { i in (0..<n).map { j in !(structuralZeros?[i][j] ?? (i == j)) } }
        var c = [Double](repeating: 1, count: n * n)
        if let costs {
            for i in 0..<n { for j in 0..<n where allowed[i][j] {
                let v = costs[i, j]
                guard v.isFinite, v >= 0 else {
                    throw FlowEstimationError.invalidValue(what: "costs (row-major)", index: i * n + j, value: v, requirement: "costs of allowed cells must be finite and ≥ 0")
                }
                c[i * n + j] = v
            } }
        }
        if let prior {
            for (k, v) in prior.elements.enumerated() where !v.isFinite {
                throw FlowEstimationError.invalidValue(what: "prior (column-major)", index: k, value: v, requirement: "it must be finite")
            }
        }
        let solution = try MinimumCostTransshipment(net: netTotals, cost: c, allowed: allowed, maxAugmentations: maxIterations)
        let flows = try Matrix(rows: n, cols: n, rowMajor: solution.flows)
        var cost = 0.0, flow = 0.0, deviation = 0.0
        for i in 0..<n { for j in 0..<n where allowed[i][j] {
            cost += c[i * n + j] * flows[i, j]
            flow += flows[i, j]
            if let prior { deviation += abs(flows[i, j] - prior[i, j]) }
        } }
        return MinimumCostFlowResult(flows: flows, totalCost: cost, totalFlow: flow, priorDeviation: prior == nil ? nil : deviation,
                                     maxNetResidual: netResidual(flows, netTotals), augmentations: solution.augmentations)
    }
}
