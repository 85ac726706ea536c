import ArgumentParser
import Foundation
import MigrationKit

/// `migkit project`: fits the displacement models on the shipped data and projects them under
/// the scenarios, writing CSV reports.
struct Project: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Project forced displacement under climate and development scenarios.",
        discussion: """
            Fits the conflict, exit and disaster displacement models on data/ (UNHCR, IDMC, \
            WPP 2024, ERA5, AR6), then runs every scenario of the scenario file by Monte Carlo \
            and writes to the output folder:
              projections.csv   scenario × geography × category × year: mean, p05, p10, p50, p90, p95
              summary_wide.csv  medians by year in columns (world and regions), for spreadsheets
              coefficients.csv  the fitted models' coefficients and standard errors
              diagnostics.csv   fit statistics, shock parameters and stock-growth classes
              in_sample_fit.csv observed vs one-step-ahead fitted displaced stock
              manifest.json     sources and licences, versions, seed, scenario file
              report.html       self-contained HTML report with the charts (also charts/*.svg)
            The same seed gives identical CSV bytes whatever --threads is.

            Examples:
              migkit project                          # default scenarios → reports/
              migkit project my.toml -o out/ --draws 200
            """
    )

    @Argument(help: ArgumentHelp("Scenario file (TOML). Default: data/scenarios/default.toml.", valueName: "scenarios"))
    var scenarioFile: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Output folder.", valueName: "dir"))
    var output: String = "reports"

    @Option(name: .long, help: ArgumentHelp("MigrationKit's data folder.", valueName: "dir"))
    var dataDir: String = "data"

    @Option(name: .long, help: ArgumentHelp("Override the scenario file's number of draws.", valueName: "n"))
    var draws: Int?

    @Option(name: .long, help: ArgumentHelp("Override the scenario file's seed.", valueName: "n"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Override the scenario file's horizon (last projected year).", valueName: "year"))
    var horizon: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let d = draws, !(1...1_000_000).contains(d) { throw ValidationError("--draws must be between 1 and 1000000, got \(d).") }
        if let h = horizon, !ScenarioSet.yearRange.contains(h) {
            throw ValidationError("--horizon \(h) is outside the pathways' years \(ScenarioSet.yearRange.lowerBound)–\(ScenarioSet.yearRange.upperBound).")
        }
    }

    func run() throws {
        try global.apply()
        let started = Date()
        let dataURL = URL(fileURLWithPath: dataDir)
        let scenarioPath = scenarioFile ?? dataURL.appendingPathComponent("scenarios/default.toml").path
        var set: ScenarioSet
        do { set = try ScenarioSet.load(path: scenarioPath) } catch { throw CLIError.message("\(error)") }
        if let d = draws { set.draws = d }
        if let s = seed { set.seed = s }
        if let h = horizon { set.horizon = h }
        let inputs: ProjectionInputs
        let models: FittedProjectionModels
        do {
            inputs = try ProjectionDataLoader.load(directory: dataURL)
            models = try ProjectionEngine.fit(inputs)
        } catch { throw CLIError.message("\(error)") }
        let progress = ProgressBar(label: "projecting")
        let rows: [ProjectionRow]
        let report: (@Sendable (Double) -> Void)?
        if progress.isActive {
            report = { fraction in progress.update(fraction) }
        } else {
            report = nil
        }
        do {
            rows = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: global.threads ?? 0, progress: report)
        } catch { throw CLIError.message("\(scenarioPath): \(error)") }
        progress.finish()
        // Everything is computed before anything is written; each file is written atomically.
        let fitRows = InSampleFit.compute(models, inputs, years: 2010...models.baseYear, stockModel: set.stockModel)
        let modelList: [(String, RegressionResult)] = [("conflict_inflow", models.conflict.inflow), ("conflict_exit", models.conflict.exit)]
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
        let tables: [(String, Table)]
        do {
            tables = [
                ("projections.csv", try ProjectionTables.projections(rows, names: inputs.history.names)),
                ("summary_wide.csv", try ProjectionTables.wideSummary(rows)),
                ("coefficients.csv", try ProjectionTables.coefficients(modelList)),
                ("diagnostics.csv", try ProjectionTables.diagnostics(modelList, extra: extra)),
                ("in_sample_fit.csv", try Table([
                    ("geography", .string(fitRows.map(\.geography))), ("year", .int(fitRows.map(\.year))),
                    ("observed", .double(fitRows.map(\.observed))), ("fitted", .double(fitRows.map { $0.fitted.rounded() })),
                ])),
            ]
        } catch { throw CLIError.message("building the reports: \(error)") }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch { throw CLIError.message("\(output): cannot create the output folder — \(error.localizedDescription)") }
        for (name, table) in tables { try CLIOutput.write(table, to: (output as NSString).appendingPathComponent(name)) }
        try writeManifest(set, scenarioPath: scenarioPath, models: models)
        do { try HTMLReport.write(directory: URL(fileURLWithPath: output)) } catch { throw CLIError.message("report: \(error)") }
        let seconds = Date().timeIntervalSince(started)
        print(summaryText(rows, set: set, inputs: inputs, models: models, seconds: seconds))
    }

    func writeManifest(_ set: ScenarioSet, scenarioPath: String, models: FittedProjectionModels) throws {
        var sources: [[String: Any]] = []
        for e in DataCatalog.entries {
            sources.append(["file": "data/" + e.file, "summary": e.summary, "licence": e.licence, "attribution": e.attribution])
        }
        let manifest: [String: Any] = [
            "migrationkit_version": migrationKitVersion,
            "scenario_file": scenarioPath,
            "scenario_text": set.text,
            "seed": set.seed, "draws": set.draws, "horizon": set.horizon, "stock_model": set.stockModel.rawValue,
            "base_year": models.baseYear,
            "scenarios": set.scenarios.map { ["name": $0.name, "pathway": $0.pathway.rawValue, "population": $0.population.rawValue] },
            "data_sources": sources,
            "blas": ["kernel": BLASRuntime.coreName, "config": BLASRuntime.configuration],
        ]
        do {
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
            let url = URL(fileURLWithPath: (output as NSString).appendingPathComponent("manifest.json"))
            try data.write(to: url, options: .atomic)
        } catch { throw CLIError.message("\(output)/manifest.json: \(error.localizedDescription)") }
    }

    func summaryText(_ rows: [ProjectionRow], set: ScenarioSet, inputs: ProjectionInputs, models: FittedProjectionModels, seconds: Double) -> String {
        let observed = inputs.history.stock.total(models.baseYear)
        var s = "Forcibly displaced (conflict and persecution), world: \(millions(observed)) observed in \(models.baseYear)"
        let midyear = inputs.history.midyearStock
        let anchored = midyear.countries.filter { midyear[$0, models.baseYear + 1] != nil }
        if !anchored.isEmpty {
            s += "; \(millions(midyear.total(models.baseYear + 1))) at mid-\(models.baseYear + 1) (\(anchored.count) origins, the projection's starting point)"
        }
        s += "\n"
        var years: [Int] = []
        for y in [2030, 2040, 2050, set.horizon] where y <= set.horizon && !years.contains(y) { years.append(y) }
        let width = max(12, set.scenarios.map(\.name.count).max() ?? 12)
        s += "scenario".padding(toLength: width, withPad: " ", startingAt: 0)
        for y in years { s += "  " + "\(y) median [90% interval]".padding(toLength: 30, withPad: " ", startingAt: 0) }
        s += "\n"
        for sc in set.scenarios {
            s += sc.name.padding(toLength: width, withPad: " ", startingAt: 0)
            for y in years {
                if let r = rows.first(where: { $0.scenario == sc.name && $0.geographyLevel == "world" && $0.category == "displaced_stock" && $0.year == y }) {
                    s += "  " + "\(millions(r.summary.p50)) [\(millions(r.summary.p05))–\(millions(r.summary.p95))]".padding(toLength: 30, withPad: " ", startingAt: 0)
                }
            }
            s += "\n"
        }
        s += "\(set.draws) draws × \(set.scenarios.count) scenarios in \(String(format: "%.1f", seconds)) s; reports in \(output)/"
        return s
    }

    func millions(_ v: Double) -> String { String(format: "%.1f M", v / 1e6) }
}

/// A progress bar on standard error, shown only when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    let label: String
    let isActive: Bool
    private let lock = NSLock()
    private var lastShown = -1

    init(label: String) {
        self.label = label
        self.isActive = isatty(STDERR_FILENO) == 1
    }

    func update(_ fraction: Double) {
        guard isActive else { return }
        let percent = Int((fraction * 100).rounded(.down))
        lock.lock()
        defer { lock.unlock() }
        guard percent != lastShown else { return }
        lastShown = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)%".utf8))
    }

    func finish() {
        guard isActive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
