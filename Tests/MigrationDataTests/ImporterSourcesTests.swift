import Foundation
import Testing
@testable import MigrationData

/// The IDMC, WPP, ERA5, SSP, CEPII and UN DESA importers on the real files in ../shared/data.
/// Reference values: `Tests/Fixtures/importers/importer_reference.py` (Python's csv module) and
/// the checks printed in each folder's SOURCE.md.
@Suite("Importer: IDMC, WPP, ERA5, SSP, CEPII, UN DESA", .needsSharedData)
struct ImporterSourcesTests {
    @Test("IDMC: 2023 conflict 20.47 M and disaster 26.40 M (SOURCE.md), split by hazard group")
    func idmc() throws {
        try SharedData.require()
        let result = try IDMCImporter.newDisplacements(from: SharedData.path("idmc-displacement"))
        let table = result.table
        #expect(table.columnNames == IDMCImporter.columns)
        #expect(table.columnTypes == [.string, .int, .string, .string, .string, .int])
        #expect(table.rowCount == 4_071)
        #expect(try table.sorted(by: ["iso3", "year", "cause"]) == table)
        #expect(result.report.explicitKeyRows("AB9 (Abyei Area)") == 11)
        var byGroup: [String: Int] = [:]
        let years = intCells(table, "year"), groups = stringCells(table, "hazard_group"), counts = intCells(table, "new_displacements")
        for row in 0..<table.rowCount where years[row] == 2023 {
            byGroup[groups[row] ?? "", default: 0] += counts[row] ?? 0
        }
        #expect(byGroup == ["conflict": 20_470_781, "weather": 20_282_941, "geophysical": 6_114_524])
        #expect(abs(Double(byGroup["weather", default: 0] + byGroup["geophysical", default: 0]) / 1e6 - 26.40) < 0.005)
    }

    @Test("IDMC stocks: end-2024 totals 73,505,209 conflict and 9,847,217 disaster IDPs (SOURCE.md), summed over sex and age")
    func idmcStocks() throws {
        try SharedData.require()
        let result = try IDMCStockImporter.idpStocks(from: SharedData.path("idmc-displacement"))
        let table = result.table
        #expect(table.columnNames == IDMCStockImporter.columns)
        #expect(table.columnTypes == [.string, .int, .string, .int])
        #expect(table.rowCount == 155)
        #expect(try table.sorted(by: ["iso3", "year", "cause"]) == table)
        var byCause: [String: Int] = [:]
        let causes = stringCells(table, "cause"), counts = intCells(table, "idps")
        for row in 0..<table.rowCount { byCause[causes[row] ?? "", default: 0] += counts[row] ?? 0 }
        #expect(byCause == ["conflict": 73_505_209, "disaster": 9_847_217])
        // Afghanistan: every sex × age row, the unknown ones included.
        let afg = onlyRow(table, where: [("iso3", .string("AFG")), ("cause", .string("disaster"))])
        #expect(afg.flatMap { table["idps"]?[$0] } == .int(1_270_301))
    }

    @Test("WPP: variants, SOURCE.md checks (AFG 41,455k → 43,250k; DEU 84,548k), catalog selection")
    func wpp() throws {
        try SharedData.require()
        let all = try WPPImporter.populationAndMigration(from: SharedData.path("population-wpp2024"))
        #expect(all.table.columnNames == WPPImporter.columns)
        #expect(all.table.columnTypes == [.string, .int, .string, .double, .double])
        #expect(all.table.rowCount == 144_742)
        #expect(all.report.leftOutRows("projection_medium rows without a low value") == 0)
        let table = all.table
        func value(_ iso: String, _ year: Int, _ variant: WPPVariant, _ column: String) -> CellValue? {
            onlyRow(table, where: [("iso3", .string(iso)), ("year", .int(year)), ("variant", .string(variant.rawValue))])
                .flatMap { table[column]?[$0] }
        }
        #expect(value("AFG", 2023, .estimate, "population_thousands") == .double(41_454.763))
        #expect(value("AFG", 2023, .estimate, "net_migration_thousands") == .double(-48.958))
        #expect(value("AFG", 2024, .medium, "population_thousands") == .double(43_250.33))
        #expect(value("AFG", 2024, .low, "population_thousands") == .double(43_174.704))
        #expect(value("AFG", 2024, .high, "population_thousands") == .double(43_325.955))
        #expect(value("AFG", 2024, .low, "net_migration_thousands") == nil)
        #expect(value("AFG", 2100, .pi95Lower, "population_thousands") == .double(44_255.201))
        #expect(value("AFG", 2100, .pi95Upper, "population_thousands") == .double(405_884.395))
        #expect(value("DEU", 2023, .estimate, "population_thousands") == .double(84_548.235))
        #expect(value("AFG", 2023, .medium, "population_thousands") == nil)

        let catalog = try WPPImporter.populationAndMigration(
            from: SharedData.path("population-wpp2024"), years: 1990...2100, variants: [.estimate, .medium, .low, .high])
        #expect(catalog.table.rowCount == 62_574)
        #expect(Set(stringCells(catalog.table, "variant")) == ["estimate", "medium", "low", "high"])
    }

