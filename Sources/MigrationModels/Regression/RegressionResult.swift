import Linalg

/// One estimated coefficient with its inference.
public struct CoefficientEstimate: Sendable, Equatable {
    public let term: String
    public let estimate: Double
    public let standardError: Double
    /// The Wald statistic estimate / standard error, referred to the result's
    /// `RegressionResult/statisticDistribution` (Student t or the standard normal).
    public let statistic: Double
    public let pValue: Double
    public let confidenceLow: Double
    public let confidenceHigh: Double
}

/// A row left out because a variable the model reads is missing there.
public struct MissingValue: Sendable, Equatable {
    /// The row (0-based) of the data.
    public let row: Int
    /// The first missing variable of the row, as the formula names it.
    public let variable: String
}

/// Why observations left the estimation sample.
///
/// The fits from a formula (`LinearModel/fit(_:data:weights:variance:correction:options:)`) count
/// every row of the data: `missingValues` as well as singletons and separated rows, so the
/// library's `count` equals the CLI's "dropped".
public struct DroppedObservations: Sendable, Equatable {
    /// Rows with a missing value in a variable the model reads (formula fits only).
    public internal(set) var missingValues: [MissingValue] = []
    /// Observations in singleton fixed-effect groups.
    public internal(set) var singletons: [Int] = []
    /// Poisson: observations separated by an all-zero fixed-effect group.
    public internal(set) var fixedEffectSeparation: [Int] = []
    /// Poisson: observations separated by the regressors (iterated rectifier).
    public internal(set) var regressorSeparation: [Int] = []
    /// Total count.
    public var count: Int { missingValues.count + singletons.count + fixedEffectSeparation.count + regressorSeparation.count }
    package init() {}
}

/// The fitted model: coefficients with standard errors, fit statistics and diagnostics.
///
/// Members: `family` (`.gaussian` for linear models; for the negative binomial with θ
/// estimated, `.negativeBinomial(theta:)` holds the estimate), `coefficients` (kept
/// terms, in the order given), `collinearTerms` (dropped for collinearity, by name), `vcov`
/// (kept × kept), `varianceLabel`, `observations` (used), `dropped` (row indices, 0-based, in the
/// caller's data), `degreesOfFreedom` (df of the t-tests; nil for z), `statisticDistribution`,
/// `confidenceLevel`, fit statistics
/// (`rSquared`, `adjustedRSquared`, `withinRSquared`, `fStatistic`, `deviance`,
/// `nullDeviance`, `logLikelihood`, `aic`, `bic`), `iterations`, `converged`, `theta` (NB2),
/// `fittedValues` and `residuals` (response scale, estimation rows), `fixedEffectRank`,
/// `fixedEffectEstimates` (when requested).
public struct RegressionResult: Sendable {
    public let family: GLMFamily
    public let coefficients: [CoefficientEstimate]
    public let collinearTerms: [String]
    public let vcov: Matrix
    public let varianceLabel: String
    public let observations: Int
    public internal(set) var estimationRows: [Int]
    public internal(set) var dropped: DroppedObservations
    /// Degrees of freedom of the t distribution the statistics, p-values and intervals use: N − K
    /// (K counting the absorbed fixed effects by the correction's convention) for iid and
    /// heteroskedasticity-robust linear models, G − 1 for clustered errors (the smaller G of a
    /// two-way clustering; fixest, Stata, statsmodels); nil when the standard normal is used
    /// (GLMs, see `SmallSampleCorrection/glmInference`).
    public let degreesOfFreedom: Double?
    /// The level of the confidence intervals (`RegressionOptions/confidenceLevel`).
    public let confidenceLevel: Double
    public let rSquared: Double?
    public let adjustedRSquared: Double?
    public let withinRSquared: Double?
    public let fStatistic: Double?
    public let fPValue: Double?
    public let deviance: Double
    public let nullDeviance: Double?
    public let logLikelihood: Double
    public let aic: Double
    public let bic: Double
    public let residualSumOfSquares: Double
    public let iterations: Int
    public let converged: Bool
    public let theta: Double?
    public let fittedValues: [Double]
    public let residuals: [Double]
    /// GLMs: the final IRLS working weights wᵢ·μᵢ/(1 + μᵢ/θ) (estimation rows; wᵢ the prior
    /// weight); nil for linear models.
    public let workingWeights: [Double]?
    public let fixedEffectNames: [String]
    public let fixedEffectRank: Int
    public let fixedEffectEstimates: [FixedEffectEstimates]?
    /// Things the user must know about this fit (a variance matrix that is not positive
    /// semi-definite, a result that did not converge, ...). Every report prints them.
    public let warnings: [String]
    /// Internals kept for `predict`.
    let model: FittedModelState

    /// The estimate for `term`, or nil when it was dropped or never in the model.
    public func coefficient(_ term: String) -> CoefficientEstimate? { coefficients.first { $0.term == term } }

