import Foundation
import Linalg

/// The response distribution of a generalized linear model (canonical log link for counts).
public enum GLMFamily: Sendable, Equatable, CustomStringConvertible {
    /// Normal errors, identity link: the linear model (with an offset subtracted from y).
    case gaussian
    /// Poisson, log link: Var(y) = μ. With fixed effects and robust errors this is PPML
    /// (Santos Silva & Tenreyro 2006).
    case poisson
    /// Negative binomial NB2, log link: Var(y) = μ + μ²/θ. θ = nil estimates θ by maximum
    /// likelihood, alternating with IRLS for β (as R's MASS::glm.nb).
    case negativeBinomial(theta: Double?)

    /// "gaussian", "poisson" or "negative binomial" (reports and the CLI print it).
    public var name: String {
        switch self {
        case .gaussian: return "gaussian"
        case .poisson: return "poisson"
        case .negativeBinomial: return "negative binomial"
        }
    }

    /// The `name`.
    public var description: String { name }
}

/// Generalized linear models by iteratively reweighted least squares, with offsets, prior
/// weights, high-dimensional fixed effects and separation detection.
///
/// IRLS (McCullagh & Nelder 1989, §2.5; GLM.jl's layout): with η = Xβ + Σα + offset, μ = exp(η),
/// working response z = η − offset + (y − μ)/μ and working weight W = w·μ/(1 + μ/θ) (θ = ∞ for
/// Poisson), each iteration partials the fixed effects out of z and X under W (warm-started from
/// the previous iteration, as ppmlhdfe) and solves the weighted least-squares problem; the new
/// linear predictor is z − r̃ + offset, r̃ the weighted residual. Step-halving on η while the
/// deviance is not finite or rises. Converged when |D − D_prev| / max(|D|, 0.1) < tolerance (and,
/// for NB2, whose Fisher scoring converges only linearly, when no coefficient moved by more than
/// 1e-11 relative).
/// Starting values μ = (y + ȳ)/2 (ppmlhdfe).
///
/// Variance: bread (X̃ᵀWX̃)⁻¹ at the final weights; scores w(y − μ)x̃/(1 + μ/θ); iid uses
/// dispersion 1 (Poisson, and NB2 given θ as glm.nb). z-statistics (normal) unless clustered.
/// Matches statsmodels `GLM` (Poisson; NegativeBinomial(alpha = 1/θ)) and pyfixest `fepois`.
public enum GeneralizedLinearModel {
    /// The largest response a count model accepts (see `fit`); larger values throw
    /// `RegressionError.invalidValue` because μ² and the working weights would overflow.
    public static let maximumResponse = 1e100

