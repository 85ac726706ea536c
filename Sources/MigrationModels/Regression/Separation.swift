import Foundation
import Linalg

/// Detection of separation in Poisson (and other count) models: observations whose outcome is 0
/// and that some linear combination of the regressors and fixed effects can push to μ → 0, so the
/// maximum-likelihood estimate does not exist (Santos Silva & Tenreyro 2010; Correia, Guimarães
/// & Zylkin 2021, "Verifying the existence of maximum likelihood estimates for generalized
/// linear models", Econometrics Journal).
///
/// Steps, repeated until nothing changes:
/// 1. singletons of the fixed effects (when asked);
/// 2. fixed-effect separation: every level whose outcomes are all zero;
/// 3. regressor separation by the iterated rectifier: with S₀ = {i: yᵢ = 0} and S₊ the rest, set
///    u = 1{S₀}; repeatedly regress u on X and the fixed effects with weights 1 on S₀ and M on
///    S₊ (M = 1e8, which pins the fit to 0 there), get û, and set u = max(û, 0) on S₀ (0 on S₊),
///    until u stops changing (a fixed point) with û ≥ −1e-7 on S₀. The separated observations are
///    those with û > 1e-6 (u starts at 1, so the tolerances are absolute). Each step is a
///    least-squares problem on the same solver as the model; small fixed-effect problems use
///    explicit dummies so that the steps are exact.
enum Separation {
    /// The work limit of the rectifier's fixed-effect projections, in sweeps × rows (a sweep
    /// visits every row once per fixed effect): about a minute of work at most.
    static let projectionWork = 2_000_000_000

    struct Outcome {
        var keep: [Bool]
        var dropped: DroppedObservations
    }

    static func detect(y: [Double], x: [[Double]], fixedEffects: [FixedEffect], weights: [Double]?,
                       dropSingletons: Bool, detectSeparation: Bool, solverOptions: FixedEffectSolverOptions) throws -> Outcome {
        let n = y.count
        var keep = [Bool](repeating: true, count: n)
        if let w = weights { for i in 0..<n where w[i] == 0 { keep[i] = false } }
        var dropped = DroppedObservations()
        var changed = true
        var rounds = 0
        while changed && rounds < 100 {
            changed = false
            rounds += 1
            if dropSingletons && !fixedEffects.isEmpty {
                let k = nonSingletonMask(fixedEffects, keep: keep)
                for i in 0..<n where keep[i] && !k[i] { dropped.singletons.append(i); keep[i] = false; changed = true }
            }
            guard detectSeparation else { continue }
            for fe in fixedEffects {
                var total = [Double](repeating: 0, count: fe.levelCount)
                for i in 0..<n where keep[i] { total[Int(fe.codes[i])] += y[i] }
                for i in 0..<n where keep[i] && total[Int(fe.codes[i])] == 0 {
                    dropped.fixedEffectSeparation.append(i); keep[i] = false; changed = true
                }
            }
            if changed { continue }
            let separated = try rectifier(y: y, x: x, fixedEffects: fixedEffects, keep: keep, solverOptions: solverOptions)
            for i in separated { dropped.regressorSeparation.append(i); keep[i] = false; changed = true }
        }
        dropped.singletons.sort()
        dropped.fixedEffectSeparation.sort()
        dropped.regressorSeparation.sort()
        return Outcome(keep: keep, dropped: dropped)
    }

