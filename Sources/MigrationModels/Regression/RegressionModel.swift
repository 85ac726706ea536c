import MigrationData

/// The regression models `migkit fit` offers, with their one default variance estimator — the
/// same in the library and the CLI.
///
/// | model | fit | default variance |
/// |---|---|---|
/// | `ols` | `LinearModel` (least squares) | iid |
/// | `poisson` | `GeneralizedLinearModel`, `.poisson` | iid (as statsmodels' GLM, R's glm, pyfixest's `fepois`) |
/// | `negbin` | `GeneralizedLinearModel`, `.negativeBinomial(theta: nil)` (θ estimated) | iid |
/// | `ppml` | `GeneralizedLinearModel`, `.poisson` | HC1: PPML is Poisson pseudo-maximum likelihood, valid without the Poisson variance assumption only with robust errors (Santos Silva & Tenreyro 2006; ppmlhdfe is always robust) |
///
/// The array and formula fits of `LinearModel` and `GeneralizedLinearModel` default to iid for
/// every family; `fit(_:data:variance:correction:options:)` here applies the model's default.
public enum RegressionModel: String, Sendable, CaseIterable, CustomStringConvertible {
    case ols, poisson, negbin, ppml

    /// The response family.
    public var family: GLMFamily {
        switch self {
        case .ols: return .gaussian
        case .poisson, .ppml: return .poisson
        case .negbin: return .negativeBinomial(theta: nil)
        }
    }

    /// The variance estimator used when none is given.
    public var defaultVariance: VarianceSpecification { self == .ppml ? .hc1 : .iid }

    public var description: String { rawValue }

    /// Fits `formula` on `data` with this model (rows with a missing value left out and counted in
    /// `RegressionResult/dropped`).
    /// - Parameters:
    ///   - formula: the model, in `Formula`'s notation.
    ///   - data: the columns the formula reads.
    ///   - offset: a column added to the linear predictor with coefficient 1 (OLS fits y − offset).
    ///   - weights: a column of prior weights.
    ///   - variance: the variance estimator; nil for `defaultVariance`.
    ///   - correction: small-sample conventions.
    ///   - options: fit settings.
    /// - Throws: as `GeneralizedLinearModel/fit(_:data:family:offset:weights:variance:correction:options:)`.
    public func fit(_ formula: String, data: some ModelDataSource, offset: String? = nil, weights: String? = nil,
                    variance: VarianceSpecification? = nil, correction: SmallSampleCorrection = .standard,
                    options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        let v = variance ?? defaultVariance
        let frame = try ModelFrame(formula: Formula(formula), data: data, weights: weights, offset: offset, clusters: v.clusterColumns)
        return try fit(frame, variance: v, correction: correction, options: options)
    }

    /// Fits this model on a prepared model frame (which must have read the cluster columns).
    /// - Parameters:
    ///   - frame: the response, regressors, fixed effects, weights, offset and clusters.
    ///   - variance: the variance estimator; nil for `defaultVariance`.
    ///   - correction: small-sample conventions.
    ///   - options: fit settings.
    /// - Throws: `RegressionError` (a cluster column the frame did not read, and everything the
    ///   fits throw).
    public func fit(_ frame: ModelFrame, variance: VarianceSpecification? = nil, correction: SmallSampleCorrection = .standard,
                    options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        let v = try (variance ?? defaultVariance).estimator(clusters: frame.clusters)
        let result: RegressionResult
        switch self {
        case .ols:
            // An offset enters the linear predictor with coefficient 1: fit y − offset.
            let response = frame.offset.map { o in zip(frame.response, o).map { $0 - $1 } } ?? frame.response
            result = try LinearModel.fit(response: response, regressors: frame.regressors, names: frame.termNames,
                                         weights: frame.weights, fixedEffects: frame.fixedEffects, variance: v,
                                         correction: correction, options: options)
        case .poisson, .ppml, .negbin:
            result = try GeneralizedLinearModel.fit(response: frame.response, regressors: frame.regressors, names: frame.termNames,
                                                    family: family, offset: frame.offset, weights: frame.weights,
                                                    fixedEffects: frame.fixedEffects, variance: v, correction: correction, options: options)
        }
        return result.mappingRows(frame)
    }
}
