import Foundation
import Linalg
import MigrationData
import MigrationModels
import MigrationScenarios

/// The whole `migkit project` run as one library call: load data/, fit the models, project every
/// scenario, build the report tables, and (optionally) write the run folder. Research code gets
/// exactly the CLI's outputs:
///
///     let result = try ProjectionRun.execute(ProjectionRun.Options(dataDirectory: URL(fileURLWithPath: "data")))
///     try ProjectionRun.write(result, to: URL(fileURLWithPath: "reports"))
///     print(result.summary)
public enum ProjectionRun {
    public struct Options: Sendable {
        /// MigrationKit's data/ folder.
        public var dataDirectory: URL
        /// The scenario file (default: data/scenarios/default.toml).
        public var scenarioFile: String?
        /// Overrides of the scenario file's [run] values.
        public var draws: Int?
        public var seed: UInt64?
        public var horizon: Int?
        /// Worker threads (0: one per core). Output bytes do not depend on it.
        public var threads: Int
        /// The software version written to manifest.json.
        public var version: String
        public init(dataDirectory: URL, scenarioFile: String? = nil, draws: Int? = nil, seed: UInt64? = nil, horizon: Int? = nil,
                    threads: Int = 0, version: String = "unknown") {
            self.dataDirectory = dataDirectory
            self.scenarioFile = scenarioFile
            self.draws = draws
            self.seed = seed
            self.horizon = horizon
            self.threads = threads
            self.version = version
        }

        /// The scenario file to read: `scenarioFile`, else data/scenarios/default.toml.
        var scenarioPath: String {
            scenarioFile ?? dataDirectory.appendingPathComponent("scenarios/default.toml").path
        }

        /// The scenario file with the [run] overrides applied (a single run and a shard read it
        /// the same way).
        func scenarioSet() throws -> ScenarioSet {
            var set = try ScenarioSet.load(path: scenarioPath)
            if let d = draws { set.draws = d }
            if let s = seed { set.seed = s }
            if let h = horizon { set.horizon = h }
            return set
        }
    }

    /// Seconds elapsed since `start` on the monotonic clock (a VM's wall clock can step back).
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    /// Phases of a run, reported to the progress callback with the fraction done in the phase.
    public enum Phase: String, Sendable { case loading, fitting, projecting, writing }

    public struct Result: Sendable {
        public let scenarios: ScenarioSet
        public let scenarioPath: String
        public let inputs: ProjectionInputs
        public let models: FittedProjectionModels
        public let rows: [ProjectionRow]
        /// Each scenario minus the reference scenario on paired draws (contrasts.csv).
        public let contrasts: [ScenarioContrast]
        /// The run folder's CSV tables, by file name, in writing order.
        public let tables: [(name: String, table: Table)]
        /// The run's manifest.json content.
        public let manifest: Data
        /// The text summary `migkit project` prints (world medians, implied growth rates,
        /// largest contributors).
        public let summary: String
        public let seconds: Double
    }

    public struct RunError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads, fits, projects and builds the tables (nothing is written).
    public static func execute(_ options: Options, progress: (@Sendable (Phase, Double) -> Void)? = nil) throws -> Result {
        let started = ContinuousClock.now   // monotonic: a VM's wall clock can step backwards
        progress?(.loading, 0)
        let scenarioPath = options.scenarioPath
        let set = try options.scenarioSet()
        let inputs = try ProjectionDataLoader.load(directory: options.dataDirectory)
        progress?(.fitting, 0)
        let models = try ProjectionEngine.fit(inputs)
        progress?(.projecting, 0)
        let output: ProjectionOutput
        do {
            output = try ProjectionEngine.project(set, models: models, inputs: inputs, threads: options.threads,
                                                  progress: progress.map { p in { @Sendable f in p(.projecting, f) } })
        } catch { throw RunError(description: "\(scenarioPath): \(error)") }
        progress?(.writing, 0)
        return try assemble(set, scenarioPath: scenarioPath, inputs: inputs, models: models, rows: output.rows, contrasts: output.contrasts,
                            version: options.version, started: started)
    }

