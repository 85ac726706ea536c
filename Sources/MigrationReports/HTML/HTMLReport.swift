import Foundation
import MigrationData
import MigrationScenarios

/// A self-contained HTML report of a `migkit project` run (inline SVG and CSS; nothing is loaded
/// from the network), built from the run's own files: projections.csv, in_sample_fit.csv,
/// coefficients.csv and manifest.json. Charts: the world's displaced stock under every scenario
/// with the observed history; a fan chart (median, 80 % and 90 % bands) per scenario; new
/// disaster displacement by scenario. Tables: world medians and intervals; fitted coefficients;
/// data sources and licences.
public enum HTMLReport {
    public enum ReportError: Error, CustomStringConvertible {
        case missing(String), malformed(String)
        /// A cell that must hold a year (a whole number from 1 to 9999) is empty, NaN or not a
        /// year; `line` is the file line (the header is line 1).
        case invalidYear(file: String, line: Int, column: String, value: String)
        /// A `geography_level` or `category` cell that names no `GeographyLevel` or
        /// `ProjectionCategory`; `line` is the file line (the header is line 1), `expected` the
        /// names allowed.
        case unknownName(file: String, line: Int, column: String, value: String, expected: [String])
        public var description: String {
            switch self {
            case .missing(let f): return "\(f): not found — run `migkit project -o DIR` first, then `migkit report DIR`"
            case .malformed(let f): return "\(f): unexpected content — regenerate the run with `migkit project`"
            case let .invalidYear(f, line, column, value):
                return "\(f): line \(line), column `\(column)`: \(value.isEmpty ? "the cell is empty" : "'\(value)' is not a year") — every row needs a whole-number year (was the file edited?); restore it or regenerate the run with `migkit project`"
            case let .unknownName(f, line, column, value, expected):
                return "\(f): line \(line), column `\(column)`: '\(value)' is not one of the names migkit writes there (\(expected.joined(separator: ", "))) — was the file edited? Restore it or regenerate the run with `migkit project`"
            }
        }
    }

    struct Cell { let scenario: String; let year: Int; let mean, p05, p10, p50, p90, p95: Double }

