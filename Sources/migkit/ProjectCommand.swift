import ArgumentParser
import Foundation
import MigrationKit

/// `migkit project`: fits the displacement models on the shipped data and projects them under
/// the scenarios, writing CSV reports.
struct Project: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",   // spelled out: the derived name costs a reflection of the type at every start
        abstract: "Project forced displacement under climate and development scenarios.",
        discussion: """
            Fits the displacement models on data/ (UNHCR, IDMC, WPP 2024, ERA5, AR6) — by \
            default the life-cycle model of the stock by type (cross-border, conflict IDPs, \
            UNRWA) with new crises and a ceiling from history — then runs every scenario of the \
            scenario file by Monte Carlo and writes to the output folder (files appear together: \
            manifest.json, written last, marks a complete run):
              projections.csv   scenario × geography × category × year: mean, p05, p10, p50, p90, p95
                                (whole persons), note (a mean outside p05–p95: heavy tails)
              summary_wide.csv  years in columns (world and regions): observed, p05, p50, p95 rows
              contrasts.csv     each scenario minus the reference on paired draws (p05, p50, p95)
              coefficients.csv  the fitted models' coefficients and standard errors
              diagnostics.csv   fit statistics and every fitted parameter of the stock model
              series_breaks.csv reclassifications in the history, never learned as growth
              in_sample_fit.csv observed vs one-step-ahead fitted displaced stock
              manifest.json     sources and licences, versions, seed, scenario file
              report.html       self-contained HTML report with the charts (also charts/*.svg)
              workbook.xlsx     with --format xlsx: a chart-ready World sheet and a sheet per table
            The same seed gives identical CSV bytes whatever --threads is. The data folder is \
            --data-dir, else $MIGKIT_DATA, else data/ in the current folder.

            With --shard K/N the run is one of N shards (contiguous blocks of draws, for a Slurm \
            array job): -o names the shard folder (default shards/K-of-N), which receives \
            shard.bin (per-draw values, checksummed) and shard.json (written last); \
            `migkit merge` joins the N shard folders into the single run's reports, byte for byte. \
            Runs of more than 10,000 draws in total shard in sketch mode: shard.bin holds a \
            fixed-size quantile grid per cell (208 bytes), and the merged quantiles are within \
            about 3.1 % of the draws in rank of the exact ones.

            Examples:
              migkit project                          # default scenarios → reports/
              migkit project my.toml -o out/ --draws 200
              migkit project --format xlsx --progress plain 2> run.log
              MIGKIT_DATA=~/MigrationKit/data migkit project -o ~/runs/today
              migkit project --draws 400 --shard 2/4 -o shards/2   # then: migkit merge shards/* -o reports/
            """
    )

    @Argument(help: ArgumentHelp("Scenario file (TOML). Default: scenarios/default.toml in the data folder.", valueName: "scenarios"))
    var scenarioFile: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Output folder (default: reports, or shards/K-of-N with --shard).", valueName: "dir"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("MigrationKit's data folder (default: $MIGKIT_DATA, else data/ in the current folder).", valueName: "dir"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("Override the scenario file's number of draws.", valueName: "n"))
    var draws: Int?

    @Option(name: .long, help: ArgumentHelp("Override the scenario file's seed.", valueName: "n"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Override the scenario file's horizon (last projected year).", valueName: "year"))
    var horizon: Int?

    @Option(name: .long, help: ArgumentHelp("""
        Progress on standard error: auto (a bar on a terminal, else plain lines), bar, plain (one line \
        per phase and per 10 %, with the time left), none.
        """, valueName: "mode"))
    var progress: ProgressMode = .auto

    @Flag(name: [.short, .long], help: "Print nothing but errors (no progress, no summary).")
    var quiet = false

    @OptionGroup var formatOptions: FormatOptions
    @Option(name: .long, help: ArgumentHelp("Run only shard K of N (draws ⌊(K−1)·D/N⌋ to ⌊K·D/N⌋−1) and write a shard folder for `migkit merge`.", valueName: "K/N"))
    var shard: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let d = draws, !(1...1_000_000).contains(d) { throw ValidationError("--draws must be between 1 and 1000000, got \(d).") }
        if let h = horizon, !ScenarioSet.yearRange.contains(h) {
            throw ValidationError("--horizon \(h) is outside the pathways' years \(ScenarioSet.yearRange.lowerBound)–\(ScenarioSet.yearRange.upperBound).")
        }
        if let shard { do { _ = try ProjectionShards.Shard(shard) } catch { throw ValidationError("\(error)") } }
    }

    func run() throws {
        try global.applyWithSingleThreadedBLAS()
        let data = try DataDirectory.resolve(dataDir)
        let progress = ProgressReporter(mode: quiet ? .none : self.progress)
        defer { progress.finish() }
        let options = ProjectionRun.Options(dataDirectory: data, scenarioFile: scenarioFile, draws: draws,
                                            seed: seed, horizon: horizon, threads: global.threads ?? 0, version: migrationKitVersion)
        if let shard {
            let part = try ProjectionShards.Shard(shard)
            let folder = output ?? "shards/\(part.index)-of-\(part.count)"
            let written: ProjectionShards.ShardResult
            do { written = try ProjectionShards.run(options, shard: part, to: URL(fileURLWithPath: folder), progress: progress.callback) } catch {
                progress.finish()
                throw CLIError.message("\(error)")
            }
            progress.finish()
            print("shard \(part): draws \(written.draws.lowerBound)–\(written.draws.upperBound - 1), \(String(format: "%.1f", Double(written.bytes) / 1e6)) MB in \(String(format: "%.1f", written.seconds)) s; shard folder \(folder)/")
            return
        }
        let output = self.output ?? "reports"
        let result: ProjectionRun.Result
        do { result = try ProjectionRun.execute(options, progress: progress.callback) } catch { throw CLIError.message("\(error)") }
        do { try ProjectionRun.write(result, to: URL(fileURLWithPath: output), format: formatOptions.format) } catch { throw CLIError.message("\(error)") }
        progress.finish()
        if quiet { return }
        print(result.summary, terminator: "")
        let workbook = formatOptions.format == .xlsx ? " (workbook: \(output)/\(ProjectionRun.workbookName))" : ""
        let scenarioCount = result.scenarios.scenarios.count
        print("\(result.scenarios.draws) draws × \(scenarioCount) scenario\(scenarioCount == 1 ? "" : "s") in \(String(format: "%.1f", result.seconds)) s; reports in \(output)/\(workbook)")
    }
}