    /// Fits the model. Throws `RegressionError` for invalid data (negative counts, responses above
    /// `maximumResponse`, non-finite values, no usable observation) and for non-convergence
    /// (including a negative-binomial θ that grows without bound on under-dispersed counts).
    public static func fit(response y: [Double], regressors x: [[Double]], names: [String],
                           family: GLMFamily, offset: [Double]? = nil, weights: [Double]? = nil,
                           fixedEffects: [FixedEffect] = [], variance: VarianceEstimator = .iid,
                           correction: SmallSampleCorrection = .standard,
                           options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        if family == .gaussian {
            let yy = offset.map { o in zip(y, o).map { $0 - $1 } } ?? y
            return try LinearModel.fit(response: yy, regressors: x, names: names, weights: weights, fixedEffects: fixedEffects,
                                       variance: variance, correction: correction, options: options)
        }
        let n0 = y.count
        try LinearModel.validate(y: y, x: x, names: names, weights: weights, fixedEffects: fixedEffects, variance: variance)
        // More regressors than observations can never be estimated; refuse before the separation
        // check, whose padded least-squares problems would need (columns + 1)² numbers.
        guard x.count < n0 || x.count == 0 else { throw RegressionError.tooFewObservations(observations: n0, parameters: x.count) }
        for (i, v) in y.enumerated() where v < 0 {
            throw RegressionError.invalidValue(variable: "response", row: i, value: v, requirement: "a count model needs y ≥ 0")
        }
        // μ, μ² and the working weights must stay finite: beyond 1e100 IRLS overflows and returns
        // garbage (an estimate with NaN errors), so refuse and ask for a rescaled response.
        for (i, v) in y.enumerated() where v > GeneralizedLinearModel.maximumResponse {
            throw RegressionError.invalidValue(variable: "response", row: i, value: v,
                                               requirement: "a count model needs y ≤ \(GeneralizedLinearModel.maximumResponse) (larger values overflow the IRLS weights) — rescale the response, e.g. to thousands")
        }
        if let o = offset {
            guard o.count == n0 else { throw RegressionError.invalidInput("\(o.count) offset values for \(n0) observations") }
            for (i, v) in o.enumerated() where !v.isFinite { throw RegressionError.nonFinite(variable: "offset", row: i, value: v) }
        }

        // Estimation sample: zero weights, singletons and separation.
        let separation = try Separation.detect(y: y, x: x, fixedEffects: fixedEffects, weights: weights,
                                               dropSingletons: options.dropSingletons, detectSeparation: options.detectSeparation,
                                               solverOptions: options.fixedEffectSolver)
        let keep = separation.keep
        let dropped = separation.dropped
        let rows = (0..<n0).filter { keep[$0] }
        let sample = Subsample(rows: rows, total: n0)
        let ys = sample.apply(y), xs = x.map(sample.apply)
        let prior = weights.map(sample.apply)
        let off = offset.map(sample.apply) ?? [Double](repeating: 0, count: rows.count)
        let fes = fixedEffects.map { sample.all ? $0 : $0.subset(rows) }
        let vest = sample.apply(variance)
        let n = rows.count
        guard n > 0 else { throw RegressionError.tooFewObservations(observations: 0, parameters: x.count) }

        var theta: Double? = nil
        var estimateTheta = false
        if case .negativeBinomial(let t) = family {
            if let t {
                guard t > 0, t.isFinite else { throw RegressionError.invalidInput("θ must be positive and finite, got \(t)") }
                theta = t
            } else {
                estimateTheta = true
            }
        }

        var state = IRLSState(n: n, columns: xs.count)
        var totalIterations = 0
        var converged = false
        var lastCriterion = Double.infinity
        // NB2 with θ estimated: start from Poisson, then alternate θ and β (glm.nb).
        var outer = 0
        repeat {
            let r = try irls(ys: ys, xs: xs, prior: prior, offset: off, fes: fes, theta: theta, options: options, state: &state)
            totalIterations += r.iterations
            converged = r.converged
            lastCriterion = r.criterion
            if !estimateTheta { break }
            let newTheta = try NegativeBinomialTheta.maximumLikelihood(y: ys, mu: state.mu, weights: prior, start: theta)
            outer += 1
            if let t = theta, abs(newTheta - t) / newTheta < 1e-10 && r.iterations <= 2 { theta = newTheta; break }
            theta = newTheta
        } while outer < 100
        if estimateTheta && outer >= 100 { converged = false }
        if !converged && !options.allowNonConvergence {
            throw RegressionError.notConverged(what: "IRLS (\(family.name))", iterations: totalIterations, criterion: lastCriterion, tolerance: options.tolerance)
        }

        // Final quantities.
        guard let ls = state.lastSolution else { throw RegressionError.invalidInput("IRLS produced no solution") }
        let keptNames = ls.kept.map { names[$0] }
        let p = ls.kept.count
        let mu = state.mu
        let th = theta ?? .infinity
        let w = state.workingWeights
        let xKept = ls.kept.map { state.xTilde[$0] }
        let working = (0..<n).map { (ys[$0] - mu[$0]) / mu[$0] }
        let feRank = fixedEffectRank(fes)
        let input = SandwichInput(columns: xKept, residuals: working, weights: w, bread: ls.bread, n: n, p: p,
                                  fixedEffects: fes, fixedEffectRank: feRank, dispersion: 1, isLinear: false, residualSumOfSquares: 0)
        let (vcov, clusters) = try Sandwich.variance(vest, correction, input)
        var warnings = varianceWarnings(vcov, keptNames, vest.label)
        // z statistics, or t(G − 1) for clustered errors under the standard convention.
        let df: Double? = correction.glmInference == .normal ? nil : clusters.map { Double($0 - 1) }
        let coefs = makeCoefficients(keptNames, ls.beta, vcov, df: df, level: options.confidenceLevel)

        if !converged {
            warnings.append("IRLS did not converge in \(totalIterations) iterations (last criterion \(lastCriterion), tolerance \(options.tolerance)): estimates are not the maximum-likelihood values")
        }
        let dev = deviance(ys, mu, prior, th)
        let llf = logLikelihood(ys, mu, prior, th)
        let kParams = Double(p + feRank) + (estimateTheta ? 1 : 0)
        let aic = -2 * llf + 2 * kParams
        let bic = -2 * llf + log(Double(n)) * kParams
        // Null deviance: intercept-only model (with offset) when there are no fixed effects.
        var nullDev: Double? = nil
        if fes.isEmpty {
            let sw = prior?.reduce(0, +) ?? Double(n)
            let sy = weightedSum(ys, nil, prior)
            let se = weightedSum(off.map { exp($0) }, nil, prior)
            let hasOffset = offset != nil
            let mu0: [Double] = hasOffset ? off.map { exp($0) * sy / se } : [Double](repeating: sy / sw, count: n)
            nullDev = deviance(ys, mu0, prior, th)
        }
        var feEstimates: [FixedEffectEstimates]? = nil
        if options.estimateFixedEffects, !fes.isEmpty {
            // α from η − offset − Xβ, projected on the fixed effects (exact at convergence).
            var r = [Double](repeating: 0, count: n)
            for i in 0..<n { r[i] = log(mu[i]) - off[i] }
            for (k, j) in ls.kept.enumerated() { for i in 0..<n { r[i] -= ls.beta[k] * xs[j][i] } }
            let solver = try FixedEffectSolver(fixedEffects: fes, weights: w, options: options.fixedEffectSolver)
            let proj = solver.project(r)
            feEstimates = fes.enumerated().map { k, fe in FixedEffectEstimates(name: fe.name, levels: fe.levelLabels, values: proj.coefficients[k]) }
        }
        return RegressionResult(
            family: theta.map { .negativeBinomial(theta: $0) } ?? family, coefficients: coefs, collinearTerms: ls.dropped.map { names[$0] }, vcov: vcov,
            varianceLabel: vest.label, observations: n, estimationRows: rows, dropped: dropped, degreesOfFreedom: df,
            confidenceLevel: options.confidenceLevel,
            rSquared: nil, adjustedRSquared: nil, withinRSquared: nil, fStatistic: nil, fPValue: nil,
            deviance: dev, nullDeviance: nullDev, logLikelihood: llf, aic: aic, bic: bic,
            residualSumOfSquares: zip(ys, mu).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) },
            iterations: totalIterations, converged: converged, theta: theta, fittedValues: mu,
            residuals: zip(ys, mu).map { $0 - $1 }, workingWeights: w, fixedEffectNames: fes.map(\.name), fixedEffectRank: feRank,
            fixedEffectEstimates: feEstimates, warnings: warnings,
            model: FittedModelState(termNames: keptNames, beta: ls.beta, logLink: true, fixedEffects: feEstimates ?? []))
    }

    /// IRLS state carried across iterations (and across θ updates for NB2).
    struct IRLSState {
        var mu: [Double]
        var eta: [Double]
        var workingWeights: [Double]
        var xTilde: [[Double]]
        var warmStarts: [[Double]?]
        var lastSolution: WeightedLeastSquaresSolution?
        var initialized = false
        init(n: Int, columns: Int) {
            mu = []; eta = []; workingWeights = []; xTilde = []
            warmStarts = Array(repeating: nil, count: columns + 1)
            lastSolution = nil
        }
    }

    static func irls(ys: [Double], xs: [[Double]], prior: [Double]?, offset: [Double], fes: [FixedEffect], theta: Double?,
                     options: RegressionOptions, state: inout IRLSState) throws -> (iterations: Int, converged: Bool, criterion: Double) {
        let n = ys.count
        let th = theta ?? .infinity
        if !state.initialized {
            let mean = weightedSum(ys, nil, prior) / (prior?.reduce(0, +) ?? Double(n))
            state.mu = ys.map { ($0 + mean) / 2 }
            state.eta = state.mu.map { log($0) }
            state.initialized = true
        }
        var devOld = deviance(ys, state.mu, prior, th)
        var criterion = Double.infinity
        for it in 1...max(1, options.maxIterations) {
            // Adaptive accuracy (as ppmlhdfe): while IRLS is far from convergence the demeaning
            // need not be exact; the tolerance tightens with the deviance change and the final
            // step (`finalize`) always uses the requested tolerance.
            var feOptions = options.fixedEffectSolver
            if it > 1 { feOptions.tolerance = max(feOptions.tolerance, min(1e-4, criterion * 1e-3)) } else { feOptions.tolerance = max(feOptions.tolerance, 1e-4) }
            let (z, w, xt, ls) = try workingStep(ys: ys, xs: xs, prior: prior, offset: offset, fes: fes, th: th, feOptions: feOptions,
                                                 options: options, requireConvergedDemeaning: true, state: &state)
            // New linear predictor: z − r̃ + offset.
            var etaNew = [Double](repeating: 0, count: n)
            for i in 0..<n { etaNew[i] = z[i] - ls.residuals[i] + offset[i] }
            var muNew = etaNew.map { exp($0) }
            var dev = deviance(ys, muNew, prior, th)
            var halvings = 0
            while (!dev.isFinite || dev > devOld * (1 + 1e-12) + 1e-12) && halvings < 50 && it > 1 {
                for i in 0..<n { etaNew[i] = (etaNew[i] + state.eta[i]) / 2 }
                muNew = etaNew.map { exp($0) }
                dev = deviance(ys, muNew, prior, th)
                halvings += 1
            }
            if !dev.isFinite {
                throw RegressionError.notConverged(what: "IRLS (deviance not finite: the linear predictor overflowed; check for separation or extreme regressors)", iterations: it, criterion: .infinity, tolerance: options.tolerance)
            }
            state.eta = etaNew
            state.mu = muNew.map { max($0, 1e-300) }
            // Fisher scoring is Newton's method only for the canonical link (Poisson/log); for
            // NB2 it converges linearly, so there the coefficients must also have settled.
            var betaChange = 0.0
            if th.isFinite, let previous = state.lastSolution, previous.kept == ls.kept {
                for k in 0..<ls.beta.count {
                    betaChange = max(betaChange, abs(ls.beta[k] - previous.beta[k]) / max(abs(ls.beta[k]), 1e-8))
                }
            } else if th.isFinite {
                betaChange = .infinity
            }
            state.workingWeights = w
            state.xTilde = xt
            state.lastSolution = ls
            criterion = abs(dev - devOld) / max(abs(dev), 0.1)
            devOld = dev
            if criterion < options.tolerance && betaChange < 1e-11 {
                // Refresh weights, X̃ and bread at the converged μ so the variance uses them.
                try finalize(ys: ys, xs: xs, prior: prior, offset: offset, fes: fes, th: th, options: options, state: &state)
                return (it, true, criterion)
            }
        }
        return (options.maxIterations, false, criterion)
    }

    /// One IRLS least-squares step at the current μ and η: the working response z and weights W,
    /// z and X with the fixed effects partialled out under W (by a solver with `feOptions`,
    /// warm-started from and updating `state.warmStarts`), and the weighted least-squares fit of
    /// z̃ on X̃. With `requireConvergedDemeaning`, a demeaning that did not converge throws.
    static func workingStep(ys: [Double], xs: [[Double]], prior: [Double]?, offset: [Double], fes: [FixedEffect], th: Double,
                            feOptions: FixedEffectSolverOptions, options: RegressionOptions, requireConvergedDemeaning: Bool,
                            state: inout IRLSState) throws -> (z: [Double], w: [Double], xt: [[Double]], ls: WeightedLeastSquaresSolution) {
        let n = ys.count
        var z = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let mu = state.mu[i]
            z[i] = state.eta[i] - offset[i] + (ys[i] - mu) / mu
            w[i] = (prior?[i] ?? 1) * mu / (1 + mu / th)
        }
        var zt = z, xt = xs
        if !fes.isEmpty {
            let solver = try FixedEffectSolver(fixedEffects: fes, weights: w, options: feOptions)
            let proj = solver.projectColumns([z] + xs, starts: state.warmStarts)
            if requireConvergedDemeaning {
                for p in proj where !p.converged {
                    throw RegressionError.notConverged(what: "fixed-effect demeaning inside IRLS", iterations: p.iterations, criterion: p.criterion, tolerance: options.fixedEffectSolver.tolerance)
                }
            }
            zt = proj[0].residual
            xt = proj.dropFirst().map(\.residual)
            state.warmStarts = proj.map { Optional($0.coefficients) }
        }
        let normsBefore = fes.isEmpty ? nil : xs.map { weightedNorm($0, w) }
        let ls = try weightedLeastSquares(columns: xt, response: zt, weights: w, normsBeforePartialling: normsBefore,
                                          collinearityTolerance: options.collinearityTolerance)
        return (z, w, xt, ls)
    }

    /// Recomputes W, X̃ and (X̃ᵀWX̃)⁻¹ at the converged μ and takes one last IRLS step.
    static func finalize(ys: [Double], xs: [[Double]], prior: [Double]?, offset: [Double], fes: [FixedEffect], th: Double,
                         options: RegressionOptions, state: inout IRLSState) throws {
        let n = ys.count
        let (z, w, xt, ls) = try workingStep(ys: ys, xs: xs, prior: prior, offset: offset, fes: fes, th: th,
                                             feOptions: options.fixedEffectSolver, options: options,
                                             requireConvergedDemeaning: false, state: &state)
        // One more (Newton) step: IRLS converges quadratically, so β gains the digits the
        // deviance criterion cannot see; the variance uses the weights at the converged μ.
        for i in 0..<n {
            state.eta[i] = z[i] - ls.residuals[i] + offset[i]
            state.mu[i] = max(exp(state.eta[i]), 1e-300)
        }
        state.workingWeights = w
        state.xTilde = xt
        state.lastSolution = ls
    }

    /// Deviance: Poisson 2Σw[y log(y/μ) − (y − μ)]; NB2 2Σw[y log(y/μ) − (y + θ) log((y + θ)/(μ + θ))].
    static func deviance(_ y: [Double], _ mu: [Double], _ w: [Double]?, _ theta: Double) -> Double {
        var d = 0.0
        for i in 0..<y.count {
            let yi = y[i], mi = mu[i]
            let ylog = yi > 0 ? yi * log(yi / mi) : 0
            let term: Double
            if theta.isInfinite {
                term = ylog - (yi - mi)
            } else {
                term = ylog - (yi + theta) * log((yi + theta) / (mi + theta))
            }
            d += 2 * (w?[i] ?? 1) * term
        }
        return d
    }

    /// Log-likelihood: Poisson Σw[y log μ − μ − log y!]; NB2 Σw[lgamma(y+θ) − lgamma(θ) − log y! + θ log θ + y log μ − (y+θ) log(θ+μ)].
    static func logLikelihood(_ y: [Double], _ mu: [Double], _ w: [Double]?, _ theta: Double) -> Double {
        var l = 0.0
        for i in 0..<y.count {
            let yi = y[i], mi = mu[i]
            let term: Double
            if theta.isInfinite {
                term = (yi > 0 ? yi * log(mi) : 0) - mi - lgamma(yi + 1)
            } else {
                term = lgamma(yi + theta) - lgamma(theta) - lgamma(yi + 1) + theta * log(theta)
                    + (yi > 0 ? yi * log(mi) : 0) - (yi + theta) * log(theta + mi)
            }
            l += (w?[i] ?? 1) * term
        }
        return l
    }
}

