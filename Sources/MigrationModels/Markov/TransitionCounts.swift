import Linalg

/// Observed transition counts nᵢⱼ between named states: the sufficient statistic of a
/// time-homogeneous Markov chain (Anderson & Goodman 1957, "Statistical inference about Markov
/// chains", *Annals of Mathematical Statistics* 28(1)).
///
/// Built from individual sequences (each consecutive pair (xₜ, xₜ₊₁) adds one) or from a panel
/// (individuals × waves, with missing waves as nil: a pair counts only when both waves are
/// observed). Counts may be non-integer (weighted or aggregate data), but never negative.
///
/// Members: `states` (K names), `counts` (K×K, row = origin), `rowTotals` (nᵢ = Σⱼ nᵢⱼ),
/// `total`.
public struct TransitionCounts: Sendable, Equatable {
    public let states: [String]
    public let counts: Matrix

    /// Counts from a matrix.
    /// - Throws: `MarkovError.invalidInput` (shape), `.duplicateState`, `.nonFinite`,
    ///   `.negativeValue`.
    public init(states: [String], counts: Matrix) throws {
        try MarkovChain.validateStates(states)
        guard counts.rows == states.count, counts.cols == states.count else {
            throw MarkovError.invalidInput("the count matrix is \(counts.rows)×\(counts.cols) but there are \(states.count) states — it must be K×K")
        }
        for i in 0..<states.count {
            for j in 0..<states.count {
                let v = counts[i, j]
                guard v.isFinite else { throw MarkovError.nonFinite(what: "the transition counts", row: states[i], column: states[j], value: v) }
                guard v >= 0 else { throw MarkovError.negativeValue(what: "the transition counts", row: states[i], column: states[j], value: v) }
            }
        }
        self.states = states
        self.counts = counts
    }

    /// Counts of consecutive pairs in individual sequences.
    /// - Parameters:
    ///   - sequences: one state sequence per individual (length 0 or 1 contributes nothing).
    ///   - states: the state list and order; nil → the states in order of first appearance.
    /// - Throws: `MarkovError.unknownState` for a state not in `states`; `.invalidInput` when no
    ///   state occurs at all.
    public static func fromSequences(_ sequences: [[String]], states: [String]? = nil) throws -> TransitionCounts {
        try fromPanel(sequences.map { $0.map { Optional($0) } }, states: states)
    }

    /// Counts of consecutive observed pairs in a panel (rows = individuals, columns = waves,
    /// nil = not observed in that wave). A pair (wave w, wave w+1) counts only when both are
    /// observed; a gap breaks the sequence (no two-step pair is counted as one step).
    /// - Throws: as `fromSequences`.
    public static func fromPanel(_ panel: [[String?]], states: [String]? = nil) throws -> TransitionCounts {
        let names = try stateList(panel, states)
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var c = try markovLinalg { try Matrix(rows: names.count, cols: names.count) }
        for row in panel where row.count > 1 {
            for w in 0..<(row.count - 1) {
                guard let a = row[w], let b = row[w + 1] else { continue }
                guard let i = index[a] else { throw MarkovError.unknownState(a, known: names) }
                guard let j = index[b] else { throw MarkovError.unknownState(b, known: names) }
                c[i, j] += 1
            }
        }
        return try TransitionCounts(states: names, counts: c)
    }

    /// One count table per pair of consecutive waves of a panel (wave w → w+1), for the
    /// time-homogeneity test. All tables share one state list.
    /// - Throws: as `fromPanel`; `.insufficientData` with fewer than two waves.
    public static func byPeriod(_ panel: [[String?]], states: [String]? = nil) throws -> [TransitionCounts] {
        let names = try stateList(panel, states)
        let waves = panel.map(\.count).max() ?? 0
        guard waves >= 2 else { throw MarkovError.insufficientData("the panel has \(waves) wave(s); period-by-period counts need at least two") }
        return try (0..<(waves - 1)).map { w in
            try fromPanel(panel.map { row in [w < row.count ? row[w] : nil, w + 1 < row.count ? row[w + 1] : nil] }, states: names)
        }
    }

    /// nᵢ = Σⱼ nᵢⱼ, the number of observed departures from each state.
    public var rowTotals: [Double] {
        (0..<states.count).map { i in (0..<states.count).reduce(0.0) { $0 + counts[i, $1] } }
    }

    /// Σᵢⱼ nᵢⱼ.
    public var total: Double { counts.elements.reduce(0, +) }

    /// The element-wise sum of two count tables over the same states.
    /// - Throws: `MarkovError.invalidInput` when the state lists differ.
    public func adding(_ other: TransitionCounts) throws -> TransitionCounts {
        guard other.states == states else {
            throw MarkovError.invalidInput("cannot add counts over states \(other.states) to counts over \(states) — use one state list")
        }
        return try TransitionCounts(states: states, counts: try markovLinalg { try counts.adding(other.counts) })
    }

    static func stateList(_ panel: [[String?]], _ states: [String]?) throws -> [String] {
        if let states {
            try MarkovChain.validateStates(states)
            return states
        }
        var names: [String] = []
        var seen = Set<String>()
        for row in panel { for case let s? in row where seen.insert(s).inserted { names.append(s) } }
        guard !names.isEmpty else { throw MarkovError.invalidInput("the sequences contain no state — pass at least one observation, or the state list") }
        try MarkovChain.validateStates(names)
        return names
    }
}
