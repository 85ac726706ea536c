import ArgumentParser
import Foundation
import MigrationKit

/// `migkit flows`: origin–destination flow models and estimators from long CSV tables.
struct FlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows",
        abstract: "Spatial interaction models, IPF, flows from stocks or net totals, migration indices.",
        discussion: """
            Every table is a CSV in long form with a header row: one row per origin–destination \
            pair (columns origin, destination, then a number), or one row per region (columns \
            region, then a number). Region labels are compared as text. Pairs that are not listed \
            count as 0 unless a subcommand says otherwise. Outputs are long CSVs written \
            atomically ('-' for standard output); summaries go to standard error.

            Examples:
              migkit flows sim --data od.csv --model doubly --cost exponential -o params.csv --fitted fitted.csv
              migkit flows ipf --seed seed.csv --row-totals out.csv --column-totals in.csv -o fitted.csv
              migkit flows ipf3 --origin-totals o.csv --destination-totals d.csv --stayers fixed -o flows.csv
              migkit flows rescale-net --net net.csv --integer -o rescaled.csv
              migkit flows from-stocks --start stock2010.csv --end stock2020.csv --decrease return -o flows.csv
              migkit flows net-to-flows --net net.csv --prior prior.csv --method least-squares -o flows.csv
              migkit flows net-to-flows --net net.csv --method minimum-cost --costs distances.csv -o flows.csv
              migkit flows indices --flows od.csv --populations pop.csv --distances dist.csv -o indices.csv
            """,
        subcommands: [FlowsSim.self, FlowsIPF.self, FlowsIPF3.self, FlowsFromStocksCommand.self, FlowsNetToFlows.self, FlowsIndices.self,
                      FlowsRescaleNet.self]
    )
}

// MARK: - Reading long tables

/// Helpers for the long CSV layouts of `migkit flows` (rows are reported as file lines: the
/// header is line 1, the first data row line 2).
enum FlowsCSV {
    /// Reads `path`; with `onlyNeeded` only the `needed` columns are parsed (for commands that
    /// use no other column; see `CLIInput.readOptions`).
    ///
    /// `doubles` names numeric columns the command turns into doubles anyway (`numbers`): when
    /// the columns are selected, these are parsed as doubles straight away (an integer column
    /// would otherwise be stored as integers and converted — a second array). A text cell in
    /// one of them reads the file again without the declaration, so that the messages are
    /// those of an undeclared read.
    static func read(_ path: String, _ needed: [String], command: String, onlyNeeded: Bool = false, doubles: [String] = []) throws -> Table {
        let t: Table
        var options = CLIInput.readOptions(selecting: onlyNeeded ? needed : nil, in: path)
        if let selected = options.columns {
            for c in doubles where selected.contains(c) { options.columnTypes[c] = .double }
        }
        do {
            do { t = try CSVReader.readTable(path: path, options: options) } catch CSVError.notANumber where !options.columnTypes.isEmpty {
                options.columnTypes = [:]
                t = try CSVReader.readTable(path: path, options: options)
            }
        } catch { throw CLIError.message("\(error)") }
        for c in needed where t[c] == nil {
            throw CLIError.message("\(path): column `\(c)` is missing (has \(t.columnNames.joined(separator: ", "))) — see `migkit \(command) --help`")
        }
        guard t.rowCount > 0 else { throw CLIError.message("\(path): has no data rows") }
        return t
    }

    /// A label column as text (numbers are read as their text); empty cells are an error.
    static func labels(_ t: Table, _ column: String, _ path: String) throws -> [String] {
        guard let c = t[column] else { throw CLIError.message("\(path): column `\(column)` is missing") }
        return try c.labels().enumerated().map { i, v in
            guard let v else { throw CLIError.message("\(path): line \(i + 2), column `\(column)` is empty — every row needs a region label") }
            return v
        }
    }

    /// A label column factorized by order of first appearance (the levels of
    /// `FixedEffect(name:labels:)` on `labels`): an integer column without formatting a label
    /// per row (`FixedEffect(name:integerLabels:)`, the same levels and codes). Empty cells are
    /// the error of `labels`.
    static func factorized(_ t: Table, _ column: String, _ path: String) throws -> FixedEffect {
        if case .int(let values)? = t[column], !values.hasMissing {
            return FixedEffect(name: column, integerLabels: values.values)
        }
        return FixedEffect(name: column, labels: try labels(t, column, path))
    }

    /// The largest magnitude of a number read by `numbers` (flows, costs, populations, ages and
    /// rates): beyond it the models' sums and squares overflow and would return garbage.
    static let maximumMagnitude = 1e100

    /// A numeric column; empty, non-finite or larger than `maximumMagnitude` cells are an error.
    static func numbers(_ t: Table, _ column: String, _ path: String, nonNegative: Bool = false) throws -> [Double] {
        guard let c = t[column] else { throw CLIError.message("\(path): column `\(column)` is missing") }
        func checked(_ i: Int, _ v: Double?) throws -> Double {
            guard let v, v.isFinite else { throw CLIError.message("\(path): line \(i + 2), column `\(column)` is empty or not a finite number — fill it in or drop the row") }
            if nonNegative && v < 0 { throw CLIError.message("\(path): line \(i + 2), column `\(column)` is \(v) — it must be ≥ 0") }
            if Swift.abs(v) > maximumMagnitude {
                throw CLIError.message("\(path): line \(i + 2), column `\(column)` is \(v), beyond ±\(maximumMagnitude) — sums and squares of such values overflow; rescale the column (e.g. to thousands)")
            }
            return v
        }
        // Straight from the column's storage (`Column.doubles()` would first copy an integer
        // column into a [Double?]); integers convert as there, by `Double.init`. A double
        // column without missing cells whose values all pass is handed over as stored (no
        // copy); the first bad cell is reported by the row-by-row loop below.
        if case .double(let values) = c, !values.hasMissing {
            let allValid = values.values.withUnsafeBufferPointer { v -> Bool in
                var ok = true
                for x in v {
                    // |x| ≤ maximumMagnitude is false for NaN and ±∞ as well.
                    ok = ok && Swift.abs(x) <= maximumMagnitude && !(nonNegative && x < 0)
                }
                return ok
            }
            if allValid { return values.values }
        }
        var out: [Double] = []
        switch c {
        case .double(let values):
            out.reserveCapacity(values.count)
            for (i, v) in values.enumerated() { out.append(try checked(i, v)) }
        case .int(let values):
            out.reserveCapacity(values.count)
            for (i, v) in values.enumerated() { out.append(try checked(i, v.map(Double.init))) }
        case .string:
            throw CLIInput.notNumeric(path, column, t)
        }
        return out
    }

    /// region → value from a two-column table; duplicates are an error.
    static func regionValues(_ path: String, region: String = "region", value: String, command: String, nonNegative: Bool = false) throws -> (labels: [String], values: [Double]) {
        let t = try read(path, [region, value], command: command)
        let l = try labels(t, region, path)
        let v = try numbers(t, value, path, nonNegative: nonNegative)
        var seen = Set<String>()
        for (i, r) in l.enumerated() where !seen.insert(r).inserted {
            throw CLIError.message("\(path): line \(i + 2): region '\(r)' appears twice — give one row per region")
        }
        return (l, v)
    }

    /// The default largest number of regions (per side) of a dense region × region matrix:
    /// 5,000 regions is 25 million cells (200 MB of doubles). Commands that build one take
    /// `--max-regions` to raise it.
    static let defaultMaximumRegions = 5_000

    /// The default for commands that also write every cell as a long table (ipf, from-stocks,
    /// net-to-flows): 2,000 regions is 4 million output rows.
    static let defaultMaximumRegionsWithLongOutput = 2_000

    /// Refuses `count` regions above `limit` before an n×n matrix is allocated.
    static func checkRegionCount(_ count: Int, limit: Int, _ path: String) throws {
        guard count > limit else { return }
        let gigabytes = Double(count) * Double(count) * 8 / 1e9
        throw CLIError.message("\(path): \(count) regions, more than the limit of \(limit) — the region × region matrix would need \(String(format: "%.1f", gigabytes)) GB; check that the region columns hold region labels, or raise the limit with --max-regions")
    }

    /// A long pair table (origin, destination, value) as a matrix over `rows` × `cols` labels
    /// (nil: the labels in order of first appearance; origins and destinations share one list
    /// when `square`). Pairs not listed are 0; `present` marks the listed ones. More than
    /// `maxRegions` labels on a side is an error (see `defaultMaximumRegions`).
    static func matrix(_ path: String, value: String, rows: [String]? = nil, cols: [String]? = nil, square: Bool,
                       command: String, origin: String = "origin", destination: String = "destination", nonNegative: Bool = true,
                       maxRegions: Int = defaultMaximumRegions)
        throws -> (rows: [String], cols: [String], matrix: Matrix, present: [[Bool]]) {
        let t = try read(path, [origin, destination, value], command: command)
        let o = try labels(t, origin, path), d = try labels(t, destination, path)
        let v = try numbers(t, value, path, nonNegative: nonNegative)
        var rl = rows ?? [], cl = cols ?? []
        if rows == nil || cols == nil {
            var rs = Set(rl), cs = Set(cl)
            for i in 0..<o.count {
                if square {
                    for x in [o[i], d[i]] where rows == nil && rs.insert(x).inserted { rl.append(x) }
                } else {
                    if rows == nil && rs.insert(o[i]).inserted { rl.append(o[i]) }
                    if cols == nil && cs.insert(d[i]).inserted { cl.append(d[i]) }
                }
            }
            if square { cl = rl }
        }
        try checkRegionCount(max(rl.count, cl.count), limit: maxRegions, path)
        let ri = Dictionary(uniqueKeysWithValues: rl.enumerated().map { ($1, $0) })
        let ci = Dictionary(uniqueKeysWithValues: cl.enumerated().map { ($1, $0) })
        var m: Matrix
        do { m = try Matrix(rows: max(1, rl.count), cols: max(1, cl.count)) } catch { throw CLIError.message("\(path): \(error)") }
        var present = [[Bool]](repeating: [Bool](repeating: false, count: cl.count), count: rl.count)
        for i in 0..<o.count {
            guard let r = ri[o[i]] else { throw CLIError.message("\(path): line \(i + 2): origin '\(o[i])' is not one of the regions (\(rl.joined(separator: ", ")))") }
            guard let c = ci[d[i]] else { throw CLIError.message("\(path): line \(i + 2): destination '\(d[i])' is not one of the regions (\(cl.joined(separator: ", ")))") }
            if present[r][c] { throw CLIError.message("\(path): line \(i + 2): the pair \(o[i]) → \(d[i]) appears twice — give one row per pair") }
            present[r][c] = true
            m[r, c] = v[i]
        }
        return (rl, cl, m, present)
    }

