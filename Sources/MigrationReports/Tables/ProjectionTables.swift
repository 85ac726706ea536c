import Foundation
import MigrationData
import MigrationModels
import MigrationScenarios

/// Report tables of a projection run, with stable, documented column names (README "Outputs").
public enum ProjectionTables {
    /// A count of people as a whole number (rounded half away from zero), or `nil` when it is
    /// not finite or too large to be a count (|v| ≥ 2⁵³). People counts are written as integers:
    /// a spreadsheet keeps 15 significant digits, and a fraction of a person means nothing.
    public static func persons(_ v: Double) -> Int? {
        guard v.isFinite, abs(v) < 9_007_199_254_740_992 else { return nil }
        return Int(v.rounded())
    }

    /// The `note` of a cell whose mean lies outside its 90 % interval (heavy tails), else `nil`:
    /// "mean above p95: heavy upper tail" (or "mean below p05: heavy lower tail"), short because
    /// it repeats on many rows.
    /// With a skewed distribution (a few draws in which a crisis erupts or keeps growing) the mean
    /// can exceed the 95th percentile: the median and the interval describe the typical outcome,
    /// the mean the expected value including the rare large ones.
    public static func tailNote(_ s: QuantileSummary) -> String? {
        guard s.mean.isFinite, s.p05.isFinite, s.p95.isFinite else { return nil }
        if s.mean > s.p95 {
            return "mean above p95: heavy upper tail"
        }
        if s.mean < s.p05 {
            return "mean below p05: heavy lower tail"
        }
        return nil
    }

    /// projections.csv: scenario, geography_level, geography, name, category, year, mean, p05,
    /// p10, p50, p90, p95, note — one row per scenario × geography × category × year. Every
    /// category counts people (stocks) or displacements (flows), written as whole numbers
    /// (`persons(_:)`); `note` explains a mean outside p05–p95 (`tailNote(_:)`) and is empty
    /// otherwise. Names are the UN M49 English names of `names` (see `M49Names`).
    public static func projections(_ rows: [ProjectionRow], names: [String: String]) throws -> Table {
        func d(_ f: (QuantileSummary) -> Double) -> Column { .int(rows.map { persons(f($0.summary)) }) }
        return try Table([
            ("scenario", .string(rows.map(\.scenario))),
            ("geography_level", .string(rows.map(\.geographyLevel.rawValue))),
            ("geography", .string(rows.map(\.geography))),
            ("name", .string(rows.map { $0.geographyLevel == .country ? M49Names.name(iso3: $0.geography, given: names[$0.geography] ?? $0.geography) : $0.geography })),
            ("category", .string(rows.map(\.category.rawValue))),
            ("year", .int(rows.map(\.year))),
            ("mean", d(\.mean)), ("p05", d(\.p05)), ("p10", d(\.p10)), ("p50", d(\.p50)), ("p90", d(\.p90)), ("p95", d(\.p95)),
            ("note", .string(rows.map { tailNote($0.summary) })),
        ])
    }

    /// The observed series of the stock categories, per origin and year (the history the
    /// projection starts from): `displaced_stock` (conflict and persecution: cross-border +
    /// conflict IDPs + UNRWA; the projected stock also counts disaster IDPs when the scenario
    /// file includes them), `displaced_cross_border`, `displaced_conflict_idps`, `displaced_unrwa`.
    static func observedSeries(_ history: DisplacementHistory) -> [String: CountryYearSeries] {
        [ProjectionCategory.displaced.rawValue: history.stock, ProjectionCategory.crossBorder.rawValue: history.crossBorder,
         ProjectionCategory.conflictIDPs.rawValue: history.conflictIDPs, ProjectionCategory.unrwa.rawValue: history.unrwa]
    }

    /// summary_wide.csv, for spreadsheets: one column per year, from the first observed year to
    /// the horizon, for the world and the regions. Per scenario × geography × category four rows,
    /// told apart by `statistic`: `observed` (the history up to the last observed year, for the
    /// stock categories; empty elsewhere), then `p05`, `p50` (the median) and `p95` of the
    /// projection. Columns: scenario, geography_level, geography, category, statistic, then the
    /// years. Values are whole persons.
    public static func wideSummary(_ rows: [ProjectionRow], history: DisplacementHistory? = nil) throws -> Table {
        let agg = rows.filter { $0.geographyLevel != .country }
        let base = history?.lastObservedYear ?? Int.max
        // Observed aggregates: sum the origins of each region, sorted keys (deterministic sums).
        var observed: [String: [Int: Double]] = [:]
        var observedYears: Set<Int> = []
        if let history {
            for (category, series) in observedSeries(history).sorted(by: { $0.key < $1.key }) {
                for c in series.countries {
                    let region = history.regions[c]
                    for y in series.years(c) where y <= base {
                        guard let v = series[c, y] else { continue }
                        observedYears.insert(y)
                        observed["world\u{1}World\u{1}\(category)", default: [:]][y, default: 0] += v
                        if let region {
                            observed["unhcr_region\u{1}\(region.unhcr)\u{1}\(category)", default: [:]][y, default: 0] += v
                            observed["un_region\u{1}\(region.un)\u{1}\(category)", default: [:]][y, default: 0] += v
                        }
                    }
                }
            }
        }
        let years = Array(Set(agg.map(\.year)).union(observedYears)).sorted()
        var keys: [String] = []
        var byKey: [String: (ProjectionRow, [Int: QuantileSummary])] = [:]
        for r in agg {
            let k = "\(r.scenario)\u{1}\(r.geographyLevel.rawValue)\u{1}\(r.geography)\u{1}\(r.category.rawValue)"
            if byKey[k] == nil { keys.append(k); byKey[k] = (r, [:]) }
            byKey[k]?.1[r.year] = r.summary
        }
        let statistics = ["observed", "p05", "p50", "p95"]
        var scenario: [String?] = [], level: [String?] = [], geography: [String?] = [], category: [String?] = [], statistic: [String?] = []
        var values: [[Int?]] = Array(repeating: [], count: years.count)
        for k in keys {
            guard let (r, cells) = byKey[k] else { continue }
            let history = observed["\(r.geographyLevel.rawValue)\u{1}\(r.geography)\u{1}\(r.category.rawValue)"]
            for stat in statistics {
                scenario.append(r.scenario); level.append(r.geographyLevel.rawValue); geography.append(r.geography)
                category.append(r.category.rawValue); statistic.append(stat)
                for (j, y) in years.enumerated() {
                    let v: Double?
                    switch stat {
                    case "observed": v = history?[y]
                    case "p05": v = cells[y]?.p05
                    case "p50": v = cells[y]?.p50
                    default: v = cells[y]?.p95
                    }
                    values[j].append(v.flatMap(persons))
                }
            }
        }
        var cols: [(name: String, column: Column)] = [
            ("scenario", .string(scenario)), ("geography_level", .string(level)), ("geography", .string(geography)),
            ("category", .string(category)), ("statistic", .string(statistic)),
        ]
        for (j, y) in years.enumerated() { cols.append((String(y), .int(values[j]))) }
        return try Table(cols)
    }

