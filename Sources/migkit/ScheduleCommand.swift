import ArgumentParser
import Foundation
import MigrationKit

/// `migkit schedule`: model migration schedules (Rogers–Castro).
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Model migration schedules: fit Rogers–Castro age profiles.",
        discussion: """
            Example:
              migkit schedule fit --data rates.csv --model 7 -o params.csv --fitted fitted.csv
            """,
        subcommands: [ScheduleFit.self, ScheduleIndex.self]
    )
}

/// `migkit schedule index`: migest's `index_age` measures of an observed age profile.
struct ScheduleIndex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Summary measures of an observed migration age profile (migest index_age).",
        discussion: """
            Input (--data): columns age, rate (names set by --age-column, --rate-column), one row \
            per age in order. Writes measure, value: gmr, peak_mi (percent), peak_age, \
            peak_breadth, peak_share, murc, mdrc (the ages of the largest rise and fall of the \
            normalised profile between --age-min and --age-max, exclusive), asymmetry — computed \
            as migest 2.0.5's code does (the peak window counts --breadth rows either side of row \
            number peak_age, 1-based).

            Example:
              migkit schedule index --data rates.csv -o index.csv
            """
    )
    @Option(name: .long, help: ArgumentHelp("Rates CSV (age, rate).", valueName: "file")) var data: String
    @Option(name: .long, help: ArgumentHelp("Age column.", valueName: "column")) var ageColumn = "age"
    @Option(name: .long, help: ArgumentHelp("Rate column.", valueName: "column")) var rateColumn = "rate"
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Study ages start above this (default 5).", valueName: "age")) var ageMin: Double = 5
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Study ages end below this (default 65).", valueName: "age")) var ageMax: Double = 65
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Rows either side of the peak (default 5).", valueName: "n")) var breadth: Int = 5
    @Option(name: [.short, .long], help: ArgumentHelp("Measures CSV ('-' for stdout).", valueName: "file")) var output: String = "-"

    func validate() throws {
        guard (0...150).contains(breadth) else { throw ValidationError("--breadth must be between 0 and 150.") }
    }

    func run() throws {
        try CLIOutput.checkPaths([output], inputs: [data])
        let t: Table
        do { t = try CSVReader.readTable(path: data) } catch { throw CLIError.message("\(error)") }
        for c in [ageColumn, rateColumn] where t[c] == nil {
            throw CLIError.message("\(data): column `\(c)` is missing (has \(t.columnNames.joined(separator: ", "))) — see `migkit schedule index --help`")
        }
        let ages = try FlowsCSV.numbers(t, ageColumn, data), rates = try FlowsCSV.numbers(t, rateColumn, data, nonNegative: true)
        let r: MigrationAgeProfileIndex
        do { r = try MigrationIndices.age(ages: ages, intensities: rates, minimumAge: ageMin, maximumAge: ageMax, breadth: breadth) } catch {
            throw CLIError.message("\(data): \(error)")
        }
        let rows: [(String, Double)] = [("gmr", r.grossMigraproduction), ("peak_mi", r.peakIntensity), ("peak_age", r.peakAge),
                                        ("peak_breadth", r.peakBreadth), ("peak_share", r.peakShare), ("murc", r.maximumUpwardChangeAge),
                                        ("mdrc", r.maximumDownwardChangeAge), ("asymmetry", r.asymmetry)]
        try CLIOutput.write(try Table([("measure", .string(rows.map(\.0))), ("value", .double(rows.map(\.1)))]), to: output, inputs: [data])
    }
}