    /// The result of a run from its projected rows and contrasts: the report tables, the
    /// manifest and the summary. `execute` and the merge of shards (`ProjectionShards.merge`)
    /// both end here, so a merged run writes the single run's bytes.
    static func assemble(_ set: ScenarioSet, scenarioPath: String, inputs: ProjectionInputs, models: FittedProjectionModels,
                         rows: [ProjectionRow], contrasts: [ScenarioContrast], version: String, started: ContinuousClock.Instant) throws -> Result {
        let tables = try buildTables(set, inputs: inputs, models: models, rows: rows, contrasts: contrasts)
        let manifest = try manifestData(set, scenarioPath: scenarioPath, models: models, version: version)
        let seconds = Self.seconds(since: started)
        let summary = summaryText(rows, set: set, inputs: inputs, models: models, contrasts: contrasts)
        return Result(scenarios: set, scenarioPath: scenarioPath, inputs: inputs, models: models, rows: rows, contrasts: contrasts, tables: tables,
                      manifest: manifest, summary: summary, seconds: seconds)
    }

    /// The report tables of a run.
    public static func buildTables(_ set: ScenarioSet, inputs: ProjectionInputs, models: FittedProjectionModels,
                                   rows: [ProjectionRow], contrasts: [ScenarioContrast] = []) throws -> [(name: String, table: Table)] {
        let fitRows = InSampleFit.compute(models, inputs, years: 2010...models.baseYear, stockModel: set.stockModel)
        let modelList: [(String, RegressionResult)] = [("conflict_inflow", models.conflict.inflow), ("conflict_exit", models.conflict.exit),
                                                       ("lifecycle_onset_rate", models.lifeCycle.onset.rate)]
            + models.disaster.hazards.map { ("disaster_\($0.hazard)", $0.fit) }
        var extra: [(String, String, String)] = [
            ("conflict_inflow", "shock_rho", String(models.conflict.inflowShock.rho)),
            ("conflict_inflow", "shock_sigma", String(models.conflict.inflowShock.sigma)),
            ("climate", "baseline_offset_c", String(models.climate.baselineOffset)),
            ("run", "base_year", String(models.baseYear)),
            ("run", "stock_model", set.stockModel.rawValue),
        ]
        let g = models.stockGrowth
        for (k, lower) in g.classLowerBounds.enumerated() {
            let name = "stock_growth_class\(k + 1)"
            extra.append((name, "stock_from", String(lower)))
            extra.append((name, "observations", String(g.growth[k].count)))
            extra.append((name, "median_log_growth", String(g.medianGrowth(forStock: lower))))
            extra.append((name, "mean_growth_factor", String(g.meanGrowthFactor(forStock: lower))))
        }
        for h in models.disaster.hazards { extra.append(("disaster_\(h.hazard)", "theta", String(h.theta))) }
        extra += models.lifeCycle.diagnostics
        if let channel = models.climateChannel { extra += channel.diagnostics }
        let breaks = models.lifeCycle.breaks.breaks
        // People counts as whole persons (a spreadsheet keeps 15 digits; "41057823.0" reads as a fraction).
        func num(_ v: [Double?]) -> Column { .int(v.map { $0.flatMap(ProjectionTables.persons) }) }
        return [
            ("projections.csv", try ProjectionTables.projections(rows, names: inputs.history.names)),
            ("summary_wide.csv", try ProjectionTables.wideSummary(rows, history: inputs.history)),
            ("contrasts.csv", try ProjectionTables.contrasts(contrasts)),
            ("coefficients.csv", try ProjectionTables.coefficients(modelList)),
            ("diagnostics.csv", try ProjectionTables.diagnostics(modelList, extra: extra)),
            ("series_breaks.csv", try Table([
                ("origin", .string(breaks.map(\.origin))), ("name", .string(breaks.map { inputs.history.names[$0.origin] ?? $0.origin })),
                ("year", .int(breaks.map(\.year))), ("component", .string(breaks.map(\.component))),
                ("kind", .string(breaks.map(\.kind.rawValue))), ("before", num(breaks.map(\.before))), ("after", num(breaks.map(\.after))),
                ("note", .string(breaks.map(\.note))),
            ])),
            ("in_sample_fit.csv", try Table([
                ("geography", .string(fitRows.map(\.geography))), ("year", .int(fitRows.map(\.year))),
                ("observed", num(fitRows.map(\.observed))), ("fitted", num(fitRows.map(\.fitted))),
            ])),
        ]
    }

