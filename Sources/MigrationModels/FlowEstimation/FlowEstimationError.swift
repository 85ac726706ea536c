/// Errors of the flow-estimation routines (IPF, flows from stocks, net flows, indices), each
/// saying what was wrong and what to do.
public enum FlowEstimationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Shapes that do not fit together, or an argument out of range.
    case invalidInput(String)
    /// A NaN, infinity or negative value where counts are required.
    case invalidValue(what: String, index: Int, value: Double, requirement: String)
    /// Two sets of totals that must describe the same table disagree (e.g. row totals summing to
    /// 100 and column totals to 98, or two 2-D margins whose shared axis totals differ).
    case inconsistentMargins(first: String, firstTotal: Double, second: String, secondTotal: Double)
    /// A positive total over cells that are all structural zeros (seed 0): no table can meet it.
    case unattainableMargin(what: String, index: Int, total: Double)
    /// The iterations stopped before the stopping rule was met.
    case notConverged(what: String, iterations: Int, deviation: Double, tolerance: Double)
    /// A linear-algebra failure underneath.
    case linearAlgebra(String)

    public var description: String {
        switch self {
        case .invalidInput(let s):
            return "invalid input — \(s)"
        case let .invalidValue(what, index, value, requirement):
            return "\(what) has the value \(value) at position \(index) (0-based), but \(requirement) — fix or remove it"
        case let .inconsistentMargins(a, ta, b, tb):
            return "inconsistent margins: \(a) sum to \(ta) but \(b) sum to \(tb) — totals of the same table must agree; rescale one of them (e.g. with the global total you trust) before fitting"
        case let .unattainableMargin(what, index, total):
            return "unattainable fit: \(what) \(index) (0-based) must total \(total), but every cell it covers is a structural zero (seed 0) — give those cells a positive seed, or set the total to 0"
        case let .notConverged(what, it, dev, tol):
            return "\(what) did not converge in \(it) iterations (maximum relative deviation of the margins \(dev) > tolerance \(tol)) — the margins may be unattainable together with the structural zeros; raise maxIterations or check the zeros, or pass allowNonConvergence to get the flagged result"
        case .linearAlgebra(let s):
            return "linear algebra failure — \(s)"
        }
    }
}