    /// The chart-ready world table of workbook.xlsx: one row per year from the first observed
    /// year to the horizon; columns `year`, `observed` (the world's forcibly displaced, conflict and
    /// persecution, up to the last observed year), then per scenario `<name> median`,
    /// `<name> p05`, `<name> p95` of the projected `displaced_stock` (empty before the first
    /// projected year). Whole persons.
    public static func worldSheet(_ rows: [ProjectionRow], history: DisplacementHistory, scenarios: [String]) throws -> Table {
        var cells: [String: [Int: QuantileSummary]] = [:]
        for r in rows where r.geographyLevel == .world && r.category == .displaced {
            cells[r.scenario, default: [:]][r.year] = r.summary
        }
        let base = history.lastObservedYear
        var observedYears: Set<Int> = []
        for c in history.stock.countries { for y in history.stock.years(c) where y <= base { observedYears.insert(y) } }
        let years = Array(observedYears.union(cells.values.flatMap(\.keys))).sorted()
        var columns: [(name: String, column: Column)] = [
            ("year", .int(years)),
            ("observed", .int(years.map { observedYears.contains($0) ? persons(history.stock.total($0)) : nil })),
        ]
        for name in scenarios {
            let c = cells[name] ?? [:]
            columns.append(("\(name) median", .int(years.map { y in c[y].flatMap { persons($0.p50) } })))
            columns.append(("\(name) p05", .int(years.map { y in c[y].flatMap { persons($0.p05) } })))
            columns.append(("\(name) p95", .int(years.map { y in c[y].flatMap { persons($0.p95) } })))
        }
        return try Table(columns)
    }

    /// contrasts.csv: scenario, reference, geography_level, geography, category, year, p05, p50,
    /// p95, share_positive — each scenario minus the reference on paired draws. Differences of
    /// people counts are whole persons; share_positive is a fraction in [0, 1].
    public static func contrasts(_ rows: [ScenarioContrast]) throws -> Table {
        try Table([
            ("scenario", .string(rows.map(\.scenario))), ("reference", .string(rows.map(\.reference))),
            ("geography_level", .string(rows.map(\.geographyLevel.rawValue))), ("geography", .string(rows.map(\.geography))),
            ("category", .string(rows.map(\.category.rawValue))), ("year", .int(rows.map(\.year))),
            ("p05", .int(rows.map { persons($0.p05) })), ("p50", .int(rows.map { persons($0.p50) })),
            ("p95", .int(rows.map { persons($0.p95) })), ("share_positive", .double(rows.map(\.sharePositive))),
        ])
    }

    /// coefficients.csv: model, term, estimate, std_error, statistic, p_value, conf_low, conf_high.
    public static func coefficients(_ models: [(String, RegressionResult)]) throws -> Table {
        var model: [String?] = []
        var parts: [Table] = []
        for (name, r) in models {
            let t = try RegressionTables.coefficients(r)
            parts.append(t)
            model += Array(repeating: name, count: t.rowCount)
        }
        var all = try parts.dropFirst().reduce(parts.first ?? Table()) { try $0.appendingRows(of: $1) }
        all = try Table([("model", .string(model))] + zip(all.columnNames, all.columns).map { ($0, $1) })
        return all
    }

    /// diagnostics.csv: model, statistic, value.
    public static func diagnostics(_ models: [(String, RegressionResult)], extra: [(String, String, String)]) throws -> Table {
        var m: [String?] = [], s: [String?] = [], v: [String?] = []
        for (name, r) in models {
            let t = try RegressionTables.fitStatistics(r)
            guard case .string(let stats) = try t.column("statistic"), case .string(let values) = try t.column("value") else { continue }
            for k in 0..<t.rowCount { m.append(name); s.append(stats[k]); v.append(values[k]) }
        }
        for (a, b, c) in extra { m.append(a); s.append(b); v.append(c) }
        return try Table([("model", .string(m)), ("statistic", .string(s)), ("value", .string(v))])
    }
}
