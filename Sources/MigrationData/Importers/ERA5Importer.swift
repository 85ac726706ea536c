/// ERA5 annual surface temperature anomalies by country (Our World in Data) → iso3 × year.
///
/// Source: `../shared/data/climate-country-temperature/owid_era5_annual_temperature_anomalies.csv`
/// (1940–2024; see its SOURCE.md). Licence CC BY 4.0 (OWID), Copernicus licence upstream;
/// attribution "Contains modified Copernicus Climate Change Service information (ERA5); processed
/// by Our World in Data (CC BY 4.0)".
public enum ERA5Importer {
    /// The default file name inside the source folder.
    public static let fileName = "owid_era5_annual_temperature_anomalies.csv"

    /// The output columns, in order.
    public static let columns = ["iso3", "year", "temperature_anomaly_c"]

    /// OWID's own codes and the keys they become: `OWID_WRL` (World) → `WLD` (the World Bank's
    /// code for the world, kept as an explicit key), `OWID_KOS` (Kosovo) → `XKX` (the code WPP
    /// and the World Bank use).
    package static let owidCodes: [String: String] = ["OWID_WRL": "WLD", "OWID_KOS": "XKX"]

    /// Annual mean 2-m air temperature anomalies, one row per country (or `WLD`) × year, sorted
    /// by `iso3`, `year`.
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `iso3` | string | ISO 3166 alpha-3; `WLD` = the world; `XKX` = Kosovo |
    /// | `year` | int | calendar year (1940–2024) |
    /// | `temperature_anomaly_c` | double | the year's mean 2-m air temperature minus the entity's 1991–2020 mean, °C (ERA5 clipped to the country, latitude-weighted) |
    ///
    /// Rows without a code (OWID's 18 "(NIAID)" continent and ocean regions) are left out and
    /// counted in `report.leftOut`; the recoded OWID codes are counted in `report.recoded`.
    ///
    /// - Parameters:
    ///   - path: the source folder or the CSV file itself.
    ///   - years: keep only these years (`nil`: all); others are counted in `report.leftOut`.
    /// - Throws: `ImportError.missingSourceFile`, `.missingColumn`, `.csv` (e.g. a non-number
    ///   anomaly), `.unknownCode` (an OWID code other than the two above, or a code that is not
    ///   three letters), `.duplicateKey` (a country-year twice).
    public static func temperatureAnomalies(from path: String, years: ClosedRange<Int>? = nil) throws(ImportError) -> ImportResult {
        let file = try SourceFile.read(
            SourcePath.file(path, defaultName: fileName), source: "ERA5 (OWID)",
            expected: "pass ../shared/data/climate-country-temperature or its \(fileName)",
            columns: [("Entity", .string), ("Code", .string), ("Year", .int), ("Temperature anomaly", .double)])
        var report = ImportReport(source: "era5")
        report.sourceRows = [ImportReport.Count(file.name, file.rowCount)]
        let codes = try file.strings("Code")
        let yearValues = try file.ints("Year")
        let anomalies = try file.doubles("Temperature anomaly")

        var firstRow: [CodeYear: Int] = [:]
        var rows: [(key: CodeYear, anomaly: Double?)] = []
        for row in 0..<file.rowCount {
            let year = try file.requiredInt(yearValues, row: row, column: "Year")
            guard let given = codes[row], !given.isEmpty else {
                ImportReport.add(1, to: "regions without a country code (OWID's NIAID continents and oceans)", in: &report.leftOut)
                continue
            }
            let code = owidCodes[given] ?? given
            if owidCodes[given] == nil && !isCountryKeyShaped(given) {
                throw .unknownCode(file: file.path, row: row + 1, column: "Code", code: given,
                                   hint: "expected an ISO 3166 alpha-3 code or one of \(owidCodes.keys.sorted().joined(separator: ", ")); add a mapping to ERA5Importer.owidCodes")
            }
            let key = CodeYear(code: code, year: year)
            if let first = firstRow[key] {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: first, key: "\(code) \(year)")
            }
            firstRow[key] = row + 1
            if let years, !years.contains(year) {
                ImportReport.add(1, to: "rows outside \(describeYears(years))", in: &report.leftOut)
                continue
            }
            if code != given { ImportReport.add(1, to: "\(given) → \(code)", in: &report.recoded) }
            if code == "WLD" { ImportReport.add(1, to: "WLD (World)", in: &report.explicitKeys) }
            rows.append((key, anomalies[row]))
        }
        rows.sort { $0.key < $1.key }
        let table = try assembleTable([
            ("iso3", .string(rows.map(\.key.code))),
            ("year", .int(rows.map(\.key.year))),
            ("temperature_anomaly_c", .double(rows.map(\.anomaly))),
        ], while: "building the ERA5 table")
        report.outputRows = table.rowCount
        return ImportResult(table: table, report: report)
    }
}
