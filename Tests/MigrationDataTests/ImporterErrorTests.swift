import Foundation
import Testing
@testable import MigrationData

/// The importers on small hand-written folders: the panel rules (missing is not zero, explicit
/// Unknown rows, the forcibly-displaced sum, the mid-year flag) and typed errors that name the
/// file and the problem for bad input. No shared data needed.
@Suite("Importer: rules and errors on small files")
struct ImporterErrorTests {
    static let header = "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso"

    /// A minimal UNHCR folder; `replace` swaps a file's text.
    static func unhcrFolder(_ folder: TemporaryFolder, replace: [String: String] = [:]) throws -> String {
        var files = [
            "countries.csv": """
                iso_code,unhcr_code,name,unhcr_region,unsd_region,unsd_subregion,unsd_imregion
                AUT,AUS,Austria,Europe,Europe,Western Europe,
                SYR,SYR,Syrian Arab Rep.,Middle East and North Africa,Asia,Western Asia,
                PSE,GAZ,State of Palestine,Middle East and North Africa,Asia,Western Asia,
                XXX,UKN,Unknown,,,,
                XXA,STA,Stateless,,,,
                """,
            "population.csv": """
                \(header),refugees,asylum_seekers,returned_refugees,idps,returned_idps,stateless,ooc,oip,hst
                2023,Syrian Arab Rep.,SYR,SYR,Austria,AUS,AUT,100,10,0,0,0,0,0,,0
                2023,Unknown,UKN,UNK,Austria,AUS,AUT,7,0,0,0,0,0,0,,0
                2024,Syrian Arab Rep.,SYR,SYR,Austria,AUS,AUT,90,20,0,0,0,0,0,5,0
                2024,Stateless,STA,XXA,Austria,AUS,AUT,3,0,0,0,0,4,0,,0
                """,
            "idmc.csv": "\(header),total\n2024,Syrian Arab Rep.,SYR,SYR,Syrian Arab Rep.,SYR,SYR,1000\n",
            "unrwa.csv": "\(header),total\n2024,Palestinian,GAZ,PSE,State of Palestine,GAZ,PSE,50\n",
            "flows.csv": "\(header),refugees,asylum_seekers,refugee_like,oip\n2024,Syrian Arab Rep.,SYR,SYR,Austria,AUS,AUT,4,,,\n",
            "solutions.csv": "\(header),returned_refugees,resettlement,naturalisation,returned_idps\n2022,Syrian Arab Rep.,SYR,SYR,Austria,AUS,AUT,1,,,\n",
        ]
        for (name, text) in replace { files[name] = text }
        for (name, text) in files {
            try (text.hasSuffix("\n") ? text : text + "\n").write(toFile: folder.path(name), atomically: true, encoding: .utf8)
        }
        return folder.url.path
    }

