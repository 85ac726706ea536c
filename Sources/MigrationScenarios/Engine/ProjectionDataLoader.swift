import Foundation
import MigrationData

/// Reads the project's data/ tables (see data/README.md for their columns and sources) into
/// `ProjectionInputs`.
///
/// - displacement_panel.csv → stock D = forcibly_displaced; new displacement N = arrivals_refugees
///   + new_asylum_applications + refugee_like_flow + oip_flow + IDMC new conflict displacements
///   (new_displacements_idmc.csv), defined only in the years IDMC covers; exits X = returned_refugees + resettlement + naturalisation
///   + returned_idps. Mid-year rows (is_midyear = 1) are not used for fitting; their stocks are
///   `midyearStock`, from which the first projected year starts (half a year of change).
/// - new_displacements_idmc.csv → disaster displacement by hazard group (weather, geophysical).
/// - population_wpp2024.csv → estimates and low/medium/high variants (thousands).
/// - temperature_era5.csv → country anomalies; WLD = world.
/// - ssp_warming_ar6.csv → warming bands per pathway.
/// - countries.csv → names and regions.
public enum ProjectionDataLoader {
    public enum LoadError: Error, CustomStringConvertible {
        case missingFile(String)
        case missingColumn(file: String, column: String)
        case empty(String)
        public var description: String {
            switch self {
            case .missingFile(let f): return "\(f): not found — run from the repository root, or point at MigrationKit's data/ folder (migkit: --data-dir DIR)"
            case let .missingColumn(f, c): return "\(f): column '\(c)' is missing — regenerate the file with the command in data/README.md"
            case .empty(let f): return "\(f): no rows"
            }
        }
    }

    static func read(_ dir: URL, _ name: String) throws -> Table {
        let path = dir.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else { throw LoadError.missingFile(path) }
        let t = try CSVReader.readTable(path: path)
        guard t.rowCount > 0 else { throw LoadError.empty(path) }
        return t
    }

    static func strings(_ t: Table, _ c: String, _ file: String) throws -> [String?] {
        guard let col = t[c] else { throw LoadError.missingColumn(file: file, column: c) }
        return col.labels()
    }

    static func numbers(_ t: Table, _ c: String, _ file: String) throws -> [Double?] {
        guard let col = t[c] else { throw LoadError.missingColumn(file: file, column: c) }
        return col.doubles() ?? col.labels().map { $0.flatMap(Double.init) }
    }