    static func read(_ dir: URL, _ name: String) throws -> Table {
        let path = dir.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else { throw ReportError.missing(path) }
        // Label columns are read as text, so that a scenario named 2030, 1.5, NA or - reads back
        // as its name (not a number, not a missing value).
        let labels: [String: [String]] = [
            "projections.csv": ["scenario", "geography_level", "geography", "name", "category"],
            "in_sample_fit.csv": ["geography"], "coefficients.csv": ["model", "term"],
            "contrasts.csv": ["scenario", "reference", "geography_level", "geography", "category"],
            "summary_wide.csv": ["scenario", "geography_level", "geography", "category", "statistic"],
        ]
        var options = CSVReadOptions()
        // Declare only the label columns the header has (an edited file may lack some).
        var header: Set<String> = []
        if let handle = FileHandle(forReadingAtPath: path) {
            let head = handle.readData(ofLength: 1 << 16)
            try? handle.close()
            let line = head.prefix { $0 != 0x0A && $0 != 0x0D }
            header = Set(String(decoding: line, as: UTF8.self).split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"\u{FEFF} "))
            })
        }
        for c in labels[name] ?? [] where header.contains(c) { options.columnTypes[c] = .string }
        return try CSVReader.readTable(path: path, options: options)
    }

    /// A label column as text (a column of numbers, e.g. scenarios named 2030, gives their text).
    static func strings(_ t: Table, _ c: String, _ f: String) throws -> [String] {
        guard let v = t[c]?.labels() else { throw ReportError.malformed(f) }
        return v.map { $0 ?? "" }
    }

    /// A year column: every cell a whole number from 1 to 9999, else `ReportError.invalidYear`
    /// naming the line (never a trap on an empty or NaN cell).
    static func years(_ t: Table, _ c: String, _ f: String) throws -> [Int] {
        guard let v = t[c]?.doubles() else { throw ReportError.malformed(f) }
        let text = t[c]?.labels() ?? []
        return try v.enumerated().map { i, value in
            guard let value, value.isFinite, value == value.rounded(), value >= 1, value <= 9999 else {
                throw ReportError.invalidYear(file: f, line: i + 2, column: c, value: i < text.count ? (text[i] ?? "") : "")
            }
            return Int(value)
        }
    }

    /// A label column of names of `Name` (`GeographyLevel`, `ProjectionCategory`): every cell
    /// one of its raw values, else `ReportError.unknownName` naming the line and the value.
    static func names<Name: RawRepresentable & CaseIterable>(_ t: Table, _ c: String, _ f: String, _: Name.Type) throws -> [Name]
        where Name.RawValue == String {
        try strings(t, c, f).enumerated().map { i, text in
            guard let name = Name(rawValue: text) else {
                throw ReportError.unknownName(file: f, line: i + 2, column: c, value: text, expected: Name.allCases.map(\.rawValue))
            }
            return name
        }
    }

    static func numbers(_ t: Table, _ c: String, _ f: String) throws -> [Double] {
        guard let v = t[c]?.doubles() else { throw ReportError.malformed(f) }
        return v.map { $0 ?? .nan }
    }

    /// projections.csv parsed once: its columns, by row.
    struct Projections {
        let level: [GeographyLevel]
        let category: [ProjectionCategory]
        let geography, name, scenario: [String]
        let year: [Int]
        let mean, p05, p10, p50, p90, p95: [Double]
        var count: Int { year.count }

        init(_ t: Table) throws {
            let f = "projections.csv"
            level = try names(t, "geography_level", f, GeographyLevel.self)
            // Older or hand-edited files may lack `geography` (only the world was read then).
            geography = t["geography"] == nil ? level.map { $0 == .world ? "World" : $0.rawValue } : try strings(t, "geography", f)
            category = try names(t, "category", f, ProjectionCategory.self); scenario = try strings(t, "scenario", f)
            name = t["name"] == nil ? geography : try strings(t, "name", f)
            year = try years(t, "year", f); mean = try numbers(t, "mean", f)
            p05 = try numbers(t, "p05", f); p10 = try numbers(t, "p10", f); p50 = try numbers(t, "p50", f)
            p90 = try numbers(t, "p90", f); p95 = try numbers(t, "p95", f)
        }

        func cell(_ i: Int) -> Cell {
            Cell(scenario: scenario[i], year: year[i], mean: mean[i], p05: p05[i], p10: p10[i], p50: p50[i], p90: p90[i], p95: p95[i])
        }

        /// Cells of one level and category, per scenario in file order, then per geography in
        /// file order, sorted by year.
        func series(level wanted: GeographyLevel, category c: ProjectionCategory) -> [(scenario: String, geographies: [(geography: String, name: String, cells: [Cell])])] {
            var scenarios: [String] = []
            var geos: [String: [String]] = [:]
            var names: [String: String] = [:]
            var cells: [String: [Cell]] = [:]
            for i in 0..<count where level[i] == wanted && category[i] == c {
                if geos[scenario[i]] == nil { scenarios.append(scenario[i]); geos[scenario[i]] = [] }
                let key = scenario[i] + "\u{1}" + geography[i]
                if cells[key] == nil { geos[scenario[i]]?.append(geography[i]); names[geography[i]] = name[i] }
                cells[key, default: []].append(cell(i))
            }
            return scenarios.map { sc in
                (sc, (geos[sc] ?? []).map { g in (g, names[g] ?? g, (cells[sc + "\u{1}" + g] ?? []).sorted { $0.year < $1.year }) })
            }
        }

        /// World cells of one category, per scenario in file order.
        func world(category c: ProjectionCategory) -> [(String, [Cell])] {
            series(level: .world, category: c).map { ($0.scenario, $0.geographies.first?.cells ?? []) }
        }
    }

    /// World cells of one category, per scenario in file order.
    static func world(_ t: Table, category: ProjectionCategory) throws -> [(String, [Cell])] {
        try Projections(t).world(category: category)
    }

    /// contrasts.csv of the run, or nil when the folder predates it (runs before contrasts).
    static func contrasts(_ dir: URL) throws -> [ScenarioContrast]? {
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("contrasts.csv").path) else { return nil }
        let f = "contrasts.csv"
        let t = try read(dir, f)
        guard t.rowCount > 0 else { return [] }
        let sc = try strings(t, "scenario", f), ref = try strings(t, "reference", f), level = try names(t, "geography_level", f, GeographyLevel.self)
        let geo = try strings(t, "geography", f), cat = try names(t, "category", f, ProjectionCategory.self), year = try years(t, "year", f)
        let p05 = try numbers(t, "p05", f), p50 = try numbers(t, "p50", f), p95 = try numbers(t, "p95", f)
        let share = try numbers(t, "share_positive", f)
        return (0..<t.rowCount).map {
            ScenarioContrast(scenario: sc[$0], reference: ref[$0], geographyLevel: level[$0], geography: geo[$0], category: cat[$0],
                             year: year[$0], p05: p05[$0], p50: p50[$0], p95: p95[$0], sharePositive: share[$0])
        }
    }

    /// Observed history of the aggregates from summary_wide.csv (`statistic` = observed), by
    /// "level|geography|category"; empty for folders that predate it.
    static func observedAggregates(_ dir: URL) -> [String: [(Int, Double)]] {
        guard let t = try? read(dir, "summary_wide.csv"), t.columnNames.contains("statistic"),
              let level = try? strings(t, "geography_level", "summary_wide.csv"), let geo = try? strings(t, "geography", "summary_wide.csv"),
              let cat = try? strings(t, "category", "summary_wide.csv"), let stat = try? strings(t, "statistic", "summary_wide.csv") else { return [:] }
        let yearColumns = t.columnNames.compactMap { name -> (Int, [Double?])? in
            guard let y = Int(name), let v = t[name]?.doubles() else { return nil }
            return (y, v)
        }
        var out: [String: [(Int, Double)]] = [:]
        for i in 0..<t.rowCount where stat[i] == "observed" {
            let key = "\(level[i])|\(geo[i])|\(cat[i])"
            guard out[key] == nil else { continue }   // repeated per scenario
            out[key] = yearColumns.compactMap { y, v in v[i].map { (y, $0) } }
        }
        return out
    }

    static func escape(_ s: String) -> String { SVGChart.escape(s) }

    /// "12.3 M" (people), "–" when not finite.
    static func m(_ v: Double) -> String { v.isFinite ? String(format: "%.1f M", v / 1e6) : "–" }

    /// Builds the report HTML for the run in `directory`.
    ///
    /// Sections: summary (world medians and intervals); scenarios compared (medians with 90 %
    /// bands, and each scenario's difference from the reference with its band); the contrasts
    /// in words (contrasts.csv; a note when the folder has none); uncertainty by scenario (fan
    /// charts on one shared y axis); regions (UN regions: a table and small multiples on shared
    /// axes); the 20 largest origins (a table and small multiples on shared axes); disaster
    /// displacement; model diagnostics; assumptions; data sources and licences, listed once.
    public static func build(directory: URL) throws -> (html: String, charts: [String: String]) {
        let proj = try Projections(read(directory, "projections.csv"))
        let fit = try read(directory, "in_sample_fit.csv")
        let coef = try read(directory, "coefficients.csv")
        let manifestURL = directory.appendingPathComponent("manifest.json")
        guard let manifestData = FileManager.default.contents(atPath: manifestURL.path),
              let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any] else {
            throw ReportError.missing(manifestURL.path)
        }
        let contrastRows = try contrasts(directory)
        let observedAgg = observedAggregates(directory)
        let sources = (manifest["data_sources"] as? [[String: Any]]) ?? []
        let shortSource = "Data: UNHCR (CC BY 4.0), IDMC, UN DESA WPP 2024, ERA5/OWID, IPCC AR6. Projection: MigrationKit."
        let stockCategory = ProjectionCategory.displaced
        // Observed history: the world, and countries (one-step-ahead fit table).
        let fg = try strings(fit, "geography", "in_sample_fit.csv"), fy = try years(fit, "year", "in_sample_fit.csv")
        let fo = try numbers(fit, "observed", "in_sample_fit.csv"), ff = try numbers(fit, "fitted", "in_sample_fit.csv")
        var histYears: [Int] = [], histObserved: [Double] = [], histFitted: [Double] = []
        var countryHistory: [String: [(Int, Double)]] = [:]
        for i in 0..<fit.rowCount {
            if fg[i] == "World" { histYears.append(fy[i]); histObserved.append(fo[i]); histFitted.append(ff[i]) } else if fo[i].isFinite {
                countryHistory[fg[i], default: []].append((fy[i], fo[i]))
            }
        }
        let stock = proj.world(category: stockCategory)
        let disaster = proj.world(category: .disaster)
        let scenarioNames = stock.map(\.0)
        // The reference scenario: contrasts.csv's, else the manifest's (`reference`), else the first.
        let reference = contrastRows?.first?.reference ?? (manifest["reference"] as? String).flatMap { scenarioNames.contains($0) ? $0 : nil }
            ?? scenarioNames.first ?? ""
        let color: [String: String] = Dictionary(uniqueKeysWithValues: scenarioNames.enumerated().map { ($1, SVGChart.palette[$0 % SVGChart.palette.count]) })
        let baseYear = (manifest["base_year"] as? Int) ?? ((stock.first?.1.first?.year).map { $0 - 1 } ?? 0)
        let firstYear = stock.first?.1.first?.year ?? baseYear + 1
        let horizon = (manifest["horizon"] as? Int) ?? (stock.first?.1.last?.year ?? firstYear)
        var charts: [String: String] = [:]
        // 1. Scenarios compared, with history and 90 % bands.
        var series: [SVGChart.Series] = [SVGChart.Series(label: "Observed", years: histYears, values: histObserved, color: "#000000")]
        for (name, cells) in stock {
            series.append(SVGChart.Series(label: name, years: cells.map(\.year), values: cells.map(\.p50), color: color[name] ?? "#000000",
                                          bands: [.init(label: "90 %", low: cells.map(\.p05), high: cells.map(\.p95), opacity: 0.07)]))
        }
        charts["world_scenarios.svg"] = SVGChart(title: "Forcibly displaced people, world: median and 90 % interval by scenario", yTitle: "People",
                                                 source: shortSource, series: series).render()
        // 1b. Differences from the reference, with bands (contrasts.csv).
        let worldContrasts = (contrastRows ?? []).filter { $0.geographyLevel == .world && $0.category == stockCategory && $0.scenario != $0.reference }
        if !worldContrasts.isEmpty {
            var byScenario: [String: [ScenarioContrast]] = [:]
            var order: [String] = []
            for c in worldContrasts {
                if byScenario[c.scenario] == nil { order.append(c.scenario) }
                byScenario[c.scenario, default: []].append(c)
            }
            let cs = order.map { name -> SVGChart.Series in
                let cells = (byScenario[name] ?? []).sorted { $0.year < $1.year }
                return SVGChart.Series(label: "\(name) − \(reference)", years: cells.map(\.year), values: cells.map(\.p50), color: color[name] ?? "#000000",
                                       bands: [.init(label: "90 %", low: cells.map(\.p05), high: cells.map(\.p95), opacity: 0.12)])
            }
            charts["contrasts.svg"] = SVGChart(title: "Difference from \(reference), world displaced stock: median and 90 % interval of paired draws",
                                               yTitle: "People (difference)", source: shortSource, series: cs).render()
        }
        // 2. Fan chart per scenario, on one shared y axis.
        var sharedTop = histObserved.filter(\.isFinite).max() ?? 0
        for (_, cells) in stock { for c in cells where c.p95.isFinite { sharedTop = max(sharedTop, c.p95) } }
        for (k, (name, cells)) in stock.enumerated() {
            let s = SVGChart.Series(label: "\(name) median", years: cells.map(\.year), values: cells.map(\.p50), color: color[name] ?? "#000000", bands: [
                .init(label: "90 %", low: cells.map(\.p05), high: cells.map(\.p95), opacity: 0.15),
                .init(label: "80 %", low: cells.map(\.p10), high: cells.map(\.p90), opacity: 0.25),
            ])
            let h = SVGChart.Series(label: "Observed", years: histYears, values: histObserved, color: "#000000")
            var chart = SVGChart(title: "\(name): forcibly displaced, world (median, 80 % and 90 % intervals)",
                                 yTitle: "People", source: shortSource, series: [h, s])
            chart.yMax = sharedTop
            charts["fan_\(k + 1).svg"] = chart.render()
        }
        // 3. Regions (UN M49 regions) under the reference scenario: small multiples on shared axes.
        let regionSeries = proj.series(level: .unRegion, category: stockCategory).first { $0.scenario == reference }?.geographies ?? []
        let regionPanels = regionSeries.map { g -> SVGSmallMultiples.Panel in
            let obs = observedAgg["un_region|\(g.geography)|\(stockCategory.rawValue)"] ?? []
            return SVGSmallMultiples.Panel(label: g.name, years: g.cells.map(\.year), median: g.cells.map(\.p50), low: g.cells.map(\.p05),
                                           high: g.cells.map(\.p95), observedYears: obs.map(\.0), observed: obs.map(\.1))
        }
        if !regionPanels.isEmpty {
            charts["regions.svg"] = SVGSmallMultiples(title: "\(reference): forcibly displaced by UN region of origin (median and 90 % interval; observed in black)",
                                                      yTitle: "People", source: shortSource, panels: regionPanels, columns: 3).render()
        }
        // 4. The 20 largest origins under the reference scenario (by the median of the first
        // projected year): small multiples on shared axes.
        let countrySeries = proj.series(level: .country, category: stockCategory).first { $0.scenario == reference }?.geographies ?? []
        typealias Origin = (geography: String, name: String, cells: [Cell])
        var ranked: [(origin: Origin, size: Double)] = []
        for g in countrySeries {
            let size: Double = g.cells.first(where: { $0.year == firstYear })?.p50 ?? 0
            ranked.append((g, size.isFinite ? size : 0))
        }
        ranked.sort { a, b in a.size != b.size ? a.size > b.size : a.origin.geography < b.origin.geography }
        let largest: [Origin] = ranked.prefix(20).map { $0.origin }
        if !largest.isEmpty {
            let panels = largest.map { g -> SVGSmallMultiples.Panel in
                let obs = countryHistory[g.geography] ?? []
                return SVGSmallMultiples.Panel(label: g.name, years: g.cells.map(\.year), median: g.cells.map(\.p50), low: g.cells.map(\.p05),
                                               high: g.cells.map(\.p95), observedYears: obs.map(\.0), observed: obs.map(\.1))
            }
            charts["largest_origins.svg"] = SVGSmallMultiples(title: "\(reference): the \(largest.count) largest origins, forcibly displaced (median and 90 % interval; observed in black)",
                                                              yTitle: "People", source: shortSource, panels: panels, columns: 5).render()
        }
        // 5. Disaster displacement.
        let dseries = disaster.map { name, cells in
            SVGChart.Series(label: name, years: cells.map(\.year), values: cells.map(\.p50), color: color[name] ?? "#000000")
        }
        charts["disaster_scenarios.svg"] = SVGChart(title: "New disaster displacements per year, world: median by scenario",
                                                    yTitle: "Displacements", source: shortSource, series: dseries).render()
        // 5b. New displacement by cause, stacked (median of each cause; the reference scenario).
        let conflictNew = proj.world(category: .newDisplacement)
        if let first = conflictNew.first(where: { $0.0 == reference }) ?? conflictNew.first, let dis = disaster.first(where: { $0.0 == first.0 }) {
            let years = first.1.map(\.year)
            let c = first.1.map(\.p50)
            let d = dis.1.map(\.p50)
            let top = zip(c, d).map { $0 + $1 }
            charts["stacked_new_displacement.svg"] = SVGChart(
                title: "\(first.0): new displacements per year by cause, world (medians, stacked)", yTitle: "Displacements",
                source: shortSource, series: [
                    .init(label: "Conflict and violence", years: years, values: c, color: "#D55E00",
                          bands: [.init(label: "conflict", low: c.map { _ in 0 }, high: c, opacity: 0.55)]),
                    .init(label: "Conflict + disasters", years: years, values: top, color: "#0072B2",
                          bands: [.init(label: "disasters", low: c, high: top, opacity: 0.45)]),
                ]).render()
        }
        // 6. In-sample fit.
        charts["in_sample_fit.svg"] = SVGChart(title: "World displaced stock: observed and one-step-ahead fit", yTitle: "People",
                                               source: shortSource, series: [
                                                   .init(label: "Observed", years: histYears, values: histObserved, color: "#000000"),
                                                   .init(label: "Fitted", years: histYears, values: histFitted, color: "#D55E00", dashed: true),
                                               ]).render()
        // Tables.
        var tableYears: [Int] = []
        for y in [2030, 2040, 2050, horizon] where (stock.first?.1.contains { $0.year == y } ?? false) && !tableYears.contains(y) { tableYears.append(y) }
        var summary = "<table><thead><tr><th>Scenario</th>"
        for y in tableYears { summary += "<th>\(y) median</th><th>\(y) 90 % interval</th>" }
        summary += "</tr></thead><tbody>"
        for (name, cells) in stock {
            summary += "<tr><td>\(escape(name))</td>"
            for y in tableYears {
                if let c = cells.first(where: { $0.year == y }) { summary += "<td>\(m(c.p50))</td><td>\(m(c.p05)) – \(m(c.p95))</td>" } else { summary += "<td></td><td></td>" }
            }
            summary += "</tr>"
        }
        summary += "</tbody></table>"
        // The contrasts, in words.
        var contrastSection = ""
        if let contrastRows {
            let cells = ContrastText.worldStock(contrastRows, years: tableYears)
            if cells.isEmpty {
                contrastSection = "<p class=\"note\">This run's contrasts.csv has no world rows, so the scenarios are not compared on paired draws here; side-by-side intervals (above) cannot tell whether a difference is larger than the uncertainty.</p>"
            } else {
                contrastSection = "<p>Each scenario minus \(escape(reference)), computed draw by draw on the same random numbers (paired draws), for the world's forcibly displaced. Where the 90 % interval of the difference includes zero, the run cannot tell the two scenarios apart.</p>"
                contrastSection += "<table class=\"contrasts\"><thead><tr><th>Scenario</th><th>Year</th><th>Difference (median)</th><th>90 % interval</th><th>Reading</th></tr></thead><tbody>"
                for c in cells {
                    contrastSection += "<tr\(c.intervalIncludesZero ? " class=\"includes-zero\"" : "")><td>\(escape(c.scenario))</td><td>\(c.year)</td><td>\(ContrastText.signed(c.p50))</td><td>\(ContrastText.signed(c.p05)) to \(ContrastText.signed(c.p95))</td><td>\(escape(ContrastText.reading(c)))</td></tr>"
                }
                contrastSection += "</tbody></table>"
            }
        } else {
            contrastSection = "<p class=\"note\">This run folder has no contrasts.csv (it was written by an earlier MigrationKit): rerun <code>migkit project</code> to compare the scenarios on paired draws.</p>"
        }
        if let chart = charts["contrasts.svg"] { contrastSection += "<figure>\(chart)</figure>" }
        // Regions table.
        func intervalCells(_ cells: [Cell], _ years: [Int]) -> String {
            years.map { y in
                guard let c = cells.first(where: { $0.year == y }) else { return "<td></td>" }
                return "<td>\(m(c.p50)) <span class=\"note\">(\(m(c.p05)) – \(m(c.p95)))</span></td>"
            }.joined()
        }
        let shortYears = tableYears.filter { $0 == 2030 || $0 == horizon }
        var regionTable = "<table><thead><tr><th>UN region</th><th>\(baseYear) observed</th>"
        for y in shortYears { regionTable += "<th>\(y) median (90 % interval)</th>" }
        regionTable += "</tr></thead><tbody>"
        for g in regionSeries {
            let obs = observedAgg["un_region|\(g.geography)|\(stockCategory.rawValue)"]?.first { $0.0 == baseYear }?.1 ?? .nan
            regionTable += "<tr><td>\(escape(g.name))</td><td>\(m(obs))</td>\(intervalCells(g.cells, shortYears))</tr>"
        }
        regionTable += "</tbody></table>"
        var originTable = "<table><thead><tr><th>#</th><th>Origin</th><th>\(firstYear) median</th>"
        for y in shortYears { originTable += "<th>\(y) median (90 % interval)</th>" }
        originTable += "</tr></thead><tbody>"
        for (k, g) in largest.enumerated() {
            let first = g.cells.first { $0.year == firstYear }?.p50 ?? .nan
            originTable += "<tr><td>\(k + 1)</td><td>\(escape(g.name))</td><td>\(m(first))</td>\(intervalCells(g.cells, shortYears))</tr>"
        }
        originTable += "</tbody></table>"
        let cm = try strings(coef, "model", "coefficients.csv"), ct = try strings(coef, "term", "coefficients.csv")
        let ce = try numbers(coef, "estimate", "coefficients.csv"), cs = try numbers(coef, "std_error", "coefficients.csv")
        let cp = try numbers(coef, "p_value", "coefficients.csv")
        let clo = try numbers(coef, "conf_low", "coefficients.csv"), chi = try numbers(coef, "conf_high", "coefficients.csv")
        charts["coefficients.svg"] = SVGCoefficientPlot(
            title: "Fitted coefficients (log scale effects)", source: shortSource,
            rows: (0..<coef.rowCount).map { SVGCoefficientPlot.Row(label: "\(cm[$0]): \(ct[$0])", estimate: ce[$0], low: clo[$0], high: chi[$0]) }).render()
        var coefTable = "<table><thead><tr><th>Model</th><th>Term</th><th>Estimate</th><th>Std. error</th><th>p-value</th></tr></thead><tbody>"
        for i in 0..<coef.rowCount {
            coefTable += "<tr><td>\(escape(cm[i]))</td><td>\(escape(ct[i]))</td><td>\(String(format: "%.4g", ce[i]))</td><td>\(String(format: "%.3g", cs[i]))</td><td>\(String(format: "%.3g", cp[i]))</td></tr>"
        }
        coefTable += "</tbody></table>"
        var sourceList = "<ul>"
        for s in sources {
            sourceList += "<li><strong>\(escape((s["file"] as? String) ?? ""))</strong>: \(escape((s["summary"] as? String) ?? "")). Licence: \(escape((s["licence"] as? String) ?? "")). Attribution: \(escape((s["attribution"] as? String) ?? "")).</li>"
        }
        sourceList += "</ul>"
        let scenarioText = escape((manifest["scenario_text"] as? String) ?? "")
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>MigrationKit projection report</title>
        <style>
        body { font-family: Helvetica, Arial, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; } th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
        th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; } figure { margin: 1em 0; } pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
        svg { max-width: 100%; height: auto; } table.contrasts td:last-child { text-align: left; } tr.includes-zero td { color: #555; }
        .note { color: #555; font-size: 0.9em; }
        </style></head><body>
        <h1>Forced displacement projections</h1>
        <p>MigrationKit \(escape((manifest["migrationkit_version"] as? String) ?? "")) — \(manifest["draws"] ?? "") Monte Carlo draws per scenario, seed \(manifest["seed"] ?? ""), observed to \(baseYear), projections from \(firstYear) to \(horizon).
        The stock counts refugees, asylum seekers, other people in need of international protection, conflict IDPs and UNRWA refugees by origin.</p>
        <h2>Summary: forcibly displaced people, world</h2>
        \(summary)
        <p class="note">Projections start from UNHCR's mid-year figures for the first projected year where they are published (otherwise from the end of the last observed year). See FORECASTS.md for the backtests against naive baselines.</p>
        """
        html += "<h2>Scenarios compared</h2><figure>\(charts["world_scenarios.svg"] ?? "")</figure>"
        html += "<h2>Are the scenarios different?</h2>\(contrastSection)"
        html += "<h2>Uncertainty by scenario</h2><p class=\"note\">All fan charts share one y axis, so that their heights compare.</p>"
        for k in 0..<stock.count { html += "<figure>\(charts["fan_\(k + 1).svg"] ?? "")</figure>" }
        if let regions = charts["regions.svg"] {
            html += "<h2>Regions</h2><p>Under \(escape(reference)), by UN (M49) region of origin; all panels share one y axis.</p>\(regionTable)<figure>\(regions)</figure>"
        }
        if let origins = charts["largest_origins.svg"] {
            html += "<h2>The \(largest.count) largest origins</h2><p>Under \(escape(reference)), ranked by the median of \(firstYear); all panels share one y axis (observed 2010–\(baseYear) in black).</p>\(originTable)<figure>\(origins)</figure>"
        }
        html += "<h2>Disaster displacement</h2><figure>\(charts["disaster_scenarios.svg"] ?? "")</figure>"
        html += "<figure>\(charts["stacked_new_displacement.svg"] ?? "")</figure>"
        html += "<h2>Model diagnostics</h2><figure>\(charts["in_sample_fit.svg"] ?? "")</figure><figure>\(charts["coefficients.svg"] ?? "")</figure>\(coefTable)"
        html += "<h2>Assumptions</h2><p>Scenario file (\(escape((manifest["scenario_file"] as? String) ?? ""))):</p><pre>\(scenarioText)</pre>"
        html += "<h2>Data sources and licences</h2>\(sourceList)</body></html>\n"
        return (html, charts)
    }

    /// Writes report.html and the charts (SVG) into `directory`, each atomically through
    /// `AtomicFile` (which refuses links and special files and keeps a replaced file's
    /// permissions); everything is built before the first file is written.
    public static func write(directory: URL) throws {
        let (html, charts) = try build(directory: directory)
        let chartDir = directory.appendingPathComponent("charts")
        try FileManager.default.createDirectory(at: chartDir, withIntermediateDirectories: true)
        for (name, svg) in charts.sorted(by: { $0.key < $1.key }) {
            try AtomicFile.write(Array(svg.utf8), to: chartDir.appendingPathComponent(name).path)
        }
        try AtomicFile.write(Array(html.utf8), to: directory.appendingPathComponent("report.html").path)
    }
}
