import Foundation
import Linalg

/// A fitted spatial interaction model.
///
/// Members:
/// - `constraint`, `costFunction` (its name), `method` (the one actually used);
/// - `parameters`: the estimated coefficients with standard errors (inverse Fisher information,
///   dispersion 1), z statistics and intervals — "intercept" (unconstrained only), "log(name)"
///   for each attribute, "cost" for β; the balancing factors are reported separately;
/// - `vcov`: covariance of `parameters`;
/// - `fittedFlows`: μ for every input row (0 for rows dropped from the fit, NaN for excluded
///   intra-zonal rows); `usedRows` (0-based input rows in the fit); `droppedRows` (rows of an
///   origin/destination whose constrained total is 0: their fitted flow is exactly 0);
/// - balancing factors: `originLabels`/`originBalancingFactors` Aᵢ and
///   `destinationLabels`/`destinationBalancingFactors` Bⱼ (see `SpatialInteractionConstraint`;
///   empty when the model has none). In the doubly constrained model Aᵢ and Bⱼ are identified
///   only up to Aᵢ·s, Bⱼ/s; they are reported with mean log A = mean log B;
/// - fit statistics on the used rows (N = `observations`, K = `parameterCount` including the
///   balancing factors, as spint's k): `deviance` D = 2Σ[y log(y/μ) − (y − μ)],
///   `nullDeviance` (intercept-only μ₀ = ȳ), `logLikelihood` ℓ = Σ[y log μ − μ − log Γ(y+1)],
///   `nullLogLikelihood` ℓ₀, `aic` = −2ℓ + 2K, `pseudoRSquared` = 1 − ℓ/ℓ₀ (McFadden),
///   `adjustedPseudoRSquared` = 1 − (ℓ − K)/ℓ₀, `devianceExplained` D² = 1 − D/D₀,
///   `adjustedDevianceExplained` = 1 − (N−1)/(N−K)·(1 − D²), `srmse` = √(Σ(y−μ)²/N)/(Σy/N),
///   `sorensen` SSI = (1/N)Σ 2 min(y, μ)/(y + μ) (spint's normalisation by N);
/// - `iterations`, `newtonDecrement` (balancing-factor method; NaN for the GLM);
/// - `predict(_:originAttributes:destinationAttributes:)`: expected flows for other pairs,
///   costs or totals under the fitted parameters (`SpatialInteractionResult+Predict.swift`).
public struct SpatialInteractionResult: Sendable {
    public let constraint: SpatialInteractionConstraint
    public let costFunction: String
    public let method: SpatialInteractionMethod
    public let parameters: [CoefficientEstimate]
    public let vcov: Matrix
    public let fittedFlows: [Double]
    public let usedRows: [Int]
    public let droppedRows: [Int]
    public let originLabels: [String]
    public let originBalancingFactors: [Double]
    public let destinationLabels: [String]
    public let destinationBalancingFactors: [Double]
    public let observations: Int
    public let parameterCount: Int
    public let deviance: Double
    public let nullDeviance: Double
    public let logLikelihood: Double
    public let nullLogLikelihood: Double
    public let aic: Double
    public let pseudoRSquared: Double
    public let adjustedPseudoRSquared: Double
    public let devianceExplained: Double
    public let adjustedDevianceExplained: Double
    public let srmse: Double
    public let sorensen: Double
    public let iterations: Int
    public let newtonDecrement: Double
    /// What was fitted (the cost function and the intra-zonal rule), kept for `predict`.
    let specification: SpatialInteractionSpecification

    /// The estimate named `term` ("cost", "intercept", "log(name)"), or nil.
    public func parameter(_ term: String) -> CoefficientEstimate? { parameters.first { $0.term == term } }
    /// The cost (distance-decay) parameter β.
    public var costParameter: Double { parameter("cost")?.estimate ?? .nan }
}

/// Goodness-of-fit measures of a count model, as spint reports them (spint `utils.py`,
/// `spglm.glm.GLMResults`).
enum SpatialInteractionFitStatistics {
    struct Values {
        var deviance, nullDeviance, logLikelihood, nullLogLikelihood, aic: Double
        var pseudoR2, adjustedPseudoR2, d2, adjustedD2, srmse, sorensen: Double
    }

    /// `logMu`: log μ per row when already computed; nil → log μᵢ is taken where yᵢ > 0 (the
    /// only rows that use it).
    static func compute(y: [Double], mu: [Double], logMu: [Double]?, parameterCount k: Int) -> Values {
        let n = Double(y.count)
        let total = y.reduce(0, +)
        let mean = total / n
        let logMean = log(mean)
        // log y and log Γ(y + 1) of small integer flows from a table (flows repeat a lot).
        var logTable: [Double] = [], lgammaTable: [Double] = []
        // Whole numbers tested by a round trip through Int in the range where that is exact
        // (`rounded()` is a libm call per value on the baseline x86-64 target).
        @inline(__always) func isWhole(_ v: Double) -> Bool { v > -1_000_000 && v < 1_000_000 && v == Double(Int(v)) }
        let maxInteger = y.reduce(0.0) { isWhole($1) ? max($0, $1) : $0 }
        if maxInteger > 0 {
            let top = Int(maxInteger)
            logTable = [Double](repeating: 0, count: top + 1)
            lgammaTable = [Double](repeating: 0, count: top + 1)
            for v in 1...top {
                logTable[v] = log(Double(v))
                lgammaTable[v] = lgammaTable[v - 1] + logTable[v]
            }
        }
        var dev = 0.0, dev0 = 0.0, llf = 0.0, llf0 = 0.0, sse = 0.0, ssi = 0.0
        for i in 0..<y.count {
            let yi = y[i], mi = mu[i]
            let integer = yi < Double(logTable.count) && isWhole(yi)
            let lg: Double = integer ? lgammaTable[Int(yi)] : lgamma(yi + 1)
            if yi > 0 {
                let ly = integer ? logTable[Int(yi)] : log(yi)
                let lm = logMu?[i] ?? log(mi)
                dev += 2 * (yi * (ly - lm) - (yi - mi))
                dev0 += 2 * (yi * (ly - logMean) - (yi - mean))
                llf += yi * lm - mi - lg
                llf0 += yi * logMean - mean - lg
            } else {
                dev += 2 * mi
                dev0 += 2 * mean
                llf -= mi + lg
                llf0 -= mean + lg
            }
            sse += (yi - mi) * (yi - mi)
            ssi += yi + mi > 0 ? 2 * min(yi, mi) / (yi + mi) : 1
        }
        let kk = Double(k)
        let d2 = 1 - dev / dev0
        return Values(deviance: dev, nullDeviance: dev0, logLikelihood: llf, nullLogLikelihood: llf0,
                      aic: -2 * llf + 2 * kk, pseudoR2: 1 - llf / llf0, adjustedPseudoR2: 1 - (llf - kk) / llf0,
                      d2: d2, adjustedD2: 1 - (n - 1) / (n - kk) * (1 - d2),
                      srmse: (sse / n).squareRoot() / (total / n), sorensen: ssi / n)
    }
}
