import Foundation
import Linalg

/// Origin–destination flows consistent with net migration totals.
///
/// Members: `flows` (origin × destination; structural zeros are 0), `iterations`,
/// `maxNetResidual` (max |Σᵢ yᵢₖ − Σⱼ yₖⱼ − netₖ|), `converged`, and for the multiplicative
/// model its fitted parameters: `alpha` (αₖ, normalised so that α₁ = 1, migest `cm_net_tot`'s
/// `alpha_constrained`; the model identifies only their ratios) and `scale` (λ, the grand-total
/// factor of `cm_net_tot`; 1 without a total).
public struct NetFlowResult: Sendable {
    public let flows: Matrix
    public let iterations: Int
    public let maxNetResidual: Double
    public let converged: Bool
    /// αₖ with α₁ = 1 (multiplicative model), nil for least squares.
    public let alpha: [Double]?
    /// λ (multiplicative model with a grand total), 1 otherwise.
    public let scale: Double

    init(flows: Matrix, iterations: Int, maxNetResidual: Double, converged: Bool, alpha: [Double]? = nil, scale: Double = 1) {
        self.flows = flows
        self.iterations = iterations
        self.maxNetResidual = maxNetResidual
        self.converged = converged
        self.alpha = alpha
        self.scale = scale
    }
}

/// How global net migration is forced to sum to zero (migest `rescale_net`; Abel 2018).
public enum NetRescaling: String, Sendable {
    /// Positive and negative values are scaled separately so that both sums move halfway to each
    /// other; no value changes sign.
    case noSwitches = "no-switches"
    /// The mean is subtracted from every value (small values may change sign).
    case switches
}

/// Estimating flows from net migration totals (migest `net_matrix_ipf`,
/// `net_matrix_optim`), and rescaling net totals to a zero sum.
public enum NetMigrationFlows {
    /// The multiplicative model log yᵢⱼ = log αᵢ − log αⱼ + log mᵢⱼ fitted to the net totals
    /// netₖ = Σᵢ yᵢₖ − Σⱼ yₖⱼ (in − out), with the prior m as offset (migest `net_matrix_ipf`;
    /// Abel & Smith). For region k with Aₖ = Σⱼ mₖⱼ/αⱼ and Cₖ = Σᵢ αᵢmᵢₖ the net constraint
    /// Cₖ/αₖ − αₖAₖ = netₖ is a quadratic with one positive root,
    /// αₖ = (−netₖ + √(netₖ² + 4AₖCₖ)) / (2Aₖ), updated region by region (Gauss–Seidel) until
    /// the largest net residual is ≤ tolerance·max(1, max|net|). Flows stay ≥ 0.
    /// - Parameters:
    ///   - netTotals: netₖ = in − out per region, summing to zero.
    ///   - prior: the offset m (regions × regions, ≥ 0).
    ///   - structuralZeros: cells forced to 0 (nil: the diagonal).
    ///   - tolerance: stop when the largest net residual is ≤ tolerance·max(1, max|net|).
    ///   - maxIterations: Gauss–Seidel sweeps allowed.
    /// - Throws: `FlowEstimationError.invalidInput` (shapes; nets not summing to zero — rescale
    ///   them first), `unattainableMargin` (a region with a positive net and no possible inflow,
    ///   or a negative net and no possible outflow), `notConverged`.
    public static func multiplicative(netTotals: [Double], prior: Matrix, structuralZeros: [[Bool]]? = nil,
                                      tolerance: Double = 1e-10, maxIterations: Int = 10_000) throws -> NetFlowResult {
        let n = netTotals.count
        let m = try checkedPrior(netTotals, prior, structuralZeros)
        var alpha = [Double](repeating: 1, count: n)
        var y = m
        let scale = max(1, netTotals.map(abs).max() ?? 1)
        var residual = Double.infinity
        var it = 0
        while it < maxIterations {
            it += 1
            for k in 0..<n {
                var a = 0.0, c = 0.0
                for j in 0..<n { a += m[k, j] / alpha[j]; c += alpha[j] * m[j, k] }
                let net = netTotals[k]
                if a == 0 && c == 0 { continue }
                if a == 0 { alpha[k] = net != 0 ? c / net : alpha[k]; continue }  // no outflow possible
                alpha[k] = (-net + (net * net + 4 * a * c).squareRoot()) / (2 * a)
            }
            y = flows(alpha, m)
            residual = netResidual(y, netTotals)
            if residual <= tolerance * scale { break }
        }
        guard residual <= tolerance * scale else {
            throw FlowEstimationError.notConverged(what: "net-flow IPF", iterations: it, deviation: residual / scale, tolerance: tolerance)
        }
        let a0 = alpha.first { $0 > 0 } ?? 1
        return NetFlowResult(flows: y, iterations: it, maxNetResidual: residual, converged: true, alpha: alpha.map { $0 / a0 })
    }

