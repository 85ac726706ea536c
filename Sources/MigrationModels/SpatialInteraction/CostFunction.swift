import Foundation

/// The deterrence (distance-decay) function f(c) of a spatial interaction model, with its
/// parameter β: log f(c) = β·g(c).
///
/// - `exponential`: f(c) = exp(β c), g(c) = c (Wilson 1971; spint `cost_func='exp'`); β < 0 for
///   decay. Any finite cost.
/// - `power`: f(c) = c^β, g(c) = log c (spint `cost_func='pow'`); β < 0 for decay. Needs c > 0
///   (intra-zonal rows with zero cost must be excluded).
/// - `custom`: f(c) = exp(β g(c)) for a user transform g (spint passes a callable); g(c) must be
///   finite on every row used.
public enum CostFunction: Sendable, CustomStringConvertible {
    case exponential
    case power
    case custom(name: String, transform: @Sendable (Double) -> Double)

    public var description: String {
        switch self {
        case .exponential: return "exponential"
        case .power: return "power"
        case .custom(let name, _): return name
        }
    }

    /// g(c): the regressor that multiplies β in log f(c).
    /// - Throws: `SpatialInteractionError.invalidCost` for costs outside the function's domain.
    func transform(_ c: Double, row: Int) throws -> Double {
        guard c.isFinite else {
            throw SpatialInteractionError.invalidCost(row: row, value: c, costFunction: description, requirement: "a finite cost")
        }
        switch self {
        case .exponential:
            return c
        case .power:
            guard c > 0 else {
                throw SpatialInteractionError.invalidCost(row: row, value: c, costFunction: "power", requirement: "cost > 0 (it takes log c)")
            }
            return log(c)
        case .custom(let name, let g):
            let v = g(c)
            guard v.isFinite else {
                throw SpatialInteractionError.invalidCost(row: row, value: c, costFunction: name, requirement: "a cost whose transform is finite (got \(v))")
            }
            return v
        }
    }
}
