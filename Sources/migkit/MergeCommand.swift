import ArgumentParser
import Foundation
import MigrationKit

/// `migkit merge`: joins the shard folders of `migkit project --shard K/N` into the single run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shards of migkit project or backtest --shard K/N into the single run's reports.",
        discussion: """
            Checks that the shard folders form one complete set — the same seed, draws, horizon, \
            scenario file, data and migkit version, every shard K of N exactly once — and writes \
            the reports `migkit project` would have written with the same seed and draws, byte \
            for byte (projections.csv, summary_wide.csv, contrasts.csv, …, manifest.json). A \
            missing, repeated, unfinished, corrupt or foreign shard is an error naming it; run \
            that shard again and merge again. Beyond 10,000 draws in total the shards hold \
            quantile grids (sketch mode): means are exact, quantiles within about 3.1 % of the \
            draws in rank. Shards of `migkit backtest --shard K/N` merge the \
            same way into backtest_forecasts.csv, backtest_metrics.csv and backtest_pit.csv.

            Example:
              for k in 1 2 3 4; do migkit project --draws 400 --shard $k/4 -o shards/$k; done
              migkit merge shards/1 shards/2 shards/3 shards/4 -o reports/
            """
    )

    @Argument(help: ArgumentHelp("Shard folders (any order).", valueName: "shard"))
    var shards: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Output folder.", valueName: "dir"))
    var output: String = "reports"

    @Option(name: .long, help: ArgumentHelp("MigrationKit's data folder, the shards' data, checked (default: $MIGKIT_DATA, else data/ in the current folder).", valueName: "dir"))
    var dataDir: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if shards.isEmpty { throw ValidationError("give the shard folders to merge, for example shards/*") }
    }

    func run() throws {
        try global.applyWithSingleThreadedBLAS()
        if BacktestShards.isShard(URL(fileURLWithPath: shards[0])) {
            do {
                let merged = try BacktestShards.merge(shards.map { URL(fileURLWithPath: $0) }, dataDirectory: try DataDirectory.resolve(dataDir),
                                                      version: migrationKitVersion)
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                try CLIOutput.write(try BacktestReport.tables(merged.forecasts, history: merged.inputs.history).map {
                    ($0.table, (output as NSString).appendingPathComponent($0.name))
                })
                print(BacktestReport.summaryText(merged.forecasts, history: merged.inputs.history), terminator: "")
            } catch let e as CLIError { throw e } catch { throw CLIError.message("\(error)") }
            return
        }
        let result: ProjectionRun.Result
        do {
            result = try ProjectionShards.merge(shards.map { URL(fileURLWithPath: $0) }, dataDirectory: try DataDirectory.resolve(dataDir),
                                                threads: global.threads ?? 0, version: migrationKitVersion)
            try ProjectionRun.write(result, to: URL(fileURLWithPath: output))
        } catch { throw CLIError.message("\(error)") }
        print(result.summary, terminator: "")
        print("\(result.scenarios.draws) draws × \(result.scenarios.scenarios.count) scenarios merged from \(shards.count) shards in \(String(format: "%.1f", result.seconds)) s; reports in \(output)/")
    }
}
