/// Errors of the spatial interaction models, each saying what was wrong and what to do.
public enum SpatialInteractionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Columns of different lengths, an empty data set, or an option out of range.
    case invalidInput(String)
    /// A flow that is negative or not finite (0-based row).
    case invalidFlow(row: Int, value: Double)
    /// A cost that the cost function cannot take: not finite, or ≤ 0 for the power function
    /// (log c), or a transformed value that is not finite (0-based row).
    case invalidCost(row: Int, value: Double, costFunction: String, requirement: String)
    /// An origin or destination attribute that is ≤ 0 or not finite: attributes enter as
    /// log(attribute) (0-based row).
    case invalidAttribute(name: String, row: Int, value: Double)
    /// Attributes that the constraint absorbs (origin attributes in a production-constrained
    /// model, destination attributes in an attraction-constrained one, any attribute in the
    /// doubly constrained model).
    case attributeAbsorbed(name: String, constraint: String)
    /// Every flow is zero after removing intra-zonal rows and empty origins/destinations.
    case noPositiveFlows
    /// The cost (or an attribute) is collinear with the balancing factors, so its parameter is
    /// not identified (e.g. a constant cost, or a cost that depends on the origin only in a
    /// production-constrained model).
    case notIdentified(String)
    /// The maximum-likelihood iterations did not converge.
    case notConverged(iterations: Int, criterion: Double)
    /// A failure of the GLM engine or of LAPACK underneath.
    case engine(String)

    public var description: String {
        switch self {
        case .invalidInput(let s):
            return "spatial interaction model: invalid input — \(s)"
        case let .invalidFlow(row, value):
            return "flow at row \(row + 1) is \(value): flows must be finite and ≥ 0 — fix or drop the row"
        case let .invalidCost(row, value, f, req):
            return "cost at row \(row + 1) is \(value), but the \(f) cost function needs \(req) — fix the row, exclude intra-zonal rows (their cost is often 0), or choose another cost function"
        case let .invalidAttribute(name, row, value):
            return "attribute '\(name)' is \(value) at row \(row + 1): attributes enter the model as log(attribute), so they must be positive and finite — fix the value or drop the attribute"
        case let .attributeAbsorbed(name, constraint):
            return "attribute '\(name)' cannot be estimated in a \(constraint) model: the balancing factors absorb every attribute on the constrained side — drop it, or use a less constrained model"
        case .noPositiveFlows:
            return "no positive flows remain (after removing intra-zonal rows and origins/destinations whose flows are all zero) — nothing to fit"
        case .notIdentified(let s):
            return "parameter not identified: \(s) — drop the collinear term or change the cost function"
        case let .notConverged(it, crit):
            return "spatial interaction fit did not converge in \(it) iterations (Newton decrement \(crit)) — raise maxIterations, check for extreme costs, or use the GLM method"
        case .engine(let s):
            return "spatial interaction fit failed underneath: \(s)"
        }
    }
}
