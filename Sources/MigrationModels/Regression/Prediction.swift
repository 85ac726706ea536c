import Foundation
import Linalg

/// Predictions from a fitted model for new observations.
///
/// Members: `linearPredictor` (η = xᵀβ + Σα + offset), `values` (response scale: η for the
/// linear model, exp(η) for log-link models), `standardErrors` (delta method on the response
/// scale: √(xᵀVx), times μ for the log link; the fixed-effect estimates are treated as known,
/// as fixest and pyfixest do), `linearPredictorStandardErrors`.
public struct Prediction: Sendable {
    public let linearPredictor: [Double]
    public let values: [Double]
    public let linearPredictorStandardErrors: [Double]
    public let standardErrors: [Double]
}

extension RegressionResult {
    /// Predicts for new data.
    /// - Parameters:
    ///   - regressors: one column per kept term, by term name (collinear terms are not needed).
    ///   - fixedEffectLabels: for each fixed effect of the model (by its name, e.g. "orig^year"),
    ///     the level label of every new observation (interactions as "a^b"). Pairs never observed
    ///     together are fine as long as each level was estimated.
    ///   - offset: added to η (e.g. log exposure).
    /// - Throws: `invalidInput` for a missing column or fixed effects not estimated (fit with
    ///   `estimateFixedEffects`), `unseenLevel` for a level absent from the estimation sample,
    ///   `nonFinite` for NaN/∞ in the new data.
    public func predict(regressors: [String: [Double]], fixedEffectLabels: [String: [String]] = [:],
                        offset: [Double]? = nil) throws -> Prediction {
        let terms = model.termNames
        let n = regressors.values.first?.count ?? fixedEffectLabels.values.first?.count ?? offset?.count ?? 0
        var columns: [[Double]] = []
        for t in terms {
            guard let col = regressors[t] else {
                throw RegressionError.invalidInput("prediction data has no column for term '\(t)' (available: \(regressors.keys.sorted().joined(separator: ", ")))")
            }
            guard col.count == n else { throw RegressionError.invalidInput("prediction column '\(t)' has \(col.count) values, expected \(n)") }
            for (i, v) in col.enumerated() where !v.isFinite { throw RegressionError.nonFinite(variable: t, row: i, value: v) }
            columns.append(col)
        }
        var eta = offset ?? [Double](repeating: 0, count: n)
        guard eta.count == n else { throw RegressionError.invalidInput("\(eta.count) offset values for \(n) prediction rows") }
        for (k, col) in columns.enumerated() { for i in 0..<n { eta[i] += model.beta[k] * col[i] } }
        if !fixedEffectNames.isEmpty {
            guard model.fixedEffects.count == fixedEffectNames.count else {
                throw RegressionError.invalidInput("the model's fixed-effect estimates were not kept — fit with options.estimateFixedEffects = true to predict")
            }
            for fe in model.fixedEffects {
                guard let labels = fixedEffectLabels[fe.name] else {
                    throw RegressionError.invalidInput("prediction data has no labels for fixed effect '\(fe.name)'")
                }
                guard labels.count == n else { throw RegressionError.invalidInput("fixed effect '\(fe.name)' has \(labels.count) labels, expected \(n)") }
                var index: [String: Int] = [:]
                for (j, l) in fe.levels.enumerated() { index[l] = j }
                for i in 0..<n {
                    guard let j = index[labels[i]] else { throw RegressionError.unseenLevel(fixedEffect: fe.name, level: labels[i], row: i) }
                    eta[i] += fe.values[j]
                }
            }
        }
        // Delta method: se(η) = √(xᵀVx).
        var seEta = [Double](repeating: 0, count: n)
        let p = terms.count
        for i in 0..<n {
            var s = 0.0
            for a in 0..<p { for b in 0..<p { s += columns[a][i] * vcov[a, b] * columns[b][i] } }
            seEta[i] = max(s, 0).squareRoot()
        }
        let values = model.logLink ? eta.map { exp($0) } : eta
        let se = model.logLink ? zip(values, seEta).map { $0 * $1 } : seEta
        return Prediction(linearPredictor: eta, values: values, linearPredictorStandardErrors: seEta, standardErrors: se)
    }
}
