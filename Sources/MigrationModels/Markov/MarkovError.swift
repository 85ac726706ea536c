import Linalg

/// Errors of the Markov-chain models (estimation, analysis, projection), each saying what was
/// wrong with the input and what to do about it.
///
/// States are named in every message; probabilities and counts are quoted with the tolerance
/// that was applied.
public enum MarkovError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Shapes or arguments that do not fit together (wrong vector length, empty state list, …).
    case invalidInput(String)
    /// The same state name twice in a state list.
    case duplicateState(String)
    /// A state name that is not one of the chain's states.
    case unknownState(String, known: [String])
    /// A NaN or infinity in a transition matrix, count table or population vector.
    case nonFinite(what: String, row: String, column: String, value: Double)
    /// A negative transition probability, count or population.
    case negativeValue(what: String, row: String, column: String, value: Double)
    /// A row of a transition matrix whose probabilities do not sum to one.
    case rowDoesNotSumToOne(state: String, sum: Double, tolerance: Double)
    /// Maximum-likelihood estimation: a state never observed as the origin of a transition, so
    /// its row of P is not identified.
    case noObservedTransitions(states: [String])
    /// An absorbing-chain analysis of a chain in which no state is absorbing (pᵢᵢ = 1).
    case noAbsorbingState(states: [String])
    /// I − Q is singular: the listed transient states never reach an absorbing state (they form
    /// or feed a closed class of their own), or the matrix is numerically singular.
    case singularFundamentalMatrix(trappedStates: [String], reciprocalCondition: Double?)
    /// Mean first-passage times need an irreducible chain; the classes found are listed.
    case notIrreducible(classes: [[String]])
    /// The stationary distribution is not unique: the chain has several closed classes.
    case stationaryDistributionNotUnique(closedClasses: [[String]])
    /// Too little data for the requested estimate or test.
    case insufficientData(String)
    /// An iterative solver stopped before meeting its optimality conditions.
    case notConverged(what: String, iterations: Int)
    /// A linear-algebra failure underneath (LAPACK), in words.
    case linearAlgebra(String)

    public var description: String {
        switch self {
        case .invalidInput(let s):
            return "invalid input — \(s)"
        case .duplicateState(let s):
            return "state '\(s)' appears twice in the state list — state names must be unique"
        case let .unknownState(s, known):
            return "unknown state '\(s)' — the chain's states are \(known.map { "'\($0)'" }.joined(separator: ", "))"
        case let .nonFinite(what, row, column, value):
            return "\(what) has the non-finite value \(value) at (\(row), \(column)) — remove or impute it first"
        case let .negativeValue(what, row, column, value):
            return "\(what) has the negative value \(value) at (\(row), \(column)) — probabilities, counts and populations must be ≥ 0"
        case let .rowDoesNotSumToOne(state, sum, tol):
            return "the transition probabilities out of '\(state)' sum to \(sum), not 1 (tolerance \(tol)) — every row of P must sum to one: normalise the row, or add the missing destination (for example an 'exited' state)"
        case .noObservedTransitions(let states):
            return "no transition out of \(states.map { "'\($0)'" }.joined(separator: ", ")) was observed, so their rows of P are not identified — add data, drop the states, or pass unobservedStates: .absorbing to treat them as absorbing"
        case .noAbsorbingState(let states):
            return "no state is absorbing (pᵢᵢ = 1) among \(states.map { "'\($0)'" }.joined(separator: ", ")) — an absorbing-chain analysis needs at least one; pass `absorbing:` to declare the exit states (for example 'returned', 'resettled')"
        case let .singularFundamentalMatrix(trapped, rcond):
            if !trapped.isEmpty {
                return "I − Q is singular: the transient states \(trapped.map { "'\($0)'" }.joined(separator: ", ")) never reach an absorbing state, so their time to absorption is infinite — add exits from them, or declare them absorbing"
            }
            return "I − Q is numerically singular (reciprocal condition number \(rcond.map { "\($0)" } ?? "0")) — some transient states almost never leave; check the exit probabilities"
        case .notIrreducible(let classes):
            return "the chain is not irreducible; its communicating classes are \(classes.map { "{\($0.joined(separator: ", "))}" }.joined(separator: " ")) — mean first-passage times between all pairs need every state reachable from every other; use the absorbing-chain analysis for exits"
        case .stationaryDistributionNotUnique(let closed):
            return "the stationary distribution is not unique: the chain has \(closed.count) closed classes \(closed.map { "{\($0.joined(separator: ", "))}" }.joined(separator: " ")) — analyse each closed class separately, or use the absorbing-chain analysis"
        case .insufficientData(let s):
            return "insufficient data — \(s)"
        case let .notConverged(what, it):
            return "\(what) did not converge in \(it) iterations — the problem may be degenerate; rescale the data or report it with the input"
        case .linearAlgebra(let s):
            return "linear algebra failure — \(s)"
        }
    }
}

/// Runs `body`, turning a `LinalgError` into `MarkovError.linearAlgebra` with its words.
@inline(__always)
func markovLinalg<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as LinalgError { throw MarkovError.linearAlgebra(e.description) }
}