/// Maximum-likelihood θ of NB2 given μ, by Newton's method on the score (MASS::theta.ml).
///
/// Bounded: at most 100 Newton steps, each halved at most 60 times to keep θ > 0. When the
/// counts are not over-dispersed (variance ≤ mean, e.g. y = 1, 2, 3, 4 fitted exactly) the
/// likelihood rises as θ → ∞ and no maximum exists; θ passing `divergenceLimit` (1e8), or a
/// step that is not finite, throws `RegressionError.noFiniteEstimate` saying so (fit Poisson
/// instead), rather than looping for ever.
enum NegativeBinomialTheta {
    /// θ beyond this is treated as "θ → ∞" (the Poisson limit).
    static let divergenceLimit = 1e8

    static func maximumLikelihood(y: [Double], mu: [Double], weights: [Double]?, start: Double?) throws -> Double {
        let n = y.count
        let sw = weights?.reduce(0, +) ?? Double(n)
        let diverged = RegressionError.noFiniteEstimate(
            what: "the negative-binomial θ",
            reason: "the likelihood keeps rising as θ → ∞ because the counts are not over-dispersed (their variance is not above the Poisson mean) — fit `poisson` instead")
        var t: Double
        if let s = start { t = s } else {
            var acc = 0.0
            for i in 0..<n { let r = y[i] / mu[i] - 1; acc += (weights?[i] ?? 1) * r * r }
            t = sw / max(acc, 1e-8)
        }
        guard t.isFinite, t > 0 else { throw diverged }
        for _ in 0..<100 {
            var score = 0.0, info = 0.0
            for i in 0..<n {
                let w = weights?[i] ?? 1, yi = y[i], mi = mu[i]
                score += w * (SpecialFunctions.digamma(yi + t) - SpecialFunctions.digamma(t) + log(t) + 1 - log(t + mi) - (yi + t) / (t + mi))
                info += w * (-SpecialFunctions.trigamma(yi + t) + SpecialFunctions.trigamma(t) - 1 / t + 2 / (t + mi) - (yi + t) / ((t + mi) * (t + mi)))
            }
            var step = score / info
            guard step.isFinite else { throw diverged }
            var next = t + step
            var halvings = 0
            while next <= 0 && halvings < 60 { step /= 2; next = t + step; halvings += 1 }
            guard next > 0, next.isFinite, next < divergenceLimit else { throw diverged }
            if abs(next - t) <= 1e-12 * t { return next }
            t = next
        }
        throw RegressionError.notConverged(what: "maximum-likelihood θ of the negative binomial", iterations: 100, criterion: .nan, tolerance: 1e-12)
    }
}