    /// A matrix as a long table (every cell, or only the off-diagonal ones).
    static func longTable(_ m: Matrix, rows: [String], cols: [String], value: String, offDiagonal: Bool = false,
                          origin: String = "origin", destination: String = "destination") throws -> Table {
        var o: [String?] = [], d: [String?] = [], v: [Double?] = []
        for i in rows.indices { for j in cols.indices where !(offDiagonal && rows[i] == cols[j]) {
            o.append(rows[i]); d.append(cols[j]); v.append(m[i, j])
        } }
        return try Table([(origin, .string(o)), (destination, .string(d)), (value, .double(v))])
    }

    static func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    /// A `statistic, value` table.
    static func statistics(_ rows: [(String, String)]) throws -> Table {
        try Table([("statistic", .string(rows.map(\.0))), ("value", .string(rows.map(\.1)))])
    }

    static func commaList(_ s: String?) -> [String] {
        (s ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

// MARK: - sim

struct FlowsSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Fit a spatial interaction (gravity) model of Wilson's family by Poisson maximum likelihood.",
        discussion: """
            Input (--data, long): one row per origin–destination pair with columns origin, \
            destination, flow and cost (names set by --origin-column, --destination-column, \
            --flow-column, --cost-column); any extra numeric columns can serve as attributes. \
            Flows must be ≥ 0 (need not be integers); pairs need not form a full matrix.

            Models (--model): unconstrained (gravity: intercept, origin and destination \
            attributes), production (origin-constrained: destination attributes only), \
            attraction (destination-constrained: origin attributes only), doubly (no attributes). \
            Attributes enter as log(attribute) and must be positive. Cost (--cost): exponential \
            f(c) = exp(β c) or power f(c) = c^β (needs c > 0: exclude intra-zonal rows).

            Writes the parameters (term, estimate, std_error, statistic, p_value, conf_low, \
            conf_high; terms intercept, log(attribute), cost) to -o, the fit statistics \
            (statistic, value: pseudo_r2, adj_pseudo_r2, d2, adj_d2, srmse, sorensen, deviance, \
            log_likelihood, aic, …) to --stats, the fitted flows (origin, destination, flow, \
            fitted; empty for excluded intra-zonal rows) to --fitted, the balancing factors of \
            the constrained models to --balancing-factors (side, region, factor Aᵢ or Bⱼ, total Oᵢ \
            or Dⱼ, log_effect = log(factor · total), contrast), and prints the fit statistics to \
            standard error. In Wilson's form μᵢⱼ = AᵢOᵢ·BⱼDⱼ·f(cᵢⱼ) (doubly; one side for \
            production and attraction), so log μᵢⱼ = log_effectᵢ + log_effectⱼ + β g(cᵢⱼ). The \
            doubly constrained factors are identified up to Aᵢ·s, Bⱼ/s (reported with mean log A \
            = mean log B). `contrast` is log_effect − that of the reference region (the first in \
            sorted order): the dummy coefficient of spint's or statsmodels' treatment coding, whose \
            intercept is the stats' `intercept` (the reference origin's plus destination's log_effect).

            Examples:
              migkit flows sim --data od.csv --cost-column distance --model doubly -o params.csv --fitted fitted.csv
              migkit flows sim --data od.csv --model unconstrained --cost power --intrazonal exclude \\
                --origin-attributes pop_o --destination-attributes pop_d,jobs_d -o -
            """
    )

    enum Model: String, ExpressibleByArgument, CaseIterable { case unconstrained, production, attraction, doubly }
    enum Cost: String, ExpressibleByArgument, CaseIterable { case exponential, power }
    enum Intrazonal: String, ExpressibleByArgument, CaseIterable { case include, exclude }

    @Option(name: .long, help: ArgumentHelp("Origin–destination CSV (long).", valueName: "file")) var data: String
    @Option(name: .long, help: ArgumentHelp("unconstrained, production, attraction or doubly.", valueName: "model")) var model: Model = .doubly
    @Option(name: .long, help: ArgumentHelp("Deterrence function: exponential or power.", valueName: "function")) var cost: Cost = .exponential
    @Option(name: .long, help: ArgumentHelp("Intra-zonal rows (origin = destination): include or exclude.", valueName: "rule")) var intrazonal: Intrazonal = .include
    @Option(name: .long, help: ArgumentHelp("Origin column.", valueName: "column")) var originColumn = "origin"
    @Option(name: .long, help: ArgumentHelp("Destination column.", valueName: "column")) var destinationColumn = "destination"
    @Option(name: .long, help: ArgumentHelp("Flow column.", valueName: "column")) var flowColumn = "flow"
    @Option(name: .long, help: ArgumentHelp("Cost (distance, time) column.", valueName: "column")) var costColumn = "cost"
    @Option(name: .long, help: ArgumentHelp("Comma-separated origin attribute columns (unconstrained, attraction).", valueName: "columns")) var originAttributes: String?
    @Option(name: .long, help: ArgumentHelp("Comma-separated destination attribute columns (unconstrained, production).", valueName: "columns")) var destinationAttributes: String?
    @Option(name: [.short, .long], help: ArgumentHelp("Parameters CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Option(name: .long, help: ArgumentHelp("Fit statistics CSV (statistic, value).", valueName: "file")) var stats: String?
    @Option(name: .long, help: ArgumentHelp("Fitted flows CSV (origin, destination, flow, fitted).", valueName: "file")) var fitted: String?
    @Option(name: .long, help: ArgumentHelp("Balancing factors CSV (side, region, factor, total, log_effect, contrast).", valueName: "file")) var balancingFactors: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try CLIOutput.checkPaths([output, stats, fitted, balancingFactors].compactMap { $0 }, inputs: [data])   // before any work
        let o = FlowsCSV.commaList(originAttributes), d = FlowsCSV.commaList(destinationAttributes)
        if !o.isEmpty && (model == .production || model == .doubly) {
            throw ValidationError("--origin-attributes cannot be estimated in a \(model.rawValue) model (the origin balancing factors absorb them); use --model unconstrained or attraction, or drop them.")
        }
        if !d.isEmpty && (model == .attraction || model == .doubly) {
            throw ValidationError("--destination-attributes cannot be estimated in a \(model.rawValue) model (the destination balancing factors absorb them); use --model unconstrained or production, or drop them.")
        }
    }

    func run() throws {
        try global.apply()
        try CLIOutput.checkPaths([output, stats, fitted, balancingFactors].compactMap { $0 }, inputs: [data])   // before any work
        // A run holds about six times the file's size (columns, codes, μ and the fit's work
        // arrays: ≈ 30 MB for a 5 MB table of 249,500 flows): serve it from 2 MB pages.
        if let size = (try? FileManager.default.attributesOfItem(atPath: data))?[.size] as? Int {
            AllocatorTuning.prepareHeap(bytes: 6 * min(size, 64 << 20))
        }
        let o = FlowsCSV.commaList(originAttributes), d = FlowsCSV.commaList(destinationAttributes)
        // The table lives only in this closure: its columns are freed before the fit, whose
        // arrays then reuse that memory instead of faulting in fresh pages.
        let (originFE, destinationFE, flows, costs, oa, da) = try { () throws -> (FixedEffect, FixedEffect, [Double], [Double], [NamedColumn], [NamedColumn]) in
            // Flow and cost parsed as doubles (unless a region column is one of them: labels are text).
            let asDoubles = [flowColumn, costColumn].filter { $0 != originColumn && $0 != destinationColumn }
            let t = try FlowsCSV.read(data, [originColumn, destinationColumn, flowColumn, costColumn] + o + d, command: "flows sim",
                                      onlyNeeded: true, doubles: asDoubles)
            return (try FlowsCSV.factorized(t, originColumn, data), try FlowsCSV.factorized(t, destinationColumn, data),
                    try FlowsCSV.numbers(t, flowColumn, data, nonNegative: true), try FlowsCSV.numbers(t, costColumn, data),
                    try o.map { NamedColumn(name: $0, values: try FlowsCSV.numbers(t, $0, data)) },
                    try d.map { NamedColumn(name: $0, values: try FlowsCSV.numbers(t, $0, data)) })
        }()
        let result: SpatialInteractionResult
        let od: OriginDestinationFlows
        do {
            od = try OriginDestinationFlows(originIndex: originFE.codes, originLabels: originFE.levelLabels,
                                            destinationIndex: destinationFE.codes, destinationLabels: destinationFE.levelLabels,
                                            flows: flows, costs: costs)
            let spec = SpatialInteractionSpecification(
                constraint: SpatialInteractionConstraint(rawValue: model.rawValue) ?? .doubly,
                costFunction: cost == .power ? .power : .exponential,
                originAttributes: oa, destinationAttributes: da,
                intrazonal: intrazonal == .exclude ? .exclude : .include)
            result = try SpatialInteractionModel.fit(od, spec)
        } catch { throw CLIError.message("\(data): \(error) (row n is file line n + 1)") }

        let p = result.parameters
        var outputs: [(table: Table, path: String)] = [(try Table([
            ("term", .string(p.map(\.term))), ("estimate", .double(p.map(\.estimate))), ("std_error", .double(p.map(\.standardError))),
            ("statistic", .double(p.map(\.statistic))), ("p_value", .double(p.map(\.pValue))),
            ("conf_low", .double(p.map(\.confidenceLow))), ("conf_high", .double(p.map(\.confidenceHigh))),
        ]), output)]
        // Wilson's form μᵢⱼ = AᵢOᵢ·BⱼDⱼ·f(cᵢⱼ): the log-linear effects are aᵢ = log(AᵢOᵢ),
        // bⱼ = log(BⱼDⱼ), with Oᵢ, Dⱼ the observed totals of the rows used. Treatment coding
        // (spint/statsmodels with dummies) takes the first region in sorted order as the
        // reference: its intercept is a_ref (+ b_ref), the dummies the contrasts.
        // Summed by code, in row order (the order of a per-label sum), then keyed by label.
        var originSum = [Double](repeating: 0, count: od.originLabels.count), destinationSum = [Double](repeating: 0, count: od.destinationLabels.count)
        var originSeen = [Bool](repeating: false, count: od.originLabels.count), destinationSeen = [Bool](repeating: false, count: od.destinationLabels.count)
        var currentOrigin = -1, runningSum = 0.0   // in a register while an origin's rows follow each other
        for i in result.usedRows {
            let a = Int(od.originIndex[i]), b = Int(od.destinationIndex[i])
            if a != currentOrigin {
                if currentOrigin >= 0 { originSum[currentOrigin] = runningSum }
                currentOrigin = a
                runningSum = originSum[a]
            }
            runningSum += flows[i]; originSeen[a] = true
            destinationSum[b] += flows[i]; destinationSeen[b] = true
        }
        if currentOrigin >= 0 { originSum[currentOrigin] = runningSum }
        var originTotal: [String: Double] = [:], destinationTotal: [String: Double] = [:]
        for k in originSum.indices where originSeen[k] { originTotal[od.originLabels[k]] = originSum[k] }
        for k in destinationSum.indices where destinationSeen[k] { destinationTotal[od.destinationLabels[k]] = destinationSum[k] }
        func effects(_ labels: [String], _ factors: [Double], _ totals: [String: Double]) -> [Double] {
            zip(labels, factors).map { l, f in log(f * (totals[l] ?? 0)) }
        }
        let originEffects = effects(result.originLabels, result.originBalancingFactors, originTotal)
        let destinationEffects = effects(result.destinationLabels, result.destinationBalancingFactors, destinationTotal)
        func reference(_ labels: [String], _ effects: [Double]) -> Double? {
            labels.indices.min(by: { labels[$0] < labels[$1] }).map { effects[$0] }
        }
        let refA = reference(result.originLabels, originEffects)
        let refB = reference(result.destinationLabels, destinationEffects)
        var statistics: [(String, Double)] = [
            ("observations", Double(result.observations)), ("parameters", Double(result.parameterCount)),
            ("pseudo_r2", result.pseudoRSquared), ("adj_pseudo_r2", result.adjustedPseudoRSquared),
            ("d2", result.devianceExplained), ("adj_d2", result.adjustedDevianceExplained),
            ("srmse", result.srmse), ("sorensen", result.sorensen),
            ("deviance", result.deviance), ("null_deviance", result.nullDeviance),
            ("log_likelihood", result.logLikelihood), ("null_log_likelihood", result.nullLogLikelihood), ("aic", result.aic),
            ("dropped_rows", Double(result.droppedRows.count)), ("iterations", Double(result.iterations)),
            ("newton_decrement", result.newtonDecrement),
        ]
        if refA != nil || refB != nil { statistics.append(("intercept", (refA ?? 0) + (refB ?? 0))) }
        if let balancingFactors {
            var side: [String?] = [], region: [String?] = [], factor: [Double?] = [], total: [Double?] = []
            var effect: [Double?] = [], contrast: [Double?] = []
            for (name, labels, factors, totals, effects, ref) in [
                ("origin", result.originLabels, result.originBalancingFactors, originTotal, originEffects, refA),
                ("destination", result.destinationLabels, result.destinationBalancingFactors, destinationTotal, destinationEffects, refB)] {
                for k in labels.indices {
                    side.append(name); region.append(labels[k]); factor.append(factors[k]); total.append(totals[labels[k]] ?? 0)
                    effect.append(effects[k]); contrast.append(ref.map { effects[k] - $0 })
                }
            }
            outputs.append((try Table([("side", .string(side)), ("region", .string(region)), ("factor", .double(factor)),
                                       ("total", .double(total)), ("log_effect", .double(effect)), ("contrast", .double(contrast))]),
                            balancingFactors))
        }
        if let stats {
            outputs.append((try Table([("statistic", .string(statistics.map(\.0))), ("value", .double(statistics.map(\.1)))]), stats))
        }
        if let fitted {
            let f: [Double?] = result.fittedFlows.map { $0.isNaN ? nil : $0 }
            outputs.append((try Table([("origin", .string(od.origins)), ("destination", .string(od.destinations)),
                                       ("flow", .double(flows)), ("fitted", .double(f))]), fitted))
        }
        // Everything is computed; write all outputs together (NaN/Inf become empty cells).
        try CLIOutput.write(outputs, inputs: [data])
        var text = "\(model.rawValue) model, \(cost.rawValue) cost (\(result.method.rawValue)): β = \(result.costParameter); \(result.observations) pairs\n"
        for (k, v) in statistics.dropFirst(2) { text += "  \(k) \(v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : "\(v)")\n" }
        FlowsCSV.note(String(text.dropLast()))
    }
}

// MARK: - ipf

struct FlowsIPF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipf",
        abstract: "Two-way iterative proportional fitting of a seed matrix to row and/or column totals (or by type: migest cm3).",
        discussion: """
            Inputs:
              --seed           origin, destination, value (long). Pairs not listed, and listed \
            pairs with value 0, are structural zeros and stay 0. Without --seed every cell starts at 1.
              --row-totals     name, total: the out-flow total of every origin
              --column-totals  name, total: the in-flow total of every destination
            Other column names: --origin-column, --destination-column, --value-column (seed), \
            --name-column, --total-column (both totals files). \
            At least one of the totals is needed; with both they must have the same grand total. \
            The rows (columns) are the names of the totals file, in its order (or the seed's labels \
            when that margin is not given). Writes origin, destination, value for every cell, and \
            prints the iterations and the maximum relative deviation of the totals; --stats \
            writes them (statistic, value: rows, columns, iterations, max_relative_deviation, \
            tolerance, converged), --parameters the fitted factors of y_ij = α_i·β_j·m_ij \
            (migest cm2's theta; side, name, factor; β = 1 at the first column of each connected \
            group of cells).

            By type (migest cm3; Abel 2005): with --type-column the seed has a fourth column, a \
            migrant type (age group, sex, …), and the origin and destination totals are spread \
            over the types: y_ijk = α_i·β_j·m_ijk with Σ_jk y_ijk the row totals and Σ_ik y_ijk the \
            column totals (both needed). Writes origin, destination, type, value for every cell; \
            --parameters and --stats as above (the factors are those of the two-way fit of \
            Σ_k m_ijk).

            Examples (Willekens 1999): seed 5, 2 / 1, 7, row totals 18, 20 and column totals 16, 22 \
            give 13.2502, 4.7498 / 2.7498, 17.2502:
              migkit flows ipf --seed seed.csv --row-totals rows.csv --column-totals cols.csv -o fitted.csv
            migest cm3's first example (seed columns origin, destination, type, value):
              migkit flows ipf --seed seed_by_type.csv --type-column type --row-totals rows.csv \\
                --column-totals cols.csv --parameters factors.csv -o fitted.csv
            """
    )
    @Option(name: .long, help: ArgumentHelp("Seed CSV (origin, destination, value).", valueName: "file")) var seed: String?
    @Option(name: .long, help: ArgumentHelp("Row totals CSV (name, total).", valueName: "file")) var rowTotals: String?
    @Option(name: .long, help: ArgumentHelp("Column totals CSV (name, total).", valueName: "file")) var columnTotals: String?
    @Option(name: .long, help: ArgumentHelp("Seed: origin column (default: origin).", valueName: "column")) var originColumn = "origin"
    @Option(name: .long, help: ArgumentHelp("Seed: destination column (default: destination).", valueName: "column")) var destinationColumn = "destination"
    @Option(name: .long, help: ArgumentHelp("Seed: value column (default: value).", valueName: "column")) var valueColumn = "value"
    @Option(name: .long, help: ArgumentHelp("Seed: migrant-type column; fits by type (migest cm3).", valueName: "column")) var typeColumn: String?
    @Option(name: .long, help: ArgumentHelp("Totals: region-name column (default: name).", valueName: "column")) var nameColumn = "name"
    @Option(name: .long, help: ArgumentHelp("Totals: total column (default: total).", valueName: "column")) var totalColumn = "total"
    @Option(name: .long, help: ArgumentHelp("Write the fit statistics (statistic, value) to this CSV.", valueName: "file")) var stats: String?
    @Option(name: .long, help: ArgumentHelp("Write the fitted row and column factors (side, name, factor) to this CSV.", valueName: "file")) var parameters: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop when every total is met to this relative deviation.", valueName: "x")) var tolerance: Double = 1e-10
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Maximum IPF cycles.", valueName: "n")) var maxIterations: Int = 10_000
    @Option(name: [.short, .long], help: ArgumentHelp("Fitted table CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest number of regions (the region × region table has n² cells; default 2000).", valueName: "n"))
    var maxRegions: Int = FlowsCSV.defaultMaximumRegionsWithLongOutput

