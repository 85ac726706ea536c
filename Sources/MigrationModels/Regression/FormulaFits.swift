import MigrationData

// Regressions from a formula and a table: the same fits as `fit(response:regressors:names:…)`,
// with the model frame (`ModelFrame`) built from `data` first.

extension LinearModel {
    /// Fits `formula` (e.g. `"log_flow ~ log(dist) + contig | origin + destination"`, see
    /// `Formula`) by OLS or WLS on `data`: a `Table` (from a CSV file or from plain Swift arrays,
    /// `Table+Arrays.swift`) or a `ColumnDictionary`.
    ///
    /// Rows with a missing value in a variable the model uses are left out (as R's `na.omit`;
    /// build a `ModelFrame` to list them); the row indices in the result (`estimationRows`,
    /// `dropped`) are rows of `data`.
    /// - Parameters:
    ///   - formula: the model, in `Formula`'s notation.
    ///   - data: the columns the formula reads.
    ///   - weights: the column of prior weights (WLS), or nil.
    ///   - variance: the variance estimator when `clusterBy` is empty.
    ///   - clusterBy: one column (one-way clustered errors, CRV1) or two (two-way clustering);
    ///     when given, it decides the variance and `variance` is ignored.
    ///   - correction: small-sample conventions, as `fit(response:regressors:names:…)`.
    ///   - options: fit settings, as `fit(response:regressors:names:…)`.
    /// - Throws: `FormulaError`, `ModelFrameError` (unknown or non-numeric column, a term that is
    ///   not finite), `RegressionError.invalidInput` for more than two cluster columns, and
    ///   everything the array form throws.
    public static func fit(_ formula: String, data: some ModelDataSource, weights: String? = nil,
                           variance: VarianceEstimator = .iid, clusterBy: [String] = [],
                           correction: SmallSampleCorrection = .standard,
                           options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        let (frame, v) = try formulaFrame(formula, data: data, weights: weights, offset: nil, variance: variance, clusterBy: clusterBy)
        let result = try fit(response: frame.response, regressors: frame.regressors, names: frame.termNames, weights: frame.weights,
                             fixedEffects: frame.fixedEffects, variance: v, correction: correction, options: options)
        return result.mappingRows(frame.rows)
    }
}

extension GeneralizedLinearModel {
    /// Fits `formula` (e.g. `"flow ~ log(dist) + contig | origin^year + destination^year"`, see
    /// `Formula`) as a GLM of `family` on `data`: a `Table` (from a CSV file or from plain Swift
    /// arrays) or a `ColumnDictionary`. Poisson with fixed effects is PPML.
    ///
    /// Rows with a missing value in a variable the model uses are left out; the row indices in
    /// the result (`estimationRows`, `dropped`) are rows of `data`.
    /// - Parameters:
    ///   - formula: the model, in `Formula`'s notation.
    ///   - data: the columns the formula reads.
    ///   - family: the response distribution (`.poisson` for PPML).
    ///   - offset: the column added to the linear predictor with coefficient 1 (e.g. log
    ///     exposure), or nil.
    ///   - weights: the column of prior weights, or nil.
    ///   - variance: the variance estimator when `clusterBy` is empty.
    ///   - clusterBy: one or two cluster columns, as `LinearModel.fit(_:data:…)`.
    ///   - correction: small-sample conventions.
    ///   - options: fit settings (IRLS tolerance, separation detection, …).
    /// - Throws: as `LinearModel.fit(_:data:…)`, and everything the array form throws.
    public static func fit(_ formula: String, data: some ModelDataSource, family: GLMFamily,
                           offset: String? = nil, weights: String? = nil,
                           variance: VarianceEstimator = .iid, clusterBy: [String] = [],
                           correction: SmallSampleCorrection = .standard,
                           options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        let (frame, v) = try formulaFrame(formula, data: data, weights: weights, offset: offset, variance: variance, clusterBy: clusterBy)
        let result = try fit(response: frame.response, regressors: frame.regressors, names: frame.termNames, family: family,
                             offset: frame.offset, weights: frame.weights, fixedEffects: frame.fixedEffects,
                             variance: v, correction: correction, options: options)
        return result.mappingRows(frame.rows)
    }
}

/// The model frame of `formula` on `data` and the variance estimator, clustered on `clusterBy`
/// when given.
func formulaFrame(_ formula: String, data: some ModelDataSource, weights: String?, offset: String?,
                  variance: VarianceEstimator, clusterBy: [String]) throws -> (ModelFrame, VarianceEstimator) {
    guard clusterBy.count <= 2 else {
        throw RegressionError.invalidInput("clusterBy takes one or two columns, got \(clusterBy.count): \(clusterBy.joined(separator: ", "))")
    }
    let frame = try ModelFrame(formula: Formula(formula), data: data, weights: weights, offset: offset, clusters: clusterBy)
    let groups = try clusterBy.map { name in
        guard let g = frame.clusters[name] else { throw RegressionError.invalidInput("cluster column '\(name)' was not read") }
        return g
    }
    switch groups.count {
    case 1: return (frame, .cluster(groups[0]))
    case 2: return (frame, .twoWayCluster(groups[0], groups[1]))
    default: return (frame, variance)
    }
}

extension RegressionResult {
    /// The result with its row indices (estimation rows, dropped rows), which index the arrays
    /// the model was fitted on, translated to rows of the data those arrays came from.
    func mappingRows(_ rows: [Int]) -> RegressionResult {
        var r = self
        r.estimationRows = estimationRows.map { rows[$0] }
        r.dropped.singletons = dropped.singletons.map { rows[$0] }
        r.dropped.fixedEffectSeparation = dropped.fixedEffectSeparation.map { rows[$0] }
        r.dropped.regressorSeparation = dropped.regressorSeparation.map { rows[$0] }
        return r
    }
}
