import Foundation
import Testing

@Suite("migkit report end to end")
struct ReportCommandTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The report's world chart plots exactly the medians of projections.csv.
    @Test func chartsPlotTheCSVValues() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-report-\(UUID().uuidString)")
        let r = try MigkitRunner.run(["project", "--data-dir", Self.repoRoot.appendingPathComponent("data").path,
                                      "--draws", "20", "--horizon", "2030", "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!html.contains("<script"))
        #expect(html.contains("UNHCR Refugee Population Statistics Database"))
        let svg = try String(contentsOf: out.appendingPathComponent("charts/world_scenarios.svg"), encoding: .utf8)
        // projections.csv: world displaced_stock p50 per scenario and year.
        let csv = try String(contentsOf: out.appendingPathComponent("projections.csv"), encoding: .utf8).split(separator: "\n")
        var medians: [String: Double] = [:]
        for line in csv.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f[1] == "world" && f[4] == "displaced_stock" { medians["\(f[0]) \(f[5])"] = Double(f[9]) }
        }
        #expect(!medians.isEmpty)
        let pattern = #/data-series="([^"]+)" data-year="(\d+)" data-value="([^"]+)"/#
        var checked = 0
        for m in svg.matches(of: pattern) where m.1 != "Observed" {
            let key = "\(m.1) \(m.2)"
            #expect(medians[key] == Double(m.3), "\(key)")
            checked += 1
        }
        #expect(checked == medians.count)
        // The coefficient plot shows coefficients.csv.
        let plot = try String(contentsOf: out.appendingPathComponent("charts/coefficients.svg"), encoding: .utf8)
        let coefLines = try String(contentsOf: out.appendingPathComponent("coefficients.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let estimates = plot.matches(of: #/data-term="([^"]+)" data-estimate="([^"]+)"/#).map { (String($0.1), Double($0.2)) }
        #expect(estimates.count == coefLines.count)
        for (line, (term, estimate)) in zip(coefLines, estimates) {
            let f = line.split(separator: ",")
            #expect(term == "\(f[0]): \(f[1])")
            #expect(estimate == Double(f[2]))
        }
    }

    @Test func missingRunFolderIsAClearError() throws {
        let r = try MigkitRunner.run(["report", "/nonexistent/run"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent/run/manifest.json: not found — the folder does not hold a complete run"))
    }
}

@Suite("migkit report: scenario names that look like numbers or missing values")
struct ReportScenarioNameTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Scenarios named 2030, NA, - and 1.5 are read back as names: the run's report is written
    /// and `migkit report` can read the run again.
    @Test func numericAndMissingLookingNames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var toml = "[run]\ndraws = 5\nhorizon = 2026\n"
        for n in ["2030", "NA", "-", "1.5"] { toml += "[[scenario]]\nname = \"\(n)\"\npathway = \"SSP2-4.5\"\n" }
        let file = dir.appendingPathComponent("names.toml")
        try toml.write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let p = try MigkitRunner.run(["project", file.path, "--data-dir", Self.repoRoot.appendingPathComponent("data").path, "-o", out.path])
        #expect(p.status == 0, "\(p.stderr)")
        let r = try MigkitRunner.run(["report", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("2030") && html.contains("1.5") && html.contains("NA"))
    }
}