    func validate() throws {
        guard rowTotals != nil || columnTotals != nil else { throw ValidationError("Give --row-totals, --column-totals or both.") }
        guard seed != nil || (rowTotals != nil && columnTotals != nil) else {
            throw ValidationError("Without --seed both --row-totals and --column-totals are needed (they name the rows and columns).")
        }
        guard tolerance > 0 else { throw ValidationError("--tolerance must be positive.") }
        guard (1...10_000_000).contains(maxIterations) else { throw ValidationError("--max-iterations must be between 1 and 10000000, got \(maxIterations).") }
        guard tolerance.isFinite else { throw ValidationError("--tolerance must be a finite positive number.") }
        guard maxRegions >= 1 else { throw ValidationError("--max-regions must be positive.") }
        if typeColumn != nil && (seed == nil || rowTotals == nil || columnTotals == nil) {
            throw ValidationError("--type-column (the fit by type, migest cm3) needs --seed, --row-totals and --column-totals.")
        }
    }

    func run() throws {
        if typeColumn != nil { return try runByType() }
        let cmd = "flows ipf"
        let inputs = [seed, rowTotals, columnTotals].compactMap { $0 }
        try CLIOutput.checkPaths([output, stats, parameters].compactMap { $0 }, inputs: inputs)   // before any work
        let rt = try rowTotals.map { try FlowsCSV.regionValues($0, region: nameColumn, value: totalColumn, command: cmd, nonNegative: true) }
        let ct = try columnTotals.map { try FlowsCSV.regionValues($0, region: nameColumn, value: totalColumn, command: cmd, nonNegative: true) }
        let rows: [String], cols: [String], m: Matrix
        if let seed {
            for (labels, path) in [(rt?.labels, rowTotals), (ct?.labels, columnTotals)] {
                if let labels, let path { try FlowsCSV.checkRegionCount(labels.count, limit: maxRegions, path) }
            }
            let s = try FlowsCSV.matrix(seed, value: valueColumn, rows: rt?.labels, cols: ct?.labels, square: false, command: cmd,
                                        origin: originColumn, destination: destinationColumn, maxRegions: maxRegions)
            rows = s.rows; cols = s.cols; m = s.matrix
        } else {
            rows = rt?.labels ?? []; cols = ct?.labels ?? []
            try FlowsCSV.checkRegionCount(rows.count, limit: maxRegions, rowTotals ?? "")
            try FlowsCSV.checkRegionCount(cols.count, limit: maxRegions, columnTotals ?? "")
            do { m = try Matrix(rows: rows.count, cols: cols.count, repeating: 1) } catch { throw CLIError.message("\(error)") }
        }
        var options = IPFOptions()
        options.tolerance = tolerance
        options.maxIterations = maxIterations
        let r: TwoWayFitResult
        do {
            r = try IterativeProportionalFitting.fit(seed: m, rowTotals: rt?.values, columnTotals: ct?.values, options: options)
        } catch {
            let files = [seed, rowTotals, columnTotals].compactMap { $0 }.joined(separator: ", ")
            throw CLIError.message("\(files): \(error) (axes [0] are the row totals, axes [1] the column totals; positions count from 0 in the order of the totals files)")
        }
        var outputs: [(table: Table, path: String)] = [(try FlowsCSV.longTable(r.fitted, rows: rows, cols: cols, value: "value"), output)]
        if let stats {
            outputs.append((try FlowsCSV.statistics([
                ("rows", String(rows.count)), ("columns", String(cols.count)), ("iterations", String(r.iterations)),
                ("max_relative_deviation", String(r.maxRelativeDeviation)), ("tolerance", String(r.tolerance)),
                ("converged", r.converged ? "true" : "false"),
            ]), stats))
        }
        if let parameters, let alpha = r.rowFactors, let beta = r.columnFactors {
            outputs.append((try Table([("side", .string(rows.map { _ in "row" } + cols.map { _ in "column" })),
                                       ("name", .string(rows + cols)), ("factor", .double(alpha + beta))]), parameters))
        }
        try CLIOutput.write(outputs, inputs: inputs)
        FlowsCSV.note("IPF \(rows.count)×\(cols.count): \(r.iterations) iterations, maximum relative deviation of the totals \(r.maxRelativeDeviation)")
    }

