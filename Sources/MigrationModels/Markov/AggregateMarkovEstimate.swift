import Linalg

/// A Markov transition matrix estimated from aggregate shares only — the totals per state at
/// each date, without individual transitions — by restricted least squares (Lee, Judge &
/// Zellner 1970, *Estimating the Parameters of the Markov Probability Model from Aggregate Time
/// Series Data*, North-Holland, ch. 4; Miller 1952).
///
/// With y_t the row vector of state shares at date t = 0…T, the model is y_t = y_{t−1}·P + e_t,
/// and P̂ solves the quadratic programme
///
///     minimise  Σ_{t=1..T} ‖y_t − y_{t−1}·P‖²   subject to   P·1 = 1,   P ≥ 0.
///
/// It separates into one least-squares problem per destination column pⱼ (design
/// X = [y₀; …; y_{T−1}], T×K) coupled by the row-sum constraints, so the Hessian is
/// I_K ⊗ XᵀX. It is solved exactly by a primal active-set method (Nocedal & Wright 2006,
/// *Numerical Optimization*, Alg. 16.3): starting from pᵢⱼ = 1/K, each iteration solves the
/// equality-constrained problem on the entries not fixed at zero through its KKT system with
/// LAPACK's minimum-norm least-squares driver (`dgelsd`, which also copes with a singular
/// XᵀX), steps to it or to the first entry that hits zero, and releases a fixed entry whose
/// multiplier is negative. At the end the KKT system of the final active set is solved once
/// more for the reported P̂, so it does not carry the rounding of the path.
///
/// Identification: P has K(K − 1) free entries and the data give T(K − 1) independent
/// equations; when X has rank < K the estimate is not unique (`isIdentified` false, a warning
/// says so, and the minimum-norm solution of the final active set is reported). The
/// unweighted criterion ignores the heteroskedasticity of share errors (Lee, Judge & Zellner's
/// weighted and Bayesian variants are not implemented).
///
/// Members: `chain` (P̂), `residualSumOfSquares`, `fittedShares` and `residuals` (T×K, for
/// t = 1…T: ŷ_t = y_{t−1}P̂), `designRank` (rank of X), `isIdentified`, `zeroEntries` (entries
/// fixed at 0 at the optimum, as (from, to)), `iterations`, `warnings`.
public struct AggregateMarkovEstimate: Sendable {
    public let chain: MarkovChain
    public let residualSumOfSquares: Double
    public let fittedShares: [[Double]]
    public let residuals: [[Double]]
    public let designRank: Int
    public let isIdentified: Bool
    public let zeroEntries: [(from: String, to: String)]
    public let iterations: Int
    public let warnings: [String]

