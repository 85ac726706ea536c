import Foundation
import Testing
@testable import MigrationData

/// Places are named with one standard: UN M49 English names in UTF-8, never padded.
@Suite("Country names: UN M49, UTF-8, trimmed")
struct M49NamesTests {
    static func shippedNames() throws -> [String: String] {
        let table = try CSVReader.readTable(path: SharedData.repositoryData.appendingPathComponent("countries.csv").path)
        let iso = try #require(table["iso3"]?.labels()), names = try #require(table["name"]?.labels())
        var out: [String: String] = [:]
        for (k, v) in zip(iso, names) { if let k, let v { out[k] = v } }
        return out
    }

    @Test("data/countries.csv spells Côte d'Ivoire, Curaçao, Türkiye and Réunion as M49 does")
    func shippedSpellings() throws {
        let names = try Self.shippedNames()
        #expect(names["CIV"] == "Côte d'Ivoire")
        #expect(names["CUW"] == "Curaçao")
        #expect(names["TUR"] == "Türkiye")
        #expect(names["REU"] == "Réunion")
        #expect(names["COD"] == "Democratic Republic of the Congo")
        #expect(names["SYR"] == "Syrian Arab Republic")
    }

    @Test("no name in data/countries.csv has leading or trailing white space, and none is an abbreviation")
    func shippedTrimmed() throws {
        let names = try Self.shippedNames()
        #expect(names.count > 200)
        let padded = names.values.filter { $0 != M49Names.trimmed($0) || $0.isEmpty }.sorted()
        #expect(padded.isEmpty, "padded names: \(padded)")
        let abbreviated = names.values.filter { $0.contains("Rep.") || $0.contains("Dem.") || $0.hasSuffix(" SAR") }.sorted()
        #expect(abbreviated.isEmpty, "abbreviated names: \(abbreviated)")
    }

    @Test("the importer replaces UNHCR's names and trims the rest")
    func importerApplies() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.url.appendingPathComponent("countries.csv").path
        try Data("""
        iso_code,unhcr_code,name,unhcr_region,unsd_region,unsd_subregion
        CUW,CUW,Curacao ,The Americas,Americas,Latin America and the Caribbean
        CIV,ICO,Cote d'Ivoire,West and Central Africa,Africa,Sub-Saharan Africa
        FRA,FRA,\u{00A0}France\t,Europe,Europe,Western Europe

        """.utf8).write(to: URL(fileURLWithPath: path))
        let registry = try CountryRegistry.load(from: path)
        #expect(registry.entry(iso3: "CUW")?.name == "Curaçao")
        #expect(registry.entry(iso3: "CIV")?.name == "Côte d'Ivoire")
        #expect(registry.entry(iso3: "FRA")?.name == "France")
    }
}
