import MigrationData

// Regressions from a formula and a table: the same fits as `fit(response:regressors:names:…)`,
// with the model frame (`ModelFrame`) built from `data` first.

extension LinearModel {
    /// Fits `formula` (e.g. `"log_flow ~ log(dist) + contig | origin + destination"`, see
    /// `Formula`) by OLS or WLS on `data`: a `Table` (from a CSV file or from plain Swift arrays,
    /// `Table+Arrays.swift`) or a `ColumnDictionary`.
    ///
    /// Rows with a missing value in a variable the model uses are left out (as R's `na.omit`)
    /// and listed in `RegressionResult/dropped` (`missingValues`); every row index in the result
    /// (`estimationRows`, `dropped`) is a row of `data`.
    /// - Parameters:
    ///   - formula: the model, in `Formula`'s notation.
    ///   - data: the columns the formula reads.
    ///   - weights: the column of prior weights (WLS), or nil.
    ///   - variance: the variance estimator, clusters named by column (`.cluster("iso3")`).
    ///   - correction: small-sample conventions, as `fit(response:regressors:names:weights:fixedEffects:variance:correction:options:)`.
    ///   - options: fit settings, as the array form.
    /// - Throws: `FormulaError`, `ModelFrameError` (unknown or non-numeric column, a term that is
    ///   not finite), and everything the array form throws.
    public static func fit(_ formula: String, data: some ModelDataSource, weights: String? = nil,
                           variance: VarianceSpecification = .iid,
                           correction: SmallSampleCorrection = .standard,
                           options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        let frame = try ModelFrame(formula: Formula(formula), data: data, weights: weights, offset: nil, clusters: variance.clusterColumns)
        let result = try fit(response: frame.response, regressors: frame.regressors, names: frame.termNames, weights: frame.weights,
                             fixedEffects: frame.fixedEffects, variance: variance.estimator(clusters: frame.clusters),
                             correction: correction, options: options)
        return result.mappingRows(frame)
    }
}

extension GeneralizedLinearModel {
    /// Fits `formula` (e.g. `"flow ~ log(dist) + contig | origin^year + destination^year"`, see
    /// `Formula`) as a GLM of `family` on `data`: a `Table` (from a CSV file or from plain Swift
    /// arrays) or a `ColumnDictionary`. Poisson with fixed effects is PPML (give
    /// `variance: .hc1` or a clustering, or use `RegressionModel.ppml`, whose default is HC1).
    ///
    /// Rows with a missing value in a variable the model uses are left out and listed in
    /// `RegressionResult/dropped`; the row indices in the result are rows of `data`.
    /// - Parameters:
    ///   - formula: the model, in `Formula`'s notation.
    ///   - data: the columns the formula reads.
    ///   - family: the response distribution (`.poisson` for PPML).
    ///   - offset: the column added to the linear predictor with coefficient 1 (e.g. log
    ///     exposure), or nil.
    ///   - weights: the column of prior weights, or nil.
    ///   - variance: the variance estimator, clusters named by column.
    ///   - correction: small-sample conventions.
    ///   - options: fit settings (IRLS tolerance, separation detection, …).
    /// - Throws: as `LinearModel.fit(_:data:weights:variance:correction:options:)`, and everything the array form throws.
    public static func fit(_ formula: String, data: some ModelDataSource, family: GLMFamily,
                           offset: String? = nil, weights: String? = nil,
                           variance: VarianceSpecification = .iid,
                           correction: SmallSampleCorrection = .standard,
                           options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        let frame = try ModelFrame(formula: Formula(formula), data: data, weights: weights, offset: offset, clusters: variance.clusterColumns)
        let result = try fit(response: frame.response, regressors: frame.regressors, names: frame.termNames, family: family,
                             offset: frame.offset, weights: frame.weights, fixedEffects: frame.fixedEffects,
                             variance: variance.estimator(clusters: frame.clusters), correction: correction, options: options)
        return result.mappingRows(frame)
    }
}

extension RegressionResult {
    /// The result with its row indices (estimation rows, dropped rows), which index the arrays
    /// the model was fitted on, translated to rows of the data the frame was built from, and the
    /// frame's rows with missing values added to `dropped`.
    func mappingRows(_ frame: ModelFrame) -> RegressionResult {
        let rows = frame.rows
        var r = self
        r.estimationRows = estimationRows.map { rows[$0] }
        r.dropped.singletons = dropped.singletons.map { rows[$0] }
        r.dropped.fixedEffectSeparation = dropped.fixedEffectSeparation.map { rows[$0] }
        r.dropped.regressorSeparation = dropped.regressorSeparation.map { rows[$0] }
        r.dropped.missingValues = frame.missingRows.map { MissingValue(row: $0.row, variable: $0.variable) }
        return r
    }
}

// Regressions from named columns: each regressor carries its own name, so names and values
// cannot fall out of step (the array forms take them as two parallel arrays).

extension LinearModel {
    /// Fits the model with named regressor columns; otherwise as
    /// `fit(response:regressors:names:weights:fixedEffects:variance:correction:options:)`.
    /// - Parameters:
    ///   - y: the response (argument label `response`).
    ///   - regressors: the columns of X with their names (include one named "Intercept" of ones
    ///     for an intercept).
    ///   - weights: prior weights (WLS).
    ///   - fixedEffects: absorbed effects.
    ///   - variance: the variance estimator.
    ///   - correction: small-sample conventions.
    ///   - options: fit settings.
    /// - Throws: as the array form.
    public static func fit(response y: [Double], regressors: [NamedColumn], weights: [Double]? = nil,
                           fixedEffects: [FixedEffect] = [], variance: VarianceEstimator = .iid,
                           correction: SmallSampleCorrection = .standard,
                           options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        try fit(response: y, regressors: regressors.map(\.values), names: regressors.map(\.name), weights: weights,
                fixedEffects: fixedEffects, variance: variance, correction: correction, options: options)
    }
}

extension GeneralizedLinearModel {
    /// Fits the model with named regressor columns; otherwise as
    /// `fit(response:regressors:names:family:offset:weights:fixedEffects:variance:correction:options:)`.
    /// - Parameters:
    ///   - y: the response (argument label `response`).
    ///   - regressors: the columns of X with their names.
    ///   - family: the response distribution.
    ///   - offset: added to the linear predictor with coefficient 1.
    ///   - weights: prior weights.
    ///   - fixedEffects: absorbed effects.
    ///   - variance: the variance estimator.
    ///   - correction: small-sample conventions.
    ///   - options: fit settings.
    /// - Throws: as the array form.
    public static func fit(response y: [Double], regressors: [NamedColumn], family: GLMFamily, offset: [Double]? = nil,
                           weights: [Double]? = nil, fixedEffects: [FixedEffect] = [], variance: VarianceEstimator = .iid,
                           correction: SmallSampleCorrection = .standard,
                           options: RegressionOptions = RegressionOptions()) throws -> RegressionResult {
        try fit(response: y, regressors: regressors.map(\.values), names: regressors.map(\.name), family: family, offset: offset,
                weights: weights, fixedEffects: fixedEffects, variance: variance, correction: correction, options: options)
    }
}
