import Foundation
import MigrationData
import MigrationModels
import MigrationScenarios

/// Report tables of a projection run, with stable, documented column names (README "Outputs").
public enum ProjectionTables {
    /// projections.csv: scenario, geography_level, geography, name, category, year, mean, p05,
    /// p10, p50, p90, p95 — one row per scenario × geography × category × year.
    public static func projections(_ rows: [ProjectionRow], names: [String: String]) throws -> Table {
        func d(_ f: (QuantileSummary) -> Double) -> Column { .double(rows.map { let v = f($0.summary); return v.isFinite ? v : nil }) }
        return try Table([
            ("scenario", .string(rows.map(\.scenario))),
            ("geography_level", .string(rows.map(\.geographyLevel))),
            ("geography", .string(rows.map(\.geography))),
            ("name", .string(rows.map { $0.geographyLevel == "country" ? (names[$0.geography] ?? $0.geography) : $0.geography })),
            ("category", .string(rows.map(\.category))),
            ("year", .int(rows.map(\.year))),
            ("mean", d(\.mean)), ("p05", d(\.p05)), ("p10", d(\.p10)), ("p50", d(\.p50)), ("p90", d(\.p90)), ("p95", d(\.p95)),
        ])
    }

    /// summary_wide.csv: the median (p50) by year in columns, for the world and the regions —
    /// one row per scenario × geography × category: scenario, geography_level, geography,
    /// category, then one column per year.
    public static func wideSummary(_ rows: [ProjectionRow]) throws -> Table {
        let agg = rows.filter { $0.geographyLevel != "country" }
        let years = Array(Set(agg.map(\.year))).sorted()
        var keys: [String] = []
        var byKey: [String: (ProjectionRow, [Int: Double])] = [:]
        for r in agg {
            let k = "\(r.scenario)\u{1}\(r.geographyLevel)\u{1}\(r.geography)\u{1}\(r.category)"
            if byKey[k] == nil { keys.append(k); byKey[k] = (r, [:]) }
            byKey[k]?.1[r.year] = r.summary.p50
        }
        var cols: [(name: String, column: Column)] = [
            ("scenario", .string(keys.map { byKey[$0]?.0.scenario })),
            ("geography_level", .string(keys.map { byKey[$0]?.0.geographyLevel })),
            ("geography", .string(keys.map { byKey[$0]?.0.geography })),
            ("category", .string(keys.map { byKey[$0]?.0.category })),
        ]
        for y in years { cols.append((String(y), .double(keys.map { byKey[$0]?.1[y].map { $0.rounded() } }))) }
        return try Table(cols)
    }

    /// contrasts.csv: scenario, reference, geography_level, geography, category, year, p05, p50,
    /// p95, share_positive — each scenario minus the reference on paired draws. Differences of
    /// people counts are whole persons; share_positive is a fraction in [0, 1].
    public static func contrasts(_ rows: [ScenarioContrast]) throws -> Table {
        try Table([
            ("scenario", .string(rows.map(\.scenario))), ("reference", .string(rows.map(\.reference))),
            ("geography_level", .string(rows.map(\.geographyLevel))), ("geography", .string(rows.map(\.geography))),
            ("category", .string(rows.map(\.category))), ("year", .int(rows.map(\.year))),
            ("p05", .double(rows.map { $0.p05.rounded() })), ("p50", .double(rows.map { $0.p50.rounded() })),
            ("p95", .double(rows.map { $0.p95.rounded() })), ("share_positive", .double(rows.map(\.sharePositive))),
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
