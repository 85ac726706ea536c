import Foundation
import Testing
@testable import MigrationData

/// The UNHCR displacement panel and the country registry on the real files in
/// ../shared/data/unhcr. Reference values: `Tests/Fixtures/importers/importer_reference.py`
/// (Python's csv module) and the global totals printed in ../shared/data/unhcr/SOURCE.md.
/// Data: UNHCR Refugee Population Statistics Database, https://www.unhcr.org/refugee-statistics/
/// (CC BY 4.0).
@Suite("Importer: UNHCR displacement panel", .needsSharedData)
struct ImporterUNHCRTests {
    /// All years (1951–2025), imported once for the suite.
    static let all = Result { () throws(ImportError) -> ImportResult in
        try UNHCRImporter.displacementPanel(from: SharedData.path("unhcr"))
    }

    static func panel() throws -> ImportResult {
        try SharedData.require()
        return try all.get()
    }

    @Test("global forcibly displaced totals match SOURCE.md: 107.2, 117.6, 124.7 M (±0.1 M)")
    func globalTotals() throws {
        let table = try Self.panel().table
        let years = intCells(table, "year")
        let displaced = intCells(table, "forcibly_displaced")
        var byYear: [Int: Int] = [:]
        for (year, value) in zip(years, displaced) {
            if let year, let value { byYear[year, default: 0] += value }
        }
        for (year, millions) in [(2022, 107.2), (2023, 117.6), (2024, 124.7)] {
            let total = Double(byYear[year] ?? 0) / 1e6
            #expect(abs(total - millions) <= 0.1, "\(year): \(total) M, SOURCE.md says \(millions) M")
        }
        // Exact sums from importer_reference.py (UNK, stateless and all other origins included).
        #expect(byYear[2022] == 107_222_587)
        #expect(byYear[2023] == 117_552_287)
        #expect(byYear[2024] == 124_673_873)
        #expect(byYear[2025] == 119_254_738)
    }

    @Test("columns, types, row count and sort order")
    func shape() throws {
        let result = try Self.panel()
        let table = result.table
        #expect(table.columnNames == UNHCRImporter.columns)
        #expect(table.columnTypes == [.string] + Array(repeating: ColumnType.int, count: UNHCRImporter.columns.count - 1))
        #expect(table.rowCount == 8_793)
        #expect(result.report.outputRows == 8_793)
        #expect(try table.sorted(by: ["iso3", "year"]) == table)
        #expect(result.report.sourceRows.map(\.rows) == [138_893, 934, 296, 105_868, 21_258])
        #expect(result.report.leftOut.isEmpty)
    }

    @Test("Unknown, stateless, Tibetan and Abyei origins are explicit rows, counted per file")
    func explicitKeys() throws {
        let result = try Self.panel()
        let report = result.report
        #expect(report.explicitKeyRows("population.csv origin UNK (Unknown)") == 3_552)
        #expect(report.explicitKeyRows("population.csv origin XXA (Stateless)") == 2_065)
        #expect(report.explicitKeyRows("population.csv origin TIB (Tibetan)") == 146)
        #expect(report.explicitKeyRows("idmc.csv origin UNK (Unknown)") == 22)
        #expect(report.explicitKeyRows("idmc.csv origin AB9 (Abyei Area)") == 12)
        #expect(report.explicitKeyRows("flows.csv origin UNK (Unknown)") == 1_512)
        #expect(report.explicitKeyRows("flows.csv origin XXA (Stateless)") == 814)
        #expect(report.explicitKeyRows("solutions.csv origin UNK (Unknown)") == 597)
        // The 2025.12.1 files have no "Various" rows; none may appear from nowhere.
        #expect(!report.explicitKeys.contains { $0.what.contains("VAR") })

        let table = result.table
        let codes = stringCells(table, "iso3")
        #expect(codes.filter { $0 == "UNK" }.count == 75)
        #expect(report.explicitKeyRows("output origin UNK (Unknown)") == 75)
        // Never the UNHCR or countries.csv spellings of Unknown / Stateless.
        #expect(!codes.contains("UKN") && !codes.contains("XXX") && !codes.contains("STA"))
        let unk2024 = try #require(onlyRow(table, where: [("iso3", .string("UNK")), ("year", .int(2024))]))
        #expect(table["forcibly_displaced"]?[unk2024] == .int(254_406))
        let unk1990 = try #require(onlyRow(table, where: [("iso3", .string("UNK")), ("year", .int(1990))]))
        #expect(table["idps_conflict"]?[unk1990] == .int(21_300_000))
    }