    @Test("ERA5: NIAID regions left out and counted, World and Kosovo recoded")
    func era5() throws {
        try SharedData.require()
        let result = try ERA5Importer.temperatureAnomalies(from: SharedData.path("climate-country-temperature"))
        let table = result.table
        #expect(table.columnNames == ERA5Importer.columns)
        #expect(table.rowCount == 16_575)
        #expect(result.report.leftOutRows("regions without a country code (OWID's NIAID continents and oceans)") == 1_530)
        #expect(result.report.recoded == [ImportReport.Count("OWID_KOS → XKX", 85), ImportReport.Count("OWID_WRL → WLD", 85)])
        #expect(!stringCells(table, "iso3").contains { $0?.hasPrefix("OWID") ?? true })
        let world = try #require(onlyRow(table, where: [("iso3", .string("WLD")), ("year", .int(2024))]))
        #expect(table["temperature_anomaly_c"]?[world] == .double(0.71951944))
        let kosovo = try #require(onlyRow(table, where: [("iso3", .string("XKX")), ("year", .int(2024))]))
        #expect(table["temperature_anomaly_c"]?[kosovo] == .double(1.6777693))
        #expect(try table.sorted(by: ["iso3", "year"]) == table)
    }

    @Test("SSP: all six scenarios with the 5–95 % range")
    func ssp() throws {
        try SharedData.require()
        let table = try SSPImporter.warmingPathways(from: SharedData.path("ssp-temperature-pathways")).table
        #expect(table.columnNames == SSPImporter.columns)
        #expect(table.rowCount == 490)
        #expect(Set(stringCells(table, "scenario")) == ["historical", "SSP1-1.9", "SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP5-8.5"])
        let row = try #require(onlyRow(table, where: [("scenario", .string("SSP5-8.5")), ("year", .int(2099))]))
        #expect(table["warming_mean_c"]?[row] == .double(4.734679405))
        #expect(table["warming_p05_c"]?[row] == .double(3.556015743))
        #expect(table["warming_p95_c"]?[row] == .double(6.219620642))
    }

    @Test("CEPII: old codes recoded to current ISO, former entities kept and counted")
    func cepii() throws {
        try SharedData.require()
        let result = try CEPIIImporter.distances(from: SharedData.path("gravity-geodist"))
        let table = result.table
        #expect(table.columnNames == CEPIIImporter.columns)
        #expect(table.rowCount == 50_176)
        #expect(result.report.recoded.count == 8)
        #expect(result.report.recoded.allSatisfy { $0.rows == 224 })
        #expect(result.report.explicitKeyRows("origin YUG (Serbia and Montenegro (former))") == 224)
        let row = try #require(onlyRow(table, where: [("origin_iso3", .string("ROU")), ("dest_iso3", .string("FRA"))]))
        #expect(table["dist_km"]?[row] == .double(1_875.02))
        #expect(!stringCells(table, "origin_iso3").contains("ROM"))
        #expect(table["distw_km"]?.missingCount == 2_215)
        #expect(try table.sorted(by: ["origin_iso3", "dest_iso3"]) == table)
    }

    @Test("UN DESA: sexes summed; totals 304.0 M (2024) and 275.3 M (2020) as in SOURCE.md; OOO kept")
    func undesa() throws {
        try SharedData.require()
        let result = try UNDESAImporter.migrantStocks(from: SharedData.path("migrant-stock-undesa"))
        let table = result.table
        #expect(table.columnNames == UNDESAImporter.columns)
        #expect(table.rowCount == 76_648)
        #expect(result.report.explicitKeyRows("origin OOO (other or unknown origin)") == 3_728)
        var byYear: [Int: Int] = [:]
        for (year, stock) in zip(intCells(table, "year"), intCells(table, "migrant_stock")) {
            byYear[year ?? 0, default: 0] += stock ?? 0
        }
        #expect(byYear[2024] == 304_021_813)
        #expect(byYear[2020] == 275_284_032)
        let female = intCells(table, "migrant_stock_female"), male = intCells(table, "migrant_stock_male")
        #expect(zip(intCells(table, "migrant_stock"), zip(female, male)).allSatisfy { $0 == ($1.0 ?? 0) + ($1.1 ?? 0) })
    }
}