    static func manifestData(_ set: ScenarioSet, scenarioPath: String, models: FittedProjectionModels, version: String) throws -> Data {
        var sources: [[String: Any]] = []
        for e in DataCatalog.entries {
            sources.append(["file": "data/" + e.file, "summary": e.summary, "licence": e.licence, "attribution": e.attribution])
        }
        let manifest: [String: Any] = [
            "migrationkit_version": version,
            "scenario_file": scenarioPath,
            "scenario_text": set.text,
            "seed": set.seed, "draws": set.draws, "horizon": set.horizon, "stock_model": set.stockModel.rawValue,
            "base_year": models.baseYear,
            "scenarios": set.scenarios.map { ["name": $0.name, "pathway": $0.pathway.rawValue, "population": $0.population.rawValue] },
            "data_sources": sources,
            "blas": ["kernel": BLASRuntime.coreName, "config": BLASRuntime.configuration],
        ]
        return try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
    }

    /// Writes the run folder. Everything is first written into a temporary sibling folder (CSV
    /// tables, then manifest.json, then report.html and charts/ built from them). A new output
    /// folder is that folder renamed; an existing one that holds only an earlier run's files is
    /// exchanged with it atomically (Linux renameat2 RENAME_EXCHANGE) and the old run removed:
    /// a run killed at any point leaves the old run or the new one. An output folder with other
    /// files keeps them: the old manifest.json — the completion marker `migkit report` checks —
    /// is removed, the files are renamed in one by one, and manifest.json comes last, so a killed
    /// run leaves files without a manifest, which `migkit report` refuses as incomplete.
    ///
    /// `format`: `.csv` (the default) and `.csvExcel` (a UTF-8 byte-order mark and CRLF line ends
    /// for Excel) choose how the CSV tables are written; `.xlsx` writes the CSV tables (the report
    /// and the notebook read them) and `workbook.xlsx` beside them: a chart-ready `World` sheet
    /// (`ProjectionTables.worldSheet`) and one sheet per table, typed numbers, frozen header.
    public static func write(_ result: Result, to directory: URL, format: TableFileFormat = .csv) throws {
        let fm = FileManager.default
        var st = stat()
        let exists = lstat(directory.path, &st) == 0
        if exists, (st.st_mode & S_IFMT) != S_IFDIR {
            throw RunError(description: "\(directory.path): exists and is not a folder (a file or a link) — choose an output folder with -o")
        }
        do { try fm.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
            throw RunError(description: "\(directory.deletingLastPathComponent().path): cannot create the output folder's parent — \(error.localizedDescription)")
        }
        let parent = directory.standardizedFileURL.deletingLastPathComponent()
        let temp = parent.appendingPathComponent(".\(directory.standardizedFileURL.lastPathComponent).tmp-\(getpid())")
        try? fm.removeItem(at: temp)
        do { try fm.createDirectory(at: temp, withIntermediateDirectories: false) } catch {
            throw RunError(description: "\(temp.path): cannot create the temporary run folder beside the output — \(error.localizedDescription)")
        }
        // SIGINT/SIGTERM remove the temporary folder and what was written into it.
        var slots: [Int?] = [TemporaryFileRegistry.register(temp.path)]
        defer {
            try? fm.removeItem(at: temp)
            for s in slots.reversed() { TemporaryFileRegistry.unregister(s) }
        }
        for (name, table) in result.tables {
            let path = temp.appendingPathComponent(name).path
            slots.append(TemporaryFileRegistry.register(path))
            try CSVWriter.write(table, to: path, options: format.csvOptions)
        }
        if format == .xlsx {
            let path = temp.appendingPathComponent(workbookName).path
            slots.append(TemporaryFileRegistry.register(path))
            try XLSXWriter.write(workbookSheets(result), to: path, numericTextColumns: ["value"])   // diagnostics.csv's values
        }
        slots.append(TemporaryFileRegistry.register(temp.appendingPathComponent("manifest.json").path))
        try AtomicFile.write(Array(result.manifest), to: temp.appendingPathComponent("manifest.json").path)
        slots.append(TemporaryFileRegistry.register(temp.appendingPathComponent("report.html").path))
        slots.append(TemporaryFileRegistry.register(temp.appendingPathComponent("charts").path))
        try HTMLReport.write(directory: temp)
        for chart in ((try? fm.contentsOfDirectory(atPath: temp.appendingPathComponent("charts").path)) ?? []).sorted() {
            slots.append(TemporaryFileRegistry.register(temp.appendingPathComponent("charts/\(chart)").path))
        }
        // Into place. A new folder, or one that holds nothing but an earlier run's files, is
        // swapped in whole (rename, or an atomic exchange of the two folders): a killed run leaves
        // the old run or the new one. A folder with other files in it keeps them, and the run's
        // files move in one by one with the completion marker first out and last in.
        let runFiles = Set(result.tables.map(\.name) + ["report.html", "manifest.json", "charts", workbookName])
        if !exists {
            guard rename(temp.path, directory.path) == 0 else {
                throw RunError(description: "\(directory.path): cannot be created — \(String(cString: strerror(errno)))")
            }
            return
        }
        let present = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        let chartsOnlySVG = ((try? fm.contentsOfDirectory(atPath: directory.appendingPathComponent("charts").path)) ?? []).allSatisfy { $0.hasSuffix(".svg") }
        if present.allSatisfy({ runFiles.contains($0) }), chartsOnlySVG, let exchange = renameExchange {
            // Keep the permissions of the files replaced.
            for name in present where name != "charts" {
                var old = stat()
                if lstat(directory.appendingPathComponent(name).path, &old) == 0, (old.st_mode & S_IFMT) == S_IFREG {
                    chmod(temp.appendingPathComponent(name).path, old.st_mode & 0o7777)
                }
            }
            if exchange(AT_FDCWD, temp.path, AT_FDCWD, directory.path, 1 << 1) == 0 { return }   // RENAME_EXCHANGE
        }
        let marker = directory.appendingPathComponent("manifest.json")
        if fm.fileExists(atPath: marker.path) { try fm.removeItem(at: marker) }
        var files = result.tables.map(\.name) + ["report.html"] + (format == .xlsx ? [workbookName] : [])
        let charts = (try? fm.contentsOfDirectory(atPath: temp.appendingPathComponent("charts").path)) ?? []
        if !charts.isEmpty { try fm.createDirectory(at: directory.appendingPathComponent("charts"), withIntermediateDirectories: true) }
        files += charts.sorted().map { "charts/\($0)" }
        files.append("manifest.json")
        for name in files {
            let from = temp.appendingPathComponent(name).path, to = directory.appendingPathComponent(name).path
            try replace(to, with: from)
        }
    }

