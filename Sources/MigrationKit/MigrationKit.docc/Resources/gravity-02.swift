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
