import ArgumentParser
import Foundation
import MigrationKit

/// `migkit fit`: fits a regression from a CSV file and a formula, writes tidy CSVs.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",   // spelled out: the derived name costs a reflection of the type at every start
        abstract: "Fit OLS, Poisson, negative-binomial or PPML gravity models from a CSV file.",
        discussion: """
            The formula follows R/fixest: response ~ terms | fixed effects. Terms are columns, \
            log(x), log1p(x), sqrt(x), exp(x), products a:b, powers I(x^2) and factor(x); fixed \
            effects are columns or interactions origin^year. Rows with missing values are dropped \
            and counted; Poisson models drop separated observations (listed with --dropped).

            Writes a tidy coefficient CSV (term, estimate, std_error, statistic, p_value, \
            conf_low, conf_high) and a fit-statistics CSV (statistic, value), atomically.

            Examples:
              migkit fit ppml --data flows.csv \\
                --formula 'flow ~ log(dist) + contig + comlang | origin^year + destination^year' \\
                --vcov cluster:pair -o coef.csv
              migkit fit ols --data panel.csv --formula 'y ~ x1 + x2 | country' --vcov hc1 -o -
            """
    )

    @Argument(help: "The model: ols, poisson, negbin (θ estimated), ppml (Poisson with robust errors by default).")
    var model: RegressionModel

    @Option(name: .long, help: ArgumentHelp("The data (CSV with a header row).", valueName: "file"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("""
        The model formula, e.g. 'flow ~ log(dist) + contig | origin + destination'. Repeat it, or use \
        fixest's stepwise sw(a, b), sw0(…), csw(a, b), csw0(…) (once before and once after '|'), to fit \
        several models: their coefficients CSV gains a leading model column, and --table puts them side by side.
        """, valueName: "formula"))
    var formula: [String]

    @Option(name: .long, help: ArgumentHelp("""
        Variance: iid, hc0, hc1, hc2, hc3, cluster:COLUMN, twoway:COLUMN,COLUMN \
        (default: iid for ols/poisson/negbin, hc1 for ppml — the same defaults as RegressionModel in the library).
        """, valueName: "spec"))
    var vcov: String?

    @Option(name: .long, help: ArgumentHelp("""
        Small-sample conventions: standard (exact fixed-effect rank; t(G−1) for clustered GLMs), \
        fixest (also pyfixest: fixest's ssc() defaults, z statistics for poisson/negbin/ppml), \
        statsmodels (dummies count fully; two-way clusters each with their own G; z for GLMs). \
        Statistics are t with N−K degrees of freedom for ols, t(G−1) with clustered errors \
        (G the number of clusters, the smaller one for twoway), z (normal) for GLMs otherwise; \
        the fit table states the distribution and degrees of freedom used.
        """, valueName: "name"))
    var ssc: String = "standard"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Confidence level of conf_low/conf_high, in (0, 1); 0.9 gives ±1.645 standard errors under normal inference.", valueName: "level"))
    var level: Double = 0.95

    @Option(name: .long, help: ArgumentHelp("Write the models side by side (fixest's etable layout) to this file: .md (Markdown), .tex (LaTeX booktabs tabular) or .csv, by extension or --table-format.", valueName: "file"))
    var table: String?

    @Option(name: .long, help: ArgumentHelp("Format of --table: md, tex or csv (default: from the file's extension; needed for '-').", valueName: "format"))
    var tableFormat: String?

    @Option(name: .long, help: ArgumentHelp("Significance stars of --table: fixest (*** 0.01, ** 0.05, * 0.1), conventional (*** 0.001, ** 0.01, * 0.05) or none.", valueName: "codes"))
    var stars: String = "fixest"

    @Option(name: .long, help: ArgumentHelp("Below each estimate in --table: se (standard error), ci (confidence interval at --level) or t (the statistic).", valueName: "what"))
    var below: String = "se"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Significant digits of the numbers in --table (1–15).", valueName: "n"))
    var digits: Int = 4

    @Option(name: .customLong("vcov-out"), help: ArgumentHelp("Write the variance matrix of the coefficients (term × term) to this CSV.", valueName: "file"))
    var vcovOut: String?

    @Option(name: .long, help: ArgumentHelp("Write the fitted values and residuals (and for GLMs the final IRLS working weights) of the estimation rows to this CSV: row, fitted, residual[, working_weight].", valueName: "file"))
    var fitted: String?

    @Option(name: .long, help: ArgumentHelp("Column of prior weights.", valueName: "column"))
    var weights: String?

    @Option(name: .long, help: ArgumentHelp("Column added to the linear predictor (e.g. log exposure); ols fits y − offset.", valueName: "column"))
    var offset: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest number of levels of a factor() term (each level is a dummy column; absorb larger ones after '|').", valueName: "n"))
    var maxFactorLevels: Int = ModelFrame.defaultMaximumFactorLevels

    @Option(name: [.short, .long], help: ArgumentHelp("Coefficient CSV ('-' for standard output).", valueName: "file"))
    var output: String = "-"

    @Option(name: .long, help: ArgumentHelp("Fit-statistics CSV (default: next to -o as NAME_fit.csv; none for stdout).", valueName: "file"))
    var stats: String?

    @Option(name: .long, help: ArgumentHelp("Write the dropped observations (row, reason) to this CSV.", valueName: "file"))
    var dropped: String?

    @Option(name: .long, help: ArgumentHelp("Write the estimated fixed effects (name, level, estimate) to this CSV.", valueName: "file"))
    var fixedEffects: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Maximum IRLS iterations.", valueName: "n"))
    var maxIterations: Int = 100

    @Flag(name: .long, help: "Return a result flagged not-converged instead of failing.")
    var allowNonConvergence = false

    @Flag(name: .long, help: "Poisson models: skip the detection of separated observations (faster; estimates may diverge if some are separated).")
    var noSeparationCheck = false

    @OptionGroup var formatOptions: FormatOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let v = vcov {
            do { _ = try VarianceSpecification(parsing: v) } catch RegressionError.invalidInput(let message) {
                throw ValidationError("--vcov \(message).")
            }
        }
        guard (try? SmallSampleCorrection(named: ssc)) != nil else {
            throw ValidationError("--ssc must be one of standard, fixest (pyfixest), statsmodels; got '\(ssc)'.")
        }
        guard !formula.isEmpty else { throw ValidationError("--formula is required.") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1, got \(level).") }
        guard (1...100_000).contains(maxIterations) else { throw ValidationError("--max-iterations must be between 1 and 100000, got \(maxIterations).") }
        guard maxFactorLevels > 0 else { throw ValidationError("--max-factor-levels must be positive.") }
        guard (1...15).contains(digits) else { throw ValidationError("--digits must be between 1 and 15, got \(digits).") }
        guard ["fixest", "conventional", "none"].contains(stars) else { throw ValidationError("--stars must be fixest, conventional or none; got '\(stars)'.") }
        guard RegressionComparisonTable.BelowEstimate(rawValue: below) != nil else { throw ValidationError("--below must be se, ci or t; got '\(below)'.") }
        if table != nil { _ = try tableKind() }
        if tableFormat != nil && table == nil { throw ValidationError("--table-format needs --table FILE.") }
        if formatOptions.format == .xlsx && output == "-" { throw ValidationError("--format xlsx writes a workbook file: name it with -o FILE (standard output cannot hold one).") }
    }

    enum TableKind: String { case md, tex, csv }

    /// The format of --table: --table-format, else the file's extension.
    func tableKind() throws -> TableKind {
        if let f = tableFormat {
            guard let k = TableKind(rawValue: f.lowercased()) else { throw ValidationError("--table-format must be md, tex or csv; got '\(f)'.") }
            return k
        }
        let ext = (table.map { URL(fileURLWithPath: $0).pathExtension.lowercased() }) ?? ""
        switch ext {
        case "md", "markdown": return .md
        case "tex": return .tex
        case "csv": return .csv
        default: throw ValidationError("--table \(table ?? ""): the extension must be .md, .tex or .csv, or give --table-format md|tex|csv.")
        }
    }

    /// Every output path of the run ("none" and "-" are skipped by the checks).
    var outputPaths: [String] {
        [output, stats ?? (output == "-" ? "none" : CLIOutput.sibling(of: output, suffix: "_fit")), dropped, fixedEffects,
         table, vcovOut, fitted].compactMap { $0 }
    }

    /// The formulas to fit, stepwise notation expanded, in order.
    func formulas() throws -> [String] {
        var out: [String] = []
        for f in formula {
            do { out += try StepwiseFormula.expand(f) } catch { throw CLIError.message("\(error)") }
        }
        return out
    }

    func run() throws {
        try global.apply()
        try CLIOutput.checkPaths(outputPaths, inputs: [data])   // before any work
        let formulas = try formulas()
        let spec: VarianceSpecification
        do { spec = try vcov.map { try VarianceSpecification(parsing: $0) } ?? model.defaultVariance } catch { throw CLIError.message("--vcov \(error)") }
        let table: Table
        let readOptions = CLIInput.readOptions(selecting: usedColumns(formulas, variance: spec), in: data)
        do { table = try CSVReader.readTable(path: data, options: readOptions) } catch { throw CLIError.message("\(error)") }
        let correction = try SmallSampleCorrection(named: ssc)
        var options = RegressionOptions()
        options.maxIterations = maxIterations
        options.allowNonConvergence = allowNonConvergence
        options.detectSeparation = !noSeparationCheck
        options.estimateFixedEffects = fixedEffects != nil
        options.confidenceLevel = level
        var fits: [(formula: Formula, result: RegressionResult)] = []
        for text in formulas {
            let parsed: Formula
            do { parsed = try Formula(text) } catch { throw CLIError.message("\(error)") }
            let frame: ModelFrame
            do {
                frame = try ModelFrame(formula: parsed, data: table, weights: weights, offset: offset, clusters: spec.clusterColumns,
                                       maximumFactorLevels: maxFactorLevels)
            } catch let ModelFrameError.nonFinite(term, row, value) {
                throw CLIError.message("\(data): line \(row + 2): term '\(term)' is \(value) (e.g. log of zero or of a negative number) — drop or transform that row before fitting")
            } catch { throw CLIError.message("\(data): \(error)") }
            do {
                fits.append((parsed, try model.fit(frame, variance: spec, correction: correction, options: options)))
            } catch let RegressionError.invalidValue(variable, row, value, requirement) where row < frame.rows.count {
                throw CLIError.message("\(data): line \(frame.rows[row] + 2): \(variable == "response" ? "the response" : "'\(variable)'") is \(value), but \(requirement)")
            } catch let RegressionError.nonFinite(variable, row, value) where row < frame.rows.count {
                throw CLIError.message("\(data): line \(frame.rows[row] + 2): '\(variable)' is \(value) — remove or impute it before fitting")
            } catch { throw CLIError.message("\(data): \(error)") }
        }
        try writeOutputs(fits)
        for (k, fit) in fits.enumerated() {
            let name = fits.count > 1 ? "(\(k + 1)) \(model.rawValue) \(fit.formula.source)" : model.rawValue
            FileHandle.standardError.write(Data(RegressionSummary.text(fit.result, model: name).utf8))
        }
    }

    /// The columns the fits read — every formula's variables and fixed effects, the cluster,
    /// weight and offset columns — or `nil` when a formula does not parse (that error then
    /// comes after the data is read, as always). Only these columns are parsed
    /// (`CLIInput.readOptions`).
    func usedColumns(_ formulas: [String], variance: VarianceSpecification) -> [String]? {
        var names: [String] = []
        for text in formulas {
            guard let parsed = try? Formula(text) else { return nil }
            names += parsed.variables
        }
        return names + variance.clusterColumns + [weights, offset].compactMap { $0 }
    }

    /// Builds every table, then writes them together (nothing is written if one fails). With
    /// several models every CSV gains a leading `model` column (1, 2, … in the order fitted).
    func writeOutputs(_ fits: [(formula: Formula, result: RegressionResult)]) throws {
        let results = fits.map(\.result)
        func each(_ make: (RegressionResult) throws -> Table) throws -> Table {
            results.count == 1 ? try make(results[0]) : try CLIOutput.stackByModel(results.map(make))
        }
        var outputs: [(table: Table, path: String)] = [(try each(RegressionTables.coefficients), output)]
        let statsPath = stats ?? (output == "-" ? nil : CLIOutput.sibling(of: output, suffix: "_fit"))
        if let statsPath, statsPath != "none" {
            outputs.append((try each(RegressionTables.fitStatistics), statsPath))
        }
        if let dropped { outputs.append((try each(RegressionTables.droppedObservations), dropped)) }
        if let fixedEffects { outputs.append((try each(RegressionTables.fixedEffects), fixedEffects)) }
        if let vcovOut { outputs.append((try each(RegressionTables.varianceMatrix), vcovOut)) }
        if let fitted { outputs.append((try each(RegressionTables.fittedValues), fitted)) }
        var texts: [(text: String, path: String)] = []
        if let table {
            var comparison = RegressionComparisonTable(fits.map {
                .init(dependentVariable: $0.formula.response.description, model: model.rawValue, result: $0.result)
            })
            comparison.digits = digits
            comparison.significance = stars == "none" ? nil : stars == "conventional" ? .conventional : .fixest
            comparison.below = RegressionComparisonTable.BelowEstimate(rawValue: below) ?? .standardError
            switch try tableKind() {
            case .csv: outputs.append((try comparison.table(), table))
            case .md: texts.append((comparison.markdown(), table))
            case .tex: texts.append((comparison.latex(), table))
            }
        }
        try CLIOutput.write(outputs, texts: texts, inputs: [data], format: formatOptions.format)
    }
}

extension RegressionModel: ExpressibleByArgument {}
