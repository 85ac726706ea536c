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
        let inputs: ProjectionInputs
        let forecasts: [BacktestForecast]
        do {
            inputs = try ProjectionDataLoader.load(directory: try DataDirectory.resolve(dataDir))
            forecasts = try Backtest.run(inputs, origins: from...to, horizon: horizon, topOrigins: top, draws: draws, seed: seed,
                                         stockModel: StockModel(rawValue: stockModel) ?? .lifecycle, threads: global.threads ?? 0)
        } catch { throw CLIError.message("\(error)") }
        let metrics = Backtest.metrics(forecasts, history: inputs.history)
        let pit = Backtest.pitHistogram(forecasts)
        func col(_ v: [Double]) -> Column { .double(v.map { $0.isFinite ? $0 : nil }) }
        do {
            let f = try Table([
                ("origin_year", .int(forecasts.map(\.origin))), ("horizon", .int(forecasts.map(\.horizon))),
                ("geography", .string(forecasts.map(\.geography))), ("observed", col(forecasts.map(\.observed))),
                ("model_p50", col(forecasts.map(\.model.p50))), ("model_mean", col(forecasts.map(\.model.mean))),
                ("model_p025", col(forecasts.map(\.model.p025))), ("model_p10", col(forecasts.map(\.model.p10))),
                ("model_p90", col(forecasts.map(\.model.p90))), ("model_p975", col(forecasts.map(\.model.p975))),
                ("random_walk", col(forecasts.map(\.randomWalk))), ("drift", col(forecasts.map(\.drift))),
                ("log_drift", col(forecasts.map(\.logDrift))),
                ("geography_level", .string(forecasts.map(\.level))),
                ("prw_p025", col(forecasts.map(\.probabilisticRandomWalk.p025))), ("prw_p10", col(forecasts.map(\.probabilisticRandomWalk.p10))),
                ("prw_p50", col(forecasts.map(\.probabilisticRandomWalk.p50))), ("prw_p90", col(forecasts.map(\.probabilisticRandomWalk.p90))),
                ("prw_p975", col(forecasts.map(\.probabilisticRandomWalk.p975))),
            ])
            let m = try Table([
                ("group", .string(metrics.map(\.group))), ("horizon", .int(metrics.map(\.horizon))), ("method", .string(metrics.map(\.method))),
                ("forecasts", .int(metrics.map(\.count))), ("mae", col(metrics.map(\.mae))), ("mape_percent", col(metrics.map(\.mape))),
                ("mase", col(metrics.map(\.mase))), ("wis", col(metrics.map(\.wis))), ("share_within_10_percent", col(metrics.map(\.within10))),
                ("coverage_80", col(metrics.map(\.coverage80))), ("coverage_95", col(metrics.map(\.coverage95))),
            ])
            let p = try Table([
                ("group", .string(pit.map(\.group))), ("method", .string(pit.map(\.method))),
                ("pit_from", col(pit.map(\.lower))), ("pit_to", col(pit.map(\.upper))), ("forecasts", .int(pit.map(\.count))),
                ("observed_share", col(pit.map(\.observedShare))), ("expected_share", col(pit.map(\.expectedShare))),
            ])
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            func file(_ name: String) -> String { (output as NSString).appendingPathComponent(name) }
            try CLIOutput.write([(f, file("backtest_forecasts.csv")), (m, file("backtest_metrics.csv")), (p, file("backtest_pit.csv"))],
                                format: formatOptions.format, workbook: file("backtest.xlsx"))
        } catch let e as CLIError { throw e } catch { throw CLIError.message("\(output): \(error)") }
        var s = "group      h  method                      WIS (M)  MAPE%   MASE  cover80  cover95\n"
        for m in metrics {
            s += m.group.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " %2d  ", m.horizon)
            s += m.method.padding(toLength: 26, withPad: " ", startingAt: 0)
            s += String(format: "  %7.3f  %5.1f  %5.2f", m.wis / 1e6, m.mape, m.mase)
            s += m.coverage80.isFinite ? String(format: "  %6.0f%%  %6.0f%%", m.coverage80 * 100, m.coverage95 * 100) : ""
            s += "\n"
        }
        print(s, terminator: "")
    }
}
