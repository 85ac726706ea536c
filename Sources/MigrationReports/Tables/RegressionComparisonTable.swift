import Foundation
import MigrationData
import MigrationModels

/// Several fitted models side by side, as fixest's and pyfixest's `etable`: one column per model,
/// each coefficient with its standard error (or confidence interval, or statistic) below it and
/// significance stars, then the fixed effects (Yes/No) and the fit statistics at the foot,
/// with the variance type and the statistic's distribution stated for every model.
///
/// Rendered as Markdown (`markdown()`), LaTeX (`latex()`, a booktabs `tabular`), or a CSV table
/// (`table()`, full-precision numbers, no stars) with stable columns `section, label` and one
/// column per model (`(1)`, `(2)`, …). CSV sections: `dependent_variable`, `model`, `estimate`,
/// `std_error`, `statistic`, `p_value`, `conf_low`, `conf_high` (one row per term),
/// `fixed_effect` (`Yes`/`No`), and `fit` (variance, distribution, confidence_level,
/// observations, dropped, r_squared, adj_r_squared, within_r_squared, deviance,
/// log_likelihood, aic, bic, theta; a cell is empty where a model has no such statistic).
///
/// Numbers in Markdown and LaTeX have `digits` significant digits (fixest's default 4).
public struct RegressionComparisonTable: Sendable {
    /// One column of the table.
    public struct Entry: Sendable {
        /// The response (the "Dependent variable" row).
        public var dependentVariable: String
        /// The model's name (`ols`, `ppml`, …) for the "Model" row.
        public var model: String
        /// The fit.
        public var result: RegressionResult

        /// A column.
        /// - Parameters:
        ///   - dependentVariable: the response's name.
        ///   - model: the model's name.
        ///   - result: the fit.
        public init(dependentVariable: String, model: String, result: RegressionResult) {
            self.dependentVariable = dependentVariable
            self.model = model
            self.result = result
        }
    }

    /// What goes below each estimate.
    public enum BelowEstimate: String, Sendable, CaseIterable {
        /// (standard error), fixest's default.
        case standardError = "se"
        /// [confidence interval] at the result's level.
        case confidenceInterval = "ci"
        /// (t or z statistic).
        case statistic = "t"
    }

    /// Significance codes: a star string per p-value threshold, strictest first.
    public struct SignificanceCodes: Sendable, Equatable {
        public var thresholds: [(stars: String, p: Double)]
        /// fixest's `etable` default: *** p < 0.01, ** p < 0.05, * p < 0.1.
        public static let fixest = SignificanceCodes(thresholds: [("***", 0.01), ("**", 0.05), ("*", 0.1)])
        /// pyfixest's and R's `summary` codes: *** p < 0.001, ** p < 0.01, * p < 0.05.
        public static let conventional = SignificanceCodes(thresholds: [("***", 0.001), ("**", 0.01), ("*", 0.05)])

        /// Codes from thresholds.
        /// - Parameter thresholds: star strings and their p-value bounds, strictest first.
        public init(thresholds: [(stars: String, p: Double)]) { self.thresholds = thresholds }

        /// The stars of a p-value ("" when above every threshold or not finite).
        public func stars(_ p: Double) -> String {
            guard p.isFinite else { return "" }
            return thresholds.first { p < $0.p }?.stars ?? ""
        }

        /// "***: 0.01, **: 0.05, *: 0.1".
        public var legend: String { thresholds.map { "\($0.stars): \(Self.number($0.p))" }.joined(separator: ", ") }

        static func number(_ x: Double) -> String { String(x) }

        public static func == (a: SignificanceCodes, b: SignificanceCodes) -> Bool {
            a.thresholds.map(\.stars) == b.thresholds.map(\.stars) && a.thresholds.map(\.p) == b.thresholds.map(\.p)
        }
    }