    /// `--type-column`: `IterativeProportionalFitting.fitByType` (migest cm3) on an origin ×
    /// destination × type seed; rows and columns are the totals files' names, types in order of
    /// first appearance in the seed.
    func runByType() throws {
        let cmd = "flows ipf"
        guard let seed, let rowTotals, let columnTotals, let typeColumn else { return }
        let inputs = [seed, rowTotals, columnTotals]
        try CLIOutput.checkPaths([output, stats, parameters].compactMap { $0 }, inputs: inputs)   // before any work
        let rt = try FlowsCSV.regionValues(rowTotals, region: nameColumn, value: totalColumn, command: cmd, nonNegative: true)
        let ct = try FlowsCSV.regionValues(columnTotals, region: nameColumn, value: totalColumn, command: cmd, nonNegative: true)
        try FlowsCSV.checkRegionCount(rt.labels.count, limit: maxRegions, rowTotals)
        try FlowsCSV.checkRegionCount(ct.labels.count, limit: maxRegions, columnTotals)
        let t = try FlowsCSV.read(seed, [originColumn, destinationColumn, typeColumn, valueColumn], command: cmd)
        let o = try FlowsCSV.labels(t, originColumn, seed), d = try FlowsCSV.labels(t, destinationColumn, seed)
        let k = try FlowsCSV.labels(t, typeColumn, seed)
        let v = try FlowsCSV.numbers(t, valueColumn, seed, nonNegative: true)
        var types: [String] = [], typeIndex: [String: Int] = [:]
        for label in k where typeIndex[label] == nil { typeIndex[label] = types.count; types.append(label) }
        let ni = rt.labels.count, nj = ct.labels.count, nk = types.count
        let cells = ni.multipliedReportingOverflow(by: nj), all = cells.partialValue.multipliedReportingOverflow(by: nk)
        guard !cells.overflow, !all.overflow, all.partialValue <= 50_000_000 else {
            throw CLIError.message("\(seed): \(ni) rows × \(nj) columns × \(nk) types is more than 50 million cells — check the type column, or fit fewer types at a time")
        }
        let ri = Dictionary(uniqueKeysWithValues: rt.labels.enumerated().map { ($1, $0) })
        let ci = Dictionary(uniqueKeysWithValues: ct.labels.enumerated().map { ($1, $0) })
        var values = [Double](repeating: 0, count: all.partialValue)
        var present = [Bool](repeating: false, count: all.partialValue)
        for q in o.indices {
            guard let i = ri[o[q]] else { throw CLIError.message("\(seed): line \(q + 2): origin '\(o[q])' is not in \(rowTotals)") }
            guard let j = ci[d[q]] else { throw CLIError.message("\(seed): line \(q + 2): destination '\(d[q])' is not in \(columnTotals)") }
            let cell = (i * nj + j) * nk + (typeIndex[k[q]] ?? 0)
            if present[cell] { throw CLIError.message("\(seed): line \(q + 2): \(o[q]) → \(d[q]), type '\(k[q])' appears twice — give one row per cell") }
            present[cell] = true
            values[cell] = v[q]
        }
        var options = IPFOptions()
        options.tolerance = tolerance
        options.maxIterations = maxIterations
        let r: TypedFitResult
        do {
            r = try IterativeProportionalFitting.fitByType(seed: try ContingencyTable(shape: [ni, nj, nk], values: values),
                                                           rowTotals: rt.values, columnTotals: ct.values, options: options)
        } catch {
            throw CLIError.message("\(inputs.joined(separator: ", ")): \(error) (axes [0] are the row totals, axes [1] the column totals; positions count from 0 in the order of the totals files)")
        }
        var origin: [String?] = [], destination: [String?] = [], type: [String?] = [], fitted: [Double?] = []
        for i in 0..<ni { for j in 0..<nj { for c in 0..<nk {
            origin.append(rt.labels[i]); destination.append(ct.labels[j]); type.append(types[c]); fitted.append(r.fitted.values[(i * nj + j) * nk + c])
        } } }
        var outputs: [(table: Table, path: String)] = [(try Table([("origin", .string(origin)), ("destination", .string(destination)),
                                                                   ("type", .string(type)), ("value", .double(fitted))]), output)]
        if let stats {
            outputs.append((try FlowsCSV.statistics([
                ("rows", String(ni)), ("columns", String(nj)), ("types", String(nk)), ("iterations", String(r.iterations)),
                ("max_relative_deviation", String(r.maxRelativeDeviation)), ("tolerance", String(tolerance)),
                ("converged", r.converged ? "true" : "false"),
            ]), stats))
        }
        if let parameters {
            outputs.append((try Table([("side", .string(rt.labels.map { _ in "row" } + ct.labels.map { _ in "column" })),
                                       ("name", .string(rt.labels + ct.labels)), ("factor", .double(r.rowFactors + r.columnFactors))]), parameters))
        }
        try CLIOutput.write(outputs, inputs: inputs)
        FlowsCSV.note("IPF by type \(ni)×\(nj)×\(nk): \(r.iterations) iterations, maximum relative deviation of the totals \(r.maxRelativeDeviation)")
    }
}

// MARK: - ipf3

