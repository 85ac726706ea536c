import Foundation
import Linalg

/// Ordinary and weighted least squares with optional high-dimensional fixed effects.
///
/// Model: yᵢ = xᵢᵀβ + Σₖ αₖ[gₖ(i)] + εᵢ, estimated by minimising Σ wᵢ(yᵢ − ŷᵢ)². The fixed
/// effects are partialled out (Frisch–Waugh–Lovell) by `FixedEffectSolver`; β comes from the
/// rank-revealing QR of `weightedLeastSquares`, which drops collinear regressors and reports
/// them by name. Matches statsmodels `OLS`/`WLS` (no fixed effects) and pyfixest `feols`.
///
/// Statistics (statsmodels' definitions without fixed effects, fixest's with them):
/// RSS = Σwe²; R² = 1 − RSS/TSS with TSS centred on the weighted mean when there is an intercept
/// or fixed effects, uncentred otherwise; within R² = 1 − RSS/Σwỹ² (ỹ: y after partialling out);
/// adjusted R² = 1 − (1−R²)(N−1)/(N−K), K counting kept coefficients plus the fixed-effect rank
/// (N−1 → N without intercept or fixed effects); F = (R²/(K−c))/((1−R²)/(N−K)) on the regressors
/// (c = 1 with an intercept), within R² with fixed effects; log-likelihood of the Gaussian
/// model −N/2·(log 2π + log(RSS/N) + 1) + ½Σ log wᵢ; AIC = −2ℓ + 2(K+1)?? — see `aic`.
public enum LinearModel {
    /// The largest magnitude of a response or regressor value, and of a weight (non-zero weights
    /// must also be at least its reciprocal): sums of squares of larger values overflow, so
    /// larger values throw `RegressionError.invalidValue` (rescale the variable) instead of
    /// silently dropping a column as collinear. Applies to `GeneralizedLinearModel` too.
    public static let maximumMagnitude = 1e150

