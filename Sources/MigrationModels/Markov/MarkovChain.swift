import Linalg

/// A discrete-time, time-homogeneous Markov chain over named states.
///
/// The transition matrix P is K×K and row-stochastic: pᵢⱼ = Pr(X_{t+1} = j | X_t = i), every
/// pᵢⱼ ≥ 0 and Σⱼ pᵢⱼ = 1. A population (or probability) row vector evolves as
/// x_{t+1} = x_t·P (Kemeny & Snell 1960, *Finite Markov Chains*, ch. 2). For displacement
/// dynamics the states are, for example, "at home", "internally displaced", "refugee",
/// "asylum seeker", "returned", "resettled".
///
/// Members: `states` (K unique names), `transitionMatrix` (K×K, row = origin state).
///
/// Analyses live in their own files: `classify()` (communicating classes, absorbing states),
/// `stationaryDistribution()`, `meanFirstPassageTimes()`, `absorbingAnalysis(absorbing:)`
/// (fundamental matrix, expected time to absorption — the expected duration of displacement —
/// and absorption probabilities), `project(_:steps:)`.
public struct MarkovChain: Sendable, Equatable {
    /// State names, in the order of P's rows and columns.
    public let states: [String]
    /// P, K×K, rows summing to one.
    public let transitionMatrix: Matrix

    /// Default tolerance on |Σⱼ pᵢⱼ − 1|.
    public static let defaultRowSumTolerance = 1e-10

    /// A chain from a validated transition matrix.
    /// - Parameters:
    ///   - states: K unique, non-empty names.
    ///   - transitionMatrix: K×K, entries finite and ≥ 0, each row summing to one within
    ///     `rowSumTolerance`.
    ///   - rowSumTolerance: the tolerance on |Σⱼ pᵢⱼ − 1|.
    /// - Throws: `MarkovError.invalidInput` (shape, empty names), `.duplicateState`,
    ///   `.nonFinite`, `.negativeValue` (any pᵢⱼ < 0), `.rowDoesNotSumToOne`.
    public init(states: [String], transitionMatrix: Matrix, rowSumTolerance: Double = MarkovChain.defaultRowSumTolerance) throws {
        try MarkovChain.validateStates(states)
        let k = states.count
        guard transitionMatrix.rows == k, transitionMatrix.cols == k else {
            throw MarkovError.invalidInput("the transition matrix is \(transitionMatrix.rows)×\(transitionMatrix.cols) but there are \(k) states — P must be K×K")
        }
        guard rowSumTolerance >= 0, rowSumTolerance.isFinite else {
            throw MarkovError.invalidInput("rowSumTolerance must be finite and ≥ 0, got \(rowSumTolerance)")
        }
        for i in 0..<k {
            var sum = 0.0
            for j in 0..<k {
                let p = transitionMatrix[i, j]
                guard p.isFinite else { throw MarkovError.nonFinite(what: "the transition matrix", row: states[i], column: states[j], value: p) }
                guard p >= 0 else { throw MarkovError.negativeValue(what: "the transition matrix", row: states[i], column: states[j], value: p) }
                sum += p
            }
            guard abs(sum - 1) <= rowSumTolerance else {
                throw MarkovError.rowDoesNotSumToOne(state: states[i], sum: sum, tolerance: rowSumTolerance)
            }
        }
        self.states = states
        self.transitionMatrix = transitionMatrix
    }

    /// A chain from rows of probabilities (row i = transitions out of `states[i]`).
    /// - Throws: as `init(states:transitionMatrix:)`.
    public init(states: [String], rows: [[Double]], rowSumTolerance: Double = MarkovChain.defaultRowSumTolerance) throws {
        let m: Matrix
        do { m = try Matrix(rows) } catch let e as LinalgError { throw MarkovError.invalidInput(e.description) }
        try self.init(states: states, transitionMatrix: m, rowSumTolerance: rowSumTolerance)
    }

    /// Number of states K.
    public var stateCount: Int { states.count }

    /// pᵢⱼ by state names.
    /// - Throws: `MarkovError.unknownState`.
    public func probability(from: String, to: String) throws -> Double {
        transitionMatrix[try index(of: from), try index(of: to)]
    }

    /// The 0-based index of `state`.
    /// - Throws: `MarkovError.unknownState`.
    public func index(of state: String) throws -> Int {
        guard let i = states.firstIndex(of: state) else { throw MarkovError.unknownState(state, known: states) }
        return i
    }

    /// States i with pᵢᵢ = 1 exactly (they are never left).
    public var absorbingStates: [String] {
        (0..<stateCount).filter { transitionMatrix[$0, $0] == 1 }.map { states[$0] }
    }

    static func validateStates(_ states: [String]) throws {
        guard !states.isEmpty else { throw MarkovError.invalidInput("the state list is empty — a chain needs at least one state") }
        var seen = Set<String>()
        for s in states {
            guard !s.isEmpty else { throw MarkovError.invalidInput("a state name is empty — name every state") }
            guard seen.insert(s).inserted else { throw MarkovError.duplicateState(s) }
        }
    }
}