    static func expectImportError(
        _ body: () throws(ImportError) -> ImportResult, sourceLocation: SourceLocation = #_sourceLocation
    ) -> ImportError? {
        do {
            let result = try body()
            Issue.record("expected an ImportError, got \(result.table.rowCount) rows", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test("panel rules: sums over asylum countries, missing is not zero, Unknown and Stateless kept")
    func panelRules() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let result = try UNHCRImporter.displacementPanel(from: try Self.unhcrFolder(folder))
        let table = result.table
        #expect(stringCells(table, "iso3") == ["PSE", "SYR", "SYR", "SYR", "UNK", "XXA"])
        #expect(intCells(table, "year") == [2024, 2022, 2023, 2024, 2023, 2024])
        #expect(intCells(table, "is_midyear") == [1, 0, 0, 1, 0, 1])
        #expect(intCells(table, "refugees") == [nil, nil, 100, 90, 7, 3])
        #expect(intCells(table, "oip") == [nil, nil, nil, 5, nil, nil])
        #expect(intCells(table, "idps_conflict") == [nil, nil, nil, 1000, nil, nil])
        #expect(intCells(table, "unrwa_refugees") == [50, nil, nil, nil, nil, nil])
        #expect(intCells(table, "forcibly_displaced") == [50, nil, 110, 1115, 7, 3])
        #expect(intCells(table, "arrivals_refugees") == [nil, nil, nil, 4, nil, nil])
        #expect(intCells(table, "new_asylum_applications") == [nil, nil, nil, nil, nil, nil])
        #expect(intCells(table, "returned_refugees") == [nil, 1, nil, nil, nil, nil])
        #expect(result.report.explicitKeyRows("population.csv origin UNK (Unknown)") == 1)
        #expect(result.report.explicitKeyRows("population.csv origin XXA (Stateless)") == 1)
    }

    @Test("a missing folder, file or column is named in the error")
    func missingPieces() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let missing = Self.expectImportError { () throws(ImportError) in
            try UNHCRImporter.displacementPanel(from: folder.path("nowhere"))
        }
        guard case .missingSourceFile(let missingPath, _, _)? = missing else { Issue.record("got \(String(describing: missing))"); return }
        #expect(missingPath.hasSuffix("nowhere"))

        let path = try Self.unhcrFolder(folder)
        try FileManager.default.removeItem(atPath: folder.path("flows.csv"))
        let noFlows = Self.expectImportError { () throws(ImportError) in try UNHCRImporter.displacementPanel(from: path) }
        #expect(noFlows?.description.contains("flows.csv") == true)
        #expect(noFlows?.description.contains("missing") == true)

        let other = try TemporaryFolder()
        defer { other.cleanUp() }
        let withoutOIP = try Self.unhcrFolder(other, replace: [
            "population.csv": "\(Self.header),refugees,asylum_seekers\n2024,Syrian Arab Rep.,SYR,SYR,Austria,AUS,AUT,1,2\n",
        ])
        let error = Self.expectImportError { () throws(ImportError) in try UNHCRImporter.displacementPanel(from: withoutOIP) }
        guard case .missingColumn(let file, let column, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file.hasSuffix("population.csv"))
        #expect(column == "oip")
        #expect(error?.description.contains("no column \"oip\"") == true)
    }

    @Test("with several required columns missing, the first in the importer's order is named")
    func firstMissingColumnInImporterOrder() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        // SSP asks for scenario, year, gsat_p05_c, gsat_mean_c, gsat_p95_c; scenario comes first
        // although gsat_mean_c sorts before it.
        let ssp = folder.path("ssp.csv")
        try "year,gsat_p05_c,gsat_p95_c\n2020,1.0,1.5\n".write(toFile: ssp, atomically: true, encoding: .utf8)
        let error = Self.expectImportError { () throws(ImportError) in try SSPImporter.warmingPathways(from: ssp) }
        guard case .missingColumn(let file, let column, let header)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == ssp)
        #expect(column == "scenario")
        #expect(header == ["year", "gsat_p05_c", "gsat_p95_c"])
    }

    @Test("an unknown UNHCR code is an error naming the file, row and code")
    func unknownCode() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = try Self.unhcrFolder(folder, replace: [
            "flows.csv": "\(Self.header),refugees,asylum_seekers,refugee_like,oip\n2024,Syrian Arab Rep.,SYR,SYR,Austria,AUS,AUT,4,,,\n2024,Nowhere,ZZZ,ZZZ,Austria,AUS,AUT,1,,,\n",
        ])
        let error = Self.expectImportError { () throws(ImportError) in try UNHCRImporter.displacementPanel(from: path) }
        guard case .unknownCode(let file, let row, let column, let code, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file.hasSuffix("flows.csv") && row == 2 && column == "coo" && code == "ZZZ")
    }

    @Test("a text value in a count column keeps the reader's FILE:LINE:COLUMN message")
    func textInCount() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = try Self.unhcrFolder(folder, replace: [
            "idmc.csv": "\(Self.header),total\n2024,Syrian Arab Rep.,SYR,SYR,Syrian Arab Rep.,SYR,SYR,about 7 million\n",
        ])
        let error = Self.expectImportError { () throws(ImportError) in try UNHCRImporter.displacementPanel(from: path) }
        guard case .csv(let csv)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(csv.location?.line == 2)
        #expect(csv.location?.column == 8)
        #expect(error?.description.contains("idmc.csv:2:8") == true)
    }

    @Test("a negative count, an unknown cause, a duplicated key and an unknown OWID code are typed errors")
    func invalidValues() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let negative = try Self.unhcrFolder(folder, replace: [
            "unrwa.csv": "\(Self.header),total\n2024,Palestinian,GAZ,PSE,State of Palestine,GAZ,PSE,-50\n",
        ])
        let error = Self.expectImportError { () throws(ImportError) in try UNHCRImporter.displacementPanel(from: negative) }
        guard case .invalidValue(_, 1, "total", "-50", _)? = error else { Issue.record("got \(String(describing: error))"); return }

        let idmc = folder.path("idmc.csv")
        try "iso3,year,cause,displacement_type,new_displacements\nAFG,2020,flood,disaster,10\nAFG,2020,meteor,disaster,1\n"
            .write(toFile: idmc, atomically: true, encoding: .utf8)
        let cause = Self.expectImportError { () throws(ImportError) in try IDMCImporter.newDisplacements(from: idmc) }
        guard case .invalidValue(_, 2, "cause", "meteor", _)? = cause else { Issue.record("got \(String(describing: cause))"); return }

        let wpp = folder.path("wpp.csv")
        let columns = "iso3,year,period,pop_medium_thousands,pop_low_thousands,pop_high_thousands,pop_pi80_lower_thousands,pop_pi80_upper_thousands,pop_pi95_lower_thousands,pop_pi95_upper_thousands,net_migration_thousands,net_migration_pi80_lower_thousands,net_migration_pi80_upper_thousands,net_migration_pi95_lower_thousands,net_migration_pi95_upper_thousands"
        try "\(columns)\nAFG,2020,estimate,1,,,,,,,0,,,,\nAFG,2020,estimate,1,,,,,,,0,,,,\n".write(toFile: wpp, atomically: true, encoding: .utf8)
        let duplicate = Self.expectImportError { () throws(ImportError) in try WPPImporter.populationAndMigration(from: wpp) }
        guard case .duplicateKey(_, 2, 1, _)? = duplicate else { Issue.record("got \(String(describing: duplicate))"); return }

        let era5 = folder.path("era5.csv")
        try "Entity,Code,Year,Temperature anomaly\nEurope,OWID_EUR,2020,1.5\n".write(toFile: era5, atomically: true, encoding: .utf8)
        let owid = Self.expectImportError { () throws(ImportError) in try ERA5Importer.temperatureAnomalies(from: era5) }
        guard case .unknownCode(_, 1, "Code", "OWID_EUR", _)? = owid else { Issue.record("got \(String(describing: owid))"); return }
    }

    @Test("parameters a source does not take are refused")
    func invalidRequests() {
        let years = Self.expectImportError { () throws(ImportError) in try DataSource.cepii.importTable(from: "x", years: 2000...2001) }
        guard case .invalidRequest? = years else { Issue.record("got \(String(describing: years))"); return }
        let variants = Self.expectImportError { () throws(ImportError) in try DataSource.unhcr.importTable(from: "x", variants: [.low]) }
        guard case .invalidRequest? = variants else { Issue.record("got \(String(describing: variants))"); return }
    }

    @Test("an empty or header-only file is an error, not a crash")
    func emptyFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let empty = folder.path("ssp.csv")
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let error = Self.expectImportError { () throws(ImportError) in try SSPImporter.warmingPathways(from: empty) }
        guard case .csv(.emptyFile)? = error else { Issue.record("got \(String(describing: error))"); return }
        try "scenario,year,gsat_p05_c,gsat_mean_c,gsat_p95_c\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let headerOnly = try SSPImporter.warmingPathways(from: empty)
        #expect(headerOnly.table.rowCount == 0)
        #expect(headerOnly.table.columnNames == SSPImporter.columns)
    }
}
