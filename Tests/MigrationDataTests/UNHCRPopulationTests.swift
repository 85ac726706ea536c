import Foundation
import Testing
@testable import MigrationData

/// Reads the real UNHCR population file from `../shared/data` beside the repository. Reference
/// values come from `Tests/Fixtures/csv/unhcr_population_reference.py` (Python's csv module).
/// Data: UNHCR Refugee Population Statistics Database, https://www.unhcr.org/refugee-statistics/
/// (CC BY 4.0).
@Suite("UNHCR population.csv")
struct UNHCRPopulationTests {
    static let path = TestPaths.repositoryRoot
        .appendingPathComponent("../shared/data/unhcr/population.csv").standardizedFileURL.path
    static let available = FileManager.default.fileExists(atPath: path)
    static let onCI = ProcessInfo.processInfo.environment["CI"] == "true"

    @Test(
        "reads all 138,893 rows with the expected types and values",
        .enabled(if: available || onCI, "skipped: ../shared/data/unhcr/population.csv is absent (set CI=true to make this a failure)")
    )
    func readPopulation() throws {
        try #require(Self.available, "\(Self.path) is missing; CI must provide ../shared/data beside the repository")
        let table = try CSVReader.readTable(path: Self.path)
        #expect(table.rowCount == 138_893)
        #expect(table.columnNames == [
            "year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso", "refugees", "asylum_seekers",
            "returned_refugees", "idps", "returned_idps", "stateless", "ooc", "oip", "hst",
        ])
        #expect(table.columnTypes == [.int, .string, .string, .string, .string, .string, .string,
                                      .int, .int, .int, .int, .int, .int, .int, .int, .int])
        let first = table.row(0)
        #expect(try first.int("year") == 1951)
        #expect(try first.string("coa_name") == "Australia")
        #expect(try first.int("refugees") == 180_000)
        #expect(try first.int("oip") == nil)
        let last = table.row(table.rowCount - 1)
        #expect(try last.string("coo_name") == "Ukraine")
        #expect(try last.int("returned_refugees") == 12_000)

        #expect(table["oip"]?.missingCount == 138_738)
        let totals = try table.grouped(by: [], aggregating: [.sum("asylum_seekers"), .sum("oip")])
        #expect(totals["asylum_seekers"] == .int([76_117_890]))
        #expect(totals["oip"] == .int([38_469_334]))
        let byYear = try table.filter { try $0.int("year") == 2024 }.grouped(by: ["year"], aggregating: [.sum("refugees")])
        #expect(byYear["refugees"] == .int([30_958_200]))
        let withComma = try table.filter { try $0.string("coa_name")?.contains(",") == true }
        #expect(withComma.rowCount == 620)
        let origins = try table.grouped(by: ["coo_iso"], aggregating: [.count()])
        #expect(origins.rowCount == 217)
    }

    @Test(
        "every UNHCR file reads and writes back byte for byte",
        .enabled(if: available || onCI, "skipped: ../shared/data/unhcr is absent (set CI=true to make this a failure)")
    )
    func byteForByteRoundTrip() throws {
        try #require(Self.available, "\(Self.path) is missing; CI must provide ../shared/data beside the repository")
        let folder = URL(fileURLWithPath: Self.path).deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(files.count >= 9)
        for file in files {
            let path = folder.appendingPathComponent(file).path
            let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let table = try CSVReader.readTable(path: path)
            #expect(try CSVWriter.encode(table) == original, "\(file)")
        }
    }

    @Test(
        "streams the file in chunks to the same table",
        .enabled(if: available || onCI, "skipped: ../shared/data/unhcr/population.csv is absent (set CI=true to make this a failure)")
    )
    func streamPopulation() throws {
        try #require(Self.available, "\(Self.path) is missing; CI must provide ../shared/data beside the repository")
        let full = try CSVReader.readTable(path: Self.path)
        var options = CSVReadOptions(columnTypes: Dictionary(uniqueKeysWithValues: zip(full.columnNames, full.columnTypes)))
        options.readSize = 1 << 16
        let reader = try CSVReader(path: Self.path, options: options)
        var combined = Table()
        while let chunk = try reader.nextChunk(maxRows: 20_000) {
            combined = try combined.appendingRows(of: chunk)
        }
        #expect(combined == full)
    }
}