    @Test("one origin-year: Syria 2024 from all five files; Palestine's UNRWA refugees")
    func syria2024() throws {
        let table = try Self.panel().table
        let row = try #require(onlyRow(table, where: [("iso3", .string("SYR")), ("year", .int(2024))]))
        let expected: [(String, Int?)] = [
            ("is_midyear", 0), ("refugees", 5_952_174), ("asylum_seekers", 167_334), ("oip", nil),
            ("idps_conflict", 7_409_000), ("unrwa_refugees", nil), ("forcibly_displaced", 5_952_174 + 167_334 + 7_409_000),
            ("arrivals_refugees", 127_163), ("new_asylum_applications", 164_819), ("refugee_like_flow", 523),
            ("oip_flow", nil), ("returned_refugees", 512_718), ("resettlement", 25_532), ("naturalisation", 17_595),
            ("returned_idps", 513_896),
        ]
        for (column, value) in expected {
            #expect(table[column]?[row] == value.map(CellValue.int), "\(column)")
        }
        let palestine = try #require(onlyRow(table, where: [("iso3", .string("PSE")), ("year", .int(2024))]))
        #expect(table["unrwa_refugees"]?[palestine] == .int(5_914_401))
    }

    @Test("2025 (the last year) is flagged mid-year, and only 2025")
    func midYear() throws {
        let table = try Self.panel().table
        for (year, flag) in zip(intCells(table, "year"), intCells(table, "is_midyear")) {
            #expect(flag == (year == 2025 ? 1 : 0))
        }
    }

    @Test("a year range keeps those years and counts the rest as left out")
    func yearRange() throws {
        try SharedData.require()
        let result = try UNHCRImporter.displacementPanel(from: SharedData.path("unhcr"), years: 1990...2025)
        #expect(result.table.rowCount == 6_809)
        #expect(intCells(result.table, "year").allSatisfy { (1990...2025).contains($0 ?? 0) })
        #expect(result.report.explicitKeyRows("population.csv origin UNK (Unknown)") == 2_104)
        #expect(result.report.explicitKeyRows("flows.csv origin UNK (Unknown)") == 1_138)
        #expect(result.report.leftOutRows("population.csv rows outside 1990–2025") == 4_600)
        #expect(result.report.leftOutRows("idmc.csv rows outside 1990–2025") == 0)
        #expect(result.report.leftOutRows("unrwa.csv rows outside 1990–2025") == 151)
        #expect(result.report.leftOutRows("flows.csv rows outside 1990–2025") == 6_479)
        #expect(result.report.leftOutRows("solutions.csv rows outside 1990–2025") == 1_439)
    }

    @Test("the registry maps UNHCR codes to ISO3, including codes that collide with other ISO codes")
    func registry() throws {
        try SharedData.require()
        let registry = try CountryRegistry.load(from: SharedData.path("unhcr"))
        #expect(registry.entries.count == 234)
        #expect(registry.entry(unhcrCode: "AUS")?.iso3 == "AUT")  // UNHCR AUS is Austria
        #expect(registry.entry(unhcrCode: "AUL")?.iso3 == "AUS")
        #expect(registry.entry(unhcrCode: "GFR")?.iso3 == "DEU")
        #expect(registry.entry(unhcrCode: "UKN")?.iso3 == "UNK")
        #expect(registry.entry(unhcrCode: "UKN")?.kind == .unknown)
        #expect(registry.entry(unhcrCode: "STA")?.iso3 == "XXA")
        #expect(registry.entry(unhcrCode: "VAR")?.kind == .various)
        #expect(registry.entry(iso3: "XXX")?.iso3 == "UNK")
        #expect(registry.entry(iso3: "STA")?.kind == .stateless)
        let sudan = try #require(registry.entry(iso3: "SDN"))
        #expect(sudan.unhcrCode == "SUD")
        #expect(sudan.unhcrRegion == "Eastern and Southern Africa")
        #expect(sudan.unRegion == "Africa")
        #expect(sudan.unSubregion == "Northern Africa")
        #expect(registry.entries.filter { $0.kind == .country }.count == 227)
    }
}
