import Foundation
import MigrationKit

// The DocC tutorial "Fit a gravity model and project displacement under SSP2-4.5" (its last step).
let data = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "data")

// 1. A gravity model of migration: UN DESA 2020 migrant stocks, CEPII distances, PPML.
let pairs = try CSVReader.readTable(path: data.appendingPathComponent("migrant_stock_gravity_2020.csv").path)
