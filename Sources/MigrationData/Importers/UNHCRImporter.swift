/// UNHCR Refugee Population Statistics Database → a displacement panel by origin country × year.
///
/// Source: the CSV copies of the R package `refugees` (2025.12.1) in `../shared/data/unhcr`
/// (see its SOURCE.md). Licence CC BY 4.0; attribution "UNHCR Refugee Population Statistics
/// Database, https://www.unhcr.org/refugee-statistics/ (CC BY 4.0)".
///
/// Files read (all keyed by `year` and the UNHCR origin code `coo`; rows are summed over the
/// country of asylum `coa`):
///
/// | file | columns used | panel columns |
/// |---|---|---|
/// | `countries.csv` | UNHCR code → ISO3 | (the key, see `CountryRegistry`) |
/// | `population.csv` | refugees, asylum_seekers, oip | end-year stocks |
/// | `idmc.csv` | total | `idps_conflict` (IDMC conflict IDPs, one row per country) |
/// | `unrwa.csv` | total | `unrwa_refugees` (origin `GAZ` → `PSE`) |
/// | `flows.csv` | refugees, asylum_seekers, refugee_like, oip | inflows during the year |
/// | `solutions.csv` | returned_refugees, resettlement, naturalisation, returned_idps | outflows during the year |
public enum UNHCRImporter {
    /// The panel's columns, in order.
    public static let columns = [
        "iso3", "year", "is_midyear",
        "refugees", "asylum_seekers", "oip", "idps_conflict", "unrwa_refugees", "forcibly_displaced",
        "arrivals_refugees", "new_asylum_applications", "refugee_like_flow", "oip_flow",
        "returned_refugees", "resettlement", "naturalisation", "returned_idps",
    ]

    /// Count columns filled from the files (all of `columns` after `is_midyear`, except
    /// `forcibly_displaced`).
    private static let valueColumns = [
        "refugees", "asylum_seekers", "oip", "idps_conflict", "unrwa_refugees",
        "arrivals_refugees", "new_asylum_applications", "refugee_like_flow", "oip_flow",
        "returned_refugees", "resettlement", "naturalisation", "returned_idps",
    ]

    /// The five stocks whose sum is UNHCR's "forcibly displaced" headline.
    private static let forciblyDisplacedParts = ["refugees", "asylum_seekers", "oip", "idps_conflict", "unrwa_refugees"]

    /// (file, [(source column, panel column)]), in the order the files are read.
    private static let files: [(name: String, columns: [(source: String, panel: String)])] = [
        ("population.csv", [("refugees", "refugees"), ("asylum_seekers", "asylum_seekers"), ("oip", "oip")]),
        ("idmc.csv", [("total", "idps_conflict")]),
        ("unrwa.csv", [("total", "unrwa_refugees")]),
        ("flows.csv", [("refugees", "arrivals_refugees"), ("asylum_seekers", "new_asylum_applications"),
                       ("refugee_like", "refugee_like_flow"), ("oip", "oip_flow")]),
        ("solutions.csv", [("returned_refugees", "returned_refugees"), ("resettlement", "resettlement"),
                           ("naturalisation", "naturalisation"), ("returned_idps", "returned_idps")]),
    ]

