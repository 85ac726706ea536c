import Foundation
import MigrationData

/// The observed data the per-hazard disaster model is fitted on, read from data/:
///
/// - `new_displacements_idmc.csv` → new disaster displacements by country, year and hazard
///   (GIDD causes grouped by `ClimateHazard.giddCauses`), and the **reporting years** of each
///   country: the years in which IDMC reported any figure for it (any cause, conflict included).
/// - `population_wpp2024.csv` → population in persons (WPP estimates to 2023, the `medium`
///   variant from 2024 unless another is asked for).
/// - `countries.csv` → UN M49 region of each country (`Unknown` when absent).
/// - `temperature_era5.csv` → the ERA5 world anomaly (`WLD`, °C vs 1991–2020), for the
///   empirical warming check.
///
/// **Missing is not zero.** A hazard absent in a reporting year of a country counts as 0 (IDMC
/// reported on the country that year and recorded no displacement by that hazard); a year in which
/// IDMC reported nothing at all for the country is missing: it contributes neither displacement
/// nor exposure.
public struct HazardObservations: Sendable {
    /// Hazard → country → year → new displacements (only rows present in GIDD).
    public var displaced: [ClimateHazard: CountryYearSeries] = [:]
    /// Country → years with any IDMC figure (the exposure years).
    public var reportingYears: [String: Set<Int>] = [:]
    /// Population, persons.
    public var population = CountryYearSeries()
    /// Country → UN region (Africa, Americas, Asia, Europe, Oceania, or Unknown).
    public var region: [String: String] = [:]
    /// ERA5 world temperature anomaly by year, °C vs 1991–2020.
    public var globalAnomaly: [Int: Double] = [:]

    public init() {}

    /// Displacements of `hazard` in `country`, `year`: the GIDD value; 0 in a reporting year
    /// without a row for the hazard; `nil` (missing) outside the reporting years.
    public func observed(_ hazard: ClimateHazard, _ country: String, _ year: Int) -> Double? {
        guard reportingYears[country]?.contains(year) == true else { return nil }
        return displaced[hazard]?[country, year] ?? 0
    }

    /// The region of `country` (`Unknown` when countries.csv has none).
    public func regionOf(_ country: String) -> String { region[country] ?? "Unknown" }

    public enum LoadError: Error, CustomStringConvertible {
        case missingFile(String)
        case missingColumn(file: String, column: String)
        case unknownCause(file: String, line: Int, cause: String)
        public var description: String {
            switch self {
            case .missingFile(let f): return "\(f): not found — point at MigrationKit's data/ folder"
            case let .missingColumn(f, c): return "\(f): column '\(c)' is missing — regenerate it with the command in data/README.md"
            case let .unknownCause(f, l, c): return "\(f):\(l): cause '\(c)' is not a GIDD cause ClimateHazard knows — add it to ClimateHazard.giddCauses"
            }
        }
    }

    /// Reads data/ from `directory` (see the type's documentation).
    ///
    /// - Parameters:
    ///   - directory: MigrationKit's data/ folder.
    ///   - futureVariant: the WPP variant used for years from 2024 (`medium`).
    /// - Throws: `LoadError`, or the CSV reader's errors.
    public static func load(directory: URL, futureVariant: String = "medium") throws -> HazardObservations {
        func read(_ name: String) throws -> Table {
            let path = directory.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else { throw LoadError.missingFile(path) }
            return try CSVReader.readTable(path: path)
        }
        func column(_ t: Table, _ c: String, _ file: String) throws -> Column {
            guard let col = t[c] else { throw LoadError.missingColumn(file: file, column: c) }
            return col
        }
        var obs = HazardObservations()
        let countries = try read("countries.csv")
        let iso = try column(countries, "iso3", "countries.csv").labels(), un = try column(countries, "un_region", "countries.csv").labels()
        for k in 0..<countries.rowCount { if let c = iso[k], let r = un[k], !r.isEmpty { obs.region[c] = r } }

        let idmcFile = "new_displacements_idmc.csv"
        let idmc = try read(idmcFile)
        let dIso = try column(idmc, "iso3", idmcFile).labels(), dYear = try column(idmc, "year", idmcFile).doubles() ?? []
        let dCause = try column(idmc, "cause", idmcFile).labels(), dCount = try column(idmc, "new_displacements", idmcFile).doubles() ?? []
        for k in 0..<idmc.rowCount {
            guard let c = dIso[k], let yv = dYear[k], let cause = dCause[k] else { continue }
            let y = Int(yv)
            obs.reportingYears[c, default: []].insert(y)
            guard cause != "conflict" else { continue }
            guard let hazard = ClimateHazard.fromGIDDCause(cause) else {
                throw LoadError.unknownCause(file: directory.appendingPathComponent(idmcFile).path, line: k + 2, cause: cause)
            }
            if let v = dCount[k] { obs.displaced[hazard, default: CountryYearSeries()][c, y] = (obs.displaced[hazard]?[c, y] ?? 0) + v }
        }

        let popFile = "population_wpp2024.csv"
        let pop = try read(popFile)
        let pIso = try column(pop, "iso3", popFile).labels(), pYear = try column(pop, "year", popFile).doubles() ?? []
        let pVar = try column(pop, "variant", popFile).labels(), pVal = try column(pop, "population_thousands", popFile).doubles() ?? []
        for k in 0..<pop.rowCount {
            guard let c = pIso[k], let yv = pYear[k], let v = pVal[k], let variant = pVar[k] else { continue }
            let y = Int(yv)
            if variant == "estimate" || (y >= 2024 && variant == futureVariant) { obs.population[c, y] = v * 1000 }
        }

        let tempFile = "temperature_era5.csv"
        let temp = try read(tempFile)
        let tIso = try column(temp, "iso3", tempFile).labels(), tYear = try column(temp, "year", tempFile).doubles() ?? []
        let tVal = try column(temp, "temperature_anomaly_c", tempFile).doubles() ?? []
        for k in 0..<temp.rowCount where tIso[k] == "WLD" {
            if let yv = tYear[k], let v = tVal[k] { obs.globalAnomaly[Int(yv)] = v }
        }
        return obs
    }
}