/// `migkit flows ipf3`: origin × destination × type tables from origin × type and destination ×
/// type totals (migest `ipf3`, `ipf3_qi`).
struct FlowsIPF3: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipf3",
        abstract: "Three-way IPF: origin × destination × type flows from origin × type and destination × type totals.",
        discussion: """
            Inputs (long): --origin-totals with columns region, type, total (out-flows of every \
            origin by type, e.g. place of birth), --destination-totals the same for destinations; \
            each type's totals must agree. Optional --seed with origin, destination, type, value \
            (pairs not listed are 0, structural zeros; without it every cell starts at 1).
            --stayers fixed (migest ipf3_qi, the default): the diagonal origin = destination is \
            saturated at min(origin total, destination total) — the stayers of Abel (2013); \
            --stayers free: the plain three-way fit (migest ipf3) with margins (origin, type) and \
            (destination, type). Writes origin, destination, type, flow for every cell, and with \
            --stats the iterations and the deviation of the totals.

            Example:
              migkit flows ipf3 --origin-totals start.csv --destination-totals end.csv -o flows.csv
            """
    )
    enum Stayers: String, ExpressibleByArgument, CaseIterable { case fixed, free }
    @Option(name: .long, help: ArgumentHelp("Origin × type totals CSV (region, type, total).", valueName: "file")) var originTotals: String
    @Option(name: .long, help: ArgumentHelp("Destination × type totals CSV (region, type, total).", valueName: "file")) var destinationTotals: String
    @Option(name: .long, help: ArgumentHelp("Seed CSV (origin, destination, type, value).", valueName: "file")) var seed: String?
    @Option(name: .long, help: ArgumentHelp("fixed (diagonal saturated, ipf3_qi) or free (ipf3).", valueName: "rule")) var stayers: Stayers = .fixed
    @Option(name: .long, help: ArgumentHelp("Totals: region column (default: region).", valueName: "column")) var regionColumn = "region"
    @Option(name: .long, help: ArgumentHelp("Totals and seed: type column (default: type).", valueName: "column")) var typeColumn = "type"
    @Option(name: .long, help: ArgumentHelp("Totals: total column (default: total).", valueName: "column")) var totalColumn = "total"
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop when every total is met to this relative deviation.", valueName: "x")) var tolerance: Double = 1e-10
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Maximum IPF cycles.", valueName: "n")) var maxIterations: Int = 10_000
    @Option(name: [.short, .long], help: ArgumentHelp("Flows CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Option(name: .long, help: ArgumentHelp("Write the fit statistics (statistic, value) to this CSV.", valueName: "file")) var stats: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest number of regions or types (the table has n²·K cells; default 300).", valueName: "n"))
    var maxRegions: Int = 300

    func validate() throws {
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a finite positive number.") }
        guard (1...10_000_000).contains(maxIterations) else { throw ValidationError("--max-iterations must be between 1 and 10000000.") }
        guard maxRegions >= 2 else { throw ValidationError("--max-regions must be at least 2.") }
    }

    func run() throws {
        let cmd = "flows ipf3"
        let inputs = [originTotals, destinationTotals, seed].compactMap { $0 }
        try CLIOutput.checkPaths([output, stats].compactMap { $0 }, inputs: inputs)
        func read(_ path: String) throws -> (regions: [String], types: [String], values: [String: Double]) {
            let t = try FlowsCSV.read(path, [regionColumn, typeColumn, totalColumn], command: cmd)
            let r = try FlowsCSV.labels(t, regionColumn, path), k = try FlowsCSV.labels(t, typeColumn, path)
            let v = try FlowsCSV.numbers(t, totalColumn, path, nonNegative: true)
            var values: [String: Double] = [:], regions: [String] = [], types: [String] = []
            for i in r.indices {
                if !regions.contains(r[i]) { regions.append(r[i]) }
                if !types.contains(k[i]) { types.append(k[i]) }
                let key = r[i] + "\u{0}" + k[i]
                guard values[key] == nil else { throw CLIError.message("\(path): line \(i + 2): region '\(r[i])', type '\(k[i])' appears twice") }
                values[key] = v[i]
                guard regions.count <= maxRegions, types.count <= maxRegions else {
                    throw CLIError.message("\(path): more than \(maxRegions) regions or types — the table would have n²·K cells; raise --max-regions")
                }
            }
            return (regions, types, values)
        }
        let o = try read(originTotals), d = try read(destinationTotals)
        let regions = o.regions + d.regions.filter { !o.regions.contains($0) }
        let types = o.types + d.types.filter { !o.types.contains($0) }
        guard regions.count >= 2 else { throw CLIError.message("\(originTotals): needs at least two regions") }
        let n = regions.count, kk = types.count
        var om = try Matrix(rows: n, cols: kk), dm = try Matrix(rows: n, cols: kk)
        for (i, r) in regions.enumerated() { for (k, t) in types.enumerated() {
            om[i, k] = o.values[r + "\u{0}" + t] ?? 0
            dm[i, k] = d.values[r + "\u{0}" + t] ?? 0
        } }
        var seedTable: ContingencyTable? = nil
        if let seed {
            let t = try FlowsCSV.read(seed, ["origin", "destination", typeColumn, "value"], command: cmd)
            let oo = try FlowsCSV.labels(t, "origin", seed), dd = try FlowsCSV.labels(t, "destination", seed), tt = try FlowsCSV.labels(t, typeColumn, seed)
            let v = try FlowsCSV.numbers(t, "value", seed, nonNegative: true)
            var values = [Double](repeating: 0, count: n * n * kk)
            for q in oo.indices {
                guard let i = regions.firstIndex(of: oo[q]), let j = regions.firstIndex(of: dd[q]), let k = types.firstIndex(of: tt[q]) else {
                    throw CLIError.message("\(seed): line \(q + 2): the origin, destination or type is not in the totals files")
                }
                values[(i * n + j) * kk + k] = v[q]
            }
            seedTable = try ContingencyTable(shape: [n, n, kk], values: values)
        }
        var options = IPFOptions()
        options.tolerance = tolerance
        options.maxIterations = maxIterations
        let r: IPFResult
        do {
            switch stayers {
            case .fixed:
                r = try IterativeProportionalFitting.fitQuasiIndependent3D(originTotals: om, destinationTotals: dm, seed: seedTable, options: options)
            case .free:
                var x0 = [Double](repeating: 0, count: n * kk), x1 = x0
                for i in 0..<n { for k in 0..<kk { x0[i * kk + k] = om[i, k]; x1[i * kk + k] = dm[i, k] } }
                r = try IterativeProportionalFitting.fit(seed: seedTable ?? (try ContingencyTable(shape: [n, n, kk], repeating: 1)),
                                                         margins: [TableMargin(axes: [0, 2], totals: x0), TableMargin(axes: [1, 2], totals: x1)],
                                                         options: options)
            }
        } catch { throw CLIError.message("\(inputs.joined(separator: ", ")): \(error)") }
        var origin: [String?] = [], destination: [String?] = [], type: [String?] = [], flow: [Double?] = []
        for i in 0..<n { for j in 0..<n { for k in 0..<kk {
            origin.append(regions[i]); destination.append(regions[j]); type.append(types[k]); flow.append(r.fitted[[i, j, k]])
        } } }
        var outputs: [(table: Table, path: String)] = [(try Table([("origin", .string(origin)), ("destination", .string(destination)),
                                                                   ("type", .string(type)), ("flow", .double(flow))]), output)]
        if let stats {
            outputs.append((try FlowsCSV.statistics([("regions", String(n)), ("types", String(kk)), ("stayers", stayers.rawValue),
                                                     ("iterations", String(r.iterations)), ("max_relative_deviation", String(r.maxRelativeDeviation)),
                                                     ("converged", r.converged ? "true" : "false")]), stats))
        }
        try CLIOutput.write(outputs, inputs: inputs)
        FlowsCSV.note("IPF \(n)×\(n)×\(kk) (stayers \(stayers.rawValue)): \(r.iterations) iterations, maximum relative deviation of the totals \(r.maxRelativeDeviation)")
    }
}

// MARK: - rescale-net

/// `migkit flows rescale-net`: net migration forced to sum to zero (migest `rescale_net`).
struct FlowsRescaleNet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescale-net",
        abstract: "Rescale net migration totals to sum to zero (migest rescale_net).",
        discussion: """
            Input: --net with columns region, net. --method no-switches (default) scales the \
            positive and the negative values separately so no value changes sign; switches \
            subtracts the mean. --integer rounds (half to even, as R) and gives the remainder to \
            the value of largest magnitude. Writes region, net, net_rescaled.

            Example:
              migkit flows rescale-net --net net.csv --integer -o rescaled.csv
            """
    )
    enum Method: String, ExpressibleByArgument, CaseIterable { case noSwitches = "no-switches", switches }
    @Option(name: .long, help: ArgumentHelp("Net totals CSV (region, net).", valueName: "file")) var net: String
    @Option(name: .long, help: ArgumentHelp("no-switches or switches.", valueName: "method")) var method: Method = .noSwitches
    @Flag(name: .long, help: "Round to integers (migest's integer_result).") var integer = false
    @Option(name: .long, help: ArgumentHelp("Region column (default: region).", valueName: "column")) var regionColumn = "region"
    @Option(name: .long, help: ArgumentHelp("Net column (default: net).", valueName: "column")) var netColumn = "net"
    @Option(name: [.short, .long], help: ArgumentHelp("Output CSV ('-' for stdout).", valueName: "file")) var output: String = "-"

    func run() throws {
        try CLIOutput.checkPaths([output], inputs: [net])
        let n = try FlowsCSV.regionValues(net, region: regionColumn, value: netColumn, command: "flows rescale-net")
        let y: [Double]
        do { y = try NetMigrationFlows.rescaleToZeroSum(n.values, method: method == .switches ? .switches : .noSwitches, integer: integer) } catch {
            throw CLIError.message("\(net): \(error)")
        }
        try CLIOutput.write(try Table([("region", .string(n.labels)), ("net", .double(n.values)), ("net_rescaled", .double(y))]),
                            to: output, inputs: [net])
    }
}

// MARK: - from-stocks