    /// The displacement panel: one row per origin × year that appears in any of the files,
    /// sorted by `iso3`, then `year`.
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `iso3` | string | origin: ISO 3166 alpha-3, or an explicit non-country key — `UNK` Unknown, `XXA` Stateless, `TIB` Tibetan, `AB9` Abyei Area, `VAR` Various (see `CountryRegistry`) |
    /// | `year` | int | calendar year (stocks at the end of the year) |
    /// | `is_midyear` | int | 1 for the last year in population.csv (2025 in the 2025.12.1 files), whose figures are mid-year, not end-year; else 0 |
    /// | `refugees` | int | refugees under UNHCR's mandate (population.csv) |
    /// | `asylum_seekers` | int | asylum seekers with pending claims (population.csv) |
    /// | `oip` | int | other people in need of international protection (population.csv; reported from 2022 on) |
    /// | `idps_conflict` | int | people internally displaced by conflict and violence, IDMC via UNHCR (idmc.csv); country detail from 2009 on — for 1990–2008 the file has only the global total, under `UNK` |
    /// | `unrwa_refugees` | int | Palestine refugees under UNRWA's mandate (unrwa.csv; origin PSE only) |
    /// | `forcibly_displaced` | int | refugees + asylum_seekers + oip + idps_conflict + unrwa_refugees, missing parts counted as 0; empty only when all five are missing |
    /// | `arrivals_refugees` | int | refugee arrivals during the year, including prima facie recognitions (flows.csv `refugees`) |
    /// | `new_asylum_applications` | int | new asylum applications during the year (flows.csv `asylum_seekers`) |
    /// | `refugee_like_flow` | int | people newly in a refugee-like situation (flows.csv `refugee_like`) |
    /// | `oip_flow` | int | newly displaced other people in need of international protection (flows.csv `oip`) |
    /// | `returned_refugees` | int | refugees who returned to the origin during the year (solutions.csv) |
    /// | `resettlement` | int | refugees resettled to a third country during the year (solutions.csv) |
    /// | `naturalisation` | int | refugees naturalised in the asylum country during the year (solutions.csv) |
    /// | `returned_idps` | int | IDPs of concern to UNHCR who returned home during the year (solutions.csv) |
    ///
    /// People, summed over countries of asylum. A cell is empty when no row of its file has a
    /// value for that origin and year (not reported, which is not the same as zero).
    ///
    /// **Unknown and other non-country origins** are kept as their own rows (e.g. `UNK` holds
    /// refugees of unknown origin, and IDMC's global conflict-IDP figure for 1990–2008) and
    /// counted in `report.explicitKeys`, per file (`"population.csv origin UNK (Unknown)"` →
    /// source rows) and in the output (`"output origin UNK (Unknown)"` → panel rows). Summing
    /// `forcibly_displaced` over all rows of a year gives UNHCR's global figure: 107.2 M (2022),
    /// 117.6 M (2023), 124.7 M (2024), as in ../shared/data/unhcr/SOURCE.md.
    ///
    /// - Parameters:
    ///   - folder: the folder holding the UNHCR files (`../shared/data/unhcr`).
    ///   - years: keep only these years (rows outside are counted in `report.leftOut`); `nil`
    ///     keeps all (1951–2025).
    /// - Throws: `ImportError.missingSourceFile`, `.missingColumn`, `.csv` (unreadable file or
    ///   a non-integer count), `.unknownCode` (a `coo` not in countries.csv), `.invalidValue` (an
    ///   empty year or code, a negative count).
    public static func displacementPanel(from folder: String, years: ClosedRange<Int>? = nil) throws(ImportError) -> ImportResult {
        if !SourcePath.isDirectory(folder) {
            throw .missingSourceFile(path: folder, source: "UNHCR", expected: "pass the folder holding population.csv, flows.csv, solutions.csv, idmc.csv, unrwa.csv and countries.csv (../shared/data/unhcr)")
        }
        let registry = try CountryRegistry.load(from: SourcePath.joined(folder, "countries.csv"))
        var report = ImportReport(source: "unhcr")
        let slot = Dictionary(uniqueKeysWithValues: valueColumns.enumerated().map { ($1, $0) })
        var cells: [CodeYear: [Int?]] = [:]
        var midYear = Int.min

        for spec in files {
            let file = try SourceFile.read(
                SourcePath.joined(folder, spec.name), source: "UNHCR \(spec.name)",
                expected: "the UNHCR folder should hold \(spec.name) (see ../shared/data/unhcr/SOURCE.md)",
                columns: [("year", .int), ("coo", .string)] + spec.columns.map { ($0.source, ColumnType.int) })
            ImportReport.add(file.rowCount, to: file.name, in: &report.sourceRows)
            let yearValues = try file.ints("year")
            let codes = try file.strings("coo")
            var values: [(cells: [Int?], source: String, slot: Int)] = []
            for column in spec.columns {
                values.append((try file.ints(column.source), column.source, slot[column.panel] ?? 0))
            }
            for row in 0..<file.rowCount {
                let year = try file.requiredInt(yearValues, row: row, column: "year")
                let code = try file.requiredString(codes, row: row, column: "coo")
                guard let origin = registry.entry(unhcrCode: code) else {
                    throw .unknownCode(file: file.path, row: row + 1, column: "coo", code: code,
                                       hint: "it is not a UNHCR code in countries.csv nor one of CountryRegistry.supplementaryEntries; add it to one of them")
                }
                if spec.name == "population.csv" { midYear = max(midYear, year) }
                if let years, !years.contains(year) {
                    ImportReport.add(1, to: "\(file.name) rows outside \(describeYears(years))", in: &report.leftOut)
                    continue
                }
                if origin.kind != .country {
                    ImportReport.add(1, to: "\(file.name) origin \(origin.iso3) (\(origin.name))", in: &report.explicitKeys)
                }
                let key = CodeYear(code: origin.iso3, year: year)
                var accumulated = cells[key] ?? Array(repeating: nil, count: valueColumns.count)
                for value in values {
                    guard let count = value.cells[row] else { continue }
                    if count < 0 {
                        throw .invalidValue(file: file.path, row: row + 1, column: value.source, value: String(count),
                                            reason: "is negative — a count of people cannot be; correct the file")
                    }
                    accumulated[value.slot] = (accumulated[value.slot] ?? 0) + count
                }
                cells[key] = accumulated
            }
        }

        let sorted = cells.sorted { $0.key < $1.key }
        let keys = sorted.map(\.key)
        var output: [(String, Column)] = [
            ("iso3", .string(keys.map(\.code))),
            ("year", .int(keys.map(\.year))),
            ("is_midyear", .int(keys.map { $0.year == midYear ? 1 : 0 })),
        ]
        for name in columns.dropFirst(3) {
            if name == "forcibly_displaced" {
                let parts = forciblyDisplacedParts.compactMap { slot[$0] }
                output.append((name, .int(sorted.map { cell -> Int? in
                    let present = parts.compactMap { cell.value[$0] }
                    return present.isEmpty ? nil : present.reduce(0, +)
                })))
            } else if let index = slot[name] {
                output.append((name, .int(sorted.map { $0.value[index] })))
            }
        }
        let table = try assembleTable(output, while: "building the UNHCR displacement panel")
        report.outputRows = table.rowCount
        for key in keys {
            if let origin = registry.entry(iso3: key.code), origin.kind != .country {
                ImportReport.add(1, to: "output origin \(origin.iso3) (\(origin.name))", in: &report.explicitKeys)
            }
        }
        return ImportResult(table: table, report: report)
    }
}

/// A code × year key (country × year, scenario × year), ordered by code (byte order), then year.
struct CodeYear: Hashable, Comparable {
    var code: String
    var year: Int

    static func < (a: CodeYear, b: CodeYear) -> Bool {
        a.code != b.code ? a.code.unicodeScalars.lexicographicallyPrecedes(b.code.unicodeScalars) : a.year < b.year
    }
}
