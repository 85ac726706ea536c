/// IDMC Global Internal Displacement Database (GIDD) → new internal displacements by country,
/// year and cause.
///
/// Source: `../shared/data/idmc-displacement/idmc_gidd_new_displacements_by_cause.csv` (the
/// gdidata copy of GIDD flows, 2008–2023; see its SOURCE.md). Licence: IDMC terms of use (reuse
/// with acknowledgement, in line with CC BY 3.0 IGO); attribution "Internal Displacement
/// Monitoring Centre (IDMC), GIDD".
public enum IDMCImporter {
    /// The default file name inside the source folder.
    public static let fileName = "idmc_gidd_new_displacements_by_cause.csv"

    /// The output columns, in order.
    public static let columns = ["iso3", "year", "cause", "displacement_type", "hazard_group", "new_displacements"]

    /// Each cause and its hazard group. IDMC separates weather-related hazards (floods, storms,
    /// wildfires, droughts, extreme temperatures, wet mass movements, erosion, wave action) from
    /// geophysical ones (earthquakes, volcanic activity, dry mass movements). The file does not
    /// split wet from dry mass movements; nearly all recorded ones are landslides after rain, so
    /// `mass movement` is counted as `weather`.
    package static let hazardGroups: [String: String] = [
        "conflict": "conflict",
        "flood": "weather", "storm": "weather", "wildfire": "weather", "drought": "weather",
        "extreme temperature": "weather", "mass movement": "weather", "erosion": "weather", "wave action": "weather",
        "earthquake": "geophysical", "volcanic activity": "geophysical",
    ]

    /// Codes in the file that are not ISO 3166 (kept, counted in `report.explicitKeys`).
    package static let nonISOCodes: [String: String] = ["AB9": "Abyei Area"]

    /// New internal displacements, one row per country × year × cause, sorted by `iso3`,
    /// `year`, `cause`.
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `iso3` | string | ISO 3166 alpha-3; `AB9` = Abyei Area (IDMC's code) |
    /// | `year` | int | calendar year (2008–2023) |
    /// | `cause` | string | `conflict`, or the hazard: flood, storm, earthquake, mass movement, wildfire, drought, extreme temperature, volcanic activity, erosion, wave action |
    /// | `displacement_type` | string | `conflict` or `disaster` |
    /// | `hazard_group` | string | `conflict`, `weather` or `geophysical` (see `hazardGroups`) |
    /// | `new_displacements` | int | internal displacements during the year (movements; a person can count more than once) |
    ///
    /// A country-year absent from the table means no figure was reported, not zero. Disaster
    /// displacement per country-year is the sum over `displacement_type == "disaster"`.
    ///
    /// - Parameters:
    ///   - path: the source folder or the CSV file itself.
    ///   - years: keep only these years (others counted in `report.leftOut`); `nil` keeps all.
    /// - Throws: `ImportError.missingSourceFile`, `.missingColumn`, `.csv`, `.unknownCode` (a
    ///   code that is not three letters/digits), `.invalidValue` (an unknown cause, a type that
    ///   contradicts the cause, a negative count), `.duplicateKey` (country, year and cause twice).
    public static func newDisplacements(from path: String, years: ClosedRange<Int>? = nil) throws(ImportError) -> ImportResult {
        let file = try SourceFile.read(
            SourcePath.file(path, defaultName: fileName), source: "IDMC",
            expected: "pass ../shared/data/idmc-displacement or its \(fileName)",
            columns: [("iso3", .string), ("year", .int), ("cause", .string), ("displacement_type", .string),
                      ("new_displacements", .int)])
        var report = ImportReport(source: "idmc")
        report.sourceRows = [ImportReport.Count(file.name, file.rowCount)]
        let codes = try file.strings("iso3")
        let yearValues = try file.ints("year")
        let causes = try file.strings("cause")
        let types = try file.strings("displacement_type")
        let counts = try file.ints("new_displacements")

        struct Key: Hashable { var iso3: String; var year: Int; var cause: String }
        var firstRow: [Key: Int] = [:]
        var kept: [(key: Key, type: String, group: String, count: Int?)] = []
        for row in 0..<file.rowCount {
            let code = try file.requiredString(codes, row: row, column: "iso3")
            let year = try file.requiredInt(yearValues, row: row, column: "year")
            let cause = try file.requiredString(causes, row: row, column: "cause")
            let type = try file.requiredString(types, row: row, column: "displacement_type")
            guard isCountryKeyShaped(code) else {
                throw .unknownCode(file: file.path, row: row + 1, column: "iso3", code: code,
                                   hint: "expected an ISO 3166 alpha-3 code (three capital letters)")
            }
            guard let group = hazardGroups[cause] else {
                throw .invalidValue(file: file.path, row: row + 1, column: "cause", value: cause,
                                    reason: "is not a cause the importer knows (\(hazardGroups.keys.sorted().joined(separator: ", "))) — add it to IDMCImporter.hazardGroups")
            }
            let expectedType = cause == "conflict" ? "conflict" : "disaster"
            guard type == expectedType else {
                throw .invalidValue(file: file.path, row: row + 1, column: "displacement_type", value: type,
                                    reason: "contradicts cause \(quotedForMessage(cause)) (expected \(quotedForMessage(expectedType))) — correct the file")
            }
            if let count = counts[row], count < 0 {
                throw .invalidValue(file: file.path, row: row + 1, column: "new_displacements", value: String(count),
                                    reason: "is negative — a count of displacements cannot be; correct the file")
            }
            let key = Key(iso3: code, year: year, cause: cause)
            if let first = firstRow[key] {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: first, key: "\(code) \(year) \(cause)")
            }
            firstRow[key] = row + 1
            if let years, !years.contains(year) {
                ImportReport.add(1, to: "rows outside \(describeYears(years))", in: &report.leftOut)
                continue
            }
            if let name = nonISOCodes[code] {
                ImportReport.add(1, to: "\(code) (\(name))", in: &report.explicitKeys)
            }
            kept.append((key, type, group, counts[row]))
        }
        kept.sort { a, b in
            if a.key.iso3 != b.key.iso3 { return a.key.iso3 < b.key.iso3 }
            if a.key.year != b.key.year { return a.key.year < b.key.year }
            return a.key.cause.unicodeScalars.lexicographicallyPrecedes(b.key.cause.unicodeScalars)
        }
        let table = try assembleTable([
            ("iso3", .string(kept.map(\.key.iso3))),
            ("year", .int(kept.map(\.key.year))),
            ("cause", .string(kept.map(\.key.cause))),
            ("displacement_type", .string(kept.map(\.type))),
            ("hazard_group", .string(kept.map(\.group))),
            ("new_displacements", .int(kept.map(\.count))),
        ], while: "building the IDMC table")
        report.outputRows = table.rowCount
        return ImportResult(table: table, report: report)
    }
}
