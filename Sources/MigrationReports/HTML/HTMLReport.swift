import Foundation
import MigrationData

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
        public var description: String {
            switch self {
            case .missing(let f): return "\(f): not found — run `migkit project -o DIR` first, then `migkit report DIR`"
            case .malformed(let f): return "\(f): unexpected content — regenerate the run with `migkit project`"
            case let .invalidYear(f, line, column, value):
                return "\(f): line \(line), column `\(column)`: \(value.isEmpty ? "the cell is empty" : "'\(value)' is not a year") — every row needs a whole-number year (was the file edited?); restore it or regenerate the run with `migkit project`"
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

    static func numbers(_ t: Table, _ c: String, _ f: String) throws -> [Double] {
        guard let v = t[c]?.doubles() else { throw ReportError.malformed(f) }
        return v.map { $0 ?? .nan }
    }

    /// World cells of one category, per scenario in file order.
    static func world(_ t: Table, category: String) throws -> [(String, [Cell])] {
        let f = "projections.csv"
        let level = try strings(t, "geography_level", f), cat = try strings(t, "category", f), sc = try strings(t, "scenario", f)
        let year = try years(t, "year", f), mean = try numbers(t, "mean", f)
        let p05 = try numbers(t, "p05", f), p10 = try numbers(t, "p10", f), p50 = try numbers(t, "p50", f)
        let p90 = try numbers(t, "p90", f), p95 = try numbers(t, "p95", f)
        var order: [String] = []
        var cells: [String: [Cell]] = [:]
        for i in 0..<t.rowCount where level[i] == "world" && cat[i] == category {
            if cells[sc[i]] == nil { order.append(sc[i]) }
            cells[sc[i], default: []].append(Cell(scenario: sc[i], year: year[i], mean: mean[i], p05: p05[i], p10: p10[i],
                                                   p50: p50[i], p90: p90[i], p95: p95[i]))
        }
        return order.map { ($0, (cells[$0] ?? []).sorted { $0.year < $1.year }) }
    }

    static func escape(_ s: String) -> String { SVGChart.escape(s) }

    /// Builds the report HTML for the run in `directory`.
    public static func build(directory: URL) throws -> (html: String, charts: [String: String]) {
        let proj = try read(directory, "projections.csv")
        let fit = try read(directory, "in_sample_fit.csv")
        let coef = try read(directory, "coefficients.csv")
        let manifestURL = directory.appendingPathComponent("manifest.json")
        guard let manifestData = FileManager.default.contents(atPath: manifestURL.path),
              let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any] else {
            throw ReportError.missing(manifestURL.path)
        }
        let sources = (manifest["data_sources"] as? [[String: Any]]) ?? []
        let attribution = "Sources: " + sources.compactMap { $0["attribution"] as? String }.joined(separator: "; ")
        let shortSource = "Data: UNHCR (CC BY 4.0), IDMC, UN DESA WPP 2024, ERA5/OWID, IPCC AR6. Projection: MigrationKit."
        // Observed world history.
        let fg = try strings(fit, "geography", "in_sample_fit.csv"), fy = try years(fit, "year", "in_sample_fit.csv")
        let fo = try numbers(fit, "observed", "in_sample_fit.csv"), ff = try numbers(fit, "fitted", "in_sample_fit.csv")
        var histYears: [Int] = [], histObserved: [Double] = [], histFitted: [Double] = []
        for i in 0..<fit.rowCount where fg[i] == "World" { histYears.append(fy[i]); histObserved.append(fo[i]); histFitted.append(ff[i]) }
        let stock = try world(proj, category: "displaced_stock")
        let disaster = try world(proj, category: "new_disaster_displacement")
        var charts: [String: String] = [:]
        // 1. Scenarios compared, with history.
        var series: [SVGChart.Series] = [SVGChart.Series(label: "Observed", years: histYears, values: histObserved, color: "#000000")]
        for (k, (name, cells)) in stock.enumerated() {
            series.append(SVGChart.Series(label: name, years: cells.map(\.year), values: cells.map(\.p50),
                                          color: SVGChart.palette[k % SVGChart.palette.count]))
        }
        charts["world_scenarios.svg"] = SVGChart(title: "Forcibly displaced people, world: median by scenario", yTitle: "People",
                                                 source: shortSource, series: series).render()
        // 2. Fan chart per scenario.
        for (k, (name, cells)) in stock.enumerated() {
            let color = SVGChart.palette[k % SVGChart.palette.count]
            let s = SVGChart.Series(label: "\(name) median", years: cells.map(\.year), values: cells.map(\.p50), color: color, bands: [
                .init(label: "90 %", low: cells.map(\.p05), high: cells.map(\.p95), opacity: 0.15),
                .init(label: "80 %", low: cells.map(\.p10), high: cells.map(\.p90), opacity: 0.25),
            ])
            let h = SVGChart.Series(label: "Observed", years: histYears, values: histObserved, color: "#000000")
            charts["fan_\(k + 1).svg"] = SVGChart(title: "\(name): forcibly displaced, world (median, 80 % and 90 % intervals)",
                                                  yTitle: "People", source: shortSource, series: [h, s]).render()
        }
        // 3. Disaster displacement.
        let dseries = disaster.enumerated().map { k, e in
            SVGChart.Series(label: e.0, years: e.1.map(\.year), values: e.1.map(\.p50), color: SVGChart.palette[k % SVGChart.palette.count])
        }
        charts["disaster_scenarios.svg"] = SVGChart(title: "New disaster displacements per year, world: median by scenario",
                                                    yTitle: "Displacements", source: shortSource, series: dseries).render()
        // 3b. New displacement by cause, stacked (median of each cause; the first scenario).
        let conflictNew = try world(proj, category: "new_conflict_displacement")
        if let first = conflictNew.first, let dis = disaster.first(where: { $0.0 == first.0 }) {
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
        // 4. In-sample fit.
        charts["in_sample_fit.svg"] = SVGChart(title: "World displaced stock: observed and one-step-ahead fit", yTitle: "People",
                                               source: shortSource, series: [
                                                   .init(label: "Observed", years: histYears, values: histObserved, color: "#000000"),
                                                   .init(label: "Fitted", years: histYears, values: histFitted, color: "#D55E00", dashed: true),
                                               ]).render()
        // Tables.
        func m(_ v: Double) -> String { v.isFinite ? String(format: "%.1f M", v / 1e6) : "–" }
        var summary = "<table><thead><tr><th>Scenario</th>"
        let years = [2030, 2040, 2050].filter { y in stock.first?.1.contains { $0.year == y } ?? false }
        for y in years { summary += "<th>\(y) median</th><th>\(y) 90 % interval</th>" }
        summary += "</tr></thead><tbody>"
        for (name, cells) in stock {
            summary += "<tr><td>\(escape(name))</td>"
            for y in years {
                if let c = cells.first(where: { $0.year == y }) { summary += "<td>\(m(c.p50))</td><td>\(m(c.p05)) – \(m(c.p95))</td>" }
            }
            summary += "</tr>"
        }
        summary += "</tbody></table>"
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
        th:first-child, td:first-child, td:nth-child(2) { text-align: left; } figure { margin: 1em 0; } pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
        .note { color: #555; font-size: 0.9em; }
        </style></head><body>
        <h1>Forced displacement projections</h1>
        <p>MigrationKit \(escape((manifest["migrationkit_version"] as? String) ?? "")) — \(manifest["draws"] ?? "") Monte Carlo draws per scenario, seed \(manifest["seed"] ?? ""), projections from \(manifest["base_year"] ?? "") to \(manifest["horizon"] ?? "").
        The stock counts refugees, asylum seekers, other people in need of international protection, conflict IDPs and UNRWA refugees by origin.</p>
        <h2>Summary: forcibly displaced people, world</h2>
        \(summary)
        <p class="note">Projections start from UNHCR's mid-year figures for the first projected year where they are published (otherwise from the end of the last observed year). Long-run medians compound the growth of displaced stocks observed since 2001; see FORECASTS.md for the backtests (the default model beats the random walk and the drift for the world total at horizons 1–5 years; for individual countries it ties the random walk).</p>
        """
        html += "<h2>Scenarios compared</h2><figure>\(charts["world_scenarios.svg"] ?? "")</figure>"
        html += "<h2>Uncertainty by scenario</h2>"
        for k in 0..<stock.count { html += "<figure>\(charts["fan_\(k + 1).svg"] ?? "")</figure>" }
        html += "<h2>Disaster displacement</h2><figure>\(charts["disaster_scenarios.svg"] ?? "")</figure>"
        html += "<figure>\(charts["stacked_new_displacement.svg"] ?? "")</figure>"
        html += "<h2>Model diagnostics</h2><figure>\(charts["in_sample_fit.svg"] ?? "")</figure><figure>\(charts["coefficients.svg"] ?? "")</figure>\(coefTable)"
        html += "<h2>Assumptions</h2><p>Scenario file (\(escape((manifest["scenario_file"] as? String) ?? ""))):</p><pre>\(scenarioText)</pre>"
        html += "<h2>Data sources and licences</h2>\(sourceList)<p class=\"note\">\(escape(attribution))</p></body></html>\n"
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