    /// The multiplicative model with a grand total (migest `cm_net_tot`; Abel & Smith):
    ///
    ///     yᵢⱼ = λ · αᵢ · mᵢⱼ / αⱼ,
    ///
    /// fitted to the net totals netₖ = Σᵢ yᵢₖ − Σⱼ yₖⱼ and Σᵢⱼ yᵢⱼ = `total`. Conditional
    /// maximisation: for λ fixed each αₖ solves the quadratic of `multiplicative(netTotals:prior:structuralZeros:tolerance:maxIterations:)`
    /// with the prior λm (region by region), then λ = total / Σ αᵢmᵢⱼ/αⱼ; until the largest net
    /// residual and the total's error are ≤ tolerance·max(1, max|net|, total). migest updates all
    /// α from the previous sweep's values and stops on the parameter change (tol 1e-6); both
    /// reach the same fitted flows, the unique maximum-likelihood fit of the model.
    /// - Parameters:
    ///   - netTotals: netₖ = in − out per region, summing to zero.
    ///   - prior: the offset m (regions × regions, ≥ 0).
    ///   - total: the grand total of the flows (> 0; at least Σ max(netₖ, 0), the least migration
    ///     that can produce the nets).
    ///   - structuralZeros: cells forced to 0 (nil: the diagonal).
    ///   - tolerance: the stopping rule's relative tolerance.
    ///   - maxIterations: sweeps allowed.
    /// - Throws: as `multiplicative(netTotals:prior:structuralZeros:tolerance:maxIterations:)`,
    ///   and `invalidInput` for a total that is not positive or below Σ max(netₖ, 0).
    public static func multiplicative(netTotals: [Double], prior: Matrix, total: Double, structuralZeros: [[Bool]]? = nil,
                                      tolerance: Double = 1e-10, maxIterations: Int = 100_000) throws -> NetFlowResult {
        let n = netTotals.count
        let m = try checkedPrior(netTotals, prior, structuralZeros)
        let least = netTotals.reduce(0) { $0 + max($1, 0) }
        guard total.isFinite, total > 0, total >= least * (1 - 1e-12) else {
            throw FlowEstimationError.invalidInput("the grand total \(total) must be positive and at least \(least), the sum of the positive nets (the least migration that produces them)")
        }
        var alpha = [Double](repeating: 1, count: n)
        var lambda = 1.0
        var y = m
        let scale = max(1, netTotals.map(abs).max() ?? 1, total)
        var residual = Double.infinity
        var it = 0
        while it < maxIterations {
            it += 1
            for k in 0..<n {
                var a = 0.0, c = 0.0
                for j in 0..<n { a += lambda * m[k, j] / alpha[j]; c += lambda * alpha[j] * m[j, k] }
                let net = netTotals[k]
                if a == 0 && c == 0 { continue }
                if a == 0 { alpha[k] = net != 0 ? c / net : alpha[k]; continue }
                alpha[k] = (-net + (net * net + 4 * a * c).squareRoot()) / (2 * a)
            }
            var sum = 0.0
            for i in 0..<n { for j in 0..<n { sum += alpha[i] * m[i, j] / alpha[j] } }
            guard sum > 0 else { throw FlowEstimationError.invalidInput("the prior has no possible flow") }
            lambda = total / sum
            y = flows(alpha, m).scaled(by: lambda)
            residual = netResidual(y, netTotals)
            if residual <= tolerance * scale { break }
        }
        guard residual <= tolerance * scale else {
            throw FlowEstimationError.notConverged(what: "net-flow conditional maximisation with a total", iterations: it, deviation: residual / scale, tolerance: tolerance)
        }
        let a0 = alpha.first { $0 > 0 } ?? 1
        // Normalising α₁ = 1 leaves αᵢ/αⱼ, hence the flows, unchanged.
        return NetFlowResult(flows: y, iterations: it, maxNetResidual: residual, converged: true, alpha: alpha.map { $0 / a0 }, scale: lambda)
    }