    /// Fits the model.
    /// - Parameters:
    ///   - y: the response (argument label `response`), one value per observation.
    ///   - x: the regressors (argument label `regressors`), the columns of X (include a column of
    ///     ones named "Intercept" for an intercept; with fixed effects none is needed).
    ///   - names: one name per regressor column.
    ///   - weights: prior weights (WLS), finite and ≥ 0.
    ///   - fixedEffects: absorbed effects (full-length codes).
    ///   - variance: the variance estimator (cluster variables as full-length groupings).
    ///   - correction: small-sample conventions.
    ///   - options: confidence level, singleton dropping, collinearity tolerance and the
    ///     fixed-effect solver's settings.
    /// - Throws: `RegressionError` for non-finite data (naming variable and row), shape
    ///   mismatches, too few observations.
    public static func fit(response y: [Double], regressors x: [[Double]], names: [String],
                           weights: [Double]? = nil, fixedEffects: [FixedEffect] = [],
                           variance: VarianceEstimator = .iid, correction: SmallSampleCorrection = .standard,
                           options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        let n0 = y.count
        try validate(y: y, x: x, names: names, weights: weights, fixedEffects: fixedEffects, variance: variance)
        // Estimation sample.
        var keep = [Bool](repeating: true, count: n0)
        var dropped = DroppedObservations()
        if !fixedEffects.isEmpty && options.dropSingletons {
            keep = nonSingletonMask(fixedEffects, keep: keep)
            dropped.singletons = (0..<n0).filter { !keep[$0] }
        }
        let rows = (0..<n0).filter { keep[$0] }
        let sample = Subsample(rows: rows, total: n0)
        let ys = sample.apply(y), xs = x.map(sample.apply), ws = weights.map(sample.apply)
        let fes = fixedEffects.map { sample.all ? $0 : $0.subset(rows) }
        let vest = sample.apply(variance)
        let n = rows.count
        guard n > 0 else { throw RegressionError.tooFewObservations(observations: 0, parameters: x.count) }

        // Partial out the fixed effects.
        var yt = ys, xt = xs
        var solver: FixedEffectSolver? = nil
        var iterations = 0
        if !fes.isEmpty {
            let s = try FixedEffectSolver(fixedEffects: fes, weights: ws, options: options.fixedEffectSolver)
            let projected = s.projectColumns([ys] + xs, starts: [])
            for p in projected where !p.converged {
                throw RegressionError.notConverged(what: "fixed-effect demeaning", iterations: p.iterations, criterion: p.criterion, tolerance: options.fixedEffectSolver.tolerance)
            }
            iterations = projected.map(\.iterations).max() ?? 0
            yt = projected[0].residual
            xt = projected.dropFirst().map(\.residual)
            solver = s
        }
        let normsBefore = fes.isEmpty ? nil : xs.map { col in weightedNorm(col, ws) }
        let ls = try weightedLeastSquares(columns: xt, response: yt, weights: ws, normsBeforePartialling: normsBefore,
                                          collinearityTolerance: options.collinearityTolerance)
        let keptNames = ls.kept.map { names[$0] }
        let p = ls.kept.count
        let feRank = fixedEffectRank(fes)
        let hasIntercept = names.enumerated().contains { j, name in
            (name == "Intercept" || name == "(Intercept)") && ls.kept.contains(j)
        }
        let e = ls.residuals
        let rss = weightedSum(e, e, ws)
        let sumW = ws?.reduce(0, +) ?? Double(n)
        let yMean = weightedSum(ys, nil, ws) / sumW
        let centred = hasIntercept || !fes.isEmpty
        let yc = centred ? ys.map { $0 - yMean } : ys
        let tss = weightedSum(yc, yc, ws)
        let r2 = 1 - rss / tss
        let kTotal = p + feRank
        let dfResid = Double(n - kTotal)
        let adjR2 = 1 - (1 - r2) * Double(centred ? n - 1 : n) / dfResid
        let withinR2: Double? = fes.isEmpty ? nil : 1 - rss / weightedSum(yt, yt, ws)
        let fitR2 = withinR2 ?? r2
        let numDF = Double(p - (hasIntercept ? 1 : 0))
        let fStat: Double? = numDF > 0 ? (fitR2 / numDF) / ((1 - fitR2) / dfResid) : nil
        let fP = fStat.map { Distributions.fSurvival($0, numDF, dfResid) }
        let sumLogW = ws?.reduce(0.0) { $0 + ($1 > 0 ? log($1) : 0) } ?? 0
        let llf = -Double(n) / 2 * (log(2 * Double.pi) + log(rss / Double(n)) + 1) + 0.5 * sumLogW
        let kParams = Double(kTotal)
        let aic = -2 * llf + 2 * kParams
        let bic = -2 * llf + log(Double(n)) * kParams

        // Variance.
        let xKept = ls.kept.map { xt[$0] }
        let sigma2 = rss / dfResid
        let input = SandwichInput(columns: xKept, residuals: e, weights: ws, bread: ls.bread, n: n, p: p,
                                  fixedEffects: fes, fixedEffectRank: feRank, dispersion: sigma2, isLinear: true, residualSumOfSquares: rss)
        let (vcov, clusters) = try Sandwich.variance(vest, correction, input)
        let warnings = varianceWarnings(vcov, keptNames, vest.label)
        // t degrees of freedom: N − K, or G − 1 for clustered errors (fixest, Stata).
        let tDF: Double = clusters.map { Double($0 - 1) } ?? dfResid
        let coefs = makeCoefficients(keptNames, ls.beta, vcov, df: tDF, level: options.confidenceLevel)

        var feEstimates: [FixedEffectEstimates]? = nil
        if options.estimateFixedEffects, let solver {
            var r = ys
            for (k, j) in ls.kept.enumerated() { for i in 0..<n { r[i] -= ls.beta[k] * xs[j][i] } }
            let proj = solver.project(r)
            feEstimates = fes.enumerated().map { k, fe in FixedEffectEstimates(name: fe.name, levels: fe.levelLabels, values: proj.coefficients[k]) }
        }
        let fitted = zip(ys, e).map { $0 - $1 }
        return RegressionResult(
            family: .gaussian, coefficients: coefs, collinearTerms: ls.dropped.map { names[$0] }, vcov: vcov,
            varianceLabel: vest.label, observations: n, estimationRows: rows, dropped: dropped, degreesOfFreedom: tDF,
            confidenceLevel: options.confidenceLevel,
            rSquared: r2, adjustedRSquared: adjR2, withinRSquared: withinR2, fStatistic: fStat, fPValue: fP,
            deviance: rss, nullDeviance: tss, logLikelihood: llf, aic: aic, bic: bic, residualSumOfSquares: rss,
            iterations: iterations, converged: true, theta: nil, fittedValues: fitted, residuals: e, workingWeights: nil,
            fixedEffectNames: fes.map(\.name), fixedEffectRank: feRank, fixedEffectEstimates: feEstimates, warnings: warnings,
            model: FittedModelState(termNames: keptNames, beta: ls.beta, logLink: false, fixedEffects: feEstimates ?? []))
    }

