import Foundation
import Linalg

/// Poisson maximum likelihood for log μᵢ = a_{p(i)} + b_{s(i)} + xᵢᵀθ by Newton's method on the
/// profile likelihood, with the "primary" balancing factors a eliminated in closed form.
///
/// For fixed (b, θ) the likelihood equations of a are the primary margins, Σ_{i∈g} μᵢ = Y_g =
/// Σ_{i∈g} yᵢ, solved exactly by a_g = log Y_g − log Σ_{i∈g} exp(b_{s(i)} + xᵢᵀθ) (Wilson's
/// balancing factor; a log-sum-exp). The profile log-likelihood ℓ(b, θ) = Σ yᵢ log μᵢ − μᵢ is
/// concave; its gradient is g = Zᵀ(y − μ) with zᵢ = (e_{s(i)}, xᵢ), and its negative Hessian the
/// Schur complement of the primary block of the Fisher information,
///
///     J = Σᵢ μᵢ zᵢzᵢᵀ − Σ_g u_g u_gᵀ / Y_g,   u_g = Σ_{i∈g} μᵢ zᵢ,
///
/// formed with one BLAS `dsyrk` on the P × m matrix U (U[g, ·] = u_gᵀ/√Y_g) and factorized by
/// LAPACK `dpotrf` (m = free secondary levels + k). One secondary level per connected component
/// of the origin–destination graph is pinned (the factors are identified only up to a constant
/// per component). Newton steps with step-halving on ℓ; the factor of J is reused for chord
/// steps while each one shrinks the decrement at least 16-fold (near the maximum J barely
/// changes, and a chord step costs O(N) instead of O(P·m²)), and refreshed otherwise. Converged
/// when the Newton decrement λ² = gᵀJ⁻¹g ≤ tolerance²·max(1, |ℓ|) (λ²/2 estimates the remaining
/// log-likelihood gain; it is invariant to the scale of the covariates); J is then formed once
/// more at the solution for the covariance. Cov(θ) = [J⁻¹]_θθ, which equals the θ block of the
/// inverse Fisher information of the full model (Schur complement identity), i.e. the GLM
/// standard errors with the balancing factors as dummies.
///
/// The covariance at a point where only a stale factor exists is solved by conjugate gradients
/// on the current J, preconditioned by that factor. μ at a trial point reuses the previous
/// exp(xᵀθ) (a degree-4 Taylor factor when |δθᵀx| ≤ 1e-4, truncation < 1e-21), and ℓ and the
/// gradient come out of the same passes; a log-sum-exp evaluation takes over if a group sum
/// under- or overflows.
///
/// Cost per iteration: O(N·k) for μ, O(P·m²) for the `dsyrk`, O(m³/3) for the Cholesky factor.
/// When every primary level's rows are contiguous (an OD table sorted by the eliminated side),
/// the per-level sums run over each level's rows in registers, and μ, its level sum and scale,
/// the fitted secondary totals and Σμx come from one visit of those rows; otherwise row by row.
struct ProfileNewtonPoisson {
    let y: [Double]
    let primary: [Int32]
    let primaryCount: Int
    let secondary: [Int32]?
    let secondaryCount: Int
    /// Covariate columns (k), each of length N.
    let x: [[Double]]

    struct Solution {
        var mu: [Double]
        var theta: [Double]
        /// log balancing factors a_g (primary) and b_s (secondary; pinned levels keep their start).
        var primaryEffects: [Double]
        var secondaryEffects: [Double]
        /// Cov(θ) (k × k).
        var covariance: Matrix
        var iterations: Int
        var decrement: Double
        var logLikelihoodKernel: Double
        /// Connected components of the primary–secondary graph (1 without a secondary factor).
        var components: Int
    }

    /// Buffers reused across iterations (large arrays would otherwise be allocated and
    /// page-faulted in on every evaluation).
    private final class Workspace {
        var eta: [Double] = []
        var spareMu: [Double] = []
        var spareExp: [Double] = []
        var d: Matrix? = nil
        var u: Matrix? = nil
        /// `Sums.runBounds`.
        var runBounds: [Int] = []
    }

    private struct State {
        var b: [Double]
        var theta: [Double]
        var mu: [Double]
        var a: [Double]
        var llf: Double
        /// exp(xᵢᵀθ) per row, when cached (empty otherwise).
        var expX: [Double] = []
        /// Zᵀ(y − μ) over the free secondary levels and the covariates, when computed.
        var gradient: [Double] = []
        /// Σ μ per secondary level, when computed.
        var fittedSecondary: [Double] = []
    }

    /// Constants of the problem used by the incremental evaluation.
    private struct Sums {
        let primaryTotal: [Double]
        let secondaryTotal: [Double]
        /// Σᵢ yᵢ x_tᵢ per covariate.
        let yx: [Double]
        /// max |x_tᵢ| per covariate.
        let maxAbsX: [Double]
        let freeIndex: [Int]
        let freeCount: Int
        /// Row bounds of the runs of equal primary codes when every primary level is one run
        /// (rows sorted or grouped by the primary factor; runs r: rows runBounds[r]..<runBounds[r + 1]),
        /// else empty. A group's sums then accumulate in registers over a run held in cache,
        /// instead of through memory row by row.
        let runBounds: [Int]
    }

