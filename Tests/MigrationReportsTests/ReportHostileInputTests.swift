import Foundation
import Testing
@testable import MigrationReports
import MigrationData

/// Issue 15: `migkit report` on a run folder whose CSVs were edited by hand.
@Suite("HTML report: edited run files")
struct ReportHostileInputTests {
    /// A minimal run folder whose projections.csv has `year` cell `yearCell` on its second row.
    static func runFolder(yearCell: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let header = "scenario,geography_level,category,year,mean,p05,p10,p50,p90,p95\n"
        let rows = "baseline,world,displaced_stock,2030,1,1,1,1,1,1\nbaseline,world,displaced_stock,\(yearCell),2,2,2,2,2,2\n"
        try (header + rows).write(to: dir.appendingPathComponent("projections.csv"), atomically: true, encoding: .utf8)
        try "geography,year,observed,fitted\nWorld,2020,1,1\n".write(to: dir.appendingPathComponent("in_sample_fit.csv"), atomically: true, encoding: .utf8)
        try "model,term,estimate\nstock,x,1\n".write(to: dir.appendingPathComponent("coefficients.csv"), atomically: true, encoding: .utf8)
        try "{}".write(to: dir.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test("an empty, NaN or fractional year is a clear error naming the line, not a trap",
          arguments: ["", "NaN", "nan", "2030.5", "1e300", "-inf"])
    func badYear(cell: String) throws {
        let dir = try Self.runFolder(yearCell: cell)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try HTMLReport.build(directory: dir)
            Issue.record("expected an error for year '\(cell)'")
        } catch let e as HTMLReport.ReportError {
            guard case let .invalidYear(file, line, column, _) = e else {
                Issue.record("unexpected \(e)")
                return
            }
            #expect(file == "projections.csv" && line == 3 && column == "year")
            #expect(e.description.contains("line 3"))
        }
    }

    @Test("valid years are read as integers")
    func goodYears() throws {
        let t = try CSVReader.readTable(bytes: Array("year\n2030\n2040\n".utf8))
        #expect(try HTMLReport.years(t, "year", "x.csv") == [2030, 2040])
    }
}

/// Issue 15: charts of extreme values and year spans render in bounded time, without a trap.
@Suite("SVG charts: extreme input")
struct ChartHostileInputTests {
    @Test("values near the largest double, NaN and infinities, and years spanning Int's range")
    func extremeValues() {
        let cases: [([Int], [Double])] = [
            ([2025, 2026, 2027], [1.7976931348623157e308, .nan, -.infinity]),
            ([2025, 2026], [.greatestFiniteMagnitude, .greatestFiniteMagnitude]),
            ([Int.min, Int.max], [1, 2]),
            ([0, 9999], [1e-300, Double.leastNonzeroMagnitude]),
            ([], []),
        ]
        for (years, values) in cases {
            let chart = SVGChart(title: "t", yTitle: "y", source: "s", series: [.init(label: "A", years: years, values: values, color: "#000000")])
            let svg = chart.render()
            #expect(svg.hasSuffix("</svg>\n"))
            #expect(svg.count < 200_000)
        }
        for values in [[1.7e308, -1.7e308, .nan], [Double.leastNonzeroMagnitude, 0, -Double.leastNonzeroMagnitude], [1e20, 1e20 + 1e5, .infinity]] {
            let plot = SVGCoefficientPlot(title: "t", source: "s", rows: values.map { .init(label: "x", estimate: $0, low: $0 - 1, high: $0 + 1) })
            #expect(plot.render().hasSuffix("</svg>\n"))
        }
    }
}