    public var entries: [Entry]
    /// Significant digits of the numbers in Markdown and LaTeX.
    public var digits: Int = 4
    /// Stars, or nil for none.
    public var significance: SignificanceCodes? = .fixest
    /// What is printed below each estimate.
    public var below: BelowEstimate = .standardError

    /// A table of `entries`, in order.
    /// - Parameter entries: the models.
    public init(_ entries: [Entry]) { self.entries = entries }

    /// Every kept term, in order of first appearance across the models.
    public var terms: [String] {
        var seen = Set<String>(), out: [String] = []
        for e in entries { for c in e.result.coefficients where seen.insert(c.term).inserted { out.append(c.term) } }
        return out
    }

    /// Every fixed effect, in order of first appearance.
    public var fixedEffects: [String] {
        var seen = Set<String>(), out: [String] = []
        for e in entries { for f in e.result.fixedEffectNames where seen.insert(f).inserted { out.append(f) } }
        return out
    }

    /// A fit statistic: label, CSV key, and its value per model (nil when absent).
    struct Statistic {
        let label: String
        let key: String
        let values: [Double?]
        let integer: Bool
    }

    var statistics: [Statistic] {
        func s(_ label: String, _ key: String, integer: Bool = false, _ f: (RegressionResult) -> Double?) -> Statistic {
            Statistic(label: label, key: key, values: entries.map { f($0.result) }, integer: integer)
        }
        let all = [
            s("Observations", "observations", integer: true) { Double($0.observations) },
            s("Dropped", "dropped", integer: true) { Double($0.dropped.count) },
            s("R²", "r_squared") { $0.rSquared },
            s("Adj. R²", "adj_r_squared") { $0.adjustedRSquared },
            s("Within R²", "within_r_squared") { $0.withinRSquared },
            s("Deviance", "deviance") { $0.family == .gaussian ? nil : $0.deviance },
            s("Log-likelihood", "log_likelihood") { $0.logLikelihood },
            s("AIC", "aic") { $0.aic },
            s("BIC", "bic") { $0.bic },
            s("θ (NB2)", "theta") { $0.theta },
        ]
        return all.filter { $0.values.contains { $0 != nil } }
    }

    /// "iid", "HC1", "Clustered (iso3)", "Two-way (a, b)".
    static func varianceText(_ r: RegressionResult) -> String {
        let l = r.varianceLabel
        if l.hasPrefix("cluster(") { return "Clustered (" + l.dropFirst("cluster(".count) }
        if l.hasPrefix("twoway(") { return "Two-way (" + l.dropFirst("twoway(".count) }
        return l == "iid" ? "IID" : l
    }