struct ScheduleFit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a 7-, 9-, 11- or 13-parameter Rogers–Castro schedule to age-specific migration rates.",
        discussion: """
            Input (--data): columns age, rate (names set by --age-column, --rate-column), one row \
            per age (single years or group starts), rates per person (the default bounds assume \
            rates per person: a₁, a₂, a₃, c ≤ 1; divide rates per 1,000 by 1,000), and \
            optionally a weight column (--weight-column).

            The schedule M(x) = a1·exp(−alpha1·x) + a2·exp(−alpha2(x − mu2) − exp(−lambda2(x − mu2))) \
            [+ a3·exp(−alpha3(x − mu3) − exp(−lambda3(x − mu3)))] [+ a4·exp(lambda4·x)] + c: \
            7 parameters (childhood, labour peak, constant), 9 (+ post-retirement rise), 11 \
            (+ retirement peak), 13 (all). Fitted by bounded Levenberg–Marquardt from several \
            starts; --residuals absolute fits M − m (the peaks count most), log fits log M − log m \
            (every age alike; rates must be > 0).

            Writes the parameters (parameter, estimate, std_error; std_error is empty for a \
            parameter at a bound) to -o, the derived measures (measure, value: low_point, \
            high_peak, retirement_peak, labour_force_shift, jump, labour_component_peak, \
            child_dependency, labour_dependency, peaking, regularity, labour_asymmetry, retirement_asymmetry, constant_share, \
            gross_migraproduction, and the fit's cost, iterations and converged as 1 or 0) to --measures (default: next to -o as NAME_measures.csv), and \
            with --fitted the columns age, rate, fitted, residual.

            Examples:
              migkit schedule fit --data rates.csv --model 7 -o params.csv
              migkit schedule fit --data rates.csv --model 11 --residuals log -o params.csv --fitted fitted.csv
            """
    )
    enum Model: String, ExpressibleByArgument, CaseIterable {
        case seven = "7", nine = "9", eleven = "11", thirteen = "13"
        var library: RogersCastroModel {
            switch self {
            case .seven: return .sevenParameter
            case .nine: return .nineParameter
            case .eleven: return .elevenParameter
            case .thirteen: return .thirteenParameter
            }
        }
    }
    enum Residuals: String, ExpressibleByArgument, CaseIterable { case absolute, log }

    @Option(name: .long, help: ArgumentHelp("Rates CSV (age, rate).", valueName: "file")) var data: String
    @Option(name: .long, help: ArgumentHelp("Number of parameters: 7, 9, 11 or 13.", valueName: "n")) var model: Model = .seven
    @Option(name: .long, help: ArgumentHelp("Residuals minimised: absolute or log.", valueName: "kind")) var residuals: Residuals = .absolute
    @Option(name: .long, help: ArgumentHelp("Age column.", valueName: "column")) var ageColumn = "age"
    @Option(name: .long, help: ArgumentHelp("Rate column.", valueName: "column")) var rateColumn = "rate"
    @Option(name: .long, help: ArgumentHelp("Optional weight column (≥ 0).", valueName: "column")) var weightColumn: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Random (Halton) starts besides the one from the data.", valueName: "n")) var starts: Int = 24
    @Option(name: [.short, .long], help: ArgumentHelp("Parameters CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Option(name: .long, help: ArgumentHelp("Derived measures CSV (default: next to -o as NAME_measures.csv; none to skip).", valueName: "file")) var measures: String?
    @Option(name: .long, help: ArgumentHelp("Fitted schedule CSV (age, rate, fitted, residual).", valueName: "file")) var fitted: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (0...1000).contains(starts) else { throw ValidationError("--starts must be between 0 and 1000.") }
    }

    func run() throws {
        try global.apply()
        let defaultMeasures = output == "-" ? "none" : CLIOutput.sibling(of: output, suffix: "_measures")
        try CLIOutput.checkPaths([output, measures ?? defaultMeasures, fitted].compactMap { $0 }, inputs: [data])   // before any work
        let t: Table
        do { t = try CSVReader.readTable(path: data) } catch { throw CLIError.message("\(error)") }
        for c in [ageColumn, rateColumn] + (weightColumn.map { [$0] } ?? []) where t[c] == nil {
            throw CLIError.message("\(data): column `\(c)` is missing (has \(t.columnNames.joined(separator: ", "))) — see `migkit schedule fit --help`")
        }
        let ages = try FlowsCSV.numbers(t, ageColumn, data)
        let rates = try FlowsCSV.numbers(t, rateColumn, data)
        let weights = try weightColumn.map { try FlowsCSV.numbers(t, $0, data, nonNegative: true) }
        if residuals == .log, let k = rates.firstIndex(where: { $0 <= 0 }) {
            throw CLIError.message("\(data): line \(k + 2), column `\(rateColumn)` is \(rates[k]) — log residuals need rates > 0; drop the row or use --residuals absolute")
        }
        var options = RogersCastroFitOptions()
        options.residual = residuals == .log ? .log : .absolute
        options.weights = weights
        options.multistartCount = starts
        let r: RogersCastroFit
        do { r = try RogersCastro.fit(ages: ages, rates: rates, model: model.library, options: options) } catch let ScheduleError.invalidValue(what, index, value, requirement) {
            throw CLIError.message("\(data): line \(index + 2): \(what) \(value) — \(requirement); fix or drop that row")
        } catch {
            throw CLIError.message("\(data): \(error)")
        }
        var outputs: [(table: Table, path: String)] = [(try Table([
            ("parameter", .string(r.names)), ("estimate", .double(r.estimates)),
            ("std_error", .double(r.standardErrors.map { $0.isFinite ? $0 : nil }))]), output)]
        let m = r.measures
        let rows: [(String, Double?)] = [
            ("low_point", m.lowPoint), ("high_peak", m.highPeak), ("retirement_peak", m.retirementPeak),
            ("labour_force_shift", m.labourForceShift), ("jump", m.jump), ("labour_component_peak", m.labourComponentPeak),
            ("child_dependency", m.childDependency), ("labour_dependency", m.labourDependency), ("peaking", m.peaking),
            ("regularity", m.regularity), ("labour_asymmetry", m.labourAsymmetry),
            ("retirement_asymmetry", m.retirementAsymmetry), ("constant_share", m.constantShare),
            ("gross_migraproduction", m.grossMigraproduction), ("cost", r.cost),
            ("iterations", Double(r.iterations)), ("converged", r.converged ? 1 : 0),
        ]
        let measuresPath = measures ?? (output == "-" ? nil : CLIOutput.sibling(of: output, suffix: "_measures"))
        if let measuresPath, measuresPath != "none" {
            outputs.append((try Table([("measure", .string(rows.map(\.0))), ("value", .double(rows.map(\.1)))]), measuresPath))
        }
        if let fitted {
            outputs.append((try Table([("age", .double(ages)), ("rate", .double(rates)), ("fitted", .double(r.fitted)),
                                       ("residual", .double(r.residuals))]), fitted))
        }
        // Everything is computed; write all outputs together (NaN/Inf become empty cells).
        try CLIOutput.write(outputs, inputs: [data])
        var text = "Rogers–Castro \(model.rawValue)-parameter schedule, \(residuals.rawValue) residuals: cost \(r.cost), \(r.iterations) iterations\(r.converged ? "" : " (NOT converged)")"
        if !r.activeBounds.isEmpty { text += "\n  at a bound (no standard error): \(r.activeBounds.joined(separator: ", "))" }
        for (k, v) in rows.dropLast(3) { text += "\n  \(k) \(v.map { "\($0)" } ?? "—")" }
        FlowsCSV.note(text)
    }
}
