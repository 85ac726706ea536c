import Foundation
import MigrationData
import MigrationModels

/// Tidy tables of a fitted regression, with stable column names (documented in README):
/// - coefficients: term, estimate, std_error, statistic, p_value, conf_low, conf_high;
/// - fit statistics: statistic, value (one row per statistic);
/// - dropped observations: row (1-based data row, header excluded), reason;
/// - fixed effects: fixed_effect, level, estimate;
/// - variance matrix: term, then one column per term (kept terms, in order);
/// - fitted values: row (1-based data row), fitted, residual (response scale), and
///   working_weight (GLMs: the final IRLS weight).
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

    /// One row per statistic: family, variance, the statistics' distribution and degrees of
    /// freedom, confidence level, counts of used and dropped observations, fit statistics,
    /// iterations, warnings.
    public static func fitStatistics(_ r: RegressionResult) throws -> Table {
        var rows: [(String, String)] = [
            ("family", r.family.name),
            ("variance", r.varianceLabel),
            ("distribution", r.degreesOfFreedom == nil ? "normal" : "t"),
            ("confidence_level", String(r.confidenceLevel)),
            ("observations", String(r.observations)),
            ("dropped", String(r.dropped.count)),
            ("dropped_missing", String(r.dropped.missingValues.count)),
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
    /// The row indices of `r.dropped` must be rows of the data (as the formula fits return them).
    public static func droppedObservations(_ r: RegressionResult) throws -> Table {
        var rows: [(Int, String)] = r.dropped.missingValues.map { ($0.row, "missing value in \($0.variable)") }
        rows += r.dropped.singletons.map { ($0, "singleton fixed-effect group") }
        rows += r.dropped.fixedEffectSeparation.map { ($0, "separated: fixed-effect group with only zero outcomes") }
        rows += r.dropped.regressorSeparation.map { ($0, "separated by the regressors (iterated rectifier)") }
        rows.sort { $0.0 < $1.0 }
        return try Table([("row", .int(rows.map { $0.0 + 1 })), ("reason", .string(rows.map(\.1)))])
    }

    /// The variance matrix of the kept coefficients: a `term` column, then one column per term.
    public static func varianceMatrix(_ r: RegressionResult) throws -> Table {
        let names = r.coefficients.map(\.term)
        var columns: [(name: String, column: Column)] = [("term", .string(names))]
        for (j, name) in names.enumerated() {
            columns.append((name, .double(names.indices.map { i in let v = r.vcov[i, j]; return v.isFinite ? v : nil })))
        }
        return try Table(columns)
    }

    /// Fitted values, residuals (response scale) and, for GLMs, the final working weights, one
    /// row per observation of the estimation sample; `row` is 1-based in the data (when the
    /// result's rows are rows of the data, as the formula fits return them).
    public static func fittedValues(_ r: RegressionResult) throws -> Table {
        func finite(_ v: [Double]) -> Column { .double(v.map { $0.isFinite ? $0 : nil }) }
        var columns: [(name: String, column: Column)] = [
            ("row", .int(r.estimationRows.map { $0 + 1 })),
            ("fitted", finite(r.fittedValues)),
            ("residual", finite(r.residuals)),
        ]
        if let w = r.workingWeights { columns.append(("working_weight", finite(w))) }
        return try Table(columns)
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
    /// The first line names the model, family, observations, dropped rows, fixed effects and
    /// variance; then one line per coefficient.
    public static func text(_ r: RegressionResult, model: String) -> String {
        var s = "\(model): \(r.family.name), \(r.observations) observations"
        let dropped = r.dropped.count
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
