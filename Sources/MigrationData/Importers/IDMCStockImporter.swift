/// IDMC Global Internal Displacement Database (GIDD) → people living in internal displacement
/// at the end of 2024, by country and cause (conflict, disaster).
///
/// Source: `../shared/data/idmc-displacement/idmc_gidd_idp_stocks_2024.csv` (the gdidata copy of
/// GIDD stocks, one year, broken down by sex and age; see its SOURCE.md). Licence and
/// attribution as `IDMCImporter` (IDMC terms of use; "Internal Displacement Monitoring Centre
/// (IDMC), GIDD").
///
/// A country's total for a cause is the **sum over all its sex × age rows**, `unknown` ones
/// included: IDMC puts the part it could not disaggregate in the `unknown` rows, so they are not
/// a breakdown of the others. Check (SOURCE.md, GRID 2025): 73,505,209 conflict and 9,847,217
/// disaster IDPs at the end of 2024.
public enum IDMCStockImporter {
    /// The default file name inside the source folder.
    public static let fileName = "idmc_gidd_idp_stocks_2024.csv"

    /// The output columns, in order.
    public static let columns = ["iso3", "year", "cause", "idps"]

    /// The causes the file holds.
    package static let causes: Set<String> = ["conflict", "disaster"]

    /// IDP stocks, one row per country × year × cause, sorted by `iso3`, `year`, `cause`.
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `iso3` | string | ISO 3166 alpha-3; `AB9` = Abyei Area (IDMC's code) |
    /// | `year` | int | the year whose end the stock refers to (2024) |
    /// | `cause` | string | `conflict` or `disaster` |
    /// | `idps` | int | people living in internal displacement at the end of the year, summed over sex and age |
    ///
    /// A country absent for a cause has no figure from IDMC (not necessarily zero).
    ///
    /// - Parameters:
    ///   - path: the source folder or the CSV file itself.
    ///   - years: keep only these years (others counted in `report.leftOut`); `nil` keeps all.
    /// - Throws: `ImportError.missingSourceFile`, `.missingColumn`, `.csv`, `.unknownCode` (a
    ///   code that is not three letters/digits), `.invalidValue` (an unknown cause, a missing or
    ///   negative count), `.duplicateKey` (country, year, cause, sex and age twice).
    public static func idpStocks(from path: String, years: ClosedRange<Int>? = nil) throws(ImportError) -> ImportResult {
        let file = try SourceFile.read(
            SourcePath.file(path, defaultName: fileName), source: "IDMC stocks",
            expected: "pass ../shared/data/idmc-displacement or its \(fileName)",
            columns: [("iso3", .string), ("year", .int), ("cause", .string), ("sex", .string), ("age", .string), ("idps", .int)])
        var report = ImportReport(source: "idmc-stocks")
        report.sourceRows = [ImportReport.Count(file.name, file.rowCount)]
        let codes = try file.strings("iso3"), yearValues = try file.ints("year"), causeValues = try file.strings("cause")
        let sexes = try file.strings("sex"), ages = try file.strings("age"), counts = try file.ints("idps")

        struct Cell: Hashable { var iso3: String; var year: Int; var cause: String; var sex: String; var age: String }
        struct Key: Hashable { var iso3: String; var year: Int; var cause: String }
        var firstRow: [Cell: Int] = [:]
        var totals: [Key: Int] = [:]
        for row in 0..<file.rowCount {
            let code = try file.requiredString(codes, row: row, column: "iso3")
            let year = try file.requiredInt(yearValues, row: row, column: "year")
            let cause = try file.requiredString(causeValues, row: row, column: "cause")
            let sex = try file.requiredString(sexes, row: row, column: "sex")
            let age = try file.requiredString(ages, row: row, column: "age")
            guard isCountryKeyShaped(code) else {
                throw .unknownCode(file: file.path, row: row + 1, column: "iso3", code: code,
                                   hint: "expected an ISO 3166 alpha-3 code (three capital letters)")
            }
            guard causes.contains(cause) else {
                throw .invalidValue(file: file.path, row: row + 1, column: "cause", value: cause,
                                    reason: "is not a cause the importer knows (conflict, disaster)")
            }
            guard let count = counts[row] else {
                throw .invalidValue(file: file.path, row: row + 1, column: "idps", value: "",
                                    reason: "is empty — a stock row without a count cannot be summed; correct the file")
            }
            guard count >= 0 else {
                throw .invalidValue(file: file.path, row: row + 1, column: "idps", value: String(count),
                                    reason: "is negative — a count of people cannot be; correct the file")
            }
            let cell = Cell(iso3: code, year: year, cause: cause, sex: sex, age: age)
            if let first = firstRow[cell] {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: first, key: "\(code) \(year) \(cause) \(sex) \(age)")
            }
            firstRow[cell] = row + 1
            if let years, !years.contains(year) {
                ImportReport.add(1, to: "rows outside \(describeYears(years))", in: &report.leftOut)
                continue
            }
            if let name = IDMCImporter.nonISOCodes[code] {
                ImportReport.add(1, to: "\(code) (\(name))", in: &report.explicitKeys)
            }
            totals[Key(iso3: code, year: year, cause: cause), default: 0] += count
        }
        let keys = totals.keys.sorted { a, b in
            if a.iso3 != b.iso3 { return a.iso3 < b.iso3 }
            if a.year != b.year { return a.year < b.year }
            return a.cause < b.cause
        }
        let table = try assembleTable([
            ("iso3", .string(keys.map(\.iso3))),
            ("year", .int(keys.map(\.year))),
            ("cause", .string(keys.map(\.cause))),
            ("idps", .int(keys.map { totals[$0] })),
        ], while: "building the IDMC stock table")
        report.outputRows = table.rowCount
        return ImportResult(table: table, report: report)
    }
}