struct FlowsFromStocksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-stocks",
        abstract: "Migration flows from two place-of-birth × residence stock tables.",
        discussion: """
            Inputs (long): --start and --end with columns birthplace, residence, stock (pairs not \
            listed are 0; both tables must cover the same regions); for --method demographic also \
            --births and --deaths with columns region, births / region, deaths (by residence, \
            over the period). Other column names: --birthplace-column, --residence-column, \
            --stock-column, --region-column, --births-column, --deaths-column.

            Methods:
              differencing  Δ = end − start off the diagonal; --decrease zero sets falls to 0, \
            --decrease return reads a fall in the j-born stock of i as a return move i → j \
            (migest ffs_diff); --include-native-born keeps the diagonal (migest's \
            include_native_born): the output then also has the rows origin = destination, the \
            rise (zero) or absolute change (return) of each native-born stock.
              dennett       the start stocks' foreign-born shares times --total-flow M (migest \
            ffs_rates "dennett"; Dennett 2015).
              rogers-von-rabenau  growth matrix S₁⁻¹S₂ times the start populations at risk (migest \
            ffs_rates; Rogers & von Rabenau 1971); flows can be negative.
              demographic   demographic accounting (migest ffs_demo, Abel 2013): by default stayers \
            fixed at min(start, end) (--stayers independent: the independent fit of Azose & Raftery \
            2019), births removed from the native born, deaths in proportion to the start stocks \
            (--deaths-method accounting), birthplace totals rescaled (--birthplace-matching open or \
            open-dr: moves in and out of the system absorb the differences), the global stock change \
            matched before the births and deaths are removed (--global-matching after), an optional \
            origin × destination --seed (origin, destination, value; e.g. a distance prior); \
            --native-born-rounding integer applies migest's integer rule (nb_scale_global) instead \
            of proportional rescaling; --births-method proportion spreads the births of each \
            residence over birthplaces like its end stocks instead of counting them all as native \
            born (migest birth_method).
            Writes origin, destination, flow for every pair of different regions (and origin = \
            destination with --include-native-born); --stats writes the total flow between \
            different regions and, for demographic, the IPF iterations and maximum relative \
            deviation.

            Examples:
              migkit flows from-stocks --start s2010.csv --end s2020.csv --decrease zero -o flows.csv
              migkit flows from-stocks --start s2010.csv --end s2020.csv --method demographic \\
                --births births.csv --deaths deaths.csv -o flows.csv
            """
    )
    enum Method: String, ExpressibleByArgument, CaseIterable {
        case differencing, demographic, dennett
        case rogersVonRabenau = "rogers-von-rabenau"
    }
    enum NativeBornRounding: String, ExpressibleByArgument, CaseIterable { case proportional, integer }
    enum Decrease: String, ExpressibleByArgument, CaseIterable { case zero, `return` }
    enum Stayers: String, ExpressibleByArgument, CaseIterable { case fixed, independent }
    enum GlobalMatching: String, ExpressibleByArgument, CaseIterable { case before, after }
    enum DeathMethod: String, ExpressibleByArgument, CaseIterable { case proportion, accounting }
    enum BirthMethod: String, ExpressibleByArgument, CaseIterable { case native, proportion }

    @Option(name: .long, help: ArgumentHelp("Stocks at the start (birthplace, residence, stock).", valueName: "file")) var start: String
    @Option(name: .long, help: ArgumentHelp("Stocks at the end (birthplace, residence, stock).", valueName: "file")) var end: String
    @Option(name: .long, help: ArgumentHelp("differencing or demographic.", valueName: "method")) var method: Method = .differencing
    @Option(name: .long, help: ArgumentHelp("Differencing: a fall in a stock is zero or a return flow.", valueName: "rule")) var decrease: Decrease = .return
    @Flag(name: .long, help: "Differencing: keep the native born (the diagonal) and write the rows origin = destination too.") var includeNativeBorn = false
    @Option(name: .long, help: ArgumentHelp("Demographic: births by residence (region, births).", valueName: "file")) var births: String?
    @Option(name: .long, help: ArgumentHelp("Demographic: deaths by residence (region, deaths).", valueName: "file")) var deaths: String?
    @Option(name: .long, help: ArgumentHelp("Demographic: stayers fixed at min(start, end) (default) or an independent fit.", valueName: "rule")) var stayers: Stayers = .fixed
    @Option(name: .long, help: ArgumentHelp("Demographic: equal birthplace totals by rescale (default), open or open-dr.", valueName: "rule")) var birthplaceMatching: String = "rescale"
    @Option(name: .long, help: ArgumentHelp("Demographic: match the global stock change before (default) or after removing births and deaths.", valueName: "when")) var globalMatching: GlobalMatching = .before
    @Option(name: .long, help: ArgumentHelp("Demographic: deaths by birthplace in proportion to the start stocks (default) or by accounting.", valueName: "method")) var deathsMethod: DeathMethod = .proportion
    @Option(name: .long, help: ArgumentHelp("Demographic: births all native born (default) or in proportion to the end stocks.", valueName: "method")) var birthsMethod: BirthMethod = .native
    @Option(name: .long, help: ArgumentHelp("Demographic: origin × destination seed CSV (origin, destination, value).", valueName: "file")) var seed: String?
    @Option(name: .long, help: ArgumentHelp("Demographic: native-born rescaling, proportional (default) or integer (migest's rule).", valueName: "rule")) var nativeBornRounding: NativeBornRounding = .proportional
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Dennett: the global flow total M.", valueName: "x")) var totalFlow: Double?
    @Option(name: .long, help: ArgumentHelp("Stock tables: birthplace column (default: birthplace).", valueName: "column")) var birthplaceColumn = "birthplace"
    @Option(name: .long, help: ArgumentHelp("Stock tables: residence column (default: residence).", valueName: "column")) var residenceColumn = "residence"
    @Option(name: .long, help: ArgumentHelp("Stock tables: stock column (default: stock).", valueName: "column")) var stockColumn = "stock"
    @Option(name: .long, help: ArgumentHelp("Births and deaths: region column (default: region).", valueName: "column")) var regionColumn = "region"
    @Option(name: .long, help: ArgumentHelp("Births: value column (default: births).", valueName: "column")) var birthsColumn = "births"
    @Option(name: .long, help: ArgumentHelp("Deaths: value column (default: deaths).", valueName: "column")) var deathsColumn = "deaths"
    @Option(name: [.short, .long], help: ArgumentHelp("Flows CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Option(name: .long, help: ArgumentHelp("Write statistics (statistic, value) to this CSV.", valueName: "file")) var stats: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest number of regions (the region × region table has n² cells; default 2000).", valueName: "n"))
    var maxRegions: Int = FlowsCSV.defaultMaximumRegionsWithLongOutput

    func validate() throws {
        guard maxRegions >= 1 else { throw ValidationError("--max-regions must be positive.") }
        if method == .demographic {
            guard births != nil, deaths != nil else { throw ValidationError("--method demographic needs --births and --deaths.") }
            guard DemographicAccountingOptions.BirthplaceMatching(rawValue: birthplaceMatching) != nil else {
                throw ValidationError("--birthplace-matching must be rescale, open or open-dr; got '\(birthplaceMatching)'.")
            }
        } else if births != nil || deaths != nil || seed != nil {
            throw ValidationError("--births, --deaths and --seed are used only with --method demographic.")
        } else if birthsMethod != .native {
            throw ValidationError("--births-method is used only with --method demographic.")
        }
        if includeNativeBorn && method != .differencing { throw ValidationError("--include-native-born is used only with --method differencing.") }
        if method == .dennett {
            guard let totalFlow, totalFlow.isFinite, totalFlow >= 0 else { throw ValidationError("--method dennett needs --total-flow M (≥ 0).") }
        } else if totalFlow != nil {
            throw ValidationError("--total-flow is used only with --method dennett.")
        }
    }

    func run() throws {
        let cmd = "flows from-stocks"
        let inputs = [start, end, births, deaths, seed].compactMap { $0 }
        try CLIOutput.checkPaths([output, stats].compactMap { $0 }, inputs: inputs)   // before any work
        let s1 = try FlowsCSV.matrix(start, value: stockColumn, square: true, command: cmd, origin: birthplaceColumn, destination: residenceColumn,
                                     nonNegative: false, maxRegions: maxRegions)
        let regions = s1.rows
        let s2 = try FlowsCSV.matrix(end, value: stockColumn, rows: regions, cols: regions, square: true, command: cmd,
                                     origin: birthplaceColumn, destination: residenceColumn, nonNegative: false, maxRegions: maxRegions)
        var statistics: [(String, String)] = [("regions", String(regions.count))]
        guard regions.count >= 2 else { throw CLIError.message("\(start): needs at least two regions") }
        let flows: Matrix
        switch method {
        case .differencing:
            do {
                flows = try FlowsFromStocks.stockDifferences(start: s1.matrix, end: s2.matrix, decrease: decrease == .zero ? .zero : .returnFlows,
                                                             includeNativeBorn: includeNativeBorn)
            } catch { throw CLIError.message("\(start), \(end): \(error)") }
        case .dennett:
            do { flows = try FlowsFromStocks.dennettRates(stockStart: s1.matrix, totalFlow: totalFlow ?? 0) } catch {
                throw CLIError.message("\(start): \(error)")
            }
        case .rogersVonRabenau:
            do { flows = try FlowsFromStocks.rogersVonRabenau(stockStart: s1.matrix, stockEnd: s2.matrix) } catch {
                throw CLIError.message("\(start), \(end): \(error)")
            }
        case .demographic:
            func byRegion(_ path: String, _ value: String) throws -> [Double] {
                let r = try FlowsCSV.regionValues(path, region: regionColumn, value: value, command: cmd, nonNegative: true)
                let index = Dictionary(uniqueKeysWithValues: r.labels.enumerated().map { ($1, $0) })
                return try regions.map { g in
                    guard let k = index[g] else { throw CLIError.message("\(path): region '\(g)' of the stock tables has no row — give one row per region") }
                    return r.values[k]
                }
            }
            let b = try byRegion(births ?? "", birthsColumn), d = try byRegion(deaths ?? "", deathsColumn)
            var options = DemographicAccountingOptions()
            options.stayerAssumption = stayers == .fixed
            options.birthplaceMatching = DemographicAccountingOptions.BirthplaceMatching(rawValue: birthplaceMatching) ?? .rescale
            options.globalMatching = globalMatching == .after ? .afterDemographicAdjustment : .beforeDemographicAdjustment
            options.deathMethod = deathsMethod == .accounting ? .accounting : .proportion
            options.birthMethod = birthsMethod == .proportion ? .proportion : .native
            options.nativeBornRescaling = nativeBornRounding == .integer ? .migestInteger : .proportional
            if let seed {
                options.seed = try FlowsCSV.matrix(seed, value: "value", rows: regions, cols: regions, square: true, command: cmd,
                                                   maxRegions: maxRegions).matrix
            }
            do {
                let r = try FlowsFromStocks.demographicAccounting(stockStart: s1.matrix, stockEnd: s2.matrix, births: b, deaths: d, options: options)
                flows = r.migrantFlows
                statistics += [("iterations", String(r.iterations)), ("max_relative_deviation", String(r.maxRelativeDeviation))]
            } catch { throw CLIError.message("\(start), \(end), \(births ?? ""), \(deaths ?? ""): \(error)") }
        }
        var total = 0.0
        for i in regions.indices { for j in regions.indices where i != j { total += flows[i, j] } }
        var outputs: [(table: Table, path: String)] = [
            (try FlowsCSV.longTable(flows, rows: regions, cols: regions, value: "flow", offDiagonal: !includeNativeBorn), output)]
        if let stats { outputs.append((try FlowsCSV.statistics([("method", method.rawValue)] + statistics + [("total_flow", String(total))]), stats)) }
        try CLIOutput.write(outputs, inputs: inputs)
        FlowsCSV.note("\(method.rawValue): \(regions.count) regions, total flow \(total)")
    }
}

