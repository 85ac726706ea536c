import Foundation
import MigrationData
@testable import MigrationScenarios
import Testing
@testable import MigrationReports

/// Issue 16: what the report and the tables say, on hand-made run folders and values.
@Suite("Report content: contrasts, shared axes, titles, sources, whole persons")
struct ReportContentTests {
    /// A small run folder: two scenarios, the world and two countries, 2025–2030, observed
    /// history 2020–2024; `contrasts` is written to contrasts.csv unless nil.
    static func runFolder(contrasts: String?) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-content-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var p = "scenario,geography_level,geography,name,category,year,mean,p05,p10,p50,p90,p95,note\n"
        for (sc, scale) in [("Low", 1.0), ("High", 3.0)] {
            for y in 2025...2030 {
                let w = 100e6 * scale + Double(y - 2025) * 1e6
                p += "\(sc),world,World,World,displaced_stock,\(y),\(Int(w)),\(Int(w * 0.8)),\(Int(w * 0.9)),\(Int(w)),\(Int(w * 1.1)),\(Int(w * 1.2)),\n"
                p += "\(sc),un_region,Africa,Africa,displaced_stock,\(y),\(Int(w / 2)),\(Int(w * 0.4)),\(Int(w * 0.45)),\(Int(w / 2)),\(Int(w * 0.55)),\(Int(w * 0.6)),\n"
                p += "\(sc),country,CIV,Côte d'Ivoire,displaced_stock,\(y),2000,1000,1500,2000,2500,3000,\n"
                p += "\(sc),country,SDN,Sudan,displaced_stock,\(y),9000000,7000000,8000000,9000000,10000000,11000000,\n"
            }
        }
        try p.write(to: dir.appendingPathComponent("projections.csv"), atomically: true, encoding: .utf8)
        var fit = "geography,year,observed,fitted\n"
        for y in 2020...2024 { fit += "World,\(y),\(90_000_000 + (y - 2020) * 1_000_000),\(90_000_000)\nSDN,\(y),5000000,5000000\n" }
        try fit.write(to: dir.appendingPathComponent("in_sample_fit.csv"), atomically: true, encoding: .utf8)
        try "model,term,estimate,std_error,statistic,p_value,conf_low,conf_high\nm,x,1,0.1,10,0,0.8,1.2\n"
            .write(to: dir.appendingPathComponent("coefficients.csv"), atomically: true, encoding: .utf8)
        let manifest: [String: Any] = [
            "base_year": 2024, "horizon": 2030, "draws": 100, "seed": 1, "migrationkit_version": "test",
            "data_sources": [["file": "data/a.csv", "summary": "A", "licence": "CC BY 4.0", "attribution": "Source A attribution (CC BY 4.0)"]],
        ]
        try JSONSerialization.data(withJSONObject: manifest).write(to: dir.appendingPathComponent("manifest.json"))
        if let contrasts { try contrasts.write(to: dir.appendingPathComponent("contrasts.csv"), atomically: true, encoding: .utf8) }
        return dir
    }

    static let contrastHeader = "scenario,reference,geography_level,geography,category,year,p05,p50,p95,share_positive\n"

    @Test("the report reads contrasts.csv: a sentence where the 90 % interval includes zero, a chart with bands")
    func contrastSection() throws {
        var c = Self.contrastHeader
        for y in 2025...2030 {
            c += "High,Low,world,World,displaced_stock,\(y),-5000000,2000000,9000000,0.62\n"   // includes zero
        }
        let dir = try Self.runFolder(contrasts: c)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (html, charts) = try HTMLReport.build(directory: dir)
        #expect(html.contains("High cannot be told apart from Low given the uncertainty"))
        #expect(html.contains("includes zero"))
        let chart = try #require(charts["contrasts.svg"])
        #expect(chart.contains("class=\"band\""))
        #expect(chart.contains("High − Low"))
    }

    @Test("an interval that excludes zero reads as a direction with the share of paired draws")
    func contrastExcludingZero() {
        let c = ScenarioContrast(scenario: "High", reference: "Low", geographyLevel: .world, geography: "World", category: .displaced,
                                 year: 2050, p05: 1e6, p50: 4e6, p95: 9e6, sharePositive: 0.97)
        #expect(!c.intervalIncludesZero)
        #expect(ContrastText.reading(c) == "higher than Low in 97 % of paired draws (the 90 % interval excludes zero)")
        #expect(ContrastText.interval(c) == "+4.0 M [+1.0 M to +9.0 M]")
        let zero = ScenarioContrast(scenario: "High", reference: "Low", geographyLevel: .world, geography: "World", category: .displaced,
                                    year: 2050, p05: -1e6, p50: 4e6, p95: 9e6, sharePositive: 0.8)
        #expect(ContrastText.reading(zero).hasPrefix("the 90 % interval includes zero"))
    }

    @Test("a run folder without contrasts.csv, or with an empty one, still gives a report that says so")
    func contrastsAbsentOrEmpty() throws {
        let old = try Self.runFolder(contrasts: nil)
        defer { try? FileManager.default.removeItem(at: old) }
        let (html1, charts1) = try HTMLReport.build(directory: old)
        #expect(html1.contains("has no contrasts.csv"))
        #expect(charts1["contrasts.svg"] == nil)
        let empty = try Self.runFolder(contrasts: Self.contrastHeader)
        defer { try? FileManager.default.removeItem(at: empty) }
        let (html2, _) = try HTMLReport.build(directory: empty)
        #expect(html2.contains("has no world rows"))
    }

    /// The top tick label of an SVG chart (the largest y-axis label).
    static func tickLabels(_ svg: String) -> [String] {
        svg.split(separator: "\n").filter { $0.contains("text-anchor=\"end\"") && $0.contains("font-size=\"12\"") }.compactMap { line in
            line.split(separator: ">").dropFirst().first?.split(separator: "<").first.map(String.init)
        }
    }

    @Test("fan charts share one y axis; the report says projections from the first projected year; sources listed once")
    func sharedAxisYearAndSources() throws {
        let dir = try Self.runFolder(contrasts: nil)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (html, charts) = try HTMLReport.build(directory: dir)
        let low = Self.tickLabels(try #require(charts["fan_1.svg"])), high = Self.tickLabels(try #require(charts["fan_2.svg"]))
        #expect(!low.isEmpty && low == high, "fan_1 \(low) vs fan_2 \(high)")
        #expect(html.contains("projections from 2025 to 2030"))
        #expect(!html.contains("projections from 2024"))
        #expect(html.components(separatedBy: "Source A attribution").count == 2, "the attribution appears more than once")
    }

    @Test("regions and the largest origins: a table and small multiples on one shared axis")
    func regionsAndOrigins() throws {
        let dir = try Self.runFolder(contrasts: nil)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (html, charts) = try HTMLReport.build(directory: dir)
        #expect(html.contains("<h2>Regions</h2>"))
        #expect(html.contains("The 2 largest origins"))
        let origins = try #require(charts["largest_origins.svg"])
        #expect(origins.contains("data-panel=\"Sudan\"") && origins.contains("data-panel=\"Côte d'Ivoire\""))
        // Sudan (larger) comes first in the table.
        let sudan = try #require(html.range(of: "<td>Sudan</td>")), civ = try #require(html.range(of: "<td>Côte d'Ivoire</td>"))
        #expect(sudan.lowerBound < civ.lowerBound)
        #expect(charts["regions.svg"]?.contains("data-panel=\"Africa\"") == true)
    }

    @Test("small multiples draw every panel on the same scale")
    func smallMultiplesShareTheScale() {
        let a = SVGSmallMultiples.Panel(label: "A", years: [2025, 2030], median: [1e6, 2e6], low: [0.5e6, 1e6], high: [2e6, 3e6])
        let b = SVGSmallMultiples.Panel(label: "B", years: [2025, 2030], median: [10e6, 20e6], low: [5e6, 10e6], high: [20e6, 30e6])
        let chart = SVGSmallMultiples(title: "t", yTitle: "People", source: "s", panels: [a, b], columns: 2)
        #expect(chart.sharedTop >= 30e6)
        let svg = chart.render()
        // The same value sits at the same height in both panels: A's 2 M at 2030 is 1/10 of B's 20 M.
        func cy(_ panel: String, _ year: Int) -> Double? {
            guard let line = svg.split(separator: "\n").first(where: { $0.contains("data-panel=\"\(panel)\" data-year=\"\(year)\"") }),
                  let r = line.range(of: #"cy="([0-9.]+)""#, options: .regularExpression) else { return nil }
            return Double(line[r].dropFirst(4).dropLast())
        }
        if let a1 = cy("A", 2030), let b1 = cy("B", 2030), let a0 = cy("A", 2025), let b0 = cy("B", 2025) {
            // Heights above each panel's baseline scale with the values (same px per person).
            #expect(abs((b0 - b1) / (a0 - a1) - 10) < 0.01)
        } else {
            Issue.record("points not found")
        }
    }

    @Test("long titles wrap instead of being clipped; 80 % stays on one line")
    func titlesWrap() {
        let chart = SVGChart(title: "SSP2-4.5 faster solutions: forcibly displaced, world (median, 80 % and 90 % intervals)", yTitle: "People",
                             source: "s", series: [.init(label: "x", years: [2025, 2030], values: [1, 2], color: "#000000")])
        let svg = chart.render()
        let titles = svg.split(separator: "\n").filter { $0.contains("class=\"title\"") }
        #expect(titles.count == 2)
        let limit = SVGChart.titleCharacters(width: chart.width - 104, size: 17)
        for line in SVGChart.wrap(chart.title, characters: limit) { #expect(line.count <= limit + 2, "\(line)") }
        #expect(!SVGChart.wrap(chart.title, characters: limit).contains { $0.hasPrefix("%") })
    }

    @Test("negative differences extend the y axis below zero")
    func negativeAxis() {
        let svg = SVGChart(title: "d", yTitle: "People", source: "s", series: [
            .init(label: "d", years: [2025, 2030], values: [-2e6, 3e6], color: "#000000",
                  bands: [.init(label: "90 %", low: [-5e6, -1e6], high: [1e6, 6e6], opacity: 0.1)]),
        ]).render()
        #expect(Self.tickLabels(svg).contains { $0.hasPrefix("-") }, "\(Self.tickLabels(svg))")
    }

    @Test("people counts are whole persons; a mean above p95 gets a note")
    func personsAndNotes() throws {
        #expect(ProjectionTables.persons(1234.5) == 1235)
        #expect(ProjectionTables.persons(-0.4) == 0)
        #expect(ProjectionTables.persons(.nan) == nil)
        #expect(ProjectionTables.persons(1e300) == nil)
        let heavy = QuantileSummary(Array(repeating: 0, count: 39) + [1000])   // mean 25, p95 0
        #expect(heavy.mean > heavy.p95)
        #expect(ProjectionTables.tailNote(heavy)?.hasPrefix("mean above p95") == true)
        #expect(ProjectionTables.tailNote(QuantileSummary([1, 2, 3, 4, 5])) == nil)
        let row = ProjectionRow(scenario: "s", geographyLevel: .country, geography: "CUW", category: .displaced, year: 2030, summary: heavy)
        let t = try ProjectionTables.projections([row], names: ["CUW": "Curacao "])
        #expect(t["mean"] == .int([25]))
        #expect(t["name"] == .string(["Curaçao"]))
        #expect(t["note"]?.labels().first??.hasPrefix("mean above p95") == true)
    }

    @Test("contrasts.csv has the documented columns, differences in whole persons")
    func contrastsTable() throws {
        let c = ScenarioContrast(scenario: "High", reference: "Low", geographyLevel: .world, geography: "World", category: .displaced,
                                 year: 2050, p05: -1.4, p50: 2.6, p95: 9.5, sharePositive: 0.75)
        let t = try ProjectionTables.contrasts([c])
        #expect(t.columnNames == ["scenario", "reference", "geography_level", "geography", "category", "year", "p05", "p50", "p95", "share_positive"])
        #expect(t["p50"]?.doubles() == [3])
    }
}

/// Issue 16: the run summary reads the contrasts and the heavy tails in words.
@Suite("Run summary: contrasts and heavy tails in words")
struct SummaryWordsTests {
    static func contrast(_ scenario: String, p05: Double, p50: Double, p95: Double, share: Double, year: Int = 2050) -> ScenarioContrast {
        ScenarioContrast(scenario: scenario, reference: "SSP2-4.5", geographyLevel: .world, geography: "World", category: .displaced,
                         year: year, p05: p05, p50: p50, p95: p95, sharePositive: share)
    }

    @Test("a sentence per scenario at the horizon; an interval that includes zero is said so")
    func contrastSentences() {
        let cells = [Self.contrast("SSP1-2.6", p05: -20e6, p50: -3e6, p95: 9e6, share: 0.4),
                     Self.contrast("SSP3-7.0", p05: 1e6, p50: 11e6, p95: 30e6, share: 0.98),
                     Self.contrast("SSP3-7.0", p05: 1e6, p50: 2e6, p95: 3e6, share: 0.99, year: 2030)]
        let s = ProjectionRun.contrastSummary(cells, horizon: 2050, width: 12)
        #expect(s.contains("Scenarios against SSP2-4.5 in 2050"))
        #expect(s.contains("SSP1-2.6      −3.0 M [−20.0 M to +9.0 M]: the 90 % interval includes zero: in 2050 SSP1-2.6 cannot be told apart from SSP2-4.5"))
        #expect(s.contains("SSP3-7.0      +11.0 M [+1.0 M to +30.0 M]: higher than SSP2-4.5 in 98 % of paired draws"))
        #expect(!s.contains("+2.0 M"), "a year other than the horizon was read")
        #expect(ProjectionRun.contrastSummary([], horizon: 2050, width: 12).isEmpty)
    }

    @Test("the heavy-tail line counts the country cells whose mean lies above p95")
    func heavyTails() {
        let heavy = QuantileSummary(Array(repeating: 0, count: 39) + [1000])
        let normal = QuantileSummary([1, 2, 3, 4, 5])
        func row(_ s: QuantileSummary, _ level: GeographyLevel = .country) -> ProjectionRow {
            ProjectionRow(scenario: "s", geographyLevel: level, geography: "X", category: .displaced, year: 2030, summary: s)
        }
        let line = ProjectionRun.heavyTailSummary([row(heavy), row(normal), row(normal), row(normal), row(heavy, .world)])
        #expect(line.contains("in 25 % of the country cells the mean lies above p95"))
        #expect(ProjectionRun.heavyTailSummary([row(normal)]).isEmpty)
    }
}

/// Issue 16: the spreadsheet tables built from hand-made rows and history.
@Suite("Spreadsheet tables: summary_wide and the World sheet")
struct SpreadsheetTablesTests {
    static func history() -> DisplacementHistory {
        var h = DisplacementHistory()
        h.lastObservedYear = 2024
        h.regions = ["AAA": ("Africa bureau", "Africa"), "BBB": ("Europe bureau", "Europe")]
        for (c, v) in [("AAA", 100.0), ("BBB", 10.0)] {
            h.stock[c, 2023] = v
            h.stock[c, 2024] = v + 1
        }
        h.stock["AAA", 2025] = 999   // after the last observed year: never "observed"
        return h
    }

    static func rows() -> [ProjectionRow] {
        [2025, 2026].flatMap { y in
            ["S1", "S2"].map { sc in
                ProjectionRow(scenario: sc, geographyLevel: .world, geography: "World", category: .displaced, year: y,
                              summary: QuantileSummary(mean: 120, p05: 100.4, p10: 105, p50: 115.6, p90: 130, p95: 140))
            }
        } + [ProjectionRow(scenario: "S1", geographyLevel: .unRegion, geography: "Africa", category: .displaced, year: 2025,
                           summary: QuantileSummary(mean: 1, p05: 1, p10: 1, p50: 1, p90: 1, p95: 1))]
    }

    @Test("summary_wide: observed years, then p05/p50/p95 rows, whole persons, regions summed from their origins")
    func wide() throws {
        let t = try ProjectionTables.wideSummary(Self.rows(), history: Self.history())
        #expect(t.columnNames == ["scenario", "geography_level", "geography", "category", "statistic", "2023", "2024", "2025", "2026"])
        #expect(t["statistic"]?.labels().prefix(4) == ["observed", "p05", "p50", "p95"])
        #expect(t["2024"]?.doubles()?.first == 112)              // 101 + 11, world observed
        #expect(t["2025"]?.doubles()?.first == .some(nil))      // 999 is after the last observed year
        #expect(t["2025"]?.doubles()?[1] == 100)                // p05 100.4 → 100 persons
        #expect(t["2025"]?.doubles()?[2] == 116)                // p50 115.6 → 116
        let geo = try #require(t["geography"]?.labels()), stat = try #require(t["statistic"]?.labels())
        let africa = try #require(zip(geo, stat).enumerated().first { $0.element.0 == "Africa" && $0.element.1 == "observed" }?.offset)
        #expect(t["2023"]?.doubles()?[africa] == 100)
    }

    @Test("the World sheet: years in rows, observed then median/p05/p95 per scenario")
    func world() throws {
        let t = try ProjectionTables.worldSheet(Self.rows(), history: Self.history(), scenarios: ["S1", "S2"])
        #expect(t.columnNames == ["year", "observed", "S1 median", "S1 p05", "S1 p95", "S2 median", "S2 p05", "S2 p95"])
        #expect(t["year"] == .int([2023, 2024, 2025, 2026]))
        #expect(t["observed"] == .int([110, 112, nil, nil]))
        #expect(t["S2 median"] == .int([nil, nil, 116, 116]))
        #expect(t["S1 p95"] == .int([nil, nil, 140, 140]))
    }
}
