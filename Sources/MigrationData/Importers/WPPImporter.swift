/// One series of UN World Population Prospects 2024, as the `variant` column of
/// `WPPImporter.populationAndMigration`.
///
/// The shared WPP file holds estimates (1950–2023), the medium, low and high projection
/// variants and the 80 % and 95 % probabilistic intervals (2024–2100). It has no constant-
/// fertility, instant-replacement or zero-migration variant. In WPP the low and high variants
/// differ from the medium only in fertility (same mortality and migration assumptions), so the
/// file gives no separate net migration for them; the interval bounds of population and of net
/// migration are separate marginal quantiles, not one trajectory.
public enum WPPVariant: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Estimates, 1950–2023.
    case estimate
    /// Medium projection (the probabilistic median), 2024–2100.
    case medium
    /// Low-fertility variant (total fertility 0.5 below the medium).
    case low
    /// High-fertility variant (total fertility 0.5 above the medium).
    case high
    /// Bounds of the 80 % and 95 % probabilistic prediction intervals.
    case pi80Lower = "pi80_lower", pi80Upper = "pi80_upper", pi95Lower = "pi95_lower", pi95Upper = "pi95_upper"

    /// Order of declaration (the table's row order within a country-year).
    public static func < (a: WPPVariant, b: WPPVariant) -> Bool {
        a.rank < b.rank
    }

    private var rank: Int {
        switch self {
        case .estimate: return 0
        case .medium: return 1
        case .low: return 2
        case .high: return 3
        case .pi80Lower: return 4
        case .pi80Upper: return 5
        case .pi95Lower: return 6
        case .pi95Upper: return 7
        }
    }

    /// The source columns (population, net migration) holding this variant in a projection row.
    var projectionColumns: (population: String, netMigration: String?) {
        switch self {
        case .estimate, .medium: return ("pop_medium_thousands", "net_migration_thousands")
        case .low: return ("pop_low_thousands", nil)
        case .high: return ("pop_high_thousands", nil)
        case .pi80Lower: return ("pop_pi80_lower_thousands", "net_migration_pi80_lower_thousands")
        case .pi80Upper: return ("pop_pi80_upper_thousands", "net_migration_pi80_upper_thousands")
        case .pi95Lower: return ("pop_pi95_lower_thousands", "net_migration_pi95_lower_thousands")
        case .pi95Upper: return ("pop_pi95_upper_thousands", "net_migration_pi95_upper_thousands")
        }
    }
}

/// UN World Population Prospects 2024 → population and net migration by country, year and
/// variant.
///
/// Source: `../shared/data/population-wpp2024/wpp2024_population_and_net_migration_1950_2100.csv`
/// (see its SOURCE.md: R packages wpp2024 and gdidata, re-keyed by ISO3). Licence CC BY 3.0 IGO;
/// attribution "United Nations, Department of Economic and Social Affairs, Population Division
/// (2024). World Population Prospects 2024."
public enum WPPImporter {
    /// The default file name inside the source folder.
    public static let fileName = "wpp2024_population_and_net_migration_1950_2100.csv"

    /// The output columns, in order.
    public static let columns = ["iso3", "year", "variant", "population_thousands", "net_migration_thousands"]