    /// `x` with `digits` significant digits, never in exponent form unless |x| < 10⁻⁴ or ≥ 10¹⁵.
    func format(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "Inf" : "-Inf") }
        if x == 0 { return "0" }
        let a = Swift.abs(x)
        if a < 1e-4 || a >= 1e15 { return String(format: "%.\(max(0, digits - 1))e", x) }
        let magnitude = Int(floor(log10(a)))
        let decimals = max(0, digits - 1 - magnitude)
        return String(format: "%.\(decimals)f", x)
    }

    func integer(_ x: Double) -> String { String(format: "%.0f", x) }

    /// 0.95 → "95 %", 0.9 → "90 %", 0.999 → "99.9 %".
    static func percent(_ level: Double) -> String {
        var s = String(format: "%.10g", level * 100)
        if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
        return s + " %"
    }

    /// The grid both text formats render: header rows, coefficient rows, fixed effects, statistics.
    struct Grid {
        var header: [[String]] = []
        var coefficients: [[String]] = []
        var fixedEffects: [[String]] = []
        var statistics: [[String]] = []
    }

    func grid(stars starText: (String) -> String) -> Grid {
        var g = Grid()
        g.header.append(["Dependent variable"] + entries.map(\.dependentVariable))
        g.header.append(["Model"] + entries.map { "\($0.model) (\($0.result.family.name))" })
        for term in terms {
            var top = [term], bottom = [""]
            for e in entries {
                guard let c = e.result.coefficient(term) else { top.append(""); bottom.append(""); continue }
                let stars = significance?.stars(c.pValue) ?? ""
                top.append(format(c.estimate) + (stars.isEmpty ? "" : starText(stars)))
                switch below {
                case .standardError: bottom.append("(\(format(c.standardError)))")
                case .statistic: bottom.append("(\(format(c.statistic)))")
                case .confidenceInterval: bottom.append("[\(format(c.confidenceLow)); \(format(c.confidenceHigh))]")
                }
            }
            g.coefficients.append(top)
            g.coefficients.append(bottom)
        }
        for fe in fixedEffects {
            g.fixedEffects.append([fe] + entries.map { $0.result.fixedEffectNames.contains(fe) ? "Yes" : "No" })
        }
        g.statistics.append(["S.E. type"] + entries.map { Self.varianceText($0.result) })
        g.statistics.append(["Statistic"] + entries.map { $0.result.statisticDistribution.description })
        if below == .confidenceInterval {
            g.statistics.append(["Confidence level"] + entries.map { Self.percent($0.result.confidenceLevel) })
        }
        for s in statistics {
            g.statistics.append([s.label] + s.values.map { v in v.map { s.integer ? integer($0) : format($0) } ?? "" })
        }
        return g
    }

    var belowLegend: String {
        switch below {
        case .standardError: return "Standard errors in parentheses"
        case .statistic: return "t or z statistics in parentheses"
        case .confidenceInterval: return "Confidence intervals in brackets"
        }
    }

    /// The footnote: what is below the estimates, the stars, and the statistics' distribution.
    var footnote: String {
        var s = belowLegend + "; p-values two-sided, from the distribution in the Statistic row."
        if let significance { s += " Signif. codes: \(significance.legend)." }
        return s
    }

    /// The table as GitHub-flavoured Markdown (pipes in names escaped).
    public func markdown() -> String {
        let g = grid { $0 }
        let columns = ["", ] + entries.indices.map { "(\($0 + 1))" }
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        func line(_ cells: [String]) -> String { "| " + cells.map(cell).joined(separator: " | ") + " |\n" }
        var out = line(columns)
        out += "|:---" + String(repeating: "|---:", count: entries.count) + "|\n"
        for r in g.header { out += line(r) }
        for r in g.coefficients { out += line(r) }
        if !g.fixedEffects.isEmpty {
            out += line(["*Fixed effects*"] + entries.map { _ in "" })
            for r in g.fixedEffects { out += line(r) }
        }
        out += line(["*Fit*"] + entries.map { _ in "" })
        for r in g.statistics { out += line(r) }
        out += "\n" + footnote + "\n"
        return out
    }

    /// The table as a LaTeX `tabular` with booktabs rules (`\usepackage{booktabs}`); special
    /// characters in names are escaped. Negative numbers get a math minus, `$-$0.1234`, where
    /// a hyphen-minus in text mode would print a hyphen (fixest's `etable` writes the hyphen,
    /// `-0.1234`; the `$-$` form is the one LaTeX typesets as a minus, the width of a plus).
    public func latex() -> String {
        let g = grid { "$^{\($0)}$" }
        let n = entries.count
        func line(_ cells: [String], escapeValues: Bool = true) -> String {
            let first = Self.latexEscape(cells[0])
            let rest = cells.dropFirst().map { Self.latexMinus(escapeValues ? Self.latexEscape($0) : $0) }
            return ([first] + rest).joined(separator: " & ") + " \\\\\n"
        }
        var out = "\\begin{tabular}{l" + String(repeating: "c", count: n) + "}\n\\toprule\n"
        out += line([""] + entries.indices.map { "(\($0 + 1))" })
        for r in g.header { out += line(r) }
        out += "\\midrule\n"
        for r in g.coefficients { out += line(r, escapeValues: false) }
        if !g.fixedEffects.isEmpty {
            out += "\\midrule\n\\emph{Fixed effects}" + String(repeating: " &", count: n) + " \\\\\n"
            for r in g.fixedEffects { out += line(r) }
        }
        out += "\\midrule\n"
        for r in g.statistics { out += line(r) }
        out += "\\bottomrule\n"
        out += "\\multicolumn{\(n + 1)}{l}{\\footnotesize " + Self.latexEscape(footnote) + "} \\\\\n"
        out += "\\end{tabular}\n"
        return out
    }

    /// Replaces the hyphen-minus of every negative number in a value cell by `$-$`: a `-`
    /// followed by a digit or a point, at the start of the cell or after `(`, `[`, a space or
    /// `;` (so "-1.986", "(-0.5)", "[-0.3; 0.2]" change, an exponent's "1.2e-05" and a label's
    /// "log-likelihood" do not).
    static func latexMinus(_ s: String) -> String {
        var out = ""
        var previous: Character? = nil
        let characters = Array(s)
        for (k, ch) in characters.enumerated() {
            let next = k + 1 < characters.count ? characters[k + 1] : nil
            if ch == "-", let next, next.isASCII && (next.isNumber || next == "."),
               previous == nil || previous == "(" || previous == "[" || previous == " " || previous == ";" {
                out += "$-$"
            } else {
                out.append(ch)
            }
            previous = ch
        }
        return out
    }

    /// Escapes LaTeX's special characters (`\ & % $ # _ { } ~ ^`) and `−` in plain text.
    static func latexEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(ch)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "²": out += "$^2$"
            case "θ": out += "$\\theta$"
            case "−": out += "$-$"
            default: out.append(ch)
            }
        }
        return out
    }

    /// The CSV form: full-precision numbers, no stars (see the type's documentation).
    /// - Throws: `TableError` (not expected: every column has one value per row).
    public func table() throws -> Table {
        var section: [String] = [], label: [String] = []
        var cells: [[String?]] = Array(repeating: [], count: entries.count)
        func add(_ s: String, _ l: String, _ values: [String?]) {
            section.append(s); label.append(l)
            for k in entries.indices { cells[k].append(values[k]) }
        }
        func num(_ x: Double?) -> String? { x.flatMap { $0.isFinite ? String($0) : nil } }
        add("dependent_variable", "", entries.map(\.dependentVariable))
        add("model", "", entries.map(\.model))
        add("model", "family", entries.map(\.result.family.name))
        let fields: [(String, (CoefficientEstimate) -> Double)] = [
            ("estimate", \.estimate), ("std_error", \.standardError), ("statistic", \.statistic),
            ("p_value", \.pValue), ("conf_low", \.confidenceLow), ("conf_high", \.confidenceHigh),
        ]
        for term in terms {
            for (name, f) in fields {
                add(name, term, entries.map { e in e.result.coefficient(term).flatMap { num(f($0)) } })
            }
        }
        for fe in fixedEffects { add("fixed_effect", fe, entries.map { $0.result.fixedEffectNames.contains(fe) ? "Yes" : "No" }) }
        add("fit", "variance", entries.map(\.result.varianceLabel))
        add("fit", "distribution", entries.map { $0.result.degreesOfFreedom == nil ? "normal" : "t" })
        add("fit", "t_degrees_of_freedom", entries.map { num($0.result.degreesOfFreedom) })
        add("fit", "confidence_level", entries.map { num($0.result.confidenceLevel) })
        for s in statistics {
            add("fit", s.key, s.values.map { v in v.flatMap { s.integer ? String(Int($0)) : num($0) } })
        }
        var columns: [(name: String, column: Column)] = [("section", .string(section)), ("label", .string(label))]
        for k in entries.indices { columns.append(("(\(k + 1))", .string(cells[k]))) }
        return try Table(columns)
    }
}
