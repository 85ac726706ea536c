import Foundation
import MigrationKit

// Fit a gravity model and project displacement under SSP2-4.5: the final step of the DocC
// tutorial (Sources/MigrationKit/MigrationKit.docc; scripts/check-docs keeps the two equal).
let data = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "data")

// 1. The shipped data: UNHCR and IDMC displacement, WPP 2024 population, ERA5 and AR6 warming.
let inputs = try ProjectionDataLoader.load(directory: data)

// 2. The gravity models: PPML with population as the mass (an offset) and country fixed effects.
let models = try ProjectionEngine.fit(inputs)
print(RegressionSummary.text(models.conflict.inflow, model: "new conflict displacement"))

// 3. SSP2-4.5 with WPP's medium variant, 200 draws to 2050, the stock moved by the fitted flows.
let scenarios = try ScenarioSet.parse("""
    [run]
    horizon = 2050
    draws = 200
    seed = 1
    stock_model = "flows"
    [[scenario]]
    pathway = "SSP2-4.5"
    """)

// 4. Project, and print the world's displaced stock: median and 90 % interval.
let rows = try ProjectionEngine.run(scenarios, models: models, inputs: inputs)
for row in rows where row.geographyLevel == "world" && row.category == "displaced_stock" && row.year % 5 == 0 {
    print(row.year, String(format: "%.1f M [%.1f–%.1f M]", row.summary.p50 / 1e6, row.summary.p05 / 1e6, row.summary.p95 / 1e6))
}
