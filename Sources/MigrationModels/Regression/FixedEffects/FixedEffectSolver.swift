import Dispatch
import Linalg
import MigrationData

/// Settings of the fixed-effect solver.
public struct FixedEffectSolverOptions: Sendable, Equatable {
    /// Stop when one sweep changes no fixed-effect coefficient by more than
    /// `tolerance · max|v|` (v: the variable being projected).
    public var tolerance: Double = 1e-10
    /// Maximum sweeps per variable.
    public var maxIterations: Int = 20_000
    /// Irons–Tuck acceleration of the alternating projections (Irons & Tuck 1969; as fixest).
    public var accelerate: Bool = true
    /// Project the columns of a matrix in parallel.
    public var parallel: Bool = true
    /// The algorithm: alternating projections (fixest's default), preconditioned conjugate
    /// gradients on the normal equations (a Krylov method that copes with hard problems of three
    /// or more fixed effects), or automatic (conjugate gradients from three fixed effects on).
    public var method: Method = .automatic
    public enum Method: String, Sendable { case automatic, alternatingProjections, conjugateGradient }
    public init() {}
}

/// The projection of one variable v on the fixed effects: v = Σₖ aₖ[gₖ(i)] + residual, in the
/// (weighted) least-squares sense.
package struct FixedEffectProjection: Sendable {
    /// v minus its fixed-effect fit (the "demeaned" variable).
    package let residual: [Double]
    /// One coefficient vector per fixed effect (identified only up to normalisation when there
    /// are several fixed effects).
    package let coefficients: [[Double]]
    package let iterations: Int
    package let converged: Bool
    /// Final max coefficient change divided by max|v|.
    package let criterion: Double
}