// MARK: - net-to-flows

struct FlowsNetToFlows: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-to-flows",
        abstract: "Origin–destination flows consistent with net migration totals.",
        discussion: """
            Inputs: --net with columns region, net (in-migration − out-migration; must sum to \
            zero, or pass --rescale); optional --prior with origin, destination, value (long; pairs \
            not listed are 0; without it every off-diagonal pair has prior 1). The diagonal is \
            always 0. Other column names: --region-column, --net-column, --origin-column, \
            --destination-column, --value-column.

            Methods (--method): multiplicative y_ij = m_ij·α_j/α_i (migest net_matrix_ipf; prior \
            zeros stay zero), least-squares: the non-negative flows closest to the prior in \
            Σ(y − m)² (migest net_matrix_optim), minimum-cost: the flows of least total cost \
            Σ c_ij·y_ij by linear programming (migest net_matrix_lp) — with unit costs (the \
            default, migest's objective) the least total migration, Σ max(net, 0) when every pair \
            is allowed; that optimum is usually not unique and one of them is returned. \
            --costs (origin, destination, cost ≥ 0; e.g. distances) sets the costs and picks among \
            them; pairs it does not list are not allowed (flows may then pass through other \
            regions). The prior does not enter minimum-cost: with --prior, --stats reports \
            prior_deviation Σ|y − m| (migest's value). With --total (multiplicative only) the flows \
            also sum to that grand total: y_ij = λ·α_i·m_ij/α_j (migest cm_net_tot). --rescale \
            with --integer rounds the rescaled nets to integers (migest rescale_net's \
            integer_result). Writes origin, destination, flow for every pair of different regions; \
            --parameters writes the multiplicative model's fitted parameters (parameter, region, \
            value: alpha per region with the first = 1, and lambda). --stats writes method, \
            regions, iterations (shortest-path steps for minimum-cost), max_net_residual, \
            converged, total, and for minimum-cost total_cost and prior_deviation.

            Examples:
              migkit flows net-to-flows --net net.csv --prior prior.csv --method multiplicative -o flows.csv
              migkit flows net-to-flows --net net.csv --method minimum-cost --costs distances.csv \\
                --cost-column distance --stats stats.csv -o flows.csv
            """
    )
    enum Method: String, ExpressibleByArgument, CaseIterable { case multiplicative, leastSquares = "least-squares", minimumCost = "minimum-cost" }
    enum Rescale: String, ExpressibleByArgument, CaseIterable { case none, noSwitches = "no-switches", switches }

    @Option(name: .long, help: ArgumentHelp("Net totals CSV (region, net).", valueName: "file")) var net: String
    @Option(name: .long, help: ArgumentHelp("Prior flows CSV (origin, destination, value).", valueName: "file")) var prior: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Multiplicative: the grand total of the flows (migest cm_net_tot).", valueName: "x")) var total: Double?
    @Flag(name: .long, help: "With --rescale: round the rescaled nets to integers (the remainder to the largest).") var integer = false
    @Option(name: .long, help: ArgumentHelp("Write the fitted parameters (parameter, region, value) to this CSV.", valueName: "file")) var parameters: String?
    @Option(name: .long, help: ArgumentHelp("Write the fit statistics (statistic, value: iterations, max_net_residual, converged, total) to this CSV.", valueName: "file")) var stats: String?
    @Option(name: .long, help: ArgumentHelp("Net totals: region column (default: region).", valueName: "column")) var regionColumn = "region"
    @Option(name: .long, help: ArgumentHelp("Net totals: net column (default: net).", valueName: "column")) var netColumn = "net"
    @Option(name: .long, help: ArgumentHelp("Prior: origin column (default: origin).", valueName: "column")) var originColumn = "origin"
    @Option(name: .long, help: ArgumentHelp("Prior: destination column (default: destination).", valueName: "column")) var destinationColumn = "destination"
    @Option(name: .long, help: ArgumentHelp("Prior: value column (default: value).", valueName: "column")) var valueColumn = "value"
    @Option(name: .long, help: ArgumentHelp("Minimum-cost: costs CSV (origin, destination, cost ≥ 0); pairs not listed are not allowed.", valueName: "file")) var costs: String?
    @Option(name: .long, help: ArgumentHelp("Costs: cost column (default: cost; origin and destination as for the prior).", valueName: "column")) var costColumn = "cost"
    @Option(name: .long, help: ArgumentHelp("multiplicative, least-squares or minimum-cost.", valueName: "method")) var method: Method = .multiplicative
    @Option(name: .long, help: ArgumentHelp("Rescale the nets to a zero sum first: none, no-switches, switches.", valueName: "rule")) var rescale: Rescale = .none
    @Option(name: [.short, .long], help: ArgumentHelp("Flows CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest number of regions (the region × region table has n² cells; default 2000).", valueName: "n"))
    var maxRegions: Int = FlowsCSV.defaultMaximumRegionsWithLongOutput

    func validate() throws {
        guard maxRegions >= 2 else { throw ValidationError("--max-regions must be at least 2.") }
        if total != nil && method != .multiplicative { throw ValidationError("--total needs --method multiplicative.") }
        if let total, !(total.isFinite && total > 0) { throw ValidationError("--total must be a positive number.") }
        if integer && rescale == .none { throw ValidationError("--integer applies to --rescale no-switches or switches.") }
        if parameters != nil && method != .multiplicative { throw ValidationError("--parameters needs --method multiplicative (\(method.rawValue) has no such parameters).") }
        if costs != nil && method != .minimumCost { throw ValidationError("--costs needs --method minimum-cost.") }
    }

    func run() throws {
        let cmd = "flows net-to-flows"
        let inputs = [net, prior, costs].compactMap { $0 }
        try CLIOutput.checkPaths([output, parameters, stats].compactMap { $0 }, inputs: inputs)   // before any work
        let n = try FlowsCSV.regionValues(net, region: regionColumn, value: netColumn, command: cmd)
        let regions = n.labels
        guard regions.count >= 2 else { throw CLIError.message("\(net): needs at least two regions") }
        try FlowsCSV.checkRegionCount(regions.count, limit: maxRegions, net)
        var nets = n.values
        if rescale != .none {
            do { nets = try NetMigrationFlows.rescaleToZeroSum(nets, method: rescale == .switches ? .switches : .noSwitches, integer: integer) } catch {
                throw CLIError.message("\(net): \(error)")
            }
        } else {
            let sum = nets.reduce(0, +), scale = nets.map(abs).max() ?? 0
            if abs(sum) > 1e-9 * max(1, scale) {
                throw CLIError.message("\(net): the nets sum to \(sum), not zero — every move is an in-move somewhere, so fix the totals or pass --rescale no-switches (or switches)")
            }
        }
        var m: Matrix
        if let prior {
            m = try FlowsCSV.matrix(prior, value: valueColumn, rows: regions, cols: regions, square: true, command: cmd,
                                    origin: originColumn, destination: destinationColumn, maxRegions: maxRegions).matrix
        } else {
            do { m = try Matrix(rows: regions.count, cols: regions.count, repeating: 1) } catch { throw CLIError.message("\(error)") }
        }
        for i in regions.indices { m[i, i] = 0 }
        if method == .minimumCost {
            try runMinimumCost(regions: regions, nets: nets, prior: prior == nil ? nil : m, inputs: inputs)
            return
        }
        let r: NetFlowResult
        do {
            switch method {
            case .multiplicative:
                if let total { r = try NetMigrationFlows.multiplicative(netTotals: nets, prior: m, total: total) } else {
                    r = try NetMigrationFlows.multiplicative(netTotals: nets, prior: m)
                }
            case .leastSquares: r = try NetMigrationFlows.leastSquares(netTotals: nets, prior: m)
            case .minimumCost: return
            }
        } catch {
            let files = prior.map { "\(net), \($0)" } ?? net
            throw CLIError.message("\(files): \(error) (positions count regions from 0 in the order of \(net))")
        }
        var outputs: [(table: Table, path: String)] = [
            (try FlowsCSV.longTable(r.flows, rows: regions, cols: regions, value: "flow", offDiagonal: true), output)]
        if let parameters, let alpha = r.alpha {
            outputs.append((try Table([("parameter", .string(Array(repeating: "alpha", count: regions.count) + ["lambda"])),
                                       ("region", .string(regions.map { Optional($0) } + [nil])),
                                       ("value", .double(alpha.map { Optional($0) } + [r.scale]))]), parameters))
        }
        if let stats {
            outputs.append((try FlowsCSV.statistics([("method", method.rawValue), ("regions", String(regions.count)),
                                                     ("iterations", String(r.iterations)), ("max_net_residual", String(r.maxNetResidual)),
                                                     ("converged", r.converged ? "true" : "false"),
                                                     ("total", String(r.flows.elements.reduce(0, +)))]), stats))
        }
        try CLIOutput.write(outputs, inputs: inputs)
        FlowsCSV.note("\(method.rawValue): \(regions.count) regions, \(r.iterations) iterations, largest net residual \(r.maxNetResidual)")
    }

    /// `--method minimum-cost`: `NetMigrationFlows.minimumCost` with the costs of --costs (pairs
    /// not listed are structural zeros) or unit costs on every pair of different regions.
    func runMinimumCost(regions: [String], nets: [Double], prior: Matrix?, inputs: [String]) throws {
        var costMatrix: Matrix? = nil
        var zeros: [[Bool]]? = nil
        if let costs {
            let c = try FlowsCSV.matrix(costs, value: costColumn, rows: regions, cols: regions, square: true, command: "flows net-to-flows",
                                        origin: originColumn, destination: destinationColumn, maxRegions: maxRegions)
            costMatrix = c.matrix
            zeros = regions.indices.map { i in regions.indices.map { j in i == j || !c.present[i][j] } }
        }
        let r: MinimumCostFlowResult
        do {
            r = try NetMigrationFlows.minimumCost(netTotals: nets, costs: costMatrix, structuralZeros: zeros, prior: prior)
        } catch {
            throw CLIError.message("\(inputs.joined(separator: ", ")): \(error) (positions count regions from 0 in the order of \(net))")
        }
        var outputs: [(table: Table, path: String)] = [
            (try FlowsCSV.longTable(r.flows, rows: regions, cols: regions, value: "flow", offDiagonal: true), output)]
        if let stats {
            var rows: [(String, String)] = [("method", method.rawValue), ("regions", String(regions.count)),
                                            ("iterations", String(r.augmentations)), ("max_net_residual", String(r.maxNetResidual)),
                                            ("converged", "true"), ("total", String(r.totalFlow)), ("total_cost", String(r.totalCost))]
            if let d = r.priorDeviation { rows.append(("prior_deviation", String(d))) }
            outputs.append((try FlowsCSV.statistics(rows), stats))
        }
        try CLIOutput.write(outputs, inputs: inputs)
        FlowsCSV.note("\(method.rawValue): \(regions.count) regions, total flow \(r.totalFlow), total cost \(r.totalCost), \(r.augmentations) shortest-path steps")
    }
}