    /// Loads data/ from `directory`.
    public static func load(directory: URL) throws -> ProjectionInputs {
        var history = DisplacementHistory()
        // Countries and regions.
        let countries = try read(directory, "countries.csv")
        let iso = try strings(countries, "iso3", "countries.csv"), names = try strings(countries, "name", "countries.csv")
        let unhcr = try strings(countries, "unhcr_region", "countries.csv"), un = try strings(countries, "un_region", "countries.csv")
        for k in 0..<countries.rowCount {
            guard let c = iso[k] else { continue }
            history.names[c] = M49Names.name(iso3: c, given: names[k] ?? c)   // one naming standard, trimmed, also for an older data/
            history.regions[c] = (unhcr[k] ?? "Unknown", un[k] ?? "Unknown")
        }
        // Displacement panel.
        let f = "displacement_panel.csv"
        let panel = try read(directory, f)
        let pIso = try strings(panel, "iso3", f), pYear = try numbers(panel, "year", f), mid = try numbers(panel, "is_midyear", f)
        let stock = try numbers(panel, "forcibly_displaced", f)
        let refugees = try numbers(panel, "refugees", f), asylum = try numbers(panel, "asylum_seekers", f)
        let oip = try numbers(panel, "oip", f), idps = try numbers(panel, "idps_conflict", f), unrwa = try numbers(panel, "unrwa_refugees", f)
        let inflowColumns = try ["arrivals_refugees", "new_asylum_applications", "refugee_like_flow", "oip_flow"].map { try numbers(panel, $0, f) }
        let exitColumns = try ["returned_refugees", "resettlement", "naturalisation", "returned_idps"].map { try numbers(panel, $0, f) }
        var lastYear = 0
        for k in 0..<panel.rowCount {
            guard let c = pIso[k], let yv = pYear[k] else { continue }
            let y = Int(yv)
            let crossBorderParts = [refugees[k], asylum[k], oip[k]].compactMap { $0 }
            let crossBorder: Double? = crossBorderParts.isEmpty ? nil : crossBorderParts.reduce(0, +)
            if (mid[k] ?? 0) != 0 {
                if let s = stock[k] { history.midyearStock[c, y] = s }
                if let v = crossBorder { history.midyearCrossBorder[c, y] = v }
                if let v = idps[k] { history.midyearConflictIDPs[c, y] = v }
                if let v = unrwa[k] { history.midyearUNRWA[c, y] = v }
                continue
            }
            lastYear = max(lastYear, y)
            if let s = stock[k] { history.stock[c, y] = s }
            if let v = crossBorder { history.crossBorder[c, y] = v }
            if let v = refugees[k] { history.refugees[c, y] = v }
            if let v = asylum[k] { history.asylumSeekers[c, y] = v }
            if let v = oip[k] { history.otherInNeed[c, y] = v }
            if let v = idps[k] { history.conflictIDPs[c, y] = v }
            if let v = unrwa[k] { history.unrwa[c, y] = v }
            let ins = inflowColumns.compactMap { $0[k] }
            if !ins.isEmpty { history.newDisplacement[c, y] = ins.reduce(0, +) }
            let outs = exitColumns.compactMap { $0[k] }
            if !outs.isEmpty { history.exits[c, y] = outs.reduce(0, +) }
        }
        history.lastObservedYear = lastYear
        // IDMC new displacements: conflict adds to N; disasters by hazard group.
        let g = "new_displacements_idmc.csv"
        let idmc = try read(directory, g)
        let iIso = try strings(idmc, "iso3", g), iYear = try numbers(idmc, "year", g)
        let group = try strings(idmc, "hazard_group", g), count = try numbers(idmc, "new_displacements", g)
        var conflict = CountryYearSeries()
        for k in 0..<idmc.rowCount {
            guard let c = iIso[k], let yv = iYear[k], let v = count[k], let h = group[k] else { continue }
            let y = Int(yv)
            if h == "conflict" {
                conflict[c, y] = (conflict[c, y] ?? 0) + v
            } else {
                var s = history.disaster[h] ?? CountryYearSeries()
                s[c, y] = (s[c, y] ?? 0) + v
                history.disaster[h] = s
            }
        }
        history.conflictIDPFlows = conflict
        // N is defined only in the years IDMC covers: elsewhere the flow into internal
        // displacement is unknown, and the year would bias the inflow model.
        let idmcYears = Set(iYear.compactMap { $0.map { Int($0) } })
        for c in history.newDisplacement.countries {
            for y in history.newDisplacement.years(c) where !idmcYears.contains(y) { history.newDisplacement[c, y] = nil }
        }
        for c in conflict.countries { for y in conflict.years(c) {
            if let v = conflict[c, y], history.newDisplacement[c, y] != nil || history.stock[c, y] != nil {
                history.newDisplacement[c, y] = (history.newDisplacement[c, y] ?? 0) + v
            }
        } }
        // Temperature.
        let tf = "temperature_era5.csv"
        let temp = try read(directory, tf)
        let tIso = try strings(temp, "iso3", tf), tYear = try numbers(temp, "year", tf), tVal = try numbers(temp, "temperature_anomaly_c", tf)
        for k in 0..<temp.rowCount {
            guard let c = tIso[k], let yv = tYear[k], let v = tVal[k] else { continue }
            if c == "WLD" { history.globalAnomaly[Int(yv)] = v } else { history.temperatureAnomaly[c, Int(yv)] = v }
        }
        // Population.
        let pf = "population_wpp2024.csv"
        let pop = try read(directory, pf)
        let wIso = try strings(pop, "iso3", pf), wYear = try numbers(pop, "year", pf), variant = try strings(pop, "variant", pf)
        let wPop = try numbers(pop, "population_thousands", pf), wMig = try numbers(pop, "net_migration_thousands", pf)
        var est = CountryYearSeries(), low = CountryYearSeries(), med = CountryYearSeries(), high = CountryYearSeries(), mig = CountryYearSeries()
        var lastEstimate = 0
        for k in 0..<pop.rowCount {
            guard let c = wIso[k], let yv = wYear[k], let v = variant[k] else { continue }
            let y = Int(yv)
            switch v {
            case "estimate":
                if let p = wPop[k] { est[c, y] = p; lastEstimate = max(lastEstimate, y) }
            case "low": if let p = wPop[k] { low[c, y] = p }
            case "medium":
                if let p = wPop[k] { med[c, y] = p }
                if let m = wMig[k] { mig[c, y] = m }
            case "high": if let p = wPop[k] { high[c, y] = p }
            default: continue
            }
        }
        let population = PopulationPathways(estimates: est, low: low, medium: med, high: high, netMigration: mig, lastEstimateYear: lastEstimate)
        // Warming.
        let sf = "ssp_warming_ar6.csv"
        let ssp = try read(directory, sf)
        let sName = try strings(ssp, "scenario", sf), sYear = try numbers(ssp, "year", sf)
        let sMean = try numbers(ssp, "warming_mean_c", sf), s05 = try numbers(ssp, "warming_p05_c", sf), s95 = try numbers(ssp, "warming_p95_c", sf)
        var warming: [ClimatePathwayName: [Int: ClimatePathways.Band]] = [:]
        for k in 0..<ssp.rowCount {
            guard let n = sName[k], let p = ClimatePathwayName(rawValue: n), let yv = sYear[k],
                  let m = sMean[k], let lo = s05[k], let hi = s95[k] else { continue }
            warming[p, default: [:]][Int(yv)] = ClimatePathways.Band(p05: lo, mean: m, p95: hi)
        }
        // AR6 WG1's assessed warming ranges (SPM Table SPM.1) replace the raw CMIP6 spread
        // where the table is shipped (the pattern scaling to countries is unchanged).
        let assessedPath = directory.appendingPathComponent(AssessedWarming.fileName).path
        if FileManager.default.fileExists(atPath: assessedPath) {
            let assessed = try AssessedWarming.load(path: assessedPath).pathwayBands()
            for (p, bands) in assessed { warming[p] = bands }
        }
        // The climate channel (issue 14).
        var hazards: HazardObservations? = nil, responses: ClimateResponseTable? = nil, stocks: [String: Double] = [:]
        let responsePath = directory.appendingPathComponent(ClimateResponseTable.fileName).path
        let stockPath = directory.appendingPathComponent("idmc_idp_stocks_2024.csv").path
        if FileManager.default.fileExists(atPath: responsePath), FileManager.default.fileExists(atPath: stockPath) {
            hazards = try HazardObservations.load(directory: directory)
            responses = try ClimateResponseTable.load(path: responsePath)
            stocks = try DisasterIDPStock.loadObservedDisasterStocks(path: stockPath)
        }
        return ProjectionInputs(history: history, population: population, warming: warming,
                                hazardObservations: hazards, climateResponses: responses, observedDisasterStocks: stocks)
    }
}