/// Partials out high-dimensional fixed effects without dummy matrices.
///
/// Solves min Σᵢ wᵢ (vᵢ − Σₖ aₖ[gₖ(i)])² by block Gauss–Seidel over the fixed-effect
/// dimensions (alternating projections in coefficient space: each sweep sets every aₖ to the
/// weighted group means of v − Σ_{j≠k} aⱼ), accelerated by Irons–Tuck extrapolation every two
/// sweeps, as in fixest (Bergé 2018, "Efficient estimation of maximum likelihood models with
/// multiple fixed-effects: the R package FENmlm"). One fixed effect is solved exactly in one
/// sweep. Cost per sweep: O(N·K·(K−1)) for K fixed effects; memory O(N + Σ levels).
package final class FixedEffectSolver: @unchecked Sendable {
    package let fixedEffects: [FixedEffect]
    package let observationCount: Int
    package let options: FixedEffectSolverOptions
    let weights: [Double]?
    /// Σ w per level, per fixed effect.
    let levelWeight: [[Double]]
    let offsets: [Int]
    let totalLevels: Int
    /// Per fixed effect: its codes come in runs (consecutive observations in the same group, on
    /// average 4 or more, as in data sorted by that group), so a sweep accumulates each run in
    /// registers before adding it to the group's sum (`accumulateRuns`).
    let inRuns: [Bool]

    /// - Parameters:
    ///   - fixedEffects: at least one; all with the same number of observations.
    ///   - weights: observation weights (nil = 1), all ≥ 0 and finite.
    package init(fixedEffects: [FixedEffect], weights: [Double]? = nil, options: FixedEffectSolverOptions = FixedEffectSolverOptions()) throws {
        guard let first = fixedEffects.first else { throw RegressionError.invalidInput("the fixed-effect solver needs at least one fixed effect") }
        let n = first.codes.count
        for fe in fixedEffects where fe.codes.count != n {
            throw RegressionError.invalidInput("fixed effect \(fe.name) has \(fe.codes.count) observations, \(first.name) has \(n)")
        }
        if let w = weights {
            guard w.count == n else { throw RegressionError.invalidInput("\(w.count) weights for \(n) observations") }
        }
        var offsets: [Int] = []
        var total = 0
        for fe in fixedEffects {
            offsets.append(total)
            total += fe.levelCount
        }
        // Σ w per level of every fixed effect, in one pass over the weights (which are checked).
        var lw: [[Double]] = fixedEffects.map { [Double](repeating: 0, count: $0.levelCount) }
        var invalid: Int? = nil
        if let w = weights {
            if fixedEffects.count == 2 {
                var sum0 = lw[0], sum1 = lw[1]
                fixedEffects[0].codes.withUnsafeBufferPointer { c0 in
                    fixedEffects[1].codes.withUnsafeBufferPointer { c1 in
                        sum0.withUnsafeMutableBufferPointer { s0 in
                            sum1.withUnsafeMutableBufferPointer { s1 in
                                w.withUnsafeBufferPointer { pw in
                                    for i in 0..<n {
                                        let x = pw[i]
                                        if !(x >= 0 && x.isFinite) { invalid = i; return }
                                        s0[Int(c0[i])] += x
                                        s1[Int(c1[i])] += x
                                    }
                                }
                            }
                        }
                    }
                }
                lw = [sum0, sum1]
            } else {
                for (i, x) in w.enumerated() where !(x >= 0 && x.isFinite) { invalid = i; break }
                if invalid == nil {
                    for (k, fe) in fixedEffects.enumerated() { for i in 0..<n { lw[k][Int(fe.codes[i])] += w[i] } }
                }
            }
            if let i = invalid {
                throw RegressionError.invalidValue(variable: "weights", row: i, value: w[i], requirement: "weights must be finite and ≥ 0")
            }
        } else {
            for (k, fe) in fixedEffects.enumerated() { for i in 0..<n { lw[k][Int(fe.codes[i])] += 1 } }
        }
        self.fixedEffects = fixedEffects
        self.observationCount = n
        self.weights = weights
        self.options = options
        self.offsets = offsets
        self.totalLevels = total
        self.levelWeight = lw
        self.inRuns = fixedEffects.map { fe in
            fe.codes.withUnsafeBufferPointer { c in
                var changes = 0
                for i in 1..<Swift.max(1, c.count) where c[i] != c[i - 1] { changes += 1 }
                return c.count >= 8 && changes * 4 <= c.count
            }
        }
    }

    /// Projects v on the fixed effects. `start`: coefficients of an earlier solve (warm start,
    /// e.g. the previous IRLS iteration), or nil.
    package func project(_ v: [Double], start: [Double]? = nil) -> FixedEffectProjection {
        let (residual, a, iterations, converged, criterion) = solve(v, start: start)
        let coefficients = (0..<fixedEffects.count).map { k in
            Array(a[offsets[k]..<(offsets[k] + fixedEffects[k].levelCount)])
        }
        return FixedEffectProjection(residual: residual, coefficients: coefficients, iterations: iterations, converged: converged, criterion: criterion)
    }

    /// One variable's solve: its residual, the flat coefficient vector (all fixed effects, for
    /// warm starts), the sweeps, whether it converged, and the last criterion.
    typealias ColumnSolution = (residual: [Double], coefficients: [Double], iterations: Int, converged: Bool, criterion: Double)

    /// Projects every column of X (and returns the flat coefficient vectors for warm starts).
    /// Two fixed effects solved by alternating projections share their sweeps: one pass over
    /// the codes and weights updates every column still iterating (`solveJoint`); each column
    /// keeps its own Irons–Tuck steps and stopping rule, so the results are those of projecting
    /// the columns one by one. With `options.parallel` and two or more processors available, the
    /// columns are split into one contiguous group per processor (at most 2), each group solved
    /// jointly on its own thread: the passes over the codes and weights — the memory traffic
    /// that bounds a sweep — are shared within a group instead of repeated per column.
    /// Other solvers project the columns concurrently one by one.
    func projectColumns(_ columns: [[Double]], starts: [[Double]?]) -> [ColumnSolution] {
        let starts = columns.indices.map { j in j < starts.count ? starts[j] : nil }
        let workers = Swift.min(ProcessorCount.available, 2, columns.count)
        let parallel = options.parallel && workers > 1 && observationCount >= 20_000
        if usesJointSweeps {
            guard parallel else { return solveJoint(columns, starts: starts) }
            let groups = (0..<workers).map { g in (columns.count * g / workers)..<(columns.count * (g + 1) / workers) }
            let box = GroupBox(count: workers)
            let work: @Sendable (Int) -> Void = { g in
                let range = groups[g]
                box.set(g, self.solveJoint(Array(columns[range]), starts: Array(starts[range])))
            }
            DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            return box.values.flatMap { $0 }
        }
        if parallel && columns.count > 1 {
            let box = ResultBox(count: columns.count)
            let work: @Sendable (Int) -> Void = { j in
                let r = self.solve(columns[j], start: starts[j])
                box.set(j, r)
            }
            DispatchQueue.concurrentPerform(iterations: columns.count, execute: work)
            return box.values
        }
        return columns.indices.map { j in solve(columns[j], start: starts[j]) }
    }

    /// The groups' solutions of a parallel joint solve, each written by one task.
    final class GroupBox: @unchecked Sendable {
        var values: [[ColumnSolution]]
        init(count: Int) { values = Array(repeating: [], count: count) }
        func set(_ g: Int, _ v: [ColumnSolution]) { values[g] = v }
    }

    final class ResultBox: @unchecked Sendable {
        var values: [ColumnSolution]
        init(count: Int) { values = Array(repeating: ([], [], 0, false, 0), count: count) }
        func set(_ j: Int, _ v: ColumnSolution) {
            values[j] = v   // each index is written by exactly one task
        }
    }

    /// Two fixed effects solved by alternating projections: the case of `solveJoint`.
    var usesJointSweeps: Bool {
        fixedEffects.count == 2 && options.method != .conjugateGradient
    }

    /// The solve of one variable.
    func solve(_ v: [Double], start: [Double]?) -> ColumnSolution {
        if usesJointSweeps { return solveJoint([v], starts: [start])[0] }
        let n = observationCount, K = fixedEffects.count
        var scale = 0.0
        for x in v { scale = max(scale, abs(x)) }
        if scale == 0 { scale = 1 }
        // Σ w·v per level (constant across sweeps).
        var wv = [Double](repeating: 0, count: totalLevels)
        v.withUnsafeBufferPointer { pv in
            wv.withUnsafeMutableBufferPointer { pwv in
                for k in 0..<K {
                    let off = offsets[k]
                    fixedEffects[k].codes.withUnsafeBufferPointer { c in
                        if let w = weights {
                            w.withUnsafeBufferPointer { pw in for i in 0..<n { pwv[off + Int(c[i])] += pw[i] * pv[i] } }
                        } else {
                            for i in 0..<n { pwv[off + Int(c[i])] += pv[i] }
                        }
                    }
                }
            }
        }
        var x: [Double]
        if let s = start, s.count == totalLevels { x = s } else { x = [Double](repeating: 0, count: totalLevels) }
        var iterations = 0
        var converged = false
        var criterion = Double.infinity
        let tol = options.tolerance * scale

        let useCG = options.method == .conjugateGradient || (options.method == .automatic && K >= 3)
        if K == 1 {
            sweep(&x, wv)
            iterations = 1
            converged = true
            criterion = 0
        } else if useCG {
            (iterations, converged, criterion) = conjugateGradient(&x, wv, tolerance: tol, scale: scale)
        } else {
            var gx = x, ggx = x
            while iterations < options.maxIterations {
                gx = x
                sweep(&gx, wv)
                iterations += 1
                var change = maxAbsDiff(gx, x)
                if change <= tol { x = gx; converged = true; criterion = change / scale; break }
                ggx = gx
                sweep(&ggx, wv)
                iterations += 1
                change = maxAbsDiff(ggx, gx)
                if change <= tol { x = ggx; converged = true; criterion = change / scale; break }
                criterion = change / scale
                if options.accelerate {
                    // Irons–Tuck: x ← GGX − (⟨δGX, δ²X⟩ / ⟨δ²X, δ²X⟩)·δGX.
                    ironsTuck(&x, gx, ggx)
                } else {
                    x = ggx
                }
            }
        }
        return (residual(v, x), x, iterations, converged, criterion)
    }

    /// v − Σₖ aₖ[gₖ(i)], `a` the flat coefficient vector.
    func residual(_ v: [Double], _ a: [Double]) -> [Double] {
        let n = observationCount
        var residual = v
        residual.withUnsafeMutableBufferPointer { pr in
            a.withUnsafeBufferPointer { pa in
                for k in 0..<fixedEffects.count {
                    let off = offsets[k]
                    fixedEffects[k].codes.withUnsafeBufferPointer { c in
                        for i in 0..<n { pr[i] -= pa[off &+ Int(c[i])] }
                    }
                }
            }
        }
        return residual
    }

    /// Irons–Tuck extrapolation: x ← GGX − (⟨δGX, δ²X⟩ / ⟨δ²X, δ²X⟩)·δGX (GGX when δ²X = 0).
    func ironsTuck(_ x: inout [Double], _ gx: [Double], _ ggx: [Double]) {
        var num = 0.0, den = 0.0
        for t in 0..<totalLevels {
            let dg = ggx[t] - gx[t]
            let d2 = ggx[t] - 2 * gx[t] + x[t]
            num += dg * d2
            den += d2 * d2
        }
        if den > 0 {
            let c = num / den
            for t in 0..<totalLevels { x[t] = ggx[t] - c * (ggx[t] - gx[t]) }
        } else {
            x = ggx
        }
    }

    /// Alternating projections for two fixed effects on several columns at once. Every column
    /// follows exactly the iteration of a lone solve (sweep, test, sweep, test, Irons–Tuck), in
    /// lockstep; the columns still iterating share each sweep's pass over the observations (their
    /// coefficients interleaved level by level), and a column leaves the pass once converged.
    func solveJoint(_ columns: [[Double]], starts: [[Double]?]) -> [ColumnSolution] {
        let n = observationCount, L = totalLevels, M = columns.count
        if M == 0 { return [] }
        var scale = [Double](repeating: 1, count: M)
        for j in 0..<M {
            var s = 0.0
            for x in columns[j] { s = max(s, abs(x)) }
            scale[j] = s == 0 ? 1 : s
        }
        // Σ w·v per level (constant across sweeps), interleaved: wvAll[t·M + j]; one pass over
        // the codes and weights for all columns (each level's sum still in observation order).
        var wvAll = [Double](repeating: 0, count: L * M)
        let off0 = offsets[0], off1 = offsets[1]
        withColumnPointers(columns) { pv in
            wvAll.withUnsafeMutableBufferPointer { pwv in
                fixedEffects[0].codes.withUnsafeBufferPointer { c0 in
                    fixedEffects[1].codes.withUnsafeBufferPointer { c1 in
                        if let w = weights {
                            w.withUnsafeBufferPointer { pw in
                                for i in 0..<n {
                                    let a = (off0 &+ Int(c0[i])) &* M, b = (off1 &+ Int(c1[i])) &* M, wi = pw[i]
                                    for j in 0..<M {
                                        pwv[a &+ j] += wi * pv[j][i]
                                    }
                                    for j in 0..<M {
                                        pwv[b &+ j] += wi * pv[j][i]
                                    }
                                }
                            }
                        } else {
                            for i in 0..<n {
                                let a = (off0 &+ Int(c0[i])) &* M, b = (off1 &+ Int(c1[i])) &* M
                                for j in 0..<M { pwv[a &+ j] += pv[j][i] }
                                for j in 0..<M { pwv[b &+ j] += pv[j][i] }
                            }
                        }
                    }
                }
            }
        }
        var x: [[Double]] = (0..<M).map { j in
            if let s = starts[j], s.count == L { return s }
            return [Double](repeating: 0, count: L)
        }
        var gx = x, ggx = x
        var iterations = [Int](repeating: 0, count: M)
        var converged = [Bool](repeating: false, count: M)
        var criterion = [Double](repeating: .infinity, count: M)
        var active = Array(0..<M)
        var buffers = JointSweepBuffers(levels: L, maxLevels: fixedEffects.map(\.levelCount).max() ?? 0, columns: M)
        let tol = (0..<M).map { options.tolerance * scale[$0] }
        while !active.isEmpty && iterations[active[0]] < options.maxIterations {
            for j in active { gx[j] = x[j] }
            jointSweep(&gx, active, wvAll, M, &buffers)
            var next: [Int] = []
            for j in active {
                iterations[j] += 1
                let change = maxAbsDiff(gx[j], x[j])
                if change <= tol[j] { x[j] = gx[j]; converged[j] = true; criterion[j] = change / scale[j] } else { next.append(j) }
            }
            active = next
            if active.isEmpty { break }
            for j in active { ggx[j] = gx[j] }
            jointSweep(&ggx, active, wvAll, M, &buffers)
            next = []
            for j in active {
                iterations[j] += 1
                let change = maxAbsDiff(ggx[j], gx[j])
                if change <= tol[j] { x[j] = ggx[j]; converged[j] = true; criterion[j] = change / scale[j]; continue }
                criterion[j] = change / scale[j]
                if options.accelerate { ironsTuck(&x[j], gx[j], ggx[j]) } else { x[j] = ggx[j] }
                next.append(j)
            }
            active = next
        }
        let residuals = jointResiduals(columns, x)
        return (0..<M).map { (residuals[$0], x[$0], iterations[$0], converged[$0], criterion[$0]) }
    }

    /// vⱼ − a⁽ʲ⁾₀[g₀(i)] − a⁽ʲ⁾₁[g₁(i)] for every column j (two fixed effects), block by block
    /// of rows so that the codes are read from memory once for all columns (and from cache for
    /// the others); the same values as `residual` column by column.
    func jointResiduals(_ columns: [[Double]], _ coefficients: [[Double]]) -> [[Double]] {
        let n = observationCount, M = columns.count, blockRows = 4_096
        // Written straight into new arrays (a copy of `columns` modified in place would pass
        // over every column twice).
        guard columns.allSatisfy({ $0.count == n }) else {
            var residuals = columns
            for j in 0..<M { for i in 0..<Swift.min(n, residuals[j].count) { residuals[j][i] = (residuals[j][i] - coefficients[j][offsets[0] + Int(fixedEffects[0].codes[i])]) - coefficients[j][offsets[1] + Int(fixedEffects[1].codes[i])] } }
            return residuals
        }
        var residuals = (0..<M).map { _ in [Double](unsafeUninitializedCapacity: n) { _, count in count = n } }
        let off0 = offsets[0], off1 = offsets[1]
        fixedEffects[0].codes.withUnsafeBufferPointer { c0 in
            fixedEffects[1].codes.withUnsafeBufferPointer { c1 in
                var blockStart = 0
                while blockStart < n {
                    let blockEnd = Swift.min(n, blockStart + blockRows)
                    for j in 0..<M {
                        coefficients[j].withUnsafeBufferPointer { pa in
                            columns[j].withUnsafeBufferPointer { pc in
                                residuals[j].withUnsafeMutableBufferPointer { pr in
                                    for i in blockStart..<blockEnd {
                                        pr[i] = (pc[i] - pa[off0 &+ Int(c0[i])]) - pa[off1 &+ Int(c1[i])]
                                    }
                                }
                            }
                        }
                    }
                    blockStart = blockEnd
                }
            }
        }
        return residuals
    }

    /// Calls `body` with a base pointer per array (all non-empty or all empty).
    func withColumnPointers<R>(_ arrays: [[Double]], _ body: ([UnsafePointer<Double>]) -> R) -> R {
        func nest(_ index: Int, _ collected: [UnsafePointer<Double>]) -> R {
            if index == arrays.count { return body(collected) }
            return arrays[index].withUnsafeBufferPointer { p in
                nest(index + 1, collected + [p.baseAddress ?? UnsafePointer(bitPattern: 8)!])
            }
        }
        return nest(0, [])
    }

    /// Work space of `jointSweep`, allocated once per `solveJoint`.
    struct JointSweepBuffers {
        /// The active columns' coefficients, interleaved: a[t·m + j].
        var a: [Double]
        /// The active columns' Σ w·v per level, interleaved likewise.
        var wv: [Double]
        /// Per-level sums of the fixed effect being updated, interleaved.
        var acc: [Double]
        init(levels: Int, maxLevels: Int, columns: Int) {
            a = [Double](repeating: 0, count: levels * columns)
            wv = a
            acc = [Double](repeating: 0, count: maxLevels * columns)
        }
    }

    /// One Gauss–Seidel sweep (as `sweep`, two fixed effects) applied in place to the
    /// coefficient vectors `vectors[j]`, j ∈ `active`, in one pass over the observations per
    /// fixed effect. `wvAll`: Σ w·v per level of all `total` columns, interleaved.
    func jointSweep(_ vectors: inout [[Double]], _ active: [Int], _ wvAll: [Double], _ total: Int, _ buffers: inout JointSweepBuffers) {
        let n = observationCount, L = totalLevels, m = active.count
        buffers.a.withUnsafeMutableBufferPointer { pa in
            buffers.wv.withUnsafeMutableBufferPointer { pwv in
                buffers.acc.withUnsafeMutableBufferPointer { pacc in
                    // Pack.
                    for (slot, j) in active.enumerated() {
                        vectors[j].withUnsafeBufferPointer { v in
                            for t in 0..<L { pa[t &* m &+ slot] = v[t] }
                        }
                        wvAll.withUnsafeBufferPointer { w in
                            for t in 0..<L { pwv[t &* m &+ slot] = w[t &* total &+ j] }
                        }
                    }
                    for k in 0..<2 {
                        let offK = offsets[k], levels = fixedEffects[k].levelCount
                        let j = 1 - k, offJ = offsets[j]
                        for t in 0..<(levels * m) { pacc[t] = 0 }
                        fixedEffects[k].codes.withUnsafeBufferPointer { ck in
                            fixedEffects[j].codes.withUnsafeBufferPointer { cj in
                                guard let ckb = ck.baseAddress, let cjb = cj.baseAddress,
                                      let src = pa.baseAddress.map({ $0 + offJ * m }), let dst = pacc.baseAddress else { return }
                                // m = 1…6 with a constant slot count, so the inner loop unrolls.
                                let runs = inRuns[k]
                                func run(_ wb: UnsafePointer<Double>?) {
                                    if runs && m <= 8 {
                                        switch m {
                                        case 1: Self.accumulateRuns(n, 1, ckb, cjb, wb, src, dst)
                                        case 2: Self.accumulateRuns(n, 2, ckb, cjb, wb, src, dst)
                                        case 3: Self.accumulateRuns(n, 3, ckb, cjb, wb, src, dst)
                                        case 4: Self.accumulateRuns(n, 4, ckb, cjb, wb, src, dst)
                                        case 5: Self.accumulateRuns(n, 5, ckb, cjb, wb, src, dst)
                                        default: Self.accumulateRuns(n, m, ckb, cjb, wb, src, dst)
                                        }
                                        return
                                    }
                                    switch m {
                                    case 1: Self.accumulate(n, 1, ckb, cjb, wb, src, dst)
                                    case 2: Self.accumulate(n, 2, ckb, cjb, wb, src, dst)
                                    case 3: Self.accumulate(n, 3, ckb, cjb, wb, src, dst)
                                    case 4: Self.accumulate(n, 4, ckb, cjb, wb, src, dst)
                                    case 5: Self.accumulate(n, 5, ckb, cjb, wb, src, dst)
                                    case 6: Self.accumulate(n, 6, ckb, cjb, wb, src, dst)
                                    default: Self.accumulate(n, m, ckb, cjb, wb, src, dst)
                                    }
                                }
                                if let w = weights {
                                    w.withUnsafeBufferPointer { pw in
                                        guard let wb = pw.baseAddress else { return }
                                        run(wb)
                                    }
                                } else {
                                    run(nil)
                                }
                            }
                        }
                        let lw = levelWeight[k]
                        for g in 0..<levels {
                            let base = (offK &+ g) &* m
                            for s in 0..<m {
                                pa[base &+ s] = lw[g] > 0 ? (pwv[base &+ s] - pacc[g &* m &+ s]) / lw[g] : 0
                            }
                        }
                    }
                    // Unpack.
                    for (slot, j) in active.enumerated() {
                        vectors[j].withUnsafeMutableBufferPointer { v in
                            for t in 0..<L { v[t] = pa[t &* m &+ slot] }
                        }
                    }
                }
            }
        }
    }

    /// As `accumulate`, for codes `ck` that come in runs: the terms of a run of equal ck[i] are
    /// summed in registers (m ≤ 8 slots) and added to acc once per run, which breaks the chain
    /// of dependent load–add–store on one accumulator that sorted data otherwise makes. Each
    /// column's sums do not depend on the other columns.
    @inline(__always)
    static func accumulateRuns(_ n: Int, _ m: Int, _ ck: UnsafePointer<Int32>, _ cj: UnsafePointer<Int32>, _ w: UnsafePointer<Double>?,
                               _ src: UnsafePointer<Double>, _ acc: UnsafeMutablePointer<Double>) {
        var i = 0
        while i < n {
            let code = ck[i]
            var sum = SIMD8<Double>()
            if let w {
                repeat {
                    let b = Int(cj[i]) &* m, wi = w[i]
                    for s in 0..<m { sum[s] += wi * src[b &+ s] }
                    i += 1
                } while i < n && ck[i] == code
            } else {
                repeat {
                    let b = Int(cj[i]) &* m
                    for s in 0..<m { sum[s] += src[b &+ s] }
                    i += 1
                } while i < n && ck[i] == code
            }
            let a = Int(code) &* m
            for s in 0..<m { acc[a &+ s] += sum[s] }
        }
    }

    /// acc[ck[i]·m + s] += w[i] · src[cj[i]·m + s] for every observation i and slot s < m, in
    /// observation order (so each column's sums are those of a lone sweep).
    @inline(__always)
    static func accumulate(_ n: Int, _ m: Int, _ ck: UnsafePointer<Int32>, _ cj: UnsafePointer<Int32>, _ w: UnsafePointer<Double>?,
                           _ src: UnsafePointer<Double>, _ acc: UnsafeMutablePointer<Double>) {
        if let w {
            for i in 0..<n {
                let a = Int(ck[i]) &* m, b = Int(cj[i]) &* m, wi = w[i]
                for s in 0..<m { acc[a &+ s] += wi * src[b &+ s] }
            }
        } else {
            for i in 0..<n {
                let a = Int(ck[i]) &* m, b = Int(cj[i]) &* m
                for s in 0..<m { acc[a &+ s] += src[b &+ s] }
            }
        }
    }

    /// Preconditioned conjugate gradients on the normal equations DᵀWD·a = DᵀWv (D: the sparse
    /// dummy matrix, never formed; Jacobi preconditioner = Σw per level). The system is singular
    /// when the fixed effects overlap, but consistent, and CG converges to one of its solutions
    /// (Hestenes & Stiefel 1952; as the Krylov solvers of reghdfe/FixedEffectModels.jl).
    /// Stops when a step changes no coefficient by more than `tolerance`.
    func conjugateGradient(_ a: inout [Double], _ wv: [Double], tolerance: Double, scale: Double) -> (Int, Bool, Double) {
        let L = totalLevels
        var diag = [Double](repeating: 0, count: L)
        for k in 0..<fixedEffects.count { for g in 0..<fixedEffects[k].levelCount { diag[offsets[k] + g] = levelWeight[k][g] } }
        var ap = [Double](repeating: 0, count: L)
        applyNormal(a, into: &ap)
        var r = [Double](repeating: 0, count: L)
        for t in 0..<L { r[t] = wv[t] - ap[t] }
        var z = (0..<L).map { diag[$0] > 0 ? r[$0] / diag[$0] : 0 }
        var p = z
        var rz = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
        var criterion = Double.infinity
        for it in 1...max(1, options.maxIterations) {
            applyNormal(p, into: &ap)
            let pAp = zip(p, ap).reduce(0) { $0 + $1.0 * $1.1 }
            if !(pAp > 0) { return (it, true, 0) }
            let step = rz / pAp
            var change = 0.0
            for t in 0..<L {
                let d = step * p[t]
                a[t] += d
                change = max(change, abs(d))
                r[t] -= step * ap[t]
            }
            criterion = change / scale
            if change <= tolerance { return (it, true, criterion) }
            for t in 0..<L { z[t] = diag[t] > 0 ? r[t] / diag[t] : 0 }
            let rzNew = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
            let beta = rzNew / rz
            rz = rzNew
            for t in 0..<L { p[t] = z[t] + beta * p[t] }
        }
        return (options.maxIterations, false, criterion)
    }

    /// out = DᵀWD·v: gather Σₖ v[gₖ(i)] per observation, then scatter wᵢ times it to every level.
    func applyNormal(_ v: [Double], into out: inout [Double]) {
        let n = observationCount, K = fixedEffects.count
        var u = [Double](repeating: 0, count: n)
        for k in 0..<K {
            let off = offsets[k]
            fixedEffects[k].codes.withUnsafeBufferPointer { c in
                for i in 0..<n { u[i] += v[off + Int(c[i])] }
            }
        }
        if let w = weights { for i in 0..<n { u[i] *= w[i] } }
        for t in 0..<out.count { out[t] = 0 }
        out.withUnsafeMutableBufferPointer { po in
            for k in 0..<K {
                let off = offsets[k]
                fixedEffects[k].codes.withUnsafeBufferPointer { c in
                    for i in 0..<n { po[off + Int(c[i])] += u[i] }
                }
            }
        }
    }

    /// One Gauss–Seidel sweep: for each k, aₖ[g] ← (Σ_{i∈g} wᵢvᵢ − Σ_{i∈g} wᵢ Σ_{j≠k} aⱼ[gⱼ(i)]) / Σ_{i∈g} wᵢ.
    func sweep(_ a: inout [Double], _ wv: [Double]) {
        let n = observationCount, K = fixedEffects.count
        a.withUnsafeMutableBufferPointer { pa in
            for k in 0..<K {
                let offK = offsets[k], levels = fixedEffects[k].levelCount
                var acc = [Double](repeating: 0, count: levels)
                acc.withUnsafeMutableBufferPointer { pacc in
                    fixedEffects[k].codes.withUnsafeBufferPointer { ck in
                        if K == 2 {
                            let j = 1 - k, offJ = offsets[j]
                            fixedEffects[j].codes.withUnsafeBufferPointer { cj in
                                if let w = weights {
                                    w.withUnsafeBufferPointer { pw in
                                        for i in 0..<n { pacc[Int(ck[i])] += pw[i] * pa[offJ + Int(cj[i])] }
                                    }
                                } else {
                                    for i in 0..<n { pacc[Int(ck[i])] += pa[offJ + Int(cj[i])] }
                                }
                            }
                        } else if K > 2 {
                            for i in 0..<n {
                                var s = 0.0
                                for j in 0..<K where j != k {
                                    s += pa[offsets[j] + Int(fixedEffects[j].codes[i])]
                                }
                                pacc[Int(ck[i])] += (weights?[i] ?? 1) * s
                            }
                        }
                    }
                    let lw = levelWeight[k]
                    for g in 0..<levels {
                        pa[offK + g] = lw[g] > 0 ? (wv[offK + g] - pacc[g]) / lw[g] : 0
                    }
                }
            }
        }
    }

    @inline(__always) func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double {
        var m = 0.0
        for t in 0..<a.count { m = max(m, abs(a[t] - b[t])) }
        return m
    }
}

/// Observations in singleton groups (a level seen once) of any fixed effect, found iteratively
/// (dropping one singleton can create another), as reghdfe/ppmlhdfe and fixest do: such
/// observations are fitted perfectly and only distort inference.
/// - Returns: a mask, true = keep.
package func nonSingletonMask(_ fixedEffects: [FixedEffect], keep initial: [Bool]? = nil) -> [Bool] {
    guard let n = fixedEffects.first?.codes.count else { return initial ?? [] }
    var keep = initial ?? [Bool](repeating: true, count: n)
    var changed = true
    while changed {
        changed = false
        for fe in fixedEffects {
            var count = [Int32](repeating: 0, count: fe.levelCount)
            for i in 0..<n where keep[i] { count[Int(fe.codes[i])] &+= 1 }
            for i in 0..<n where keep[i] && count[Int(fe.codes[i])] == 1 {
                keep[i] = false
                changed = true
            }
        }
    }
    return keep
}
