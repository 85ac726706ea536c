import Foundation
import MigrationKit

/// A complete analysis with the library, no CLI: read the shipped data, fit the displacement
/// models, look at a coefficient, project SSP2-4.5 with uncertainty, and compute the expected
/// duration of displacement implied by the exit rate.
@main
struct DisplacementAnalysis {
    static func main() {
        do {
            try analyse()
        } catch {
            // A clear message and a non-zero exit status, not a trap.
            FileHandle.standardError.write(Data("displacement-analysis: \(error)\n".utf8))
            exit(1)
        }
    }

    static func analyse() throws {
        let dataDirectory = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "data")

        // 1. The shipped data (UNHCR, IDMC, WPP 2024, ERA5, AR6; see data/README.md).
        let inputs = try ProjectionDataLoader.load(directory: dataDirectory)
        let observed = inputs.history.stock.total(inputs.history.lastObservedYear)
        print("Forcibly displaced in \(inputs.history.lastObservedYear): \(String(format: "%.1f", observed / 1e6)) M")

        // 2. Fit the conflict, exit and disaster models (PPML with country fixed effects).
        let models = try ProjectionEngine.fit(inputs)
        if let lag = models.conflict.inflow.coefficient("log_lagged_stock") {
            print(String(format: "Inflow elasticity to the displaced stock: %.3f (s.e. %.3f)", lag.estimate, lag.standardError))
        }

        // 3. Project SSP2-4.5 to 2040 with 200 Monte Carlo draws.
        let scenarios = try ScenarioSet.parse("""
            [run]
            horizon = 2040
            draws = 200
            seed = 1
            [[scenario]]
            pathway = "SSP2-4.5"
            """)
        let rows = try ProjectionEngine.run(scenarios, models: models, inputs: inputs)
        for row in rows where row.geographyLevel == .world && row.category == .displaced && row.year % 5 == 0 {
            print(String(format: "%d: median %.1f M, 90 %% interval %.1f–%.1f M", row.year,
                         row.summary.p50 / 1e6, row.summary.p05 / 1e6, row.summary.p95 / 1e6))
        }

        // 4. Expected duration of displacement from the pooled exit rate of the last ten years.
        var exits = 0.0, atRisk = 0.0
        let last = inputs.history.lastObservedYear
        for country in inputs.history.stock.countries {
            for year in (last - 9)...last {
                if let x = inputs.history.exits[country, year], let d = inputs.history.stock[country, year - 1] {
                    exits += x
                    atRisk += d
                }
            }
        }
        let rate = exits / atRisk
        let chain = try MarkovChain(states: ["displaced", "exited"], rows: [[1 - rate, rate], [0, 1]])
        let duration = try chain.absorbingAnalysis().expectedDuration(from: "displaced")
        print(String(format: "Exit rate %.3f per year → expected duration of displacement %.1f years", rate, duration))
    }
}