    static func validate(y: [Double], x: [[Double]], names: [String], weights: [Double]?, fixedEffects: [FixedEffect], variance: VarianceEstimator) throws {
        let n = y.count
        guard n > 0 else { throw RegressionError.tooFewObservations(observations: 0, parameters: x.count) }
        guard x.count == names.count else { throw RegressionError.invalidInput("\(x.count) regressor columns but \(names.count) names") }
        for (j, col) in x.enumerated() where col.count != n {
            throw RegressionError.invalidInput("regressor '\(names[j])' has \(col.count) values, the response \(n)")
        }
        for (i, v) in y.enumerated() where !v.isFinite { throw RegressionError.nonFinite(variable: "response", row: i, value: v) }
        for (j, col) in x.enumerated() {
            for (i, v) in col.enumerated() where !v.isFinite { throw RegressionError.nonFinite(variable: names[j], row: i, value: v) }
        }
        // Least squares forms sums of squares: beyond 1e150 they overflow, and a column would be
        // dropped as "collinear" or the fit would silently lose every coefficient.
        let limit = LinearModel.maximumMagnitude
        for (i, v) in y.enumerated() where Swift.abs(v) > limit {
            throw RegressionError.invalidValue(variable: "response", row: i, value: v, requirement: "values must not exceed \(limit) in magnitude (their squares overflow) — rescale the variable")
        }
        for (j, col) in x.enumerated() {
            for (i, v) in col.enumerated() where Swift.abs(v) > limit {
                throw RegressionError.invalidValue(variable: names[j], row: i, value: v, requirement: "values must not exceed \(limit) in magnitude (their squares overflow) — rescale the variable")
            }
        }
        if let w = weights {
            guard w.count == n else { throw RegressionError.invalidInput("\(w.count) weights for \(n) observations") }
            for (i, v) in w.enumerated() where !(v.isFinite && v >= 0) {
                throw RegressionError.invalidValue(variable: "weights", row: i, value: v, requirement: "weights must be finite and ≥ 0")
            }
            for (i, v) in w.enumerated() where v != 0 && !(v >= 1 / limit && v <= limit) {
                throw RegressionError.invalidValue(variable: "weights", row: i, value: v, requirement: "non-zero weights must lie between \(1 / limit) and \(limit) (only their ratios matter) — rescale the weights")
            }
            guard w.contains(where: { $0 > 0 }) else {
                throw RegressionError.invalidInput("every weight is 0, so no observation counts — give some rows a positive weight")
            }
        }
        for fe in fixedEffects where fe.codes.count != n {
            throw RegressionError.invalidInput("fixed effect '\(fe.name)' has \(fe.codes.count) observations, the response \(n)")
        }
        switch variance {
        case .cluster(let g): try Sandwich.checkLength(g, n)
        case let .twoWayCluster(g, h): try Sandwich.checkLength(g, n); try Sandwich.checkLength(h, n)
        default: break
        }
    }
}

/// Row subset applied to vectors, groupings and variance specifications.
struct Subsample {
    let rows: [Int]
    let all: Bool
    init(rows: [Int], total: Int) { self.rows = rows; self.all = rows.count == total }
    func apply(_ v: [Double]) -> [Double] { all ? v : rows.map { v[$0] } }
    func apply(_ v: VarianceEstimator) -> VarianceEstimator {
        if all { return v }
        switch v {
        case .cluster(let g): return .cluster(g.subset(rows))
        case let .twoWayCluster(g, h): return .twoWayCluster(g.subset(rows), h.subset(rows))
        default: return v
        }
    }
}

/// Σ wᵢ aᵢ bᵢ (b = nil → Σ wᵢ aᵢ).
func weightedSum(_ a: [Double], _ b: [Double]?, _ w: [Double]?) -> Double {
    var s = 0.0
    for i in 0..<a.count { s += a[i] * (b?[i] ?? 1) * (w?[i] ?? 1) }
    return s
}

func weightedNorm(_ a: [Double], _ w: [Double]?) -> Double { weightedSum(a, a, w).squareRoot() }
