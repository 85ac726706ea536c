/// Errors of the regression engine, with what the user should do about them.
public enum RegressionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Shapes or arguments that do not fit together.
    case invalidInput(String)
    /// A NaN or infinity in a variable (0-based row).
    case nonFinite(variable: String, row: Int, value: Double)
    /// A negative or non-finite weight, or a negative count in a count model.
    case invalidValue(variable: String, row: Int, value: Double, requirement: String)
    /// Fewer usable observations than parameters.
    case tooFewObservations(observations: Int, parameters: Int)
    /// Every regressor was collinear (nothing left to estimate) where something was required.
    case allRegressorsCollinear([String])
    /// IRLS or the fixed-effect solver did not converge.
    case notConverged(what: String, iterations: Int, criterion: Double, tolerance: Double)
    /// A level in prediction data that the model never saw.
    case unseenLevel(fixedEffect: String, level: String, row: Int)
    /// A linear-algebra failure underneath.
    case linearAlgebra(String)
    /// The estimate does not exist for these data (e.g. θ of the negative binomial on counts
    /// that are not over-dispersed): no amount of iterations would find it.
    case noFiniteEstimate(what: String, reason: String)

    public var description: String {
        switch self {
        case .invalidInput(let s):
            return "invalid input — \(s)"
        case let .nonFinite(v, row, value):
            return "variable '\(v)' has the non-finite value \(value) at row \(row + 1) — remove or impute it before fitting"
        case let .invalidValue(v, row, value, req):
            return "variable '\(v)' has the value \(value) at row \(row + 1), but \(req)"
        case let .tooFewObservations(n, k):
            return "\(n) usable observations for \(k) parameters — the model needs more observations than parameters; drop regressors or fixed effects"
        case .allRegressorsCollinear(let names):
            return "all regressors are collinear with the fixed effects or each other (\(names.joined(separator: ", "))) — nothing left to estimate"
        case let .notConverged(what, it, crit, tol):
            return "\(what) did not converge in \(it) iterations (criterion \(crit) > tolerance \(tol)) — raise the iteration limit, loosen the tolerance, or check for separation and extreme values; pass allowNonConvergence to get the flagged result"
        case let .unseenLevel(fe, level, row):
            return "prediction row \(row + 1): level '\(level)' of fixed effect '\(fe)' was not in the estimation sample — its effect is unknown; drop the row or predict without it"
        case .linearAlgebra(let s):
            return "linear algebra failure — \(s)"
        case let .noFiniteEstimate(what, reason):
            return "\(what) has no finite estimate: \(reason)"
        }
    }
}