    /// Population and net migration in long form: one row per country × year × variant, sorted
    /// by `iso3`, `year`, then variant in `WPPVariant` order (estimate, medium, low, high,
    /// pi80_lower, pi80_upper, pi95_lower, pi95_upper).
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `iso3` | string | ISO 3166 alpha-3 (237 countries and areas; Kosovo `XKX`; no aggregates) |
    /// | `year` | int | calendar year (population on 1 July) |
    /// | `variant` | string | `estimate` (years up to 2023) or a projection variant (2024 on), see `WPPVariant` |
    /// | `population_thousands` | double | total population, thousands (both sexes) |
    /// | `net_migration_thousands` | double | immigrants minus emigrants during the year, thousands; empty for `low`/`high` (WPP uses the medium variant's migration for them) and where WPP has none (Holy See) |
    ///
    /// An estimate row comes from a source row with `period == "estimate"`; projection rows from
    /// `period == "projection_medium"`, one per requested variant with a value. Values are the
    /// source's, unrounded. Sex detail is not kept.
    ///
    /// - Parameters:
    ///   - path: the source folder or the CSV file itself.
    ///   - years: keep only these years (`nil`: 1950–2100); rows outside are counted in
    ///     `report.leftOut`.
    ///   - variants: the variants to keep (`nil`: all eight); the others are counted in
    ///     `report.leftOut`.
    /// - Throws: `ImportError.missingSourceFile`, `.missingColumn`, `.csv`, `.unknownCode` (a
    ///   code that is not three letters/digits), `.invalidValue` (an unknown `period`), or
    ///   `.duplicateKey` (a country-year twice).
    public static func populationAndMigration(
        from path: String, years: ClosedRange<Int>? = nil, variants: Set<WPPVariant>? = nil
    ) throws(ImportError) -> ImportResult {
        var requested: [(String, ColumnType)] = [("iso3", .string), ("year", .int), ("period", .string)]
        var seen: Set<String> = []
        for variant in WPPVariant.allCases {
            let columns = variant.projectionColumns
            for name in [columns.population, columns.netMigration].compactMap({ $0 }) where seen.insert(name).inserted {
                requested.append((name, .double))
            }
        }
        let file = try SourceFile.read(
            SourcePath.file(path, defaultName: fileName), source: "WPP 2024",
            expected: "pass ../shared/data/population-wpp2024 or its \(fileName)", columns: requested)
        var report = ImportReport(source: "wpp")
        report.sourceRows = [ImportReport.Count(file.name, file.rowCount)]
        let codes = try file.strings("iso3")
        let yearValues = try file.ints("year")
        let periods = try file.strings("period")
        var values: [String: [Double?]] = [:]
        for (name, _) in requested.dropFirst(3) { values[name] = try file.doubles(name) }
        let wanted = variants ?? Set(WPPVariant.allCases)

        struct Key: Hashable { var iso3: String; var year: Int }
        var firstRow: [Key: Int] = [:]
        var rows: [(key: Key, variant: WPPVariant, population: Double?, migration: Double?)] = []
        for row in 0..<file.rowCount {
            let code = try file.requiredString(codes, row: row, column: "iso3")
            let year = try file.requiredInt(yearValues, row: row, column: "year")
            let period = try file.requiredString(periods, row: row, column: "period")
            guard isCountryKeyShaped(code) else {
                throw .unknownCode(file: file.path, row: row + 1, column: "iso3", code: code,
                                   hint: "expected an ISO 3166 alpha-3 code (three capital letters)")
            }
            let key = Key(iso3: code, year: year)
            if let first = firstRow[key] {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: first, key: "\(code) \(year)")
            }
            firstRow[key] = row + 1
            let candidates: [WPPVariant]
            switch period {
            case "estimate": candidates = [.estimate]
            case "projection_medium": candidates = Array(WPPVariant.allCases.dropFirst())
            default:
                throw .invalidValue(file: file.path, row: row + 1, column: "period", value: period,
                                    reason: "is not a period the importer knows (estimate, projection_medium)")
            }
            if let years, !years.contains(year) {
                ImportReport.add(1, to: "source rows outside \(describeYears(years))", in: &report.leftOut)
                continue
            }
            for variant in candidates {
                let columns = variant.projectionColumns
                let population = values[columns.population]?[row] ?? nil
                let migration = columns.netMigration.flatMap { values[$0]?[row] ?? nil }
                guard wanted.contains(variant) else {
                    if population != nil || migration != nil {
                        ImportReport.add(1, to: "\(variant.rawValue) values not requested", in: &report.leftOut)
                    }
                    continue
                }
                guard population != nil || migration != nil else {
                    ImportReport.add(1, to: "\(period) rows without a \(variant.rawValue) value", in: &report.leftOut)
                    continue
                }
                rows.append((key, variant, population, migration))
            }
        }
        rows.sort { a, b in
            if a.key.iso3 != b.key.iso3 { return a.key.iso3 < b.key.iso3 }
            if a.key.year != b.key.year { return a.key.year < b.key.year }
            return a.variant < b.variant
        }
        let table = try assembleTable([
            ("iso3", .string(rows.map(\.key.iso3))),
            ("year", .int(rows.map(\.key.year))),
            ("variant", .string(rows.map(\.variant.rawValue))),
            ("population_thousands", .double(rows.map(\.population))),
            ("net_migration_thousands", .double(rows.map(\.migration))),
        ], while: "building the WPP table")
        report.outputRows = table.rowCount
        return ImportResult(table: table, report: report)
    }
}
