import ArgumentParser
import Foundation
import MigrationKit

/// `migkit markov`: fit and analyse Markov chains of displacement status.
struct MarkovCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markov",
        abstract: "Fit and analyse Markov chains of displacement status.",
        discussion: """
            Transition matrices are CSV files in wide form: a column `from` with the state names, \
            then one column per state (the same names), each row summing to one.

            Examples:
              migkit markov fit --sequences histories.csv -o transition.csv
              migkit markov analyze --transition transition.csv --absorbing returned,resettled -o analysis.csv
            """,
        subcommands: [MarkovFit.self, MarkovAnalyze.self]
    )
}

/// Reads a wide transition-matrix CSV whose first column (`fromColumn`) names the states.
func readTransitionMatrix(_ path: String, fromColumn: String = "from") throws -> MarkovChain {
    let t: Table
    do { t = try CSVReader.readTable(path: path) } catch { throw CLIError.message("\(error)") }
    guard t.columnNames.first == fromColumn, case .string(let from)? = t[fromColumn] else {
        throw CLIError.message("\(path): the first column must be `\(fromColumn)` with the state names (name it with --from-column) — see `migkit markov --help`")
    }
    let states = Array(t.columnNames.dropFirst())
    guard from.compactMap({ $0 }) == states else {
        throw CLIError.message("\(path): the `from` column (\(from.compactMap { $0 }.joined(separator: ", "))) must list the same states, in the same order, as the header (\(states.joined(separator: ", ")))")
    }
    var rows: [[Double]] = Array(repeating: [], count: states.count)
    for s in states {
        guard let values = t[s]?.doubles() else { throw CLIInput.notNumeric(path, s, t) }
        for (i, v) in values.enumerated() {
            guard let v else { throw CLIError.message("\(path): row \(i + 2), column `\(s)` is empty — every transition probability is needed") }
            rows[i].append(v)
        }
    }
    do { return try MarkovChain(states: states, rows: rows) } catch { throw CLIError.message("\(path): \(error)") }
}

func transitionTable(_ chain: MarkovChain) throws -> Table {
    var cols: [(name: String, column: Column)] = [("from", .string(chain.states))]
    for (j, s) in chain.states.enumerated() {
        cols.append((s, .double((0..<chain.stateCount).map { chain.transitionMatrix[$0, j] })))
    }
    return try Table(cols)
}

