import Foundation
import Linalg

/// The result of a likelihood-ratio (G²) test on transition counts, with Pearson's X² on the
/// same tables.
///
/// Members: `hypothesis` (the null, in words), `statistic` (G²), `degreesOfFreedom`, `pValue`
/// (P(χ²_df > G²)), `pearsonStatistic` (X²), `pearsonPValue`, `byState` (each origin state's
/// contribution: G², X² and df).
public struct MarkovTestResult: Sendable, Equatable {
    /// One origin state's share of a test.
    public struct StateContribution: Sendable, Equatable {
        public let state: String
        public let statistic: Double
        public let pearsonStatistic: Double
        public let degreesOfFreedom: Int
    }
    public let hypothesis: String
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let pValue: Double
    public let pearsonStatistic: Double
    public let pearsonPValue: Double
    public let byState: [StateContribution]
}

/// Tests of the assumptions behind a Markov-chain model (Anderson & Goodman 1957, "Statistical
/// inference about Markov chains", *Annals of Mathematical Statistics* 28(1), §3.3–3.4; Bishop,
/// Fienberg & Holland 1975, *Discrete Multivariate Analysis*, ch. 7).
///
/// Both tests reduce to one contingency table per origin state i — rows are conditions g
/// (periods or groups for homogeneity; the previous state for the Markov property), columns
/// the next state j — and test independence of rows and columns:
///
///     G²ᵢ = 2 Σ_g Σⱼ n_gj log(n_gj · n / (n_g· n_·j)),    X²ᵢ = Σ (n_gj − e_gj)² / e_gj,
///     e_gj = n_g· n_·j / n,   dfᵢ = (rᵢ − 1)(cᵢ − 1),
///
/// where rᵢ and cᵢ count the rows and columns with a positive total (structural zeros removed,
/// as `scipy.stats.chi2_contingency` does after dropping empty rows and columns). The totals
/// G² = Σᵢ G²ᵢ and df = Σᵢ dfᵢ are referred to χ²_df. With no zeros, df is Anderson &
/// Goodman's (T − 1)·K(K − 1) for homogeneity and K(K − 1)² for the Markov property.
public enum MarkovHypothesisTest {
    /// Homogeneity of the transition probabilities across periods or groups:
    /// H₀: pᵢⱼ(g) = pᵢⱼ for every table g.
    /// - Parameter tables: two or more count tables over the same states (for example
    ///   `TransitionCounts.byPeriod(panel)`).
    /// - Throws: `MarkovError.insufficientData` with fewer than two tables or no origin state
    ///   with data in two tables; `.invalidInput` when the state lists differ.
    public static func homogeneity(_ tables: [TransitionCounts]) throws -> MarkovTestResult {
        guard let first = tables.first, tables.count >= 2 else {
            throw MarkovError.insufficientData("the homogeneity test compares two or more count tables; got \(tables.count)")
        }
        for t in tables where t.states != first.states {
            throw MarkovError.invalidInput("the count tables have different state lists (\(first.states) and \(t.states)) — build them over one state list")
        }
        let k = first.states.count
        let perState = (0..<k).map { i in
            (first.states[i], tables.map { t in (0..<k).map { t.counts[i, $0] } })
        }
        return try combine(perState, hypothesis: "the transition probabilities are the same in all \(tables.count) tables")
    }

    /// The first-order Markov property against second order:
    /// H₀: Pr(X_{t+1} = j | X_t = i, X_{t−1} = h) = pᵢⱼ for every h.
    /// - Parameters:
    ///   - panel: rows = individuals, columns = waves, nil = unobserved; a triple
    ///     (x_{t−1}, x_t, x_{t+1}) counts only when all three are observed. Plain sequences
    ///     pass as `sequences.map { $0.map(Optional.init) }`.
    ///   - states: the state list; nil → order of first appearance.
    /// - Throws: `MarkovError.insufficientData` when no middle state has two previous states
    ///   and two next states observed; `.unknownState`.
    public static func markovProperty(panel: [[String?]], states: [String]? = nil) throws -> MarkovTestResult {
        let names = try TransitionCounts.stateList(panel, states)
        let k = names.count
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        // triples[i][h][j]: previous h, middle i, next j.
        var triples = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: k), count: k), count: k)
        for row in panel where row.count > 2 {
            for w in 0..<(row.count - 2) {
                guard let a = row[w], let b = row[w + 1], let c = row[w + 2] else { continue }
                guard let h = index[a] else { throw MarkovError.unknownState(a, known: names) }
                guard let i = index[b] else { throw MarkovError.unknownState(b, known: names) }
                guard let j = index[c] else { throw MarkovError.unknownState(c, known: names) }
                triples[i][h][j] += 1
            }
        }
        return try combine((0..<k).map { (names[$0], triples[$0]) },
                           hypothesis: "the chain is first-order Markov (the next state does not depend on the previous one given the current one)")
    }

    /// Sequences version of `markovProperty(panel:states:)`.
    public static func markovProperty(sequences: [[String]], states: [String]? = nil) throws -> MarkovTestResult {
        try markovProperty(panel: sequences.map { $0.map { Optional($0) } }, states: states)
    }

    static func combine(_ tables: [(String, [[Double]])], hypothesis: String) throws -> MarkovTestResult {
        var g2 = 0.0, x2 = 0.0, df = 0
        var parts: [MarkovTestResult.StateContribution] = []
        for (state, table) in tables {
            let (g, x, d) = independence(table)
            g2 += g; x2 += x; df += d
            parts.append(.init(state: state, statistic: g, pearsonStatistic: x, degreesOfFreedom: d))
        }
        guard df > 0 else {
            throw MarkovError.insufficientData("no origin state has transitions in two conditions to two destinations, so there is nothing to test (0 degrees of freedom) — more data or fewer states are needed")
        }
        return MarkovTestResult(
            hypothesis: hypothesis, statistic: g2, degreesOfFreedom: df,
            pValue: Distributions.chiSquaredSurvival(g2, df: Double(df)),
            pearsonStatistic: x2, pearsonPValue: Distributions.chiSquaredSurvival(x2, df: Double(df)),
            byState: parts)
    }

    /// G², X² and df of the independence test on one table (rows with zero total and columns
    /// with zero total removed).
    static func independence(_ table: [[Double]]) -> (Double, Double, Int) {
        let rowTotals = table.map { $0.reduce(0, +) }
        let cols = table.first?.count ?? 0
        let colTotals = (0..<cols).map { j in table.reduce(0.0) { $0 + $1[j] } }
        let rows = rowTotals.indices.filter { rowTotals[$0] > 0 }
        let columns = colTotals.indices.filter { colTotals[$0] > 0 }
        guard rows.count > 1, columns.count > 1 else { return (0, 0, 0) }
        let n = rowTotals.reduce(0, +)
        var g = 0.0, x = 0.0
        for r in rows {
            for c in columns {
                let o = table[r][c]
                let e = rowTotals[r] * colTotals[c] / n
                if o > 0 { g += 2 * o * log(o / e) }
                x += (o - e) * (o - e) / e
            }
        }
        return (g, x, (rows.count - 1) * (columns.count - 1))
    }
}

