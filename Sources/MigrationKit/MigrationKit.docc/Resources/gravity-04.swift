import Foundation
import MigrationKit

// The DocC tutorial "Fit a gravity model and project displacement under SSP2-4.5" (its last step).
let data = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "data")

// 1. A gravity model of migration: UN DESA 2020 migrant stocks, CEPII distances, PPML.
let pairs = try CSVReader.readTable(path: data.appendingPathComponent("migrant_stock_gravity_2020.csv").path)
let gravity = try GeneralizedLinearModel.fit(
    "migrant_stock ~ log(dist_km) + contig + comlang_off + colony | origin_iso3 + dest_iso3",
    data: pairs, family: .poisson, variance: .cluster("origin_iso3"))
print(RegressionSummary.text(gravity, model: "gravity (PPML)"))

// 2. The displacement models on the shipped panels: UNHCR, IDMC, WPP 2024, ERA5, AR6.
let inputs = try ProjectionDataLoader.load(directory: data)
let models = try ProjectionEngine.fit(inputs)

// 3. SSP2-4.5 with WPP's medium variant, 200 draws to 2050.
let scenarios = try ScenarioSet.parse("""
    [run]
    horizon = 2050
    draws = 200
    seed = 1
    [[scenario]]
    pathway = "SSP2-4.5"
    """)

// 4. Project, and print the world's displaced stock: median and 90 % interval.
let rows = try ProjectionEngine.run(scenarios, models: models, inputs: inputs)
for row in rows where row.geographyLevel == .world && row.category == .displaced && row.year % 5 == 0 {
    print(row.year, String(format: "%.1f M [%.1f–%.1f M]", row.summary.p50 / 1e6, row.summary.p05 / 1e6, row.summary.p95 / 1e6))
}
