import ArgumentParser
import Foundation
import MigrationKit

/// `migkit backtest`: rolling-origin evaluation against random-walk and drift baselines.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Rolling-origin backtest of the displacement projections against naive baselines.",
        discussion: """
            For each origin year T, fits the models on the data up to T, forecasts T+1…T+H (up to \
            the last observed year) and scores the median forecast and the 80 %/95 % intervals \
            against what was observed, for the world, the UNHCR regions and the largest origins at \
            T, next to four baselines: random walk, drift, log-drift and the probabilistic random \
            walk (the last value times the empirical quantiles of past h-year log changes). \
            Metrics: MAE, MAPE, MASE, weighted interval score (WIS, Bracher et al. 2021), share \
            within 10 %, 80 %/95 % coverage, and a PIT histogram. Writes backtest_forecasts.csv, \
            backtest_metrics.csv and backtest_pit.csv.

            Example:
              migkit backtest --from 2010 --to 2019 --horizon 10 -o reports/
              migkit backtest --from 2010 --to 2019 --shard 1/2 -o bt/1   # then: migkit merge bt/1 bt/2 -o reports/
            """
    )

    @Option(name: .long, help: ArgumentHelp("First forecast origin year.", valueName: "year")) var from: Int = 2010
    @Option(name: .long, help: ArgumentHelp("Last forecast origin year.", valueName: "year")) var to: Int = 2019
    @Option(name: .long, help: ArgumentHelp("Maximum horizon in years.", valueName: "h")) var horizon: Int = 10
    @Option(name: .long, help: ArgumentHelp("Number of largest origins scored.", valueName: "n")) var top: Int = 20
    @Option(name: .long, help: ArgumentHelp("Monte Carlo draws per origin year.", valueName: "n")) var draws: Int = 500
    @Option(name: .long, help: ArgumentHelp("Random seed.", valueName: "n")) var seed: UInt64 = 20261129
    @Option(name: .long, help: ArgumentHelp("How the stock moves: lifecycle (default), growth (the earlier random walk) or flows (the full stock–flow model).", valueName: "model"))
    var stockModel: String = "lifecycle"
    @Option(name: [.short, .long], help: ArgumentHelp("Output folder.", valueName: "dir")) var output: String = "reports"
    @Option(name: .long, help: ArgumentHelp("MigrationKit's data folder (default: $MIGKIT_DATA, else data/ in the current folder).", valueName: "dir")) var dataDir: String?
    @OptionGroup var formatOptions: FormatOptions
    @Option(name: .long, help: ArgumentHelp("Run only shard K of N (a contiguous block of the origin years) into the shard folder -o, for `migkit merge`.", valueName: "K/N"))
    var shard: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard from <= to else { throw ValidationError("--from \(from) is after --to \(to).") }
        guard (2005...2023).contains(from), (2005...2023).contains(to) else { throw ValidationError("origin years must be within 2005–2023.") }
        guard (1...10).contains(horizon) else { throw ValidationError("--horizon must be between 1 and 10.") }
        guard top >= 1, draws >= 10 else { throw ValidationError("--top must be ≥ 1 and --draws ≥ 10.") }
        guard StockModel(rawValue: stockModel) != nil else {
            throw ValidationError("--stock-model \(stockModel) is not one of \(StockModel.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() throws {
        try global.apply()
        if let shard {
            let settings = BacktestShards.Settings(origins: from...to, horizon: horizon, topOrigins: top, draws: draws, seed: seed,
                                                   stockModel: StockModel(rawValue: stockModel) ?? .lifecycle)
            do {
                let part = try ProjectionShards.Shard(shard)
                let n = try BacktestShards.run(settings, shard: part, dataDirectory: try DataDirectory.resolve(dataDir), to: URL(fileURLWithPath: output),
                                               threads: global.threads ?? 0, version: migrationKitVersion)
                print("backtest shard \(part): \(n) forecasts; shard folder \(output)/")
            } catch { throw CLIError.message("\(error)") }
            return
        }
        let inputs: ProjectionInputs
        let forecasts: [BacktestForecast]
        do {
            inputs = try ProjectionDataLoader.load(directory: try DataDirectory.resolve(dataDir))
            forecasts = try Backtest.run(inputs, origins: from...to, horizon: horizon, topOrigins: top, draws: draws, seed: seed,
                                         stockModel: StockModel(rawValue: stockModel) ?? .lifecycle, threads: global.threads ?? 0)
        } catch { throw CLIError.message("\(error)") }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            func file(_ name: String) -> String { (output as NSString).appendingPathComponent(name) }
            try CLIOutput.write(try BacktestReport.tables(forecasts, history: inputs.history).map { ($0.table, file($0.name)) },
                                format: formatOptions.format, workbook: file("backtest.xlsx"))
        } catch let e as CLIError { throw e } catch { throw CLIError.message("\(output): \(error)") }
        print(BacktestReport.summaryText(forecasts, history: inputs.history), terminator: "")
    }
}
