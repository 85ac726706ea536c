/// Errors of the model migration schedules, each saying what was wrong and what to do.
public enum ScheduleError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Lengths that differ, too few ages for the parameters, or an option out of range.
    case invalidInput(String)
    /// A non-finite age or rate, or a rate ≤ 0 where log residuals need positive values.
    case invalidValue(what: String, index: Int, value: Double, requirement: String)
    /// Bounds that are empty (lower > upper) or a start outside them.
    case invalidBounds(parameter: String, lower: Double, upper: Double)
    /// No start produced a finite fit.
    case noFit(String)
    /// A linear-algebra failure underneath.
    case linearAlgebra(String)

    public var description: String {
        switch self {
        case .invalidInput(let s):
            return "model schedule: invalid input — \(s)"
        case let .invalidValue(what, index, value, requirement):
            return "\(what) at position \(index) (0-based) is \(value), but \(requirement) — fix or drop that age"
        case let .invalidBounds(p, lo, hi):
            return "bounds of '\(p)' are [\(lo), \(hi)]: the lower bound must not exceed the upper one, and both must be finite"
        case .noFit(let s):
            return "no start gave a finite fit (\(s)) — check the data (rates, not counts?) and the bounds, or give starting values"
        case .linearAlgebra(let s):
            return "linear algebra failure — \(s)"
        }
    }
}
