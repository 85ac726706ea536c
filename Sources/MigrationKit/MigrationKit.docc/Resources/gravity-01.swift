import Foundation
import MigrationKit

// Fit a gravity model and project displacement under SSP2-4.5: the final step of the DocC
// tutorial (Sources/MigrationKit/MigrationKit.docc; scripts/check-docs keeps the two equal).
let data = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "data")

// 1. The shipped data: UNHCR and IDMC displacement, WPP 2024 population, ERA5 and AR6 warming.
let inputs = try ProjectionDataLoader.load(directory: data)
