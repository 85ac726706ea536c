import ArgumentParser
import Foundation
import MigrationKit

/// `migkit cohort project`: multiregional cohort-component projection from CSV inputs.
struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Multiregional cohort-component population projection.",
        subcommands: [CohortProject.self]
    )
}

struct CohortProject: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Project population by region × age × sex with survival, fertility and migration.",
        discussion: """
            Inputs (CSV, long form; `age` is the first age of the group, a multiple of --age-width; \
            `sex` is female or male):
              --population   region, age, sex, population
              --rates        region, age, sex, survival, fertility (births per woman per year, read \
            from the female rows), and optionally outmigration, emigration, immigration
              --destinations from, to, share (where out-migrants go; rows sum to one per region)
            Other names: --region-column, --age-column, --sex-column (both files), \
            --population-column, --survival-column, --fertility-column, --outmigration-column, \
            --emigration-column, --immigration-column, --from-column, --to-column, --share-column; --female-label and --male-label for the sex codes (e.g. F, M or \
            2, 1). An age may also be a group label that starts with its first age: 0-4, 5–9, 85+.
            Variants: --births-from start draws the births of a step from the women at its start \
            (default average: the mean of start and end); --birth-migration FILE (from, to, share; \
            each region's rows sum to one, staying included) moves the step's newborns from their \
            mother's region; --birth-survival-file FILE (region, sex, survival) gives each region \
            its own newborn survival (instead of --birth-survival); --one-sex projects a single \
            sex (no sex column needed: females, or both sexes together with --sex-ratio 0 to keep \
            every birth). --accounts FILE writes each step's demographic account by region.
            The rates apply to every step (Rogers' multiregional model, block structure: memory \
            O(regions² + regions·ages·sexes)). Writes region, age, sex, population for the last \
            step (or every step with --every-step) and checks that inter-regional migration sums \
            to zero.

            Example:
              migkit cohort project --population pop.csv --rates rates.csv --destinations dest.csv --steps 10 -o out.csv
            """
    )
    @Option(name: .long, help: ArgumentHelp("Initial population CSV.", valueName: "file")) var population: String
    @Option(name: .long, help: ArgumentHelp("Rates CSV.", valueName: "file")) var rates: String
    @Option(name: .long, help: ArgumentHelp("Destination shares CSV (needed with out-migration).", valueName: "file")) var destinations: String?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Number of projection steps (1 to 1000).", valueName: "n")) var steps: Int
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Width of the age groups and of a step, in years.", valueName: "years")) var ageWidth: Int = 1
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Probability that a newborn survives to the end of the step.", valueName: "p")) var birthSurvival: Double = 0.99
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Male births per female birth.", valueName: "ratio")) var sexRatio: Double = 1.05
    @Option(name: .long, help: ArgumentHelp("Region column of the population and rates files (default: region).", valueName: "column")) var regionColumn = "region"
    @Option(name: .long, help: ArgumentHelp("Age column: the first age of the group, or a label such as 0-4 or 85+ (default: age).", valueName: "column")) var ageColumn = "age"
    @Option(name: .long, help: ArgumentHelp("Sex column (default: sex).", valueName: "column")) var sexColumn = "sex"
    @Option(name: .long, help: ArgumentHelp("Population column of the population file (default: population).", valueName: "column")) var populationColumn = "population"
    @Option(name: .long, help: ArgumentHelp("Rates: survival column (default: survival).", valueName: "column")) var survivalColumn = "survival"
    @Option(name: .long, help: ArgumentHelp("Rates: fertility column (default: fertility).", valueName: "column")) var fertilityColumn = "fertility"
    @Option(name: .long, help: ArgumentHelp("Rates: out-migration column (default: outmigration).", valueName: "column")) var outmigrationColumn = "outmigration"
    @Option(name: .long, help: ArgumentHelp("Rates: emigration column (default: emigration).", valueName: "column")) var emigrationColumn = "emigration"
    @Option(name: .long, help: ArgumentHelp("Rates: immigration column (default: immigration).", valueName: "column")) var immigrationColumn = "immigration"
    @Option(name: .long, help: ArgumentHelp("Destination and birth-migration files: origin column (default: from).", valueName: "column")) var fromColumn = "from"
    @Option(name: .long, help: ArgumentHelp("Destination and birth-migration files: destination column (default: to).", valueName: "column")) var toColumn = "to"
    @Option(name: .long, help: ArgumentHelp("Destination and birth-migration files: share column (default: share).", valueName: "column")) var shareColumn = "share"
    @Option(name: .long, help: ArgumentHelp("The sex column's code for females (default: female).", valueName: "label")) var femaleLabel = "female"
    @Option(name: .long, help: ArgumentHelp("The sex column's code for males (default: male).", valueName: "label")) var maleLabel = "male"
    @Option(name: [.short, .long], help: ArgumentHelp("Output CSV ('-' for stdout).", valueName: "file")) var output: String = "-"
    @Flag(name: .long, help: "Write every step, not only the last.") var everyStep = false
    @Option(name: .long, help: ArgumentHelp("Write each step's account by region (step, region, births, deaths, out_migrants, in_migrants, emigrants, immigrants, population_end) to this CSV.", valueName: "file")) var accounts: String?
    @Option(name: .long, help: ArgumentHelp("Births from the women at the start of the step (start) or the mean of start and end (average, default).", valueName: "when")) var birthsFrom: String = "average"
    @Option(name: .long, help: ArgumentHelp("Where each region's newborns are at the end of the step: CSV from, to, share.", valueName: "file")) var birthMigration: String?
    @Option(name: .long, help: ArgumentHelp("Newborn survival by region and sex: CSV region, sex, survival.", valueName: "file")) var birthSurvivalFile: String?
    @Flag(name: .long, help: "Project one sex: the files need no sex column (their rows are females; --sex-ratio 0 keeps every birth).") var oneSex = false
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Largest number of regions (the destination shares are a region × region matrix; default 5000).", valueName: "n"))
    var maxRegions: Int = 5_000

    func validate() throws {
        guard steps >= 1 && steps <= 1000 else { throw ValidationError("--steps must be between 1 and 1000, got \(steps).") }
        guard ageWidth >= 1 && ageWidth <= Self.maximumAge else { throw ValidationError("--age-width must be between 1 and \(Self.maximumAge), got \(ageWidth).") }
        guard (0...1).contains(birthSurvival) else { throw ValidationError("--birth-survival must be a probability.") }
        guard sexRatio.isFinite && (sexRatio > 0 || (oneSex && sexRatio == 0)) else {
            throw ValidationError("--sex-ratio must be a positive number of male births per female birth (0 only with --one-sex), got \(sexRatio).")
        }
        guard ["average", "start"].contains(birthsFrom) else { throw ValidationError("--births-from must be average or start; got '\(birthsFrom)'.") }
        guard maxRegions >= 1 else { throw ValidationError("--max-regions must be positive.") }
    }

    struct Cell: Hashable { let region: String; let age: Int; let sex: Sex }

    /// The oldest age a row may give: ages are the first age of a group, and the projection
    /// allocates every age group up to the oldest one, so an age of 1e12 must not reach it.
    static let maximumAge = 150

    /// The value of `column` at data row `i`: an empty cell is an error naming the line (or
    /// `missing`, for optional quantities), and so is a value beyond ±1e100 (sums overflow).
    static func value(_ column: [Double?], _ i: Int, _ path: String, _ name: String, missing: Double? = nil) throws -> Double {
        guard let v = column[i] ?? missing else {
            throw CLIError.message("\(path): line \(i + 2), column `\(name)` is empty — every row needs a value (write 0 if that is meant)")
        }
        guard v.isFinite, Swift.abs(v) <= 1e100 else {
            throw CLIError.message("\(path): line \(i + 2), column `\(name)` is \(v) — give a finite value (at most 1e100 in magnitude)")
        }
        return v
    }

    /// The most rows the command writes (and populations it keeps in memory with --every-step).
    static let maximumOutputRows = 20_000_000

    func read(_ path: String, _ needed: [String]) throws -> Table {
        let t: Table
        do { t = try CSVReader.readTable(path: path) } catch { throw CLIError.message("\(error)") }
        for c in needed where t[c] == nil {
            throw CLIError.message("\(path): column `\(c)` is missing (has \(t.columnNames.joined(separator: ", "))) — see `migkit cohort project --help`")
        }
        return t
    }

    /// The (region, age group, sex) of every row. Refuses, naming the file line: an empty key,
    /// an unknown sex, an age that is not a whole number from 0 to `maximumAge` or not a
    /// multiple of --age-width, and a (region, age, sex) that appears twice (the second row would
    /// silently overwrite the first).
    func cells(_ t: Table, _ path: String) throws -> [Cell] {
        let ages = try ageValues(t, path)
        var firstLine: [Cell: Int] = [:]
        return try (0..<t.rowCount).map { i in
            let line = i + 2
            guard let r = t[regionColumn]?[i]?.description, let a = ages[i], let s = oneSex ? femaleLabel : t[sexColumn]?[i]?.description else {
                throw CLIError.message("\(path): line \(line) has an empty \(regionColumn), \(ageColumn) or \(sexColumn)")
            }
            let sex: Sex
            switch s {
            case femaleLabel: sex = .female
            case maleLabel: sex = .male
            default: throw CLIError.message("\(path): line \(line): \(sexColumn) '\(s)' is not \(femaleLabel) or \(maleLabel) — name the codes with --female-label and --male-label")
            }
            guard a.isFinite, a >= 0, a <= Double(Self.maximumAge) else {
                throw CLIError.message("\(path): line \(line): age \(a) is not between 0 and \(Self.maximumAge) — ages are the first age of a group, in years")
            }
            guard a == a.rounded() else {
                throw CLIError.message("\(path): line \(line): age \(a) is not a whole number — give the first age of the group (a multiple of --age-width \(ageWidth)); a fractional age would be merged into another group")
            }
            let age = Int(a)
            guard age % ageWidth == 0 else { throw CLIError.message("\(path): line \(line): age \(age) is not a multiple of --age-width \(ageWidth)") }
            let cell = Cell(region: r, age: age / ageWidth, sex: sex)
            if let first = firstLine[cell] {
                throw CLIError.message("\(path): line \(line): region '\(r)', age \(age), sex \(s) already appears on line \(first) — give one row per region, age and sex")
            }
            firstLine[cell] = line
            return cell
        }
    }

    /// The age column as numbers: numeric cells as they are, text cells by their leading whole
    /// number ("0-4" → 0, "85+" → 85, "5 to 9" → 5); a text cell without one is an error naming
    /// the line.
    func ageValues(_ t: Table, _ path: String) throws -> [Double?] {
        guard let column = t[ageColumn] else { throw CLIError.message("\(path): column `\(ageColumn)` is missing") }
        if let d = column.doubles() { return d }
        return try column.labels().enumerated().map { i, label in
            guard let label else { return nil }
            let trimmed = label.trimmingCharacters(in: .whitespaces)
            let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 3, let v = Int(digits) else {
                throw CLIError.message("\(path): line \(i + 2), column `\(ageColumn)` is '\(label)' — give the first age of the group as a number or a label that starts with it (0-4, 85+)")
            }
            return Double(v)
        }
    }

    func run() throws {
        try CLIOutput.checkPaths([output, accounts].compactMap { $0 },
                                 inputs: [population, rates, destinations, birthMigration, birthSurvivalFile].compactMap { $0 })   // before any work
        let pop = try read(population, [regionColumn, ageColumn] + (oneSex ? [] : [sexColumn]) + [populationColumn])
        let popCells = try cells(pop, population)
        var regions: [String] = []
        var regionIndex: [String: Int] = [:]   // O(1) look-ups: a file may hold thousands of regions
        for c in popCells where regionIndex[c.region] == nil { regionIndex[c.region] = regions.count; regions.append(c.region) }
        let ageGroups = (popCells.map(\.age).max() ?? 0) + 1
        let layout: PopulationLayout
        do { layout = try PopulationLayout(regions: regions, ageGroups: ageGroups, ageWidth: ageWidth, sexes: oneSex ? [.female] : [.female, .male]) } catch { throw CLIError.message("\(population): \(error)") }
        func index(_ c: Cell, _ path: String, _ row: Int) throws -> Int {
            guard let r = regionIndex[c.region], let s = layout.sexes.firstIndex(of: c.sex), c.age < ageGroups else {
                throw CLIError.message("\(path): line \(row + 2): region '\(c.region)', age group \(c.age) is not in the population file")
            }
            return layout.index(region: r, age: c.age, sex: s)
        }
        guard let pv = pop[populationColumn]?.doubles() else { throw CLIInput.notNumeric(population, populationColumn, pop) }
        var initial = [Double](repeating: 0, count: layout.count)
        for (i, c) in popCells.enumerated() { initial[try index(c, population, i)] = try Self.value(pv, i, population, populationColumn) }

        let rt = try read(rates, [regionColumn, ageColumn] + (oneSex ? [] : [sexColumn]) + [survivalColumn, fertilityColumn])
        let rateCells = try cells(rt, rates)
        func column(_ name: String) throws -> [Double?]? {
            guard let c = rt[name] else { return nil }
            guard let d = c.doubles() else { throw CLIInput.notNumeric(rates, name, rt) }
            return d
        }
        var survival = [Double](repeating: 0, count: layout.count), out = [Double](repeating: 0, count: layout.count)
        var fertility = [Double](repeating: 0, count: regions.count * ageGroups)
        guard let sv = try column(survivalColumn), let fv = try column(fertilityColumn) else {
            throw CLIError.message("\(rates): columns `\(survivalColumn)` and `\(fertilityColumn)` are required")
        }
        let ov = try column(outmigrationColumn)
        let ev = try column(emigrationColumn), iv = try column(immigrationColumn)
        var emigration: [Double]? = ev.map { _ in [Double](repeating: 0, count: layout.count) }
        var immigration: [Double]? = iv.map { _ in [Double](repeating: 0, count: layout.count) }
        for (i, c) in rateCells.enumerated() {
            let k = try index(c, rates, i)
            survival[k] = try Self.value(sv, i, rates, survivalColumn)
            // Optional flows: an empty cell is no migration.
            if let ov { out[k] = try Self.value(ov, i, rates, outmigrationColumn, missing: 0) }
            if let ev { emigration?[k] = try Self.value(ev, i, rates, emigrationColumn, missing: 0) }
            if let iv { immigration?[k] = try Self.value(iv, i, rates, immigrationColumn, missing: 0) }
            if c.sex == .female, let r = regionIndex[c.region] {
                fertility[r + regions.count * c.age] = try Self.value(fv, i, rates, fertilityColumn)
            }
        }
        /// A from, to, share file as an R × R matrix over the population's regions.
        func pairMatrix(_ path: String) throws -> Matrix {
            let d = try read(path, [fromColumn, toColumn, shareColumn])
            guard let sh = d[shareColumn]?.doubles() else { throw CLIInput.notNumeric(path, shareColumn, d) }
            guard regions.count <= maxRegions else {
                throw CLIError.message("\(population): \(regions.count) regions, more than the limit of \(maxRegions) — \(path) would be a \(regions.count) × \(regions.count) matrix; check the region column, or raise the limit with --max-regions")
            }
            var m = try Matrix(rows: regions.count, cols: regions.count)
            var firstLine: [String: Int] = [:]
            for i in 0..<d.rowCount {
                guard let f = d[fromColumn]?[i]?.description, let t = d[toColumn]?[i]?.description,
                      let fi = regionIndex[f], let ti = regionIndex[t] else {
                    let listed = regions.prefix(20).joined(separator: ", ") + (regions.count > 20 ? ", …" : "")
                    throw CLIError.message("\(path): line \(i + 2): regions must be ones of the population file (\(listed))")
                }
                if let first = firstLine["\(fi) \(ti)"] {
                    throw CLIError.message("\(path): line \(i + 2): the pair \(f) → \(t) already appears on line \(first) — give one row per pair")
                }
                firstLine["\(fi) \(ti)"] = i + 2
                m[fi, ti] = try Self.value(sh, i, path, shareColumn)
            }
            return m
        }
        let shares = try destinations.map(pairMatrix)
        let birthMatrix = try birthMigration.map(pairMatrix)
        var newbornSurvival = [Double](repeating: birthSurvival, count: regions.count * layout.sexes.count)
        if let birthSurvivalFile {
            let b = try read(birthSurvivalFile, [regionColumn] + (oneSex ? [] : [sexColumn]) + ["survival"])
            guard let sv = b["survival"]?.doubles() else { throw CLIInput.notNumeric(birthSurvivalFile, "survival", b) }
            var seen = Set<Int>()
            for i in 0..<b.rowCount {
                guard let region = b[regionColumn]?[i]?.description, let ri = regionIndex[region] else {
                    throw CLIError.message("\(birthSurvivalFile): line \(i + 2): the region is empty or not one of the population file")
                }
                let sexLabel = oneSex ? femaleLabel : (b[sexColumn]?[i]?.description ?? "")
                let si: Int
                switch sexLabel {
                case femaleLabel: si = 0
                case maleLabel where !oneSex: si = 1
                default: throw CLIError.message("\(birthSurvivalFile): line \(i + 2): \(sexColumn) '\(sexLabel)' is not \(femaleLabel) or \(maleLabel)")
                }
                guard seen.insert(ri + regions.count * si).inserted else {
                    throw CLIError.message("\(birthSurvivalFile): line \(i + 2): region '\(region)', \(sexLabel) appears twice — give one row per region and sex")
                }
                newbornSurvival[ri + regions.count * si] = try Self.value(sv, i, birthSurvivalFile, "survival")
            }
            guard seen.count == newbornSurvival.count else {
                throw CLIError.message("\(birthSurvivalFile): \(seen.count) of the \(newbornSurvival.count) region × sex rows are given — give every one")
            }
        }
        // --every-step keeps and writes every population: (steps + 1) × regions × ages × 2 rows.
        let rowsOut = Double(everyStep ? steps + 1 : 1) * Double(layout.count)
        guard rowsOut <= Double(Self.maximumOutputRows) else {
            throw CLIError.message("\(population): the output would have \(Int(rowsOut)) rows (\(everyStep ? "\(steps + 1) steps × " : "")\(layout.count) region × age × sex cells), more than \(Self.maximumOutputRows) — use fewer --steps, drop --every-step, or project fewer regions")
        }
        let result: CohortProjectionResult
        do {
            let r = try CohortComponentRates(layout: layout, survival: survival, fertility: fertility,
                                             birthSurvival: newbornSurvival,
                                             sexRatioAtBirth: sexRatio, outmigration: ov == nil ? nil : out, destinationShares: shares,
                                             emigration: emigration, immigration: immigration,
                                             birthExposure: birthsFrom == "start" ? .startOfStep : .averageOfStartAndEnd, birthMigration: birthMatrix)
            result = try CohortComponentProjection.project(initial: try RegionalPopulation(layout: layout, values: initial), steps: steps,
                                                          rates: r, options: CohortProjectionOptions(recordPopulations: everyStep))
        } catch { throw CLIError.message("\(rates): \(error)") }
        var step: [Int?] = [], region: [String?] = [], age: [Int?] = [], sex: [String?] = [], value: [Double?] = []
        let snapshots: [(Int, RegionalPopulation)] = everyStep ? result.populations.enumerated().map { ($0.offset, $0.element) } : [(steps, result.final)]
        for (k, p) in snapshots {
            for s in 0..<layout.sexes.count { for a in 0..<ageGroups { for r in 0..<regions.count {
                step.append(k); region.append(regions[r]); age.append(a * ageWidth); sex.append(layout.sexes[s].rawValue)
                value.append(p[r, a, s])
            } } }
        }
        var outputs: [(table: Table, path: String)] = [(try Table([("step", .int(step)), ("region", .string(region)), ("age", .int(age)),
                                                                   ("sex", .string(sex)), ("population", .double(value))]), output)]
        if let accounts {
            // One row per step and region: the step's demographic account (step 1 is the first).
            var st: [Int?] = [], rg: [String?] = [], columns = [[Double?]](repeating: [], count: 7)
            for (t, a) in result.accounts.enumerated() {
                for i in regions.indices {
                    st.append(t + 1); rg.append(regions[i])
                    for (c, v) in [a.births, a.deaths, a.outMigrants, a.inMigrants, a.emigrants, a.immigrants, a.population].enumerated() {
                        columns[c].append(v[i])
                    }
                }
            }
            let names = ["births", "deaths", "out_migrants", "in_migrants", "emigrants", "immigrants", "population_end"]
            outputs.append((try Table([("step", .int(st)), ("region", .string(rg))] + zip(names, columns).map { ($0, .double($1)) }), accounts))
        }
        try CLIOutput.write(outputs, inputs: [population, rates, destinations, birthMigration, birthSurvivalFile].compactMap { $0 })
        FileHandle.standardError.write(Data("projected \(regions.count) regions × \(ageGroups) age groups × \(layout.sexes.count) sex(es) for \(steps) steps; total \(result.final.total); largest inter-regional migration imbalance \(result.maximumMigrationImbalance)\n".utf8))
    }
}
