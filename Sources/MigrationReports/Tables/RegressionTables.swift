import Foundation
import MigrationData
import MigrationModels

/// Tidy tables of a fitted regression, with stable column names (documented in README):
/// - coefficients: term, estimate, std_error, statistic, p_value, conf_low, conf_high;
/// - fit statistics: statistic, value (one row per statistic);
/// - dropped observations: row (1-based data row, header excluded), reason;
/// - fixed effects: fixed_effect, level, estimate.
public enum RegressionTables {
    public static func coefficients(_ r: RegressionResult) throws -> Table {
        let c = r.coefficients
        func col(_ f: (CoefficientEstimate) -> Double) -> Column { .double(c.map { v in let x = f(v); return x.isFinite ? x : nil }) }
        return try Table([
            ("term", .string(c.map(\.term))),
            ("estimate", col(\.estimate)),
            ("std_error", col(\.standardError)),
            ("statistic", col(\.statistic)),
            ("p_value", col(\.pValue)),
            ("conf_low", col(\.confidenceLow)),
            ("conf_high", col(\.confidenceHigh)),
        ])
    }

    public static func fitStatistics(_ r: RegressionResult, missingRows: Int = 0) throws -> Table {
        var rows: [(String, String)] = [
            ("family", r.family),
            ("variance", r.varianceLabel),
            ("observations", String(r.observations)),
            ("dropped_missing", String(missingRows)),
            ("dropped_singletons", String(r.dropped.singletons.count)),
            ("dropped_separation_fixed_effects", String(r.dropped.fixedEffectSeparation.count)),
            ("dropped_separation_regressors", String(r.dropped.regressorSeparation.count)),
            ("collinear_terms", r.collinearTerms.joined(separator: " ")),
            ("fixed_effects", r.fixedEffectNames.joined(separator: " ")),
            ("fixed_effect_rank", String(r.fixedEffectRank)),
            ("iterations", String(r.iterations)),
            ("converged", r.converged ? "true" : "false"),
            ("deviance", String(r.deviance)),
            ("log_likelihood", String(r.logLikelihood)),
            ("aic", String(r.aic)),
            ("bic", String(r.bic)),
        ]
        if let v = r.nullDeviance { rows.append(("null_deviance", String(v))) }
        if let v = r.rSquared { rows.append(("r_squared", String(v))) }
        if let v = r.adjustedRSquared { rows.append(("adj_r_squared", String(v))) }
        if let v = r.withinRSquared { rows.append(("within_r_squared", String(v))) }
        if let v = r.fStatistic { rows.append(("f_statistic", String(v))) }
        if let v = r.fPValue { rows.append(("f_p_value", String(v))) }
        if let v = r.theta { rows.append(("theta", String(v))) }
        if let v = r.degreesOfFreedom { rows.append(("t_degrees_of_freedom", String(v))) }
        for (k, w) in r.warnings.enumerated() { rows.append(("warning_\(k + 1)", w)) }
        return try Table([("statistic", .string(rows.map(\.0))), ("value", .string(rows.map(\.1)))])
    }

    /// Rows (1-based, as in the data file without its header) and why they left the sample.
    public static func droppedObservations(_ r: RegressionResult, frame: ModelFrame) throws -> Table {
        var rows: [(Int, String)] = frame.missingRows.map { ($0.row, "missing value in \($0.variable)") }
        let map = frame.rows
        rows += r.dropped.singletons.map { (map[$0], "singleton fixed-effect group") }
        rows += r.dropped.fixedEffectSeparation.map { (map[$0], "separated: fixed-effect group with only zero outcomes") }
        rows += r.dropped.regressorSeparation.map { (map[$0], "separated by the regressors (iterated rectifier)") }
        rows.sort { $0.0 < $1.0 }
        return try Table([("row", .int(rows.map { $0.0 + 1 })), ("reason", .string(rows.map(\.1)))])
    }

    public static func fixedEffects(_ r: RegressionResult) throws -> Table {
        var name: [String?] = [], level: [String?] = [], value: [Double?] = []
        for fe in r.fixedEffectEstimates ?? [] {
            for (l, v) in zip(fe.levels, fe.values) { name.append(fe.name); level.append(l); value.append(v) }
        }
        return try Table([("fixed_effect", .string(name)), ("level", .string(level)), ("estimate", .double(value))])
    }
}

/// A short human-readable summary of a fit (printed on stderr by the CLI).
public enum RegressionSummary {
    public static func text(_ r: RegressionResult, frame: ModelFrame? = nil, model: String) -> String {
        var s = "\(model): \(r.family), \(r.observations) observations"
        let dropped = r.dropped.count + (frame?.missingRows.count ?? 0)
        if dropped > 0 { s += ", \(dropped) dropped" }
        if !r.fixedEffectNames.isEmpty { s += ", fixed effects \(r.fixedEffectNames.joined(separator: " + "))" }
        s += ", variance \(r.varianceLabel)\n"
        let width = max(10, r.coefficients.map(\.term.count).max() ?? 10)
        func pad(_ t: String, _ w: Int) -> String { t.count >= w ? t : t + String(repeating: " ", count: w - t.count) }
        func num(_ x: Double) -> String { pad(String(format: "%.6g", x), 13) }
        s += pad("term", width) + "  " + pad("estimate", 13) + pad("std_error", 13) + pad("statistic", 13) + "p_value\n"
        for c in r.coefficients {
            s += pad(c.term, width) + "  " + num(c.estimate) + num(c.standardError) + num(c.statistic) + String(format: "%.4g", c.pValue) + "\n"
        }
        if !r.collinearTerms.isEmpty { s += "collinear, dropped: \(r.collinearTerms.joined(separator: ", "))\n" }
        if !r.converged { s += "WARNING: not converged\n" }
        for w in r.warnings { s += "warning: \(w)\n" }
        return s
    }
}