    func solve(maxIterations: Int, tolerance: Double) throws -> Solution {
        let n = y.count, k = x.count, p = primaryCount, s = secondaryCount
        var primaryTotal = [Double](repeating: 0, count: p)
        var secondaryTotal = [Double](repeating: 0, count: s)
        let runBounds = Self.runBounds(primary, count: p)
        primary.withUnsafeBufferPointer { pp in
            y.withUnsafeBufferPointer { yp in
                primaryTotal.withUnsafeMutableBufferPointer { pt in
                    if runBounds.isEmpty {
                        for i in 0..<n { pt[Int(pp[i])] += yp[i] }
                    } else {
                        // The same additions in the same order, in a register per run.
                        for r in 0..<(runBounds.count - 1) {
                            var acc = 0.0
                            for i in runBounds[r]..<runBounds[r + 1] { acc += yp[i] }
                            pt[Int(pp[runBounds[r]])] = acc
                        }
                    }
                }
                if let sec = secondary {
                    sec.withUnsafeBufferPointer { sp in
                        secondaryTotal.withUnsafeMutableBufferPointer { st in for i in 0..<n { st[Int(sp[i])] += yp[i] } }
                    }
                }
            }
        }
        // Pins: one secondary level per connected component of the bipartite graph
        // (union–find; the root of the current row's primary level is cached, as rows of one
        // primary level usually come together).
        var freeIndex = [Int](repeating: -1, count: s)
        var freeCount = 0
        if let sec = secondary {
            var parent = Array(0..<(p + s))
            parent.withUnsafeMutableBufferPointer { par in
                func find(_ v: Int) -> Int {
                    var r = v
                    while par[r] != r { r = par[r] }
                    var c = v
                    while par[c] != r { let next = par[c]; par[c] = r; c = next }
                    return r
                }
                primary.withUnsafeBufferPointer { pp in
                    sec.withUnsafeBufferPointer { sp in
                        var lastPrimary = -1, rootP = -1
                        for i in 0..<n {
                            let g0 = Int(pp[i])
                            if g0 != lastPrimary { lastPrimary = g0; rootP = find(g0) }
                            let rb = find(p + Int(sp[i]))
                            if rb != rootP { par[rb] = rootP }
                        }
                    }
                }
                var best = [Int](repeating: -1, count: p + s)  // per root: the secondary level with the largest total
                for j in 0..<s {
                    let root = find(p + j)
                    if best[root] < 0 || secondaryTotal[j] > secondaryTotal[best[root]] { best[root] = j }
                }
                var pinned = [Bool](repeating: false, count: s)
                for r in 0..<(p + s) where best[r] >= 0 { pinned[best[r]] = true }
                for j in 0..<s where !pinned[j] { freeIndex[j] = freeCount; freeCount += 1 }
            }
        }
        let m = freeCount + k

        let b0 = secondaryTotal.map { $0 > 0 ? log($0) : 0 }
        let workspace = Workspace()
        let sums = Sums(primaryTotal: primaryTotal, secondaryTotal: secondaryTotal,
                        yx: x.map { c in c.withUnsafeBufferPointer { cp in y.withUnsafeBufferPointer { yp in Self.dot(cp, yp, 0..<n) } } },
                        maxAbsX: x.map { c in c.reduce(0) { max($0, abs($1)) } }, freeIndex: freeIndex, freeCount: freeCount,
                        runBounds: runBounds)
        workspace.runBounds = sums.runBounds
        // Start: b at log Cₛ, θ = 0, where exp(xᵀθ) = 1 needs no exponentials.
        let origin = State(b: b0, theta: [Double](repeating: 0, count: k), mu: [], a: [], llf: -.infinity,
                           expX: [Double](repeating: 1, count: n))
        var state = incremental(b: b0, theta: origin.theta, base: origin, sums: sums, workspace: workspace)
            ?? evaluate(b: b0, theta: [Double](repeating: 0, count: k), primaryTotal: primaryTotal, workspace: workspace)
        if secondary != nil && k > 0 { state = try warmStart(state, sums: sums, workspace: workspace) }
        var decrement = Double.infinity
        var iterations = 0
        var converged = false
        // Newton with chord steps: the factor of J is reused while each step still shrinks the
        // decrement at least fourfold (near the maximum J barely changes), and refreshed otherwise.
        var chol: CholeskyFactorization? = nil
        var factorIsCurrent = false
        var previousDecrement = Double.infinity
        while iterations < maxIterations {
            iterations += 1
            var g = state.gradient.isEmpty ? gradient(state, freeIndex: freeIndex, freeCount: freeCount) : state.gradient
            var delta: [Double] = []
            if let c = chol, m > 0 {
                delta = try c.solve(g)
                decrement = zip(g, delta).reduce(0) { $0 + $1.0 * $1.1 }
                if !(decrement >= 0 && decrement <= previousDecrement / 16) { delta = [] }
            }
            if delta.isEmpty || m == 0 {
                let (j, gg) = try system(state, primaryTotal: primaryTotal, freeIndex: freeIndex, freeCount: freeCount, workspace: workspace)
                g = gg
                chol = m > 0 ? try factor(consume j) : nil
                factorIsCurrent = true
                delta = try chol?.solve(g) ?? []
                decrement = zip(g, delta).reduce(0) { $0 + $1.0 * $1.1 }
            }
            previousDecrement = decrement
            if decrement <= tolerance * tolerance * max(1, abs(state.llf)) {
                converged = true
                break
            }
            var t = 1.0
            var accepted = false
            for _ in 0..<40 {
                var b = state.b, theta = state.theta
                for jj in 0..<s where freeIndex[jj] >= 0 { b[jj] += t * delta[freeIndex[jj]] }
                for tt in 0..<k { theta[tt] += t * delta[freeCount + tt] }
                let trial = incremental(b: b, theta: theta, base: state, sums: sums, workspace: workspace)
                    ?? evaluate(b: b, theta: theta, primaryTotal: primaryTotal, workspace: workspace)
                if trial.llf.isFinite && trial.llf >= state.llf - 1e-13 * abs(state.llf) {
                    workspace.spareMu = state.mu
                    workspace.spareExp = state.expX
                    state = trial
                    accepted = true
                    break
                }
                workspace.spareMu = trial.mu
                workspace.spareExp = trial.expX
                t /= 2
            }
            factorIsCurrent = false
            if !accepted {
                // At the floating-point floor of ℓ: the step cannot be measured any more.
                if decrement <= 1e-8 * max(1, abs(state.llf)) { converged = true; break }
                throw SpatialInteractionError.notConverged(iterations: iterations, criterion: decrement)
            }
        }
        guard converged else { throw SpatialInteractionError.notConverged(iterations: iterations, criterion: decrement) }
        // Covariance of θ at the solution (J refreshed unless it was formed at this very point).
        var covariance = try Matrix(rows: k, cols: k)
        if k > 0 {
            // Columns of J⁻¹ for θ: exact when the factor is current; otherwise conjugate
            // gradients on the current J preconditioned by the stale factor, or a fresh factor.
            var columns: [[Double]]? = nil
            if factorIsCurrent, let c = chol {
                columns = try (0..<k).map { t in
                    var e = [Double](repeating: 0, count: m); e[freeCount + t] = 1
                    return try c.solve(e)
                }
            } else if let c = chol {
                let (d, _, u) = try pieces(state, primaryTotal: primaryTotal, freeIndex: freeIndex, freeCount: freeCount, workspace: workspace)
                var solved: [[Double]] = []
                for t in 0..<k {
                    var e = [Double](repeating: 0, count: m); e[freeCount + t] = 1
                    guard let z = try preconditionedSolve(d, u, c, e) else { break }
                    solved.append(z)
                }
                if solved.count == k { columns = solved }
            }
            if columns == nil {
                let (j, _) = try system(state, primaryTotal: primaryTotal, freeIndex: freeIndex, freeCount: freeCount, workspace: workspace)
                let c = try factor(consume j)
                columns = try (0..<k).map { t in
                    var e = [Double](repeating: 0, count: m); e[freeCount + t] = 1
                    return try c.solve(e)
                }
            }
            for (t, column) in (columns ?? []).enumerated() { for r in 0..<k { covariance[r, t] = column[freeCount + r] } }
        }
        return Solution(mu: state.mu, theta: state.theta, primaryEffects: state.a, secondaryEffects: state.b,
                        covariance: covariance, iterations: iterations, decrement: decrement, logLikelihoodKernel: state.llf,
                        components: max(1, s - freeCount))
    }