    /// The flows closest to the prior in least squares: minimise Σ (yᵢⱼ − mᵢⱼ)² subject to
    /// Σᵢ yᵢₖ − Σⱼ yₖⱼ = netₖ, structural zeros, and (when `nonNegative`) y ≥ 0 — the L2 problem
    /// migest's `net_matrix_optim` describes. Solved through its dual: yᵢⱼ(λ) = max(0, mᵢⱼ + λⱼ − λᵢ)
    /// (without the max when negative flows are allowed) and the concave dual maximised by a
    /// semismooth Newton method whose Jacobian is the Laplacian of the active flows, factorized by
    /// LAPACK (Cholesky; one λ pinned per connected component); exact in one step without the
    /// non-negativity constraint. Stops when the largest net residual is
    /// ≤ tolerance·max(1, max|net|).
    /// - Throws: as `multiplicative`, plus `unattainableMargin` when the allowed flows split the
    ///   regions into groups whose nets do not sum to zero.
    public static func leastSquares(netTotals: [Double], prior: Matrix, structuralZeros: [[Bool]]? = nil, nonNegative: Bool = true,
                                    tolerance: Double = 1e-12, maxIterations: Int = 200) throws -> NetFlowResult {
        let n = netTotals.count
        let m = try checkedPrior(netTotals, prior, structuralZeros, allowZeroPrior: true)
        var allowed = [[Bool]](repeating: [Bool](repeating: true, count: n), count: n)
        for i in 0..<n { for j in 0..<n { allowed[i][j] = !(structuralZeros?[i][j] ?? (i == j)) } }
        // Connected components of the allowed graph (undirected): each must have zero net.
        var component = [Int](repeating: -1, count: n)
        var components = 0
        for s in 0..<n where component[s] < 0 {
            var stack = [s]
            component[s] = components
            while let v = stack.popLast() {
                for w in 0..<n where component[w] < 0 && (allowed[v][w] || allowed[w][v]) { component[w] = components; stack.append(w) }
            }
            components += 1
        }
        for c in 0..<components {
            let total = (0..<n).filter { component[$0] == c }.reduce(0) { $0 + netTotals[$1] }
            if abs(total) > 1e-9 * max(1, netTotals.map(abs).max() ?? 1) {
                let first = (0..<n).first { component[$0] == c } ?? 0
                throw FlowEstimationError.unattainableMargin(what: "group of regions connected by allowed flows containing region", index: first, total: total)
            }
        }
        let pinned = (0..<components).map { c in (0..<n).first { component[$0] == c } ?? 0 }
        let free = (0..<n).filter { !pinned.contains($0) }
        var position = [Int](repeating: -1, count: n)
        for (q, k) in free.enumerated() { position[k] = q }
        var lambda = [Double](repeating: 0, count: n)
        func flowsAt(_ l: [Double]) -> Matrix {
            var y = m
            for i in 0..<n { for j in 0..<n {
                let v = allowed[i][j] ? m[i, j] + l[j] - l[i] : 0
                y[i, j] = nonNegative ? max(0, v) : v
            } }
            return y
        }
        func dual(_ y: Matrix, _ l: [Double]) -> Double {
            // Negative dual function (convex): ½Σ y(λ)² − Σ net·λ (up to a constant), y = flowsAt(λ).
            return 0.5 * y.elements.reduce(0) { $0 + $1 * $1 } - zip(netTotals, l).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let scale = max(1, netTotals.map(abs).max() ?? 1)
        var y = flowsAt(lambda)
        var residual = netResidual(y, netTotals)
        var it = 0
        while residual > tolerance * scale && it < maxIterations {
            it += 1
            // Gradient r = A y − net and the Laplacian of the active edges.
            var r = [Double](repeating: 0, count: n)
            for i in 0..<n { for j in 0..<n { r[j] += y[i, j]; r[i] -= y[i, j] } }
            for k in 0..<n { r[k] -= netTotals[k] }
            var h = try Matrix(rows: free.count, cols: free.count)
            for i in 0..<n {
                for j in 0..<n where allowed[i][j] && (!nonNegative || m[i, j] + lambda[j] - lambda[i] > 0) {
                    let pi = position[i], pj = position[j]
                    if pi >= 0 { h[pi, pi] += 1 }
                    if pj >= 0 { h[pj, pj] += 1 }
                    if pi >= 0 && pj >= 0 { h[pi, pj] -= 1; h[pj, pi] -= 1 }
                }
            }
            // Newton direction on the free multipliers: H δ = −r (regularized if a vertex lost
            // all its active flows).
            for q in 0..<free.count where h[q, q] == 0 { h[q, q] = 1 }
            let rhs = free.map { -r[$0] }
            let step: [Double]
            do {
                step = try h.cholesky().solve(rhs)
            } catch {
                do { step = try h.leastSquares(rhs, method: .svd()) } catch { throw FlowEstimationError.linearAlgebra("\(error)") }
            }
            var direction = [Double](repeating: 0, count: n)
            for (q, k) in free.enumerated() { direction[k] = step[q] }
            // Armijo backtracking on the dual.
            let f0 = dual(y, lambda)
            let slope = zip(r, direction).reduce(0) { $0 + $1.0 * $1.1 }
            var t = 1.0
            var next = lambda, yNext = y
            for _ in 0..<60 {
                next = zip(lambda, direction).map { $0 + t * $1 }
                yNext = flowsAt(next)
                if dual(yNext, next) <= f0 + 1e-4 * t * slope || t < 1e-12 { break }
                t /= 2
            }
            lambda = next
            y = yNext
            residual = netResidual(y, netTotals)
        }
        guard residual <= tolerance * scale else {
            throw FlowEstimationError.notConverged(what: "least-squares net flows", iterations: it, deviation: residual / scale, tolerance: tolerance)
        }
        return NetFlowResult(flows: y, iterations: it, maxNetResidual: residual, converged: true)
    }

    /// Net migration rescaled to sum to zero (migest `rescale_net`; Abel 2018, Demographic
    /// Research 38(54)). With weights w (default 1), P = Σ_{x>0} w x and N = Σ_{x<0} w x,
    /// d = (P + N)/2:
    /// - `.noSwitches`: positives × (P − d)/P, negatives × (N − d)/N;
    /// - `.switches`: y = w x − mean(w x).
    /// With `integer`, the result is rounded half to even (R's `round`, as migest) and the
    /// rounding remainder is given to the value of largest magnitude (the first, on ties) —
    /// deterministic, unlike migest's random choice among equal magnitudes.
    /// - Throws: `FlowEstimationError.invalidInput` for lengths that differ, non-finite values,
    ///   or one-signed input with `.noSwitches` (nothing to balance against).
    public static func rescaleToZeroSum(_ net: [Double], method: NetRescaling = .noSwitches, weights: [Double]? = nil,
                                        integer: Bool = false) throws -> [Double] {
        let w = weights ?? [Double](repeating: 1, count: net.count)
        guard w.count == net.count else { throw FlowEstimationError.invalidInput("\(w.count) weights for \(net.count) values") }
        for (k, v) in (net + w).enumerated() where !v.isFinite {
            throw FlowEstimationError.invalidValue(what: "net migration or weight", index: k % max(1, net.count), value: v, requirement: "values must be finite")
        }
        var y: [Double]
        switch method {
        case .noSwitches:
            var p = 0.0, q = 0.0
            for (x, wi) in zip(net, w) { if x > 0 { p += x * wi } else if x < 0 { q += x * wi } }
            let d = (p + q) / 2
            if d != 0 && (p == 0 || q == 0) {
                throw FlowEstimationError.invalidInput("all net values have the same sign: without switches nothing balances them — use the switches method")
            }
            let s1 = p != 0 ? (p - d) / p : 1, s2 = q != 0 ? (q - d) / q : 1
            y = net.map { $0 > 0 ? $0 * s1 : ($0 < 0 ? $0 * s2 : 0) }
        case .switches:
            let wx = zip(net, w).map { $0 * $1 }
            let mean = wx.reduce(0, +) / Double(max(1, wx.count))
            y = wx.map { $0 - mean }
        }
        if integer, !y.isEmpty {
            y = y.map { $0.rounded(.toNearestOrEven) }
            let remainder = y.reduce(0, +)
            if remainder != 0 {
                var k = 0
                for i in 1..<y.count where abs(y[i]) > abs(y[k]) { k = i }
                y[k] -= remainder
            }
        }
        return y
    }

    // MARK: - Helpers

    static func checkedPrior(_ net: [Double], _ prior: Matrix, _ zeros: [[Bool]]?, allowZeroPrior: Bool = false) throws -> Matrix {
        let n = net.count
        guard n > 1, prior.rows == n, prior.cols == n else {
            throw FlowEstimationError.invalidInput("the prior must be \(n)×\(n) for \(n) net totals (at least 2 regions), got \(prior.rows)×\(prior.cols)")
        }
        if let z = zeros { guard z.count == n, z.allSatisfy({ $0.count == n }) else { throw FlowEstimationError.invalidInput("structural zeros must be \(n)×\(n)") } }
        for (k, v) in net.enumerated() where !v.isFinite {
            throw FlowEstimationError.invalidValue(what: "net totals", index: k, value: v, requirement: "they must be finite")
        }
        try IterativeProportionalFitting.checkCounts(prior.elements, "prior")
        let total = net.reduce(0, +), scale = max(1, net.map(abs).max() ?? 1)
        guard abs(total) <= 1e-9 * scale else {
            throw FlowEstimationError.invalidInput("net totals sum to \(total), not 0 — rescale them first (NetMigrationFlows.rescaleToZeroSum)")
        }
        var m = prior
        for i in 0..<n { for j in 0..<n where zeros?[i][j] ?? (i == j) { m[i, j] = 0 } }
        if !allowZeroPrior {
            for k in 0..<n {
                let inflow = (0..<n).reduce(0) { $0 + m[$1, k] }, outflow = (0..<n).reduce(0) { $0 + m[k, $1] }
                if net[k] > 0 && inflow == 0 { throw FlowEstimationError.unattainableMargin(what: "region (positive net, no possible inflow in the prior)", index: k, total: net[k]) }
                if net[k] < 0 && outflow == 0 { throw FlowEstimationError.unattainableMargin(what: "region (negative net, no possible outflow in the prior)", index: k, total: net[k]) }
            }
        }
        return m
    }

    static func flows(_ alpha: [Double], _ m: Matrix) -> Matrix {
        var y = m
        for i in 0..<m.rows { for j in 0..<m.cols { y[i, j] = alpha[i] * m[i, j] / alpha[j] } }
        return y
    }

    static func netResidual(_ y: Matrix, _ net: [Double]) -> Double {
        let n = net.count
        var worst = 0.0
        for k in 0..<n {
            var v = -net[k]
            for i in 0..<n { v += y[i, k] - y[k, i] }
            worst = max(worst, abs(v))
        }
        return worst
    }
}