    /// The iterated rectifier on the kept rows; returns separated row indices (caller's numbering).
    static func rectifier(y: [Double], x: [[Double]], fixedEffects: [FixedEffect], keep: [Bool],
                          solverOptions: FixedEffectSolverOptions, projectionWork: Int = Separation.projectionWork) throws -> [Int] {
        let rows = (0..<y.count).filter { keep[$0] }
        let n = rows.count
        let zeroRows = rows.indices.filter { y[rows[$0]] == 0 }
        if zeroRows.isEmpty || n == 0 { return [] }
        let xs = x.map(Subsample(rows: rows, total: y.count).apply)
        let fes = fixedEffects.map { $0.subset(rows) }
        let bigWeight = 1e8
        var w = [Double](repeating: bigWeight, count: n)
        for i in zeroRows { w[i] = 1 }
        var u = [Double](repeating: 0, count: n)
        for i in zeroRows { u[i] = 1 }
        var solver: FixedEffectSolver? = nil
        var xt = xs
        var opts = solverOptions
        opts.tolerance = min(opts.tolerance, 1e-12)
        opts.maxIterations = max(opts.maxIterations, 100_000)
        let totalLevels = fes.reduce(0) { $0 + $1.levelCount }
        var useDummies = false
        if !fes.isEmpty && totalLevels <= 2_000 && n * totalLevels <= 20_000_000 {
            // Small problem: explicit dummy columns make the weighted fit exact (alternating
            // projections converge slowly with weights spanning eight orders of magnitude).
            useDummies = true
            for fe in fes {
                for level in 0..<fe.levelCount {
                    xt.append(fe.codes.map { Int($0) == level ? 1.0 : 0.0 })
                }
            }
        }
        // Work limit of the fixed-effect projections (sweeps × rows): with weights spanning eight
        // orders of magnitude they can converge very slowly, and 20,000 rectifier steps of up to
        // 100,000 sweeps each ran for hours on 12,000 rows with two large fixed effects.
        var sweepsLeft = max(100, projectionWork / max(n, 1))
        var sweepsUsed = 0
        func exhausted(_ criterion: Double) -> RegressionError {
            .notConverged(what: "separation check (iterated rectifier: its fixed-effect projections did not settle within \(sweepsUsed) sweeps) — if separation is not a concern, skip the check (migkit fit --no-separation-check; RegressionOptions.detectSeparation = false)",
                          iterations: sweepsUsed, criterion: criterion, tolerance: opts.tolerance)
        }
        if !fes.isEmpty && !useDummies {
            opts.maxIterations = min(opts.maxIterations, sweepsLeft)
            let s = try FixedEffectSolver(fixedEffects: fes, weights: w, options: opts)
            let projected = s.projectColumns(xs, starts: [])
            for p in projected {
                sweepsUsed += p.iterations
                if !p.converged { throw exhausted(p.criterion) }
            }
            sweepsLeft -= projected.map(\.iterations).max() ?? 0
            xt = projected.map(\.residual)
            solver = s
        }
        var uStart: [Double]? = nil   // warm start: u changes little from one step to the next
        let normsBefore = (fes.isEmpty || useDummies) ? nil : xs.map { weightedNorm($0, w) }
        // X̃ and w do not change between iterations, only u does: the first weighted fit decides
        // which columns are kept, and every later step applies the same projection through the
        // thin Q of √w∘X̃_kept, O(n·k) per step instead of a new O(n·k²) factorization (a
        // Poisson model with 300 regressors on 500 rows otherwise spent minutes here).
        let rootW = w.map { $0.squareRoot() }
        var projector: Matrix? = nil        // thin Q, once the kept columns are known
        var nothingKept = false
        for _ in 0..<20_000 {
            var ut = u
            if let solver {
                guard sweepsLeft > 0 else { throw exhausted(.nan) }
                let p = solver.project(u, start: uStart)
                sweepsUsed += p.iterations
                sweepsLeft -= p.iterations
                if !p.converged { throw exhausted(p.criterion) }
                ut = p.residual
                uStart = p.coefficients.flatMap { $0 }   // the flat vector solve(_:start:) takes
            }
            var explained = [Double](repeating: 0, count: n)   // X̃_kept β̂ at this step
            if nothingKept {
                // No column survived: X̃β̂ = 0 at every step.
            } else if let q = projector {
                let scaled = (0..<n).map { ut[$0] * rootW[$0] }
                let coefficients = try q.multiplied(by: scaled, transposeSelf: true)
                let fittedScaled = try q.multiplied(by: coefficients)
                for i in 0..<n { explained[i] = fittedScaled[i] / rootW[i] }
            } else {
                let ls = try weightedLeastSquares(columns: xt, response: ut, weights: w, normsBeforePartialling: normsBefore,
                                                  collinearityTolerance: 1e-9, allowUnderdetermined: true)
                for i in 0..<n { explained[i] = ut[i] - ls.residuals[i] }
                if !ls.kept.isEmpty {
                    var a = try Matrix(rows: n, cols: ls.kept.count)
                    for (c, j) in ls.kept.enumerated() { for i in 0..<n { a[i, c] = xt[j][i] * rootW[i] } }
                    projector = try a.pivotedQR(rankTolerance: 1e-12).q(full: false)
                } else {
                    nothingKept = true
                }
            }
            let residuals = (0..<n).map { ut[$0] - explained[$0] }
            // Fitted û = u − residual; u starts at 1 on S₀, so tolerances are absolute.
            var fitted = [Double](repeating: 0, count: n)
            for i in 0..<n { fitted[i] = u[i] - residuals[i] }
            var minimum = 0.0, change = 0.0, largest = 0.0
            var next = [Double](repeating: 0, count: n)
            for i in zeroRows {
                minimum = min(minimum, fitted[i])
                next[i] = fitted[i] > 1e-12 ? fitted[i] : 0
                change = max(change, abs(next[i] - u[i]))
                largest = max(largest, next[i])
            }
            if largest == 0 { return [] }
            // A fixed point of u ← max(P u, 0) with P u ≥ 0 is a separating direction; values
            // that only decay towards 0 keep iterating until they are negligible.
            if minimum >= -1e-7 && change <= 1e-10 * max(1, largest) {
                return zeroRows.filter { fitted[$0] > 1e-6 }.map { rows[$0] }
            }
            u = next
        }
        throw RegressionError.notConverged(what: "separation check (iterated rectifier)", iterations: 20_000, criterion: .nan, tolerance: 1e-8)
    }
}