    /// The workbook of `--format xlsx`, in the run folder.
    public static let workbookName = "workbook.xlsx"

    /// The sheets of workbook.xlsx: `World` (years in rows: the observed history, then the
    /// median, p05 and p95 of every scenario — select it and insert a line chart), then one sheet
    /// per CSV table of the run, named after its file.
    public static func workbookSheets(_ result: Result) throws -> [(name: String, table: Table)] {
        var sheets: [(name: String, table: Table)] = [("World", try ProjectionTables.worldSheet(result.rows, history: result.inputs.history,
                                                                                                 scenarios: result.scenarios.scenarios.map(\.name)))]
        var taken: Set<String> = ["World"]
        for (name, table) in result.tables {
            let sheet = XLSXWriter.sheetName(forFile: name, taken: taken)
            taken.insert(sheet)
            sheets.append((sheet, table))
        }
        return sheets
    }

    /// Linux's renameat2, looked up at run time (Glibc does not export it to Swift); nil where
    /// the C library lacks it, and the exchange then falls back to moving file by file.
    nonisolated(unsafe) static let renameExchange: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
    }()

    /// Renames `source` over `target` (atomic), refusing a target that is a link, a device or any
    /// other non-regular file, and keeping an existing target's permissions.
    static func replace(_ target: String, with source: String) throws {
        var st = stat()
        if lstat(target, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                throw RunError(description: "\(target): exists and is not a regular file (a link, device or folder) — remove it or choose another output folder")
            }
            chmod(source, st.st_mode & 0o7777)
        }
        guard rename(source, target) == 0 else {
            throw RunError(description: "\(target): cannot be written — \(String(cString: strerror(errno)))")
        }
    }

    /// Whether `directory` holds a complete run (its manifest.json, written last, is present).
    public static func isComplete(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path)
    }

    // MARK: - Summary

    static func millions(_ v: Double) -> String { String(format: "%.1f M", v / 1e6) }

    /// The run summary: world medians with 90 % intervals; per scenario the implied annual world
    /// growth 2025–2050 (from the median of the first projected year to the median of the
    /// horizon) next to the observed 1990–2024 and 2012–2024 rates; and the largest contributors
    /// to the change in the mean from the jump-off to the horizon, by type and by origin.
    ///
    /// With `contrasts`, a section reads each scenario against the reference for the world's
    /// displaced stock at the horizon, in plain words wherever the 90 % interval includes zero;
    /// and a line counts the country cells whose mean lies above p95 (heavy tails).
    public static func summaryText(_ rows: [ProjectionRow], set: ScenarioSet, inputs: ProjectionInputs,
                                   models: FittedProjectionModels, contrasts: [ScenarioContrast] = []) -> String {
        let h = inputs.history
        let base = models.baseYear
        let observed = h.stock.total(base)
        var s = "Forcibly displaced (conflict and persecution), world: \(millions(observed)) observed in \(base)"
        let midyear = h.midyearStock
        let anchored = midyear.countries.filter { midyear[$0, base + 1] != nil }
        if !anchored.isEmpty {
            s += "; \(millions(midyear.total(base + 1))) at mid-\(base + 1) (\(anchored.count) origins, the projection's starting point)"
        }
        if let channel = models.climateChannel, set.stockModel == .lifecycle, set.disasterIDPs {
            let jump = channel.jumpOffTotal
            if jump > 0 { s += "; plus \(millions(jump)) disaster IDPs (IDMC, end of \(base)), part of the projected stock" }
        }
        s += "\n"
        var index: [String: QuantileSummary] = [:]
        for r in rows where r.geographyLevel == .world || (r.geographyLevel == .country && r.year == set.horizon) {
            index["\(r.scenario)|\(r.geographyLevel.rawValue)|\(r.geography)|\(r.category.rawValue)|\(r.year)"] = r.summary
        }
        func world(_ sc: String, _ cat: ProjectionCategory, _ y: Int) -> QuantileSummary? { index["\(sc)|world|World|\(cat.rawValue)|\(y)"] }
        var years: [Int] = []
        for y in [2030, 2040, 2050, set.horizon] where y <= set.horizon && y > base && !years.contains(y) { years.append(y) }
        let width = max(12, set.scenarios.map(\.name.count).max() ?? 12)
        s += "scenario".padding(toLength: width, withPad: " ", startingAt: 0)
        for y in years { s += "  " + "\(y) median [90% interval]".padding(toLength: 30, withPad: " ", startingAt: 0) }
        s += "\n"
        for sc in set.scenarios {
            s += sc.name.padding(toLength: width, withPad: " ", startingAt: 0)
            for y in years {
                if let r = world(sc.name, .displaced, y) {
                    s += "  " + "\(millions(r.p50)) [\(millions(r.p05))–\(millions(r.p95))]".padding(toLength: 30, withPad: " ", startingAt: 0)
                }
            }
            s += "\n"
        }
        // Implied and observed growth rates.
        func rate(_ a: Double, _ b: Double, _ years: Int) -> String {
            guard a > 0, b > 0, years > 0 else { return "n/a" }
            return String(format: "%+.1f %%/yr", 100 * (pow(b / a, 1 / Double(years)) - 1))
        }
        let first = base + 1
        s += "\nWorld growth of the median \(first)–\(set.horizon) per scenario, against the observed "
        s += "1990–\(base) \(rate(h.stock.total(1990), observed, base - 1990)) and 2012–\(base) \(rate(h.stock.total(2012), observed, base - 2012)):\n"
        // Jump-off stock per origin (mid-year where published).
        var jumpOff: [String: Double] = [:]
        for c in h.stock.countries where h.stock[c, base] != nil { jumpOff[c] = midyear[c, base + 1] ?? h.stock[c, base] }
        // The jump-off stock by type (the same rule as the projection's start), for the changes by type.
        var jumps: [ProjectionCategory: Double] = [:]
        for c in h.stock.countries where h.stock[c, base] != nil {   // the origins the engine projects
            let j = h.jumpOff(c, base: base)
            jumps[.crossBorder, default: 0] += j.crossBorder
            jumps[.conflictIDPs, default: 0] += j.conflictIDPs
            jumps[.unrwa, default: 0] += j.unrwa
        }
        for sc in set.scenarios {
            guard let a = world(sc.name, .displaced, first), let b = world(sc.name, .displaced, set.horizon) else { continue }
            s += "  " + sc.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + rate(a.p50, b.p50, set.horizon - first)
            if set.stockModel == .lifecycle {
                // Change of the mean by type (means add up), and the largest origins.
                let parts: [(String, ProjectionCategory)] = [("cross-border", .crossBorder), ("IDPs", .conflictIDPs), ("UNRWA", .unrwa)]
                let byType = parts.compactMap { name, cat -> String? in
                    guard let m = world(sc.name, cat, set.horizon)?.mean else { return nil }
                    return "\(name) \(signedMillions(m - (jumps[cat] ?? 0)))"
                }
                s += "; change of the mean by type: " + byType.joined(separator: ", ")
            }
            var contributions: [(String, Double)] = []
            var fromSmall = 0.0
            for (c, d0) in jumpOff {
                guard let m = index["\(sc.name)|country|\(c)|\(ProjectionCategory.displaced.rawValue)|\(set.horizon)"]?.mean else { continue }
                contributions.append((c, m - d0))
                if let p = inputs.population.value(c, base, .medium), p > 0, d0 / (p * 1000) < CrisisOnsetModel.eligibleShare { fromSmall += m - d0 }
            }
            contributions.sort { abs($0.1) > abs($1.1) }
            s += "\n    largest contributors (change of the mean): "
            s += contributions.prefix(5).map { "\(h.names[$0.0] ?? $0.0) \(signedMillions($0.1))" }.joined(separator: ", ")
            if set.stockModel == .lifecycle { s += "; origins below 0.2 % displaced today (new crises) \(signedMillions(fromSmall))" }
            s += "\n"
        }
        // Climate-attributable displacement, in words.
        if set.stockModel == .lifecycle, models.climateChannel != nil {
            s += "\nClimate-attributable in \(set.horizon) (each draw minus the same draw with warming held at its \(base) level; median [90 % interval]):\n"
            for sc in set.scenarios {
                guard let n = world(sc.name, .attributableNew, set.horizon), let d = world(sc.name, .attributableStock, set.horizon) else { continue }
                s += "  " + sc.name.padding(toLength: width, withPad: " ", startingAt: 0)
                s += "  warming after \(base) adds \(millions(n.p50)) [\(millions(n.p05))–\(millions(n.p95))] new disaster displacements a year"
                s += " and \(millions(d.p50)) [\(millions(d.p05))–\(millions(d.p95))] to the displaced stock"
                if d.p05 <= 0 && d.p95 >= 0 { s += " (the stock's 90 % interval includes zero: not distinguishable from no effect)" }
                s += "\n"
            }
        }
        s += contrastSummary(contrasts, horizon: set.horizon, width: width)
        s += heavyTailSummary(rows)
        return s
    }

    /// The contrasts section of the summary (empty without contrasts): per scenario, its
    /// difference from the reference in the world's displaced stock at the horizon, median
    /// [90 % interval], and its reading (`ContrastText.reading`).
    static func contrastSummary(_ contrasts: [ScenarioContrast], horizon: Int, width: Int) -> String {
        let cells = ContrastText.worldStock(contrasts, years: [horizon])
        guard let reference = cells.first?.reference else { return "" }
        var s = "\nScenarios against \(reference) in \(horizon) (world displaced stock, each scenario minus \(reference) on the same draws; median [90 % interval]):\n"
        for c in cells {
            s += "  " + c.scenario.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(ContrastText.interval(c)): \(ContrastText.reading(c))\n"
        }
        return s
    }

    /// One line on heavy tails: the share of country cells (all categories and years) whose
    /// mean lies above p95; empty when there are none.
    static func heavyTailSummary(_ rows: [ProjectionRow]) -> String {
        var cells = 0, above = 0
        for r in rows where r.geographyLevel == .country {
            cells += 1
            if r.summary.mean.isFinite, r.summary.p95.isFinite, r.summary.mean > r.summary.p95 { above += 1 }
        }
        guard cells > 0, above > 0 else { return "" }
        let share = 100 * Double(above) / Double(cells)
        return "\nHeavy tails: in \(String(format: "%.0f", share)) % of the country cells the mean lies above p95 (a few draws far above the rest); projections.csv's note column marks them — quote the median and its interval.\n"
    }

    static func signedMillions(_ v: Double) -> String { String(format: "%+.1f M", v / 1e6) }
}
