import Foundation
import Testing
@testable import MigrationReports
import MigrationScenarios

/// Issue 17 item 6: the readers of a run's files map `geography_level` and `category` to
/// `GeographyLevel` and `ProjectionCategory`; an unknown name is an error naming the file, the
/// line, the column and the value.
@Suite("Run files: unknown geography levels and categories")
struct ReportUnknownNameTests {
    /// A minimal run folder; `level` and `category` are the second row's cells of
    /// projections.csv, `contrasts` is written to contrasts.csv unless nil.
    static func runFolder(level: String = "world", category: String = "displaced_stock", contrasts: String? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let header = "scenario,geography_level,geography,category,year,mean,p05,p10,p50,p90,p95\n"
        let rows = "baseline,world,World,displaced_stock,2030,1,1,1,1,1,1\nbaseline,\(level),World,\(category),2031,2,2,2,2,2,2\n"
        try (header + rows).write(to: dir.appendingPathComponent("projections.csv"), atomically: true, encoding: .utf8)
        try "geography,year,observed,fitted\nWorld,2020,1,1\n".write(to: dir.appendingPathComponent("in_sample_fit.csv"), atomically: true, encoding: .utf8)
        try "model,term,estimate,std_error,statistic,p_value,conf_low,conf_high\nm,x,1,0.1,10,0,0.8,1.2\n".write(to: dir.appendingPathComponent("coefficients.csv"), atomically: true, encoding: .utf8)
        try "{}".write(to: dir.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        if let contrasts { try contrasts.write(to: dir.appendingPathComponent("contrasts.csv"), atomically: true, encoding: .utf8) }
        return dir
    }

    /// The `ReportError.unknownName` of building the report of `dir`, nil when it builds.
    static func unknownName(_ dir: URL) throws -> (file: String, line: Int, column: String, value: String, message: String)? {
        do {
            _ = try HTMLReport.build(directory: dir)
            return nil
        } catch let e as HTMLReport.ReportError {
            guard case let .unknownName(file, line, column, value, _) = e else { throw e }
            return (file, line, column, value, e.description)
        }
    }

    @Test("the names migkit writes are read back as enums")
    func knownNames() throws {
        let dir = try Self.runFolder(level: "un_region", category: "exits")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Self.unknownName(dir) == nil)
        let t = try HTMLReport.read(dir, "projections.csv")
        #expect(try HTMLReport.names(t, "geography_level", "projections.csv", GeographyLevel.self) == [.world, .unRegion])
        #expect(try HTMLReport.names(t, "category", "projections.csv", ProjectionCategory.self) == [.displaced, .exits])
    }

    @Test("an unknown level or category in projections.csv names the file, line, column and value",
          arguments: [("continent", "displaced_stock", "geography_level"), ("world", "displaced_stok", "category"), ("", "displaced_stock", "geography_level")])
    func unknownInProjections(level: String, category: String, column: String) throws {
        let dir = try Self.runFolder(level: level, category: category)
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(try Self.unknownName(dir))
        let value = column == "category" ? category : level
        #expect(e.file == "projections.csv" && e.line == 3 && e.column == column && e.value == value)
        #expect(e.message.contains("line 3") && e.message.contains("'\(value)'"), "\(e.message)")
        #expect(e.message.contains(column == "category" ? "displaced_stock" : "unhcr_region"), "\(e.message)")
    }

    @Test("an unknown category in contrasts.csv names the file, line and value")
    func unknownInContrasts() throws {
        let contrasts = "scenario,reference,geography_level,geography,category,year,p05,p50,p95,share_positive\n"
            + "baseline,baseline,world,World,displaced_stock,2030,0,0,0,0.5\nbaseline,baseline,world,World,refugees,2031,0,0,0,0.5\n"
        let dir = try Self.runFolder(contrasts: contrasts)
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(try Self.unknownName(dir))
        #expect(e.file == "contrasts.csv" && e.line == 3 && e.column == "category" && e.value == "refugees")
    }

    @Test("a shard manifest whose layout names an unknown category is refused naming the value")
    func unknownInShardLayout() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shard-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout: [String: Any] = [
            "scenarios": ["a"], "referenceIndex": 0, "years": [2025], "countries": ["AFG"], "countryCategories": ["displaced_stock"],
            "aggregates": [["level": "world", "name": "World", "categories": ["displaced_stock", "refugee_stock"]]],
            "firstDraw": 0, "drawCount": 1, "blocks": 1,
        ]
        let manifest: [String: Any] = [
            "format": "migkit-projection-shard", "format_version": ProjectionShards.formatVersion, "migrationkit_version": "test",
            "shard": 1, "shards": 1, "seed": "1", "draws": 1, "horizon": 2025, "first_draw": 0, "draw_count": 1,
            "scenario_file": "s.toml", "scenario_text": "", "scenario_hash": "0", "data_hash": "0", "layout_hash": "0", "values_hash": "0",
            "layout": layout,
        ]
        try JSONSerialization.data(withJSONObject: manifest).write(to: dir.appendingPathComponent("shard.json"))
        do {
            _ = try ProjectionShards.ShardManifest(folder: dir.path)
            Issue.record("expected an error for the unknown category")
        } catch let e as ProjectionRun.RunError {
            #expect(e.description.contains("\"refugee_stock\"") && e.description.contains("shard.json"), "\(e.description)")
        }
    }
}