struct MarkovFit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Maximum-likelihood transition matrix from individual histories.",
        discussion: """
            The input is long: one row per person (or unit) and period, with columns `id`, \
            `time` and `state` (other names with --id-column, --time-column, --state-column). \
            Consecutive periods of the same id are transitions; a gap in \
            time breaks the sequence; an id may have one state per period. Writes the transition \
            matrix (wide) and, with --errors, the standard errors and confidence limits of every \
            entry (long; empty where they do not exist, e.g. for a state never left), and with \
            --stats the fit statistics (statistic, value: states, sequences, transitions, \
            log_likelihood, parameters, aic, confidence_level, unobserved_states). The files \
            are written together, after everything is computed.

            Example:
              migkit markov fit --sequences histories.csv -o transition.csv --errors se.csv --unobserved-absorbing
              migkit markov fit --sequences panel.csv --id-column person --time-column year --state-column status -o p.csv --stats fit.csv
            """
    )
    @Option(name: .long, help: ArgumentHelp("CSV with columns id, time, state (see the column options).", valueName: "file")) var sequences: String
    @Option(name: .long, help: ArgumentHelp("The column identifying the person or unit (default: id).", valueName: "column")) var idColumn: String = "id"
    @Option(name: .long, help: ArgumentHelp("The numeric period column (default: time).", valueName: "column")) var timeColumn: String = "time"
    @Option(name: .long, help: ArgumentHelp("The text column of states (default: state).", valueName: "column")) var stateColumn: String = "state"
    @Option(name: .long, help: ArgumentHelp("Write the fit statistics (statistic, value) to this CSV.", valueName: "file")) var stats: String?
    @Option(name: [.short, .long], help: ArgumentHelp("Transition matrix CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Option(name: .long, help: ArgumentHelp("Write standard errors and confidence limits to this CSV.", valueName: "file")) var errors: String?
    @Flag(name: .long, help: "Treat states never left in the data as absorbing (default: an error).") var unobservedAbsorbing = false
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest number of distinct states (the transition matrix has n² cells; default 2000).", valueName: "n"))
    var maxStates: Int = MarkovFit.defaultMaximumStates

    /// The default largest number of states: 2,000 states is 4 million cells per matrix (the
    /// counts, the probabilities, their standard errors and limits).
    static let defaultMaximumStates = 2_000

    func validate() throws {
        guard maxStates >= 1 else { throw ValidationError("--max-states must be at least 1.") }
    }

    func run() throws {
        try CLIOutput.checkPaths([output, errors, stats].compactMap { $0 }, inputs: [sequences])   // before any work
        let t: Table
        do { t = try CSVReader.readTable(path: sequences) } catch { throw CLIError.message("\(error)") }
        guard let idCol = t[idColumn], let timeCol = t[timeColumn], case .string(let stateCol)? = t[stateColumn] else {
            let missing = [idColumn, timeColumn, stateColumn].filter { t[$0] == nil }
            let detail = missing.isEmpty ? "`\(stateColumn)` must hold text (state names)" : "no column \(missing.map { "`\($0)`" }.joined(separator: ", "))"
            throw CLIError.message("\(sequences): needs columns `\(idColumn)`, `\(timeColumn)` and a text column `\(stateColumn)` — \(detail) (has \(t.columnNames.joined(separator: ", "))); name other columns with --id-column, --time-column, --state-column")
        }
        guard let times = timeCol.doubles() else { throw CLIInput.notNumeric(sequences, timeColumn, t) }
        var byID: [String: [(Double, String)]] = [:]
        var order: [String] = []
        var firstLine: [String: Int] = [:]   // "id time" → line, to refuse a second state at one time
        for i in 0..<t.rowCount {
            guard let id = idCol[i]?.description, let time = times[i], let state = stateCol[i] else {
                throw CLIError.message("\(sequences): line \(i + 2) has an empty id, time or state")
            }
            guard time.isFinite, Swift.abs(time) < 1e15 else {
                throw CLIError.message("\(sequences): line \(i + 2): time \(time) is not a usable period number — give periods as numbers such as years")
            }
            let key = "\(id)\u{0}\(time)"
            if let first = firstLine[key] {
                throw CLIError.message("\(sequences): line \(i + 2): id '\(id)' already has a state at time \(time) (line \(first)) — give one row per id and period")
            }
            firstLine[key] = i + 2
            if byID[id] == nil { order.append(id) }
            byID[id, default: []].append((time, state))
        }
        var distinct = Set<String>()
        for i in 0..<t.rowCount {
            if let state = stateCol[i], distinct.insert(state).inserted, distinct.count > maxStates {
                throw CLIError.message("\(sequences): line \(i + 2): state '\(state)' makes more than \(maxStates) distinct states — the \(maxStates + 1) × \(maxStates + 1) transition matrices would grow with the square of that; check that `\(stateColumn)` holds status labels, or raise the limit with --max-states")
            }
        }
        var seqs: [[String]] = []
        for id in order {
            let s = byID[id, default: []].sorted { $0.0 < $1.0 }
            var current: [String] = []
            for (k, (time, state)) in s.enumerated() {
                if k > 0 && time != s[k - 1].0 + 1 { if current.count > 1 { seqs.append(current) }; current = [] }
                current.append(state)
            }
            if current.count > 1 { seqs.append(current) }
        }
        let estimate: MarkovChainEstimate
        do {
            estimate = try MarkovChainEstimate.fit(sequences: seqs, unobservedStates: unobservedAbsorbing ? .absorbing : .fail)
        } catch { throw CLIError.message("\(sequences): \(error)") }
        var outputs: [(table: Table, path: String)] = [(try transitionTable(estimate.chain), output)]
        if let errors {
            var f: [String?] = [], to: [String?] = [], p: [Double?] = [], se: [Double?] = [], lo: [Double?] = [], hi: [Double?] = []
            let st = estimate.chain.states
            for i in st.indices { for j in st.indices {
                f.append(st[i]); to.append(st[j]); p.append(estimate.chain.transitionMatrix[i, j])
                se.append(estimate.standardErrors[i, j]); lo.append(estimate.confidenceLower[i, j]); hi.append(estimate.confidenceUpper[i, j])
            } }
            outputs.append((try Table([("from", .string(f)), ("to", .string(to)), ("probability", .double(p)),
                                       ("std_error", .double(se)), ("conf_low", .double(lo)), ("conf_high", .double(hi))]), errors))
        }
        if let stats {
            let transitions = estimate.rowTotals.reduce(0, +)
            let rows: [(String, String)] = [
                ("states", String(estimate.chain.stateCount)),
                ("sequences", String(seqs.count)),
                ("transitions", String(transitions)),
                ("log_likelihood", String(estimate.logLikelihood)),
                ("parameters", String(estimate.parameters)),
                ("aic", String(estimate.aic)),
                ("confidence_level", String(estimate.confidenceLevel)),
                ("unobserved_states", estimate.unobservedStates.joined(separator: " ")),
            ]
            outputs.append((try Table([("statistic", .string(rows.map(\.0))), ("value", .string(rows.map(\.1)))]), stats))
        }
        // Everything is computed; write all outputs together (a NaN standard error, e.g. of a
        // row never left, becomes an empty cell).
        try CLIOutput.write(outputs, inputs: [sequences])
        FileHandle.standardError.write(Data("fitted \(estimate.chain.stateCount) states from \(seqs.count) sequences; log-likelihood \(estimate.logLikelihood)\n".utf8))
    }
}

struct MarkovAnalyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Expected duration of displacement, absorption probabilities, stationary distribution.",
        discussion: """
            With absorbing states (given by --absorbing, or those with p(i,i) = 1), writes per \
            transient state the expected time to absorption (the expected duration of \
            displacement, in periods), its standard deviation and the probability of ending in \
            each absorbing state, from the fundamental matrix N = (I − Q)⁻¹. Otherwise writes the \
            stationary distribution and the mean recurrence times.

            Example:
              migkit markov analyze --transition transition.csv --absorbing returned,resettled
            """
    )
    @Option(name: .long, help: ArgumentHelp("Transition matrix CSV (wide, first column `from`).", valueName: "file")) var transition: String
    @Option(name: .long, help: ArgumentHelp("Comma-separated absorbing states.", valueName: "states")) var absorbing: String?
    @Option(name: .long, help: ArgumentHelp("The first column, naming the states of the rows (default: from).", valueName: "column")) var fromColumn = "from"
    @Option(name: [.short, .long], help: ArgumentHelp("Output CSV ('-' for stdout).", valueName: "file")) var output: String = "-"

    func run() throws {
        let chain = try readTransitionMatrix(transition, fromColumn: fromColumn)
        let requested = absorbing.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if requested != nil || !chain.absorbingStates.isEmpty {
            let a: AbsorbingChainAnalysis
            do { a = try chain.absorbingAnalysis(absorbing: requested) } catch { throw CLIError.message("\(transition): \(error)") }
            var cols: [(name: String, column: Column)] = [
                ("state", .string(a.transientStates)),
                ("expected_duration", .double(a.expectedTimeToAbsorption)),
                ("duration_sd", .double(a.varianceOfTimeToAbsorption.map { $0.squareRoot() })),
            ]
            for (j, s) in a.absorbingStates.enumerated() {
                cols.append(("p_end_\(s)", .double((0..<a.transientStates.count).map { a.absorptionProbabilities[$0, j] })))
            }
            try CLIOutput.write(try Table(cols), to: output, inputs: [transition])
        } else {
            let s: StationaryDistribution
            do { s = try chain.stationaryDistribution() } catch { throw CLIError.message("\(transition): \(error)") }
            try CLIOutput.write(try Table([("state", .string(s.states)), ("stationary_probability", .double(s.probabilities)),
                                           ("mean_recurrence_time", .double(s.meanRecurrenceTimes))]), to: output, inputs: [transition])
        }
    }
}
