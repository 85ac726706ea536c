/// UN DESA International Migrant Stock 2024 (bilateral) → origin × destination × year.
///
/// Source: `../shared/data/migrant-stock-undesa/undesa_ims2024_bilateral_migrant_stock.csv`
/// (destination × origin × sex, 1990–2024; see its SOURCE.md). Licence CC BY 3.0 IGO;
/// attribution "United Nations Department of Economic and Social Affairs, Population Division
/// (2024). International Migrant Stock 2024."
public enum UNDESAImporter {
    /// The default file name inside the source folder.
    public static let fileName = "undesa_ims2024_bilateral_migrant_stock.csv"

    /// The output columns, in order.
    public static let columns = [
        "origin_iso3", "dest_iso3", "year", "migrant_stock", "migrant_stock_female", "migrant_stock_male",
        "type_b", "type_c", "type_r", "type_i",
    ]

    /// Codes that are not ISO 3166, kept as explicit keys and counted in `report.explicitKeys`.
    /// `XCX` is not documented in the source; its origins (GBR, PRT, IRL, FRA) suggest the
    /// Channel Islands (UN M49 830).
    package static let nonISOCodes: [String: String] = ["OOO": "other or unknown origin", "XCX": "probably the Channel Islands"]

    /// International migrant stocks by origin and destination, both sexes and each, one row
    /// per origin × destination × year that has an estimate, sorted by `origin_iso3`,
    /// `dest_iso3`, `year`.
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `origin_iso3` | string | country of birth (or citizenship, see `type_c`): ISO 3166 alpha-3; `OOO` = other/unknown origins |
    /// | `dest_iso3` | string | country of residence: ISO 3166 alpha-3 (`XCX`, see `nonISOCodes`) |
    /// | `year` | int | 1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024 (mid-year) |
    /// | `migrant_stock` | int | migrants, both sexes (female + male; the sum of the sexes present) |
    /// | `migrant_stock_female`, `migrant_stock_male` | int | by sex; empty when the source has no row for that sex |
    /// | `type_b` | int | 1 if the destination's data count the foreign-born |
    /// | `type_c` | int | 1 if they count foreign citizens |
    /// | `type_r` | int | 1 if refugees are included |
    /// | `type_i` | int | 1 if the destination's figures are imputed (no data) |
    ///
    /// A missing origin–destination pair means no estimate, not zero (only `migrant_stock = 0`
    /// means a definite absence). The flags describe the destination's data; when the two sex
    /// rows disagree, a flag is 1 if either row has it.
    ///
    /// - Parameters:
    ///   - path: the source folder or the CSV file itself.
    ///   - years: keep only these years (`nil`: all); others are counted in `report.leftOut`.
    /// - Throws: `ImportError.missingSourceFile`, `.missingColumn`, `.csv`, `.unknownCode`,
    ///   `.invalidValue` (a `sex` other than female/male, a negative stock), `.duplicateKey`.
    public static func migrantStocks(from path: String, years: ClosedRange<Int>? = nil) throws(ImportError) -> ImportResult {
        let flags = ["type_b", "type_c", "type_r", "type_i"]
        let file = try SourceFile.read(
            SourcePath.file(path, defaultName: fileName), source: "UN DESA migrant stock",
            expected: "pass ../shared/data/migrant-stock-undesa or its \(fileName)",
            columns: [("dest_iso3", .string), ("origin_iso3", .string), ("year", .int), ("sex", .string),
                      ("migrant_stock", .int)] + flags.map { ($0, ColumnType.int) })
        var report = ImportReport(source: "undesa")
        report.sourceRows = [ImportReport.Count(file.name, file.rowCount)]
        let destinations = try file.strings("dest_iso3")
        let origins = try file.strings("origin_iso3")
        let yearValues = try file.ints("year")
        let sexes = try file.strings("sex")
        let stocks = try file.ints("migrant_stock")
        var flagValues: [[Int?]] = []
        for name in flags { flagValues.append(try file.ints(name)) }

        struct Key: Hashable { var origin: String; var destination: String; var year: Int }
        struct Cell { var female: Int?; var male: Int?; var flags: [Int?]; var femaleRow: Int?; var maleRow: Int? }
        var cells: [Key: Cell] = [:]
        for row in 0..<file.rowCount {
            let destination = try file.requiredString(destinations, row: row, column: "dest_iso3")
            let origin = try file.requiredString(origins, row: row, column: "origin_iso3")
            let year = try file.requiredInt(yearValues, row: row, column: "year")
            let sex = try file.requiredString(sexes, row: row, column: "sex")
            for (code, column) in [(origin, "origin_iso3"), (destination, "dest_iso3")] where !isCountryKeyShaped(code) {
                throw .unknownCode(file: file.path, row: row + 1, column: column, code: code,
                                   hint: "expected an ISO 3166 alpha-3 code (three capital letters)")
            }
            if let stock = stocks[row], stock < 0 {
                throw .invalidValue(file: file.path, row: row + 1, column: "migrant_stock", value: String(stock),
                                    reason: "is negative — a count of people cannot be; correct the file")
            }
            guard sex == "female" || sex == "male" else {
                throw .invalidValue(file: file.path, row: row + 1, column: "sex", value: sex,
                                    reason: "is not female or male — the importer sums the two sexes")
            }
            if let years, !years.contains(year) {
                ImportReport.add(1, to: "rows outside \(describeYears(years))", in: &report.leftOut)
                continue
            }
            if let name = nonISOCodes[origin] { ImportReport.add(1, to: "origin \(origin) (\(name))", in: &report.explicitKeys) }
            if let name = nonISOCodes[destination] { ImportReport.add(1, to: "destination \(destination) (\(name))", in: &report.explicitKeys) }
            let key = Key(origin: origin, destination: destination, year: year)
            var cell = cells[key] ?? Cell(flags: Array(repeating: nil, count: flags.count))
            let earlier = sex == "female" ? cell.femaleRow : cell.maleRow
            if let earlier {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: earlier, key: "\(destination) \(origin) \(year) \(sex)")
            }
            if sex == "female" {
                cell.female = stocks[row]
                cell.femaleRow = row + 1
            } else {
                cell.male = stocks[row]
                cell.maleRow = row + 1
            }
            for index in flags.indices {
                if let value = flagValues[index][row] { cell.flags[index] = max(cell.flags[index] ?? 0, value) }
            }
            cells[key] = cell
        }
        let sorted = cells.sorted { a, b in
            if a.key.origin != b.key.origin { return a.key.origin < b.key.origin }
            if a.key.destination != b.key.destination { return a.key.destination < b.key.destination }
            return a.key.year < b.key.year
        }
        let keys = sorted.map(\.key), ordered = sorted.map(\.value)
        var output: [(String, Column)] = [
            ("origin_iso3", .string(keys.map(\.origin))),
            ("dest_iso3", .string(keys.map(\.destination))),
            ("year", .int(keys.map(\.year))),
            ("migrant_stock", .int(ordered.map { cell in
                cell.female == nil && cell.male == nil ? nil : (cell.female ?? 0) + (cell.male ?? 0)
            })),
            ("migrant_stock_female", .int(ordered.map(\.female))),
            ("migrant_stock_male", .int(ordered.map(\.male))),
        ]
        for (index, name) in flags.enumerated() {
            output.append((name, .int(ordered.map { $0.flags[index] })))
        }
        let table = try assembleTable(output, while: "building the UN DESA table")
        report.outputRows = table.rowCount
        return ImportResult(table: table, report: report)
    }
}