    /// The reference distribution of `CoefficientEstimate/statistic`.
    public var statisticDistribution: StatisticDistribution {
        degreesOfFreedom.map { .studentT(degreesOfFreedom: $0) } ?? .normal
    }

    /// Estimates in term order, also by term (`estimates["x1"]`).
    public var estimates: TermValues { TermValues(terms: coefficients.map(\.term), values: coefficients.map(\.estimate)) }
    /// Standard errors in term order, also by term.
    public var standardErrors: TermValues { TermValues(terms: coefficients.map(\.term), values: coefficients.map(\.standardError)) }
}

/// One number per model term, in the model's term order, looked up by position or by term.
public struct TermValues: Sendable, Equatable, RandomAccessCollection {
    /// The terms, in order.
    public let terms: [String]
    /// Their values, in the same order.
    public let values: [Double]

    public var startIndex: Int { 0 }
    public var endIndex: Int { terms.count }

    /// The term and value at `position`.
    public subscript(position: Int) -> (term: String, value: Double) { (terms[position], values[position]) }

    /// The value of `term`, or nil when the model has no such term.
    public subscript(term: String) -> Double? { terms.firstIndex(of: term).map { values[$0] } }

    /// The values by term (unordered).
    public var dictionary: [String: Double] { Dictionary(uniqueKeysWithValues: zip(terms, values).map { ($0, $1) }) }
}

/// The distribution a Wald statistic is referred to.
public enum StatisticDistribution: Sendable, Equatable, CustomStringConvertible {
    /// The standard normal (z statistics).
    case normal
    /// Student t with the given degrees of freedom.
    case studentT(degreesOfFreedom: Double)

    /// "normal (z)" or "t(104)".
    public var description: String {
        switch self {
        case .normal: return "normal (z)"
        case .studentT(let df):
            let d = df == df.rounded() && abs(df) < 1e15 ? String(Int(df)) : String(df)
            return "t(\(d))"
        }
    }

    /// The two-sided critical value of a `level` interval: z₁₋α/₂ or t₁₋α/₂(df).
    public func criticalValue(level: Double) -> Double {
        switch self {
        case .normal: return Distributions.normalQuantile(0.5 + level / 2)
        case .studentT(let df): return Distributions.studentTQuantile(0.5 + level / 2, df: df)
        }
    }
}

/// Estimated fixed-effect coefficients of one dimension, by level label. With several fixed
/// effects they are identified only up to a normalisation (the first level of every dimension
/// after the first is not pinned; sums are): differences within a dimension and fitted values
/// are what is meaningful.
public struct FixedEffectEstimates: Sendable, Equatable {
    public let name: String
    public let levels: [String]
    public let values: [Double]
    public func value(_ level: String) -> Double? {
        levels.firstIndex(of: level).map { values[$0] }
    }
}

/// What `predict` needs: the link, kept coefficients, their vcov, FE estimates.
struct FittedModelState: Sendable {
    let termNames: [String]          // all kept terms, in order
    let beta: [Double]
    let logLink: Bool
    let fixedEffects: [FixedEffectEstimates]
}

/// Warnings about a variance matrix: negative variances (possible with two-way clustering,
/// V₁ + V₂ − V₁₂ is not always positive semi-definite; Cameron, Gelbach & Miller 2011) leave the
/// standard error NaN and say so.
func varianceWarnings(_ vcov: Matrix, _ names: [String], _ label: String) -> [String] {
    var w: [String] = []
    for j in 0..<min(vcov.rows, names.count) where vcov[j, j] < 0 {
        w.append("the \(label) variance of '\(names[j])' is negative (\(vcov[j, j])): the two-way cluster matrix is not positive semi-definite; its standard error is reported as NaN — use one-way clustering on the coarser dimension")
    }
    return w
}

/// Inference for a coefficient vector: statistic, p-value and confidence interval, using Student
/// t with `df` degrees of freedom or the normal when `df` is nil.
func makeCoefficients(_ names: [String], _ beta: [Double], _ vcov: Matrix, df: Double?, level: Double) -> [CoefficientEstimate] {
    let q = df.map { Distributions.studentTQuantile(0.5 + level / 2, df: $0) } ?? Distributions.normalQuantile(0.5 + level / 2)
    return names.indices.map { j in
        let se = vcov[j, j] > 0 ? vcov[j, j].squareRoot() : (vcov[j, j] == 0 ? 0 : .nan)
        let stat = beta[j] / se
        let p = df.map { Distributions.studentTTwoSidedP(stat, df: $0) } ?? Distributions.normalTwoSidedP(stat)
        return CoefficientEstimate(term: names[j], estimate: beta[j], standardError: se, statistic: stat, pValue: p,
                                   confidenceLow: beta[j] - q * se, confidenceHigh: beta[j] + q * se)
    }
}
