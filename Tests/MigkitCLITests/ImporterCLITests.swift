import Foundation
import Testing

/// `migkit data list` and `migkit data import`, run as a user runs them.
@Suite("Importer CLI: migkit data")
struct ImporterCLITests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sharedData = repositoryRoot.appendingPathComponent("../shared/data").standardizedFileURL
    static let available = FileManager.default.fileExists(atPath: sharedData.appendingPathComponent("unhcr/population.csv").path)
    static let onCI = ProcessInfo.processInfo.environment["CI"] == "true"

    @Test("data list names every shipped file with licence and command")
    func list() throws {
        let result = try MigkitRunner.run(["data", "list", "--data-dir", Self.repositoryRoot.appendingPathComponent("data").path])
        #expect(result.status == 0, "\(result.stderr)")
        for file in ["displacement_panel.csv", "population_wpp2024.csv", "temperature_era5.csv", "ssp_warming_ar6.csv",
                     "new_displacements_idmc.csv", "countries.csv", "idmc_idp_stocks_2024.csv", "climate_response.csv",
                     "ar6_assessed_warming.csv"] {
            #expect(result.stdout.contains(file))
        }
        #expect(result.stdout.contains("CC BY 4.0"))
        #expect(result.stdout.contains("migkit data import unhcr --from ../shared/data/unhcr --years 1990-2025 -o data/displacement_panel.csv"))
        #expect(!result.stdout.contains("missing in"))

        let csv = try MigkitRunner.run(["data", "list", "--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("file,source,coverage,licence,attribution,summary,command\n"))
    }

    @Test("data import validates its arguments before any work")
    func validation() throws {
        let unknown = try MigkitRunner.run(["data", "import", "nope", "--from", "x", "-o", "-"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown source 'nope'"))
        let years = try MigkitRunner.run(["data", "import", "cepii", "--from", "x", "--years", "2000-2010", "-o", "-"])
        #expect(years.status != 0)
        #expect(years.stderr.contains("--years does not apply"))
        let badRange = try MigkitRunner.run(["data", "import", "unhcr", "--from", "x", "--years", "2025-1990", "-o", "-"])
        #expect(badRange.status != 0)
        let variants = try MigkitRunner.run(["data", "import", "wpp", "--from", "x", "--variants", "zero-migration", "-o", "-"])
        #expect(variants.status != 0)
        #expect(variants.stderr.contains("unknown WPP variant"))
        let missing = try MigkitRunner.run(["data", "import", "unhcr", "--from", "/nonexistent/unhcr", "-o", "-"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/unhcr"))
    }

    @Test("data import unhcr writes the panel and reports the Unknown rows",
          .enabled(if: available || onCI, "skipped: ../shared/data is absent (set CI=true to make this a failure)"))
    func importUNHCR() throws {
        try #require(Self.available, "../shared/data is missing; CI must provide it beside the repository")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("panel.csv").path
        let result = try MigkitRunner.run([
            "data", "import", "unhcr", "--from", Self.sharedData.appendingPathComponent("unhcr").path,
            "--years", "2024", "-o", output,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("origin UNK (Unknown)"))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.hasPrefix("iso3,year,is_midyear,refugees,asylum_seekers,oip,idps_conflict,unrwa_refugees,forcibly_displaced,"))
        var total = 0
        for line in text.split(separator: "\n").dropFirst() {
            total += Int(line.split(separator: ",", omittingEmptySubsequences: false)[8]) ?? 0
        }
        #expect(total == 124_673_873)
    }
}