// MARK: - indices

struct FlowsIndices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indices",
        abstract: "Summary indices of a flow matrix: connectivity, focusing, impact, intensity, distance.",
        discussion: """
            Inputs: --flows with origin, destination, flow (long; pairs not listed are 0; the \
            diagonal is ignored); optional --populations with region, population (every region); \
            optional --distances with origin, destination, distance (every pair of different \
            regions, > 0).

            Writes statistic, value:
              always            connectivity, gini_total, gini_total_uncorrected, cv, and \
            migest index_connectivity's inequality_equal, inequality_sim, gini_orig_standardized, \
            gini_dest_standardized, mwg_orig, mwg_dest, mwg_mean, cv_migest, acv
              with populations  cmi (crude migration intensity, %), courgeau_k, effectiveness \
            (MEI, %), anmr (%), preference, velocity
              with distances    mean_distance, median_distance, distance_decay, distance_decay_se \
            (the power-cost doubly constrained model); --median interpolated gives migest's \
            median (matrixStats' interpolated weighted median) instead of the lower one.
            Other column names: --origin-column, --destination-column, --flow-column, \
            --distance-column, --region-column, --population-column.

            Example:
              migkit flows indices --flows od.csv --populations pop.csv --distances dist.csv -o indices.csv
            """
    )
    @Option(name: .long, help: ArgumentHelp("Flows CSV (origin, destination, flow).", valueName: "file")) var flows: String
    @Option(name: .long, help: ArgumentHelp("Populations CSV (region, population).", valueName: "file")) var populations: String?
    @Option(name: .long, help: ArgumentHelp("Distances CSV (origin, destination, distance).", valueName: "file")) var distances: String?
    @Option(name: .long, help: ArgumentHelp("Weighted median distance: lower (default) or interpolated (migest's, matrixStats).", valueName: "rule")) var median: String = "lower"
    @Option(name: .long, help: ArgumentHelp("Flows and distances: origin column (default: origin).", valueName: "column")) var originColumn = "origin"
    @Option(name: .long, help: ArgumentHelp("Flows and distances: destination column (default: destination).", valueName: "column")) var destinationColumn = "destination"
    @Option(name: .long, help: ArgumentHelp("Flows: flow column (default: flow).", valueName: "column")) var flowColumn = "flow"
    @Option(name: .long, help: ArgumentHelp("Distances: distance column (default: distance).", valueName: "column")) var distanceColumn = "distance"
    @Option(name: .long, help: ArgumentHelp("Populations: region column (default: region).", valueName: "column")) var regionColumn = "region"
    @Option(name: .long, help: ArgumentHelp("Populations: population column (default: population).", valueName: "column")) var populationColumn = "population"
    @Option(name: [.short, .long], help: ArgumentHelp("Indices CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest number of regions (the region × region matrix has n² cells; default 5000).", valueName: "n"))
    var maxRegions: Int = FlowsCSV.defaultMaximumRegions

    func validate() throws {
        guard maxRegions >= 2 else { throw ValidationError("--max-regions must be at least 2.") }
        guard WeightedMedianRule(rawValue: median) != nil else { throw ValidationError("--median must be lower or interpolated; got '\(median)'.") }
    }

    func run() throws {
        let cmd = "flows indices"
        let f = try FlowsCSV.matrix(flows, value: flowColumn, square: true, command: cmd, origin: originColumn, destination: destinationColumn,
                                    maxRegions: maxRegions)
        var regions = f.rows
        var m = f.matrix
        var pop: [Double]? = nil
        if let populations {
            let p = try FlowsCSV.regionValues(populations, region: regionColumn, value: populationColumn, command: cmd)
            // Regions with population but no flows still count.
            for r in p.labels where !regions.contains(r) { regions.append(r) }
            if regions.count != f.rows.count {
                try FlowsCSV.checkRegionCount(regions.count, limit: maxRegions, populations)
                m = try FlowsCSV.matrix(flows, value: flowColumn, rows: regions, cols: regions, square: true, command: cmd,
                                        origin: originColumn, destination: destinationColumn, maxRegions: maxRegions).matrix
            }
            let index = Dictionary(uniqueKeysWithValues: p.labels.enumerated().map { ($1, $0) })
            pop = try regions.map { g in
                guard let k = index[g] else { throw CLIError.message("\(populations): region '\(g)' of \(flows) has no population row") }
                return p.values[k]
            }
        }
        guard regions.count >= 2 else { throw CLIError.message("\(flows): needs at least two regions") }
        var out: [(String, Double)] = []
        do {
            let c = try MigrationIndices.connectivity(flows: m)
            out += [("connectivity", c.connectivity), ("gini_total", c.giniTotal), ("gini_total_uncorrected", c.giniTotalUncorrected),
                    ("cv", c.coefficientOfVariation), ("inequality_equal", c.inequalityEqual), ("inequality_sim", c.inequalitySimulated),
                    ("gini_orig_standardized", c.giniOriginStandardized), ("gini_dest_standardized", c.giniDestinationStandardized),
                    ("mwg_orig", c.migrationWeightedGiniOrigin), ("mwg_dest", c.migrationWeightedGiniDestination),
                    ("mwg_mean", c.migrationWeightedGiniMean), ("cv_migest", c.coefficientOfVariationMigest),
                    ("acv", c.aggregatedCoefficientOfVariation)]
        } catch { throw CLIError.message("\(flows): \(error)") }
        if let pop, let populations {
            do {
                var migrants = 0.0
                for i in regions.indices { for j in regions.indices where i != j { migrants += m[i, j] } }
                let intensity = try MigrationIndices.intensity(migrants: migrants, population: pop.reduce(0, +), regions: regions.count)
                let impact = try MigrationIndices.impact(flows: m, populations: pop)
                out += [("cmi", intensity.crudeMigrationIntensity), ("courgeau_k", intensity.courgeauK),
                        ("effectiveness", impact.effectiveness), ("anmr", impact.aggregateNetMigrationRate),
                        ("preference", impact.preference), ("velocity", impact.velocity)]
            } catch { throw CLIError.message("\(flows), \(populations): \(error) (positions count regions from 0 in order of first appearance in \(flows))") }
        }
        if let distances {
            let d = try FlowsCSV.matrix(distances, value: distanceColumn, rows: regions, cols: regions, square: true, command: cmd,
                                        origin: originColumn, destination: destinationColumn, maxRegions: maxRegions)
            for i in regions.indices { for j in regions.indices where i != j && !d.present[i][j] {
                throw CLIError.message("\(distances): the pair \(regions[i]) → \(regions[j]) has no distance — give every pair of different regions")
            } }
            do {
                let r = try MigrationIndices.distance(flows: m, distances: d.matrix, median: WeightedMedianRule(rawValue: median) ?? .lower)
                out += [("mean_distance", r.mean), ("median_distance", r.median), ("distance_decay", r.decay), ("distance_decay_se", r.decayStandardError)]
            } catch { throw CLIError.message("\(flows), \(distances): \(error)") }
        }
        try CLIOutput.write(try Table([("statistic", .string(out.map(\.0))), ("value", .double(out.map(\.1)))]), to: output,
                            inputs: [flows, populations, distances].compactMap { $0 })
    }
}