    /// Block-coordinate warm start (two rounds): a Newton step on θ with b held (the a's
    /// profiled, O(N·k²)), then Furness's balancing step on b, bₛ += log(Cₛ / Σ_{i∈s} μᵢ) (the
    /// exact maximiser over b given the rest). Each step raises ℓ; the dense Newton iterations
    /// then start near the maximum and their first factor stays good for the chord steps.
    private func warmStart(_ start: State, sums: Sums, workspace: Workspace) throws -> State {
        let n = y.count, k = x.count, p = primaryCount
        var state = start
        for _ in 0..<2 {
            guard !state.expX.isEmpty, !state.gradient.isEmpty, !state.fittedSecondary.isEmpty else { return state }
            // θ step: g_θ and the θ block of the information with the a's profiled out.
            var info = try Matrix(rows: k, cols: k)
            var u = [Double](repeating: 0, count: p * k)
            state.mu.withUnsafeBufferPointer { mp in
                primary.withUnsafeBufferPointer { pp in
                    u.withUnsafeMutableBufferPointer { uu in
                        for t in 0..<k {
                            x[t].withUnsafeBufferPointer { xt in
                                if sums.runBounds.isEmpty {
                                    for i in 0..<n { uu[Int(pp[i]) * k + t] += mp[i] * xt[i] }
                                } else {
                                    let rb = sums.runBounds
                                    for r in 0..<(rb.count - 1) { uu[Int(pp[rb[r]]) * k + t] += Self.dot(mp, xt, rb[r]..<rb[r + 1]) }
                                }
                                for v in 0...t {
                                    x[v].withUnsafeBufferPointer { xv in info[t, v] = Self.dot(mp, xt, xv, 0..<n) }
                                }
                            }
                        }
                    }
                }
            }
            for g in 0..<p { for t in 0..<k { for v in 0...t { info[t, v] -= u[g * k + t] * u[g * k + v] / sums.primaryTotal[g] } } }
            for t in 0..<k { for v in 0..<t { info[v, t] = info[t, v] } }
            let gTheta = Array(state.gradient.suffix(k))
            guard let step = try? info.cholesky().solve(gTheta) else { return state }
            var t = 1.0
            var moved = false
            for _ in 0..<20 {
                let theta = zip(state.theta, step).map { $0 + t * $1 }
                if let trial = incremental(b: state.b, theta: theta, base: state, sums: sums, workspace: workspace),
                   trial.llf >= state.llf {
                    workspace.spareMu = state.mu
                    state = trial
                    moved = true
                    break
                }
                t /= 2
            }
            guard moved else { return state }
            // Furness step on b.
            var b = state.b
            for j in 0..<b.count where state.fittedSecondary[j] > 0 && sums.secondaryTotal[j] > 0 {
                b[j] += log(sums.secondaryTotal[j] / state.fittedSecondary[j])
            }
            guard let balanced = incremental(b: b, theta: state.theta, base: state, sums: sums, workspace: workspace),
                  balanced.llf >= state.llf else { return state }
            workspace.spareMu = state.mu
            state = balanced
        }
        return state
    }

