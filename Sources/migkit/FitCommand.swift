import ArgumentParser
import Foundation
import MigrationKit

/// `migkit fit`: fits a regression from a CSV file and a formula, writes tidy CSVs.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
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

    enum Model: String, ExpressibleByArgument, CaseIterable {
        case ols, poisson, negbin, ppml
    }

    @Argument(help: "The model: ols, poisson, negbin (θ estimated), ppml (Poisson with robust errors by default).")
    var model: Model

    @Option(name: .long, help: ArgumentHelp("The data (CSV with a header row).", valueName: "file"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("The model formula, e.g. 'flow ~ log(dist) + contig | origin + destination'.", valueName: "formula"))
    var formula: String

    @Option(name: .long, help: ArgumentHelp("""
        Variance: iid, hc0, hc1, hc2, hc3, cluster:COLUMN, twoway:COLUMN,COLUMN \
        (default: iid for ols/poisson/negbin, hc1 for ppml).
        """, valueName: "spec"))
    var vcov: String?

    @Option(name: .long, help: ArgumentHelp("Small-sample conventions: standard (exact fixed-effect rank), fixest, statsmodels.", valueName: "name"))
    var ssc: String = "standard"

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
        if let v = vcov { _ = try Fit.parseVariance(v, requireColumns: false) }
        guard ["standard", "fixest", "statsmodels"].contains(ssc) else {
            throw ValidationError("--ssc must be one of standard, fixest, statsmodels; got '\(ssc)'.")
        }
        guard (1...100_000).contains(maxIterations) else { throw ValidationError("--max-iterations must be between 1 and 100000, got \(maxIterations).") }
        guard maxFactorLevels > 0 else { throw ValidationError("--max-factor-levels must be positive.") }
        if formatOptions.format == .xlsx && output == "-" { throw ValidationError("--format xlsx writes a workbook file: name it with -o FILE (standard output cannot hold one).") }
    }

    enum VarianceSpec { case simple(VarianceEstimator), cluster(String), twoWay(String, String) }

    static func parseVariance(_ s: String, requireColumns: Bool) throws -> VarianceSpec {
        switch s.lowercased() {
        case "iid": return .simple(.iid)
        case "hc0": return .simple(.hc0)
        case "hc1", "hetero", "robust": return .simple(.hc1)
        case "hc2": return .simple(.hc2)
        case "hc3": return .simple(.hc3)
        default:
            if s.hasPrefix("cluster:") {
                let c = String(s.dropFirst("cluster:".count))
                guard !c.isEmpty else { throw ValidationError("--vcov cluster:COLUMN needs a column name.") }
                return .cluster(c)
            }
            if s.hasPrefix("twoway:") {
                let parts = s.dropFirst("twoway:".count).split(separator: ",").map(String.init)
                guard parts.count == 2 else { throw ValidationError("--vcov twoway:A,B needs exactly two column names, got '\(s)'.") }
                return .twoWay(parts[0], parts[1])
            }
            throw ValidationError("--vcov '\(s)' is not one of iid, hc0, hc1, hc2, hc3, cluster:COLUMN, twoway:A,B.")
        }
    }

    /// Every output path of the run ("none" and "-" are skipped by the checks).
    var outputPaths: [String] {
        [output, stats ?? (output == "-" ? "none" : CLIOutput.sibling(of: output, suffix: "_fit")), dropped, fixedEffects].compactMap { $0 }
    }

    func run() throws {
        try global.apply()
        try CLIOutput.checkPaths(outputPaths, inputs: [data])   // before any work
        let table: Table
        do { table = try CSVReader.readTable(path: data) } catch { throw CLIError.message("\(error)") }
        let parsed: Formula
        do { parsed = try Formula(formula) } catch { throw CLIError.message("\(error)") }
        let spec = try Fit.parseVariance(vcov ?? (model == .ppml ? "hc1" : "iid"), requireColumns: true)
        var clusterColumns: [String] = []
        if case .cluster(let c) = spec { clusterColumns = [c] }
        if case let .twoWay(a, b) = spec { clusterColumns = [a, b] }
        let frame: ModelFrame
        do {
            frame = try ModelFrame(formula: parsed, data: table, weights: weights, offset: offset, clusters: clusterColumns,
                                   maximumFactorLevels: maxFactorLevels)
        } catch let ModelFrameError.nonFinite(term, row, value) {
            throw CLIError.message("\(data): line \(row + 2): term '\(term)' is \(value) (e.g. log of zero or of a negative number) — drop or transform that row before fitting")
        } catch { throw CLIError.message("\(data): \(error)") }
        let variance: VarianceEstimator
        switch spec {
        case .simple(let v): variance = v
        case .cluster(let c):
            guard let g = frame.clusters[c] else { throw CLIError.message("cluster column '\(c)' was not read") }
            variance = .cluster(g)
        case let .twoWay(a, b):
            guard let g = frame.clusters[a], let h = frame.clusters[b] else { throw CLIError.message("cluster columns '\(a)', '\(b)' were not read") }
            variance = .twoWayCluster(g, h)
        }
        let correction: SmallSampleCorrection = ssc == "fixest" ? .fixest : ssc == "statsmodels" ? .statsmodels : .standard
        var options = RegressionOptions()
        options.maxIterations = maxIterations
        options.allowNonConvergence = allowNonConvergence
        options.detectSeparation = !noSeparationCheck
        options.estimateFixedEffects = fixedEffects != nil
        let result: RegressionResult
        do {
            switch model {
            case .ols:
                // An offset enters the linear predictor with coefficient 1: fit y − offset.
                let response = frame.offset.map { o in zip(frame.response, o).map { $0 - $1 } } ?? frame.response
                result = try LinearModel.fit(response: response, regressors: frame.regressors, names: frame.termNames,
                                             weights: frame.weights, fixedEffects: frame.fixedEffects, variance: variance,
                                             correction: correction, options: options)
            case .poisson, .ppml, .negbin:
                result = try GeneralizedLinearModel.fit(response: frame.response, regressors: frame.regressors, names: frame.termNames,
                                                        family: model == .negbin ? .negativeBinomial(theta: nil) : .poisson,
                                                        offset: frame.offset, weights: frame.weights, fixedEffects: frame.fixedEffects,
                                                        variance: variance, correction: correction, options: options)
            }
        } catch let RegressionError.invalidValue(variable, row, value, requirement) where row < frame.rows.count {
            throw CLIError.message("\(data): line \(frame.rows[row] + 2): \(variable == "response" ? "the response" : "'\(variable)'") is \(value), but \(requirement)")
        } catch let RegressionError.nonFinite(variable, row, value) where row < frame.rows.count {
            throw CLIError.message("\(data): line \(frame.rows[row] + 2): '\(variable)' is \(value) — remove or impute it before fitting")
        } catch { throw CLIError.message("\(data): \(error)") }
        try writeOutputs(result, frame)
        FileHandle.standardError.write(Data(RegressionSummary.text(result, frame: frame, model: model.rawValue).utf8))
    }

    /// Builds every table, then writes them together (nothing is written if one fails).
    func writeOutputs(_ r: RegressionResult, _ frame: ModelFrame) throws {
        var outputs: [(table: Table, path: String)] = [(try RegressionTables.coefficients(r), output)]
        let statsPath = stats ?? (output == "-" ? nil : CLIOutput.sibling(of: output, suffix: "_fit"))
        if let statsPath, statsPath != "none" {
            outputs.append((try RegressionTables.fitStatistics(r, missingRows: frame.missingRows.count), statsPath))
        }
        if let dropped {
            outputs.append((try RegressionTables.droppedObservations(r, frame: frame), dropped))
        }
        if let fixedEffects {
            outputs.append((try RegressionTables.fixedEffects(r), fixedEffects))
        }
        try CLIOutput.write(outputs, inputs: [data], format: formatOptions.format)
    }
}