    /// Fits P̂ from shares.
    /// - Parameters:
    ///   - shares: T + 1 ≥ 2 rows, each K finite values ≥ 0 summing to one (within
    ///     `shareTolerance`), in date order.
    ///   - states: K unique names.
    ///   - shareTolerance: the tolerance on |Σ shares − 1| of each row.
    ///   - maximumIterations: active-set iterations allowed (default 50·K²).
    /// - Throws: `MarkovError.invalidInput` (lengths, rows not summing to one),
    ///   `.insufficientData` (fewer than two dates), `.nonFinite`, `.negativeValue`,
    ///   `.notConverged` (cycling on a degenerate problem), `.linearAlgebra`.
    public static func fit(shares: [[Double]], states: [String], shareTolerance: Double = 1e-8,
                           maximumIterations: Int? = nil) throws -> AggregateMarkovEstimate {
        try MarkovChain.validateStates(states)
        let k = states.count
        guard shares.count >= 2 else {
            throw MarkovError.insufficientData("aggregate estimation needs shares at two or more dates; got \(shares.count)")
        }
        for (t, y) in shares.enumerated() {
            guard y.count == k else {
                throw MarkovError.invalidInput("the shares at date \(t) have \(y.count) values for \(k) states — give one share per state")
            }
            for (j, v) in y.enumerated() {
                guard v.isFinite else { throw MarkovError.nonFinite(what: "the shares", row: "date \(t)", column: states[j], value: v) }
                guard v >= 0 else { throw MarkovError.negativeValue(what: "the shares", row: "date \(t)", column: states[j], value: v) }
            }
            let s = y.reduce(0, +)
            guard abs(s - 1) <= shareTolerance else {
                throw MarkovError.invalidInput("the shares at date \(t) sum to \(s), not 1 — pass proportions, or use fit(counts:states:) to normalise counts")
            }
        }
        let T = shares.count - 1
        let n = k * k
        return try markovLinalg {
            var x = try Matrix(rows: T, cols: k)
            for t in 0..<T { for i in 0..<k { x[t, i] = shares[t][i] } }
            let g = try x.gram()                                  // XᵀX
            var c = [Double](repeating: 0, count: n)              // c[j*K+i] = (Xᵀyⱼ)ᵢ
            for j in 0..<k {
                let yj = (1...T).map { shares[$0][j] }
                let xty = try x.multiplied(by: yj, transposeSelf: true)
                for i in 0..<k { c[j * k + i] = xty[i] }
            }
            let rank = try x.rank()
            var warnings: [String] = []
            if rank < k {
                warnings.append("the lagged shares have rank \(rank) < \(k) states (\(T) transitions observed): P is not identified by these data and the reported P̂ is one of many minimisers (the minimum-norm one on its active set) — use more dates or fewer states")
            }
            // Hv = (I ⊗ G)v.
            func hessianTimes(_ v: [Double]) -> [Double] {
                var out = [Double](repeating: 0, count: n)
                for j in 0..<k { for i in 0..<k { var s = 0.0; for l in 0..<k { s += g[i, l] * v[j * k + l] }; out[j * k + i] = s } }
                return out
            }
            var scale = 1.0
            for v in g.elements { scale = max(scale, abs(v)) }
            var v = [Double](repeating: 1 / Double(k), count: n)
            var fixed = [Bool](repeating: false, count: n)
            let limit = maximumIterations ?? 50 * n
            var iterations = 0
            while true {
                iterations += 1
                guard iterations <= limit else { throw MarkovError.notConverged(what: "the active-set solver for aggregate Markov estimation", iterations: limit) }
                let (target, lam) = try solveEquality(g: g, c: c, fixed: fixed, k: k)
                var dmax = 0.0
                for l in 0..<n where !fixed[l] { dmax = max(dmax, abs(target[l] - v[l])) }
                if dmax <= 1e-13 {
                    // Multipliers of the bounds: μ = Hv − c + Aᵀλ (A·v = 1 rows, A[i, j*K+i] = 1).
                    let hv = hessianTimes(target)
                    var worst = -1, worstValue = -1e-11 * scale
                    for l in 0..<n where fixed[l] {
                        let mu = hv[l] - c[l] + lam[l % k]
                        if mu < worstValue { worst = l; worstValue = mu }
                    }
                    v = target
                    if worst < 0 { break }
                    fixed[worst] = false
                    continue
                }
                var alpha = 1.0, blocking = -1
                for l in 0..<n where !fixed[l] {
                    let d = target[l] - v[l]
                    if d < 0 {
                        let a = v[l] / -d
                        if a < alpha { alpha = a; blocking = l }
                    }
                }
                for l in 0..<n where !fixed[l] { v[l] += alpha * (target[l] - v[l]) }
                if blocking >= 0 { fixed[blocking] = true; v[blocking] = 0 }
            }
            var p = try Matrix(rows: k, cols: k)
            for i in 0..<k { for j in 0..<k { p[i, j] = fixed[j * k + i] ? 0 : max(0, v[j * k + i]) } }
            let chain = try MarkovChain(states: states, transitionMatrix: p, rowSumTolerance: 1e-9)
            var fitted: [[Double]] = [], residuals: [[Double]] = []
            var rss = 0.0
            for t in 1...T {
                let yhat = try p.multiplied(by: shares[t - 1], transposeSelf: true)
                let e = (0..<k).map { shares[t][$0] - yhat[$0] }
                rss += e.reduce(0) { $0 + $1 * $1 }
                fitted.append(yhat); residuals.append(e)
            }
            var zeros: [(from: String, to: String)] = []
            for i in 0..<k { for j in 0..<k where fixed[j * k + i] { zeros.append((states[i], states[j])) } }
            return AggregateMarkovEstimate(chain: chain, residualSumOfSquares: rss, fittedShares: fitted, residuals: residuals,
                                           designRank: rank, isIdentified: rank == k, zeroEntries: zeros,
                                           iterations: iterations, warnings: warnings)
        }
    }

    /// Fits P̂ from counts per state and date, normalised to shares row by row (each date's
    /// total must be positive). The model then describes the composition, not the totals.
    /// - Throws: as `fit(shares:states:)`; `.invalidInput` for a date with total 0.
    public static func fit(counts: [[Double]], states: [String], maximumIterations: Int? = nil) throws -> AggregateMarkovEstimate {
        var shares: [[Double]] = []
        for (t, y) in counts.enumerated() {
            for (j, v) in y.enumerated() where j < states.count {
                guard v.isFinite else { throw MarkovError.nonFinite(what: "the counts", row: "date \(t)", column: states[j], value: v) }
                guard v >= 0 else { throw MarkovError.negativeValue(what: "the counts", row: "date \(t)", column: states[j], value: v) }
            }
            let s = y.reduce(0, +)
            guard s > 0 else { throw MarkovError.invalidInput("the counts at date \(t) sum to 0 — every date needs a positive total") }
            shares.append(y.map { $0 / s })
        }
        return try fit(shares: shares, states: states, maximumIterations: maximumIterations)
    }

    /// Solves the equality-constrained problem on the free entries:
    /// [[H_FF, A_Fᵀ], [A_F, 0]]·[v_F; λ] = [c_F; 1], returning the full v (0 on fixed entries)
    /// and λ.
    static func solveEquality(g: Matrix, c: [Double], fixed: [Bool], k: Int) throws -> ([Double], [Double]) {
        let free = (0..<(k * k)).filter { !fixed[$0] }
        let f = free.count
        var kkt = try Matrix(rows: f + k, cols: f + k)
        var rhs = [Double](repeating: 0, count: f + k)
        for (a, la) in free.enumerated() {
            let (ja, ia) = (la / k, la % k)
            for (b, lb) in free.enumerated() {
                let (jb, ib) = (lb / k, lb % k)
                if ja == jb { kkt[a, b] = g[ia, ib] }
            }
            kkt[a, f + ia] = 1
            kkt[f + ia, a] = 1
            rhs[a] = c[la]
        }
        for i in 0..<k { rhs[f + i] = 1 }
        let sol = try kkt.leastSquares(rhs, method: .svd())
        var v = [Double](repeating: 0, count: k * k)
        for (a, l) in free.enumerated() { v[l] = sol[a] }
        return (v, Array(sol[f..<(f + k)]))
    }
}
