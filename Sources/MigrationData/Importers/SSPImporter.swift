/// IPCC AR6 WG1 SSP global warming pathways (Figure SPM.8a data) → scenario × year.
///
/// Source: `../shared/data/ssp-temperature-pathways/ar6_wg1_spm8a_gsat_anomaly_by_ssp.csv` (see
/// its SOURCE.md). Licence CC BY 4.0; attribution: Fyfe, J.; Fox-Kemper, B.; Kopp, R.; Garner, G.
/// (2021): Summary for Policymakers of the Working Group I Contribution to the IPCC Sixth
/// Assessment Report – data for Figure SPM.8 (v20210809). NERC EDS CEDA.
public enum SSPImporter {
    /// The default file name inside the source folder.
    public static let fileName = "ar6_wg1_spm8a_gsat_anomaly_by_ssp.csv"

    /// The output columns, in order.
    public static let columns = ["scenario", "year", "warming_mean_c", "warming_p05_c", "warming_p95_c"]

    /// Global surface air temperature change relative to 1850–1900, every scenario of the file,
    /// one row per scenario × year, sorted by `scenario` (byte order: `SSP1-1.9` … `SSP5-8.5`,
    /// then `historical`), then `year`.
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `scenario` | string | `historical` (1950–2014), `SSP1-1.9`, `SSP1-2.6`, `SSP2-4.5`, `SSP3-7.0`, `SSP5-8.5` (2015–2099), as in the source |
    /// | `year` | int | calendar year |
    /// | `warming_mean_c` | double | CMIP6 multi-model mean warming, °C above 1850–1900 |
    /// | `warming_p05_c` | double | 5th percentile across models, °C |
    /// | `warming_p95_c` | double | 95th percentile across models, °C |
    ///
    /// These are the CMIP6 model ranges of SPM.8a, not AR6's assessed warming (which is
    /// constrained by observations and is lower for the high-sensitivity models).
    ///
    /// - Parameters:
    ///   - path: the source folder or the CSV file itself.
    ///   - years: keep only these years (`nil`: all); others are counted in `report.leftOut`.
    /// - Throws: `ImportError.missingSourceFile`, `.missingColumn`, `.csv`, `.invalidValue` (an
    ///   empty scenario, or a 5th percentile above the mean or the mean above the 95th),
    ///   `.duplicateKey` (a scenario-year twice).
    public static func warmingPathways(from path: String, years: ClosedRange<Int>? = nil) throws(ImportError) -> ImportResult {
        let file = try SourceFile.read(
            SourcePath.file(path, defaultName: fileName), source: "IPCC AR6 SSP pathways",
            expected: "pass ../shared/data/ssp-temperature-pathways or its \(fileName)",
            columns: [("scenario", .string), ("year", .int), ("gsat_p05_c", .double), ("gsat_mean_c", .double),
                      ("gsat_p95_c", .double)])
        var report = ImportReport(source: "ssp")
        report.sourceRows = [ImportReport.Count(file.name, file.rowCount)]
        let scenarios = try file.strings("scenario")
        let yearValues = try file.ints("year")
        let low = try file.doubles("gsat_p05_c")
        let mean = try file.doubles("gsat_mean_c")
        let high = try file.doubles("gsat_p95_c")

        var firstRow: [CodeYear: Int] = [:]
        var rows: [(key: CodeYear, mean: Double?, low: Double?, high: Double?)] = []
        for row in 0..<file.rowCount {
            let scenario = try file.requiredString(scenarios, row: row, column: "scenario")
            let year = try file.requiredInt(yearValues, row: row, column: "year")
            if let l = low[row], let m = mean[row], let h = high[row], !(l <= m && m <= h) {
                throw .invalidValue(file: file.path, row: row + 1, column: "gsat_mean_c", value: String(m),
                                    reason: "is not between gsat_p05_c (\(l)) and gsat_p95_c (\(h)) — check the column order")
            }
            let key = CodeYear(code: scenario, year: year)
            if let first = firstRow[key] {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: first, key: "\(scenario) \(year)")
            }
            firstRow[key] = row + 1
            if let years, !years.contains(year) {
                ImportReport.add(1, to: "rows outside \(describeYears(years))", in: &report.leftOut)
                continue
            }
            rows.append((key, mean[row], low[row], high[row]))
        }
        rows.sort { $0.key < $1.key }
        let table = try assembleTable([
            ("scenario", .string(rows.map(\.key.code))),
            ("year", .int(rows.map(\.key.year))),
            ("warming_mean_c", .double(rows.map(\.mean))),
            ("warming_p05_c", .double(rows.map(\.low))),
            ("warming_p95_c", .double(rows.map(\.high))),
        ], while: "building the SSP table")
        report.outputRows = table.rowCount
        return ImportResult(table: table, report: report)
    }
}