    /// μ at (b, θ) from the cached exp(xᵀθ) of `base`: exp(δθᵀx) by its Taylor polynomial to
    /// degree 4 when |δθᵀx| ≤ 1e-4 (truncation < 1e-21, relative), else afresh; the secondary
    /// factors by S exponentials; ℓ and the gradient in the same passes
    /// (ℓ = Σₛ Cₛbₛ + θᵀΣyx + Σ_g Y_g(a_g − 1)). Returns nil when a group sum under- or
    /// overflows, for the stable log-sum-exp evaluation to take over.
    private func incremental(b: [Double], theta: [Double], base: State, sums: Sums, workspace: Workspace) -> State? {
        let n = y.count, k = x.count, p = primaryCount, sCount = secondaryCount
        var bound = 0.0
        for t in 0..<k { bound += abs(theta[t] - base.theta[t]) * sums.maxAbsX[t] }
        let unchanged = base.expX.count == n && (0..<k).allSatisfy { theta[$0] == base.theta[$0] }
        var e: [Double]
        if unchanged {
            e = base.expX  // shared: exp(xᵀθ) did not change
        } else {
            e = workspace.spareExp.count == n ? workspace.spareExp : [Double](repeating: 0, count: n)
            workspace.spareExp = []
        }
        var mu = workspace.spareMu.count == n ? workspace.spareMu : [Double](repeating: 0, count: n)
        workspace.spareMu = []
        let useTaylor = base.expX.count == n && bound <= 1e-4
        let delta = (0..<k).map { theta[$0] - base.theta[$0] }
        if !unchanged { e.withUnsafeMutableBufferPointer { ev in
            if useTaylor {
                base.expX.withUnsafeBufferPointer { be in
                    if k == 1 {
                        let d0 = delta[0]
                        x[0].withUnsafeBufferPointer { c in
                            for i in 0..<n {
                                let z = d0 * c[i]
                                ev[i] = be[i] * (1 + z * (1 + z * (0.5 + z * (1.0 / 6 + z / 24))))
                            }
                        }
                    } else {
                        for i in 0..<n {
                            var z = 0.0
                            for t in 0..<k { z += delta[t] * x[t][i] }
                            ev[i] = be[i] * (1 + z * (1 + z * (0.5 + z * (1.0 / 6 + z / 24))))
                        }
                    }
                }
            } else {
                for i in 0..<n { ev[i] = 0 }
                for t in 0..<k {
                    let th = theta[t]
                    x[t].withUnsafeBufferPointer { c in for i in 0..<n { ev[i] += th * c[i] } }
                }
                for i in 0..<n { ev[i] = exp(ev[i]) }
            }
        } }
        let eb = b.map { exp($0) }
        let sec = secondary ?? []
        let hasSecondary = secondary != nil
        let groupSum = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, p))
        let scale = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, p))
        let fittedSecondary = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, sCount))
        defer { groupSum.deallocate(); scale.deallocate(); fittedSecondary.deallocate() }
        groupSum.update(repeating: 0)
        fittedSecondary.update(repeating: 0)
        // Each primary level one run of rows: w, its sum, the scale and μ in one visit of the
        // run (still in cache), with the fitted secondary totals and (k = 1) Σ μ x.
        var mux = [Double](repeating: 0, count: k)
        let runs = hasSecondary && k == 1 ? sums.runBounds : []
        var fused = !runs.isEmpty
        if fused {
            mu.withUnsafeMutableBufferPointer { mm in
                e.withUnsafeBufferPointer { ev in
                    primary.withUnsafeBufferPointer { pr in
                        sec.withUnsafeBufferPointer { sc in
                            eb.withUnsafeBufferPointer { ebp in
                                x[0].withUnsafeBufferPointer { c in
                                    runs.withUnsafeBufferPointer { rb in
                                        var mx0 = 0.0, mx1 = 0.0
                                        for r in 0..<(rb.count - 1) {
                                            let lo = rb[r], hi = rb[r + 1], g = Int(pr[lo])
                                            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                                            var i = lo
                                            while i + 4 <= hi {
                                                let w0 = ebp[Int(sc[i])] * ev[i], w1 = ebp[Int(sc[i + 1])] * ev[i + 1]
                                                let w2 = ebp[Int(sc[i + 2])] * ev[i + 2], w3 = ebp[Int(sc[i + 3])] * ev[i + 3]
                                                mm[i] = w0; mm[i + 1] = w1; mm[i + 2] = w2; mm[i + 3] = w3
                                                s0 += w0; s1 += w1; s2 += w2; s3 += w3
                                                i += 4
                                            }
                                            while i < hi { let w = ebp[Int(sc[i])] * ev[i]; mm[i] = w; s0 += w; i += 1 }
                                            let sum = (s0 + s1) + (s2 + s3)
                                            groupSum[g] = sum
                                            guard sum > 0, sum.isFinite else { fused = false; return }
                                            let f = sums.primaryTotal[g] / sum
                                            i = lo
                                            while i + 2 <= hi {
                                                let v0 = mm[i] * f, v1 = mm[i + 1] * f
                                                mm[i] = v0; mm[i + 1] = v1
                                                fittedSecondary[Int(sc[i])] += v0; fittedSecondary[Int(sc[i + 1])] += v1
                                                mx0 += v0 * c[i]; mx1 += v1 * c[i + 1]
                                                i += 2
                                            }
                                            if i < hi { let v = mm[i] * f; mm[i] = v; fittedSecondary[Int(sc[i])] += v; mx0 += v * c[i] }
                                        }
                                        mux[0] = mx0 + mx1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if !fused { workspace.spareMu = mu; return nil }
        } else { mu.withUnsafeMutableBufferPointer { mm in
            e.withUnsafeBufferPointer { ev in
                primary.withUnsafeBufferPointer { pr in
                    sec.withUnsafeBufferPointer { sc in
                        eb.withUnsafeBufferPointer { ebp in
                            if hasSecondary {
                                for i in 0..<n { let w = ebp[Int(sc[i])] * ev[i]; mm[i] = w; groupSum[Int(pr[i])] += w }
                            } else {
                                for i in 0..<n { let w = ev[i]; mm[i] = w; groupSum[Int(pr[i])] += w }
                            }
                        }
                    }
                }
            }
        } }
        var a = [Double](repeating: 0, count: p)
        var llf = 0.0
        for g in 0..<p {
            guard groupSum[g] > 0, groupSum[g].isFinite else { workspace.spareMu = mu; return nil }
            scale[g] = sums.primaryTotal[g] / groupSum[g]
            a[g] = log(scale[g])
            llf += sums.primaryTotal[g] * (a[g] - 1)
        }
        for t in 0..<k { llf += theta[t] * sums.yx[t] }
        if hasSecondary { for j in 0..<sCount { llf += sums.secondaryTotal[j] * b[j] } }
        // μ = w·scale, with the fitted secondary totals and Σ μ x for the gradient.
        if !fused { mu.withUnsafeMutableBufferPointer { mm in
            primary.withUnsafeBufferPointer { pr in
                sec.withUnsafeBufferPointer { sc in
                    if hasSecondary {
                        for i in 0..<n { let v = mm[i] * scale[Int(pr[i])]; mm[i] = v; fittedSecondary[Int(sc[i])] += v }
                    } else {
                        for i in 0..<n { mm[i] *= scale[Int(pr[i])] }
                    }
                }
                for t in 0..<k {
                    x[t].withUnsafeBufferPointer { c in mux[t] = Self.dot(UnsafeBufferPointer(mm), c, 0..<n) }
                }
            }
        } }
        var gradient = [Double](repeating: 0, count: sums.freeCount + k)
        for j in 0..<sCount where sums.freeIndex[j] >= 0 { gradient[sums.freeIndex[j]] = sums.secondaryTotal[j] - fittedSecondary[j] }
        for t in 0..<k { gradient[sums.freeCount + t] = sums.yx[t] - mux[t] }
        return State(b: b, theta: theta, mu: mu, a: a, llf: llf, expX: e, gradient: gradient,
                     fittedSecondary: hasSecondary ? Array(fittedSecondary) : [])
    }

    /// g = Zᵀ(y − μ) over the free secondary levels and the covariates.
    private func gradient(_ st: State, freeIndex: [Int], freeCount: Int) -> [Double] {
        let n = y.count
        var g = [Double](repeating: 0, count: freeCount + x.count)
        st.mu.withUnsafeBufferPointer { mp in
            y.withUnsafeBufferPointer { yp in
                if let sec = secondary {
                    sec.withUnsafeBufferPointer { sp in
                        for i in 0..<n { let f = freeIndex[Int(sp[i])]; if f >= 0 { g[f] += yp[i] - mp[i] } }
                    }
                }
                for (t, column) in x.enumerated() {
                    column.withUnsafeBufferPointer { xt in
                        var s0 = 0.0, s1 = 0.0
                        var i = 0
                        while i + 2 <= n { s0 += (yp[i] - mp[i]) * xt[i]; s1 += (yp[i + 1] - mp[i + 1]) * xt[i + 1]; i += 2 }
                        if i < n { s0 += (yp[i] - mp[i]) * xt[i] }
                        g[freeCount + t] = s0 + s1
                    }
                }
            }
        }
        return g
    }

    /// μ, the primary factors and the profile log-likelihood kernel Σ y log μ − μ at (b, θ).
    private func evaluate(b: [Double], theta: [Double], primaryTotal: [Double], workspace: Workspace) -> State {
        let n = y.count, p = primaryCount, k = x.count
        var eta = workspace.eta.count == n ? workspace.eta : [Double](repeating: 0, count: n)
        workspace.eta = []
        defer { workspace.eta = eta }
        var groupMax = [Double](repeating: -.infinity, count: p)
        var groupSum = [Double](repeating: 0, count: p)
        var mu = workspace.spareMu.count == n ? workspace.spareMu : [Double](repeating: 0, count: n)
        workspace.spareMu = []
        var yEta = 0.0
        let sec = secondary ?? []
        let hasSecondary = secondary != nil
        // Pass 1: η' = b_s + xᵀθ, the group maxima (for a stable log-sum-exp) and Σ y η'.
        eta.withUnsafeMutableBufferPointer { e in
            primary.withUnsafeBufferPointer { pr in
                sec.withUnsafeBufferPointer { sc in
                    y.withUnsafeBufferPointer { yp in
                        if k == 1 {
                            let th = theta[0]
                            x[0].withUnsafeBufferPointer { c in
                                for i in 0..<n {
                                    let v = (hasSecondary ? b[Int(sc[i])] : 0) + th * c[i]
                                    e[i] = v
                                    let g = Int(pr[i])
                                    if v > groupMax[g] { groupMax[g] = v }
                                    yEta += yp[i] * v
                                }
                            }
                        } else {
                            if hasSecondary { for i in 0..<n { e[i] = b[Int(sc[i])] } }
                            for (t, column) in x.enumerated() {
                                let th = theta[t]
                                column.withUnsafeBufferPointer { c in for i in 0..<n { e[i] += th * c[i] } }
                            }
                            for i in 0..<n {
                                let g = Int(pr[i])
                                if e[i] > groupMax[g] { groupMax[g] = e[i] }
                                yEta += yp[i] * e[i]
                            }
                        }
                    }
                }
                // Pass 2: exp and the group sums.
                mu.withUnsafeMutableBufferPointer { mm in
                    for i in 0..<n { let g = Int(pr[i]); let v = exp(e[i] - groupMax[g]); mm[i] = v; groupSum[g] += v }
                }
            }
        }
        var a = [Double](repeating: 0, count: p)
        var scale = [Double](repeating: 0, count: p)
        // ℓ = Σ y(η' + a) − Σ μ = Σ y η' + Σ_g Y_g a_g − Σ_g Y_g (the margins hold exactly).
        var llf = yEta
        for g in 0..<p {
            a[g] = log(primaryTotal[g]) - groupMax[g] - log(groupSum[g])
            scale[g] = primaryTotal[g] / groupSum[g]
            llf += primaryTotal[g] * (a[g] - 1)
        }
        // Pass 3: μ = Y_g · softmax.
        primary.withUnsafeBufferPointer { pr in
            mu.withUnsafeMutableBufferPointer { mm in
                for i in 0..<n { mm[i] *= scale[Int(pr[i])] }
            }
        }
        return State(b: b, theta: theta, mu: mu, a: a, llf: llf)
    }

    /// The profile information J (m × m, both triangles) and gradient g at the state.
    private func system(_ st: State, primaryTotal: [Double], freeIndex: [Int], freeCount: Int, workspace: Workspace) throws -> (Matrix, [Double]) {
        var (j, g, u) = try pieces(st, primaryTotal: primaryTotal, freeIndex: freeIndex, freeCount: freeCount, workspace: workspace)
        try BLAS.syrk(-1, u, .none, 1, &j)
        let m = j.rows
        j.withUnsafeMutableElements { jj in
            Self.mirrorLowerTriangle(jj, m)
        }
        workspace.u = u
        return (j, g)
    }

    /// J = D − U·Uᵀ in pieces: D (m × m, both triangles: the diagonal of the secondary levels,
    /// their cross terms with x and Σ μ x xᵀ), the gradient g, and U (m × P).
    private func pieces(_ st: State, primaryTotal: [Double], freeIndex: [Int], freeCount: Int, workspace: Workspace) throws -> (Matrix, [Double], Matrix) {
        let n = y.count, k = x.count, p = primaryCount
        let m = freeCount + k
        // D and Uᵀ (column g holds u_g/√Y_g, written contiguously), reusing earlier buffers.
        var j = try Matrix(rows: m, cols: m)
        var u: Matrix
        if let old = workspace.u, old.rows == m, old.cols == p {
            u = old
            workspace.u = nil
            u.withUnsafeMutableElements { $0.update(repeating: 0) }
        } else {
            u = try Matrix(rows: m, cols: p)
        }
        let invRoot = primaryTotal.map { 1 / $0.squareRoot() }
        let mu = st.mu
        let sec = secondary ?? []
        let hasSecondary = secondary != nil
        // Small accumulators as raw buffers (no exclusivity checks in the hot loops); the
        // diagonal and cross terms are written into J once.
        let gBuffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, m))
        let diagonal = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, freeCount))
        let cross = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, freeCount * k))  // [f * k + t]
        defer { gBuffer.deallocate(); diagonal.deallocate(); cross.deallocate() }
        gBuffer.update(repeating: 0)
        diagonal.update(repeating: 0)
        cross.update(repeating: 0)
        var crossThetaTheta = Double.nan  // Σ μ x² from the fused pass (k = 1)
        u.withUnsafeMutableElements { uu in
            mu.withUnsafeBufferPointer { mp in
                y.withUnsafeBufferPointer { yp in
                    primary.withUnsafeBufferPointer { pp in
                        sec.withUnsafeBufferPointer { sp in
                            freeIndex.withUnsafeBufferPointer { fi in
                                invRoot.withUnsafeBufferPointer { ir in
                                    if hasSecondary && k == 1 && !workspace.runBounds.isEmpty {
                                        // The same by runs of one primary level: its column
                                        // of U accumulates in a register.
                                        let col = freeCount
                                        x[0].withUnsafeBufferPointer { xt in
                                            workspace.runBounds.withUnsafeBufferPointer { rb in
                                                var gradient = 0.0, xx = 0.0
                                                for r in 0..<(rb.count - 1) {
                                                    let lo = rb[r], hi = rb[r + 1], g0 = Int(pp[lo]), rg = ir[g0]
                                                    var uc = 0.0, gr = 0.0, q = 0.0
                                                    for i in lo..<hi {
                                                        let f = fi[Int(sp[i])]
                                                        let mi = mp[i], xi = xt[i]
                                                        let w = mi * xi
                                                        uc += w
                                                        gr += (yp[i] - mi) * xi
                                                        q += w * xi
                                                        if f >= 0 {
                                                            diagonal[f] += mi
                                                            uu[f + g0 * m] += mi * rg
                                                            gBuffer[f] += yp[i] - mi
                                                            cross[f] += w
                                                        }
                                                    }
                                                    uu[col + g0 * m] += uc * rg
                                                    gradient += gr
                                                    xx += q
                                                }
                                                gBuffer[col] = gradient
                                                crossThetaTheta = xx
                                            }
                                        }
                                        return
                                    }
                                    if hasSecondary && k == 1 {
                                        // One fused pass for the common case of a single covariate.
                                        let col = freeCount
                                        x[0].withUnsafeBufferPointer { xt in
                                            var gradient = 0.0, xx = 0.0
                                            for i in 0..<n {
                                                let g0 = Int(pp[i]), f = fi[Int(sp[i])]
                                                let mi = mp[i], r = ir[g0], xi = xt[i]
                                                let w = mi * xi
                                                uu[col + g0 * m] += w * r
                                                gradient += (yp[i] - mi) * xi
                                                xx += w * xi
                                                if f >= 0 {
                                                    diagonal[f] += mi
                                                    uu[f + g0 * m] += mi * r
                                                    gBuffer[f] += yp[i] - mi
                                                    cross[f] += w
                                                }
                                            }
                                            gBuffer[col] = gradient
                                            crossThetaTheta = xx
                                        }
                                        return
                                    }
                                    if hasSecondary {
                                        for i in 0..<n {
                                            let f = fi[Int(sp[i])]
                                            if f >= 0 {
                                                let g0 = Int(pp[i])
                                                diagonal[f] += mp[i]
                                                uu[f + g0 * m] += mp[i] * ir[g0]
                                                gBuffer[f] += yp[i] - mp[i]
                                            }
                                        }
                                    }
                                    for t in 0..<k {
                                        let col = freeCount + t
                                        x[t].withUnsafeBufferPointer { xt in
                                            var gradient = 0.0
                                            for i in 0..<n {
                                                let g0 = Int(pp[i])
                                                let w = mp[i] * xt[i]
                                                uu[col + g0 * m] += w * ir[g0]
                                                gradient += (yp[i] - mp[i]) * xt[i]
                                                if hasSecondary {
                                                    let f = fi[Int(sp[i])]
                                                    if f >= 0 { cross[f * k + t] += w }
                                                }
                                            }
                                            gBuffer[col] = gradient
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let g = Array(gBuffer.prefix(m))
        j.withUnsafeMutableElements { jj in
            for f in 0..<freeCount {
                jj[f + f * m] = diagonal[f]
                for t in 0..<k { jj[(freeCount + t) + f * m] = cross[f * k + t] }
            }
            if !crossThetaTheta.isNaN { jj[freeCount + freeCount * m] = crossThetaTheta; return }
            for t in 0..<k {
                x[t].withUnsafeBufferPointer { xt in
                    for v in 0...t {
                        x[v].withUnsafeBufferPointer { xv in
                            mu.withUnsafeBufferPointer { mp in
                                var acc = 0.0
                                for i in 0..<n { acc += mp[i] * xt[i] * xv[i] }
                                jj[(freeCount + t) + (freeCount + v) * m] = acc
                            }
                        }
                    }
                }
            }
        }
        j.withUnsafeMutableElements { jj in
            Self.mirrorLowerTriangle(jj, m)
        }
        return (j, g, u)
    }

    /// Solves J·z = b at the state by conjugate gradients preconditioned with a Cholesky factor
    /// of J from a nearby state (J applied as D·v − U(Uᵀv): O(P·m) per iteration instead of the
    /// O(P·m²) of forming J). Returns nil when 50 iterations do not reach the tolerance.
    private func preconditionedSolve(_ d: Matrix, _ u: Matrix, _ preconditioner: CholeskyFactorization, _ b: [Double]) throws -> [Double]? {
        let m = b.count
        func apply(_ v: [Double]) throws -> [Double] {
            var w = [Double](repeating: 0, count: m)
            try BLAS.gemv(1, d, .none, v, 0, &w)
            var t = [Double](repeating: 0, count: u.cols)
            try BLAS.gemv(1, u, .transpose, v, 0, &t)
            try BLAS.gemv(-1, u, .none, t, 1, &w)
            return w
        }
        var z = try preconditioner.solve(b)
        var r = zip(b, try apply(z)).map { $0 - $1 }
        let bnorm = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var h = try preconditioner.solve(r)
        var p = h
        var rh = zip(r, h).reduce(0) { $0 + $1.0 * $1.1 }
        for _ in 0..<50 {
            if r.reduce(0, { $0 + $1 * $1 }).squareRoot() <= 1e-14 * bnorm { return z }
            let q = try apply(p)
            let pq = zip(p, q).reduce(0) { $0 + $1.0 * $1.1 }
            guard pq > 0 else { return nil }
            let alpha = rh / pq
            for i in 0..<m { z[i] += alpha * p[i]; r[i] -= alpha * q[i] }
            h = try preconditioner.solve(r)
            let next = zip(r, h).reduce(0) { $0 + $1.0 * $1.1 }
            let beta = next / rh
            rh = next
            for i in 0..<m { p[i] = h[i] + beta * p[i] }
        }
        return r.reduce(0, { $0 + $1 * $1 }).squareRoot() <= 1e-12 * bnorm ? z : nil
    }

    /// Copies the strict lower triangle of the m × m column-major matrix `a` onto the upper one,
    /// 32 × 32 tile by tile (so the transposed writes stay in cache).
    static func mirrorLowerTriangle(_ a: UnsafeMutableBufferPointer<Double>, _ m: Int) {
        let tile = 32
        var cb = 0
        while cb < m {
            var rb = cb
            while rb < m {
                for c in cb..<min(cb + tile, m) {
                    for r in max(rb, c + 1)..<max(max(rb, c + 1), min(rb + tile, m)) { a[c + r * m] = a[r + c * m] }
                }
                rb += tile
            }
            cb += tile
        }
    }

    /// Σ a[i]·b[i] over `range` with four accumulators (the additions of one chain wait for
    /// the previous one; four chains keep the adder busy).
    @inline(__always)
    static func dot(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>, _ range: Range<Int>) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = range.lowerBound
        let hi = range.upperBound
        while i + 4 <= hi {
            s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]
            i += 4
        }
        while i < hi { s0 += a[i] * b[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Σ a[i]·b[i]·c[i] over `range` with four accumulators.
    @inline(__always)
    static func dot(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>, _ c: UnsafeBufferPointer<Double>, _ range: Range<Int>) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = range.lowerBound
        let hi = range.upperBound
        while i + 4 <= hi {
            s0 += a[i] * b[i] * c[i]; s1 += a[i + 1] * b[i + 1] * c[i + 1]
            s2 += a[i + 2] * b[i + 2] * c[i + 2]; s3 += a[i + 3] * b[i + 3] * c[i + 3]
            i += 4
        }
        while i < hi { s0 += a[i] * b[i] * c[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// The bounds of the runs of equal codes when each of the `count` levels forms exactly one
    /// run (at most `count` runs), else [] (see `Sums.runBounds`).
    static func runBounds(_ codes: [Int32], count: Int) -> [Int] {
        let n = codes.count
        guard n > 0, count > 0, count <= n else { return [] }
        var bounds: [Int] = [0]
        bounds.reserveCapacity(count + 1)
        var seen = [Bool](repeating: false, count: count)
        return codes.withUnsafeBufferPointer { c in
            var current = Int(c[0])
            seen[current] = true
            for i in 1..<max(1, n) where Int(c[i]) != current {
                current = Int(c[i])
                if seen[current] { return [] }
                seen[current] = true
                bounds.append(i)
            }
            bounds.append(n)
            return bounds
        }
    }

    /// The Cholesky factor of J (both triangles written by `system`: symmetric by construction),
    /// in J's own storage.
    private func factor(_ j: consuming Matrix) throws -> CholeskyFactorization {
        do {
            return try j.choleskyOfSymmetric()
        } catch let e as LinalgError {
            if case .notPositiveDefinite = e {
                throw SpatialInteractionError.notIdentified("the information matrix of the balancing factors and the cost/attribute parameters is singular (\(e.description))")
            }
            throw SpatialInteractionError.engine(e.description)
        }
    }

}
