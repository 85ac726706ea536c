import Foundation

/// Disaster IDPs as a stock: new disaster displacements (movements, many of them evacuations
/// that end within days) turn into people living in displacement through hazard-specific mean
/// durations. In steady state (Little's law) the stock is inflow × mean duration:
///
///     S = Σ_h N_h · d_h,      d_h = s · d⁰_h
///
/// d⁰_h are **relative durations** (years; an assumption, below) and s is one common scale
/// factor fitted so that the implied stock equals a target, IDMC's end-2024 disaster IDP stock
/// (9,847,217, `data/idmc_idp_stocks_2024.csv`):
///
///     s = S_2024 / Σ_h N_h · d⁰_h
///
/// Only the ratios between hazards come from the assumption; the level comes from IDMC. Default
/// d⁰ (years): flood 0.25, storm 0.15, drought 1.0, wildfire 0.1, extreme temperature 0.05,
/// mass movement 0.5, earthquake 2.0, volcanic 0.5, other 0.5 — short evacuations for weather
/// hazards, reconstruction-length displacement after earthquakes, protracted displacement after
/// drought (IDMC GRID 2023–2025 describe the long tails after earthquakes and droughts; no
/// published duration by hazard was found to calibrate the ratios).
///
/// Year to year the stock of each hazard decays exponentially with mean duration d_h and is fed
/// by that year's new displacements (`step`): S'_h = S_h·e^{−1/d_h} + N_h·d_h·(1 − e^{−1/d_h}),
/// whose steady state for constant N_h is N_h·d_h.
public struct DisasterIDPStock: Sendable, Equatable {
    /// The default relative durations d⁰_h (years).
    public static let defaultRelativeDurations: [ClimateHazard: Double] = [
        .flood: 0.25, .storm: 0.15, .drought: 1.0, .wildfire: 0.1, .extremeTemperature: 0.05,
        .massMovement: 0.5, .earthquake: 2.0, .volcanic: 0.5, .other: 0.5,
    ]
    /// IDMC's end-2024 disaster IDP stock (GRID 2025; the sum of `data/idmc_idp_stocks_2024.csv`'s disaster rows).
    public static let idmcDisasterStock2024 = 9_847_217.0

    /// The relative durations used.
    public let relativeDurations: [ClimateHazard: Double]
    /// The fitted common scale factor s.
    public let scale: Double
    /// The calibrated mean durations d_h = s·d⁰_h (years).
    public let durations: [ClimateHazard: Double]
    /// The inflows the calibration used (new displacements per year by hazard) and its target.
    public let calibrationInflow: [ClimateHazard: Double]
    public let target: Double

    public enum CalibrationError: Error, CustomStringConvertible {
        case noInflow
        case missingDuration(ClimateHazard)
        public var description: String {
            switch self {
            case .noInflow: return "disaster IDP stock: the new displacements sum to 0 — nothing to calibrate the durations on"
            case .missingDuration(let h): return "disaster IDP stock: no relative duration for hazard '\(h)'"
            }
        }
    }

    /// Calibrates the scale factor so that Σ_h inflow_h · s · d⁰_h = target.
    ///
    /// - Parameters:
    ///   - inflow: new displacements per year by hazard (e.g. the model's expected 2024 values).
    ///   - target: the stock to reproduce (default IDMC's end-2024 9,847,217).
    ///   - relativeDurations: d⁰_h (default `defaultRelativeDurations`).
    /// - Throws: `CalibrationError` when the weighted inflow is 0 or a hazard lacks a duration.
    public static func calibrate(inflow: [ClimateHazard: Double], target: Double = idmcDisasterStock2024,
                                 relativeDurations: [ClimateHazard: Double] = defaultRelativeDurations) throws -> DisasterIDPStock {
        var weighted = 0.0
        for (h, n) in inflow.sorted(by: { $0.key < $1.key }) where n > 0 {
            guard let d = relativeDurations[h] else { throw CalibrationError.missingDuration(h) }
            weighted += n * d
        }
        guard weighted > 0 else { throw CalibrationError.noInflow }
        let s = target / weighted
        return DisasterIDPStock(relativeDurations: relativeDurations, scale: s,
                                durations: relativeDurations.mapValues { $0 * s }, calibrationInflow: inflow, target: target)
    }

    /// The steady-state stock for yearly inflows by hazard: Σ_h N_h · d_h.
    public func steadyState(inflow: [ClimateHazard: Double]) -> Double {
        inflow.reduce(0) { $0 + $1.value * (durations[$1.key] ?? 0) }
    }

    /// The steady-state stock of each hazard, N_h · d_h (a jump-off for `step`).
    public func steadyStateByHazard(inflow: [ClimateHazard: Double]) -> [ClimateHazard: Double] {
        var out: [ClimateHazard: Double] = [:]
        for (h, n) in inflow { out[h] = n * (durations[h] ?? 0) }
        return out
    }

    /// One year of stock dynamics per hazard: S'_h = S_h·e^{−1/d_h} + N_h·d_h·(1 − e^{−1/d_h}).
    public func step(stock: [ClimateHazard: Double], inflow: [ClimateHazard: Double]) -> [ClimateHazard: Double] {
        var out: [ClimateHazard: Double] = [:]
        for h in Set(stock.keys).union(inflow.keys) {
            guard let d = durations[h], d > 0 else { out[h] = 0; continue }
            let keep = exp(-1 / d)
            out[h] = (stock[h] ?? 0) * keep + (inflow[h] ?? 0) * d * (1 - keep)
        }
        return out
    }

    /// The end-2024 disaster IDP stock by country from `data/idmc_idp_stocks_2024.csv` (its
    /// `disaster` rows; columns `iso3, year, cause, idps`). Countries without a row are absent.
    /// Throws when the file is missing or a row is malformed (naming the line).
    public static func loadObservedDisasterStocks(path: String) throws -> [String: Double] {
        guard FileManager.default.fileExists(atPath: path) else { throw StockFileError.missingFile(path) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [String: Double] = [:]
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if k == 0 {
                guard line == "iso3,year,cause,idps" else { throw StockFileError.header(path, String(line)) }
                continue
            }
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 4, let v = Double(f[3]) else { throw StockFileError.row(path, k + 1, String(line)) }
            if f[2] == "disaster" { out[String(f[0]), default: 0] += v }
        }
        return out
    }

    public enum StockFileError: Error, CustomStringConvertible {
        case missingFile(String)
        case header(String, String)
        case row(String, Int, String)
        public var description: String {
            switch self {
            case .missingFile(let f): return "\(f): not found — run `migkit data import idmc-stocks --from ../shared/data/idmc-displacement -o data/idmc_idp_stocks_2024.csv`"
            case let .header(f, h): return "\(f):1: header '\(h)' is not iso3,year,cause,idps — regenerate the file"
            case let .row(f, l, text): return "\(f):\(l): '\(text)' is not iso3,year,cause,idps with a number — regenerate the file"
            }
        }
    }

    /// The jump-off stock by country and hazard. A country with an IDMC figure starts from it,
    /// split over hazards in proportion to its modelled N_{c,h}·d_h (evenly over the nine
    /// hazards' durations when the model expects no inflow there); a country without an IDMC
    /// figure starts from 0 — IDMC's world total (9.85 M), which the durations are calibrated
    /// to, counts no stock there either, so adding a modelled one would double-count. From there
    /// `step` moves each country towards its steady state N_{c,h}·d_h.
    ///
    /// - Parameters:
    ///   - observed: country → disaster IDPs at the end of 2024 (`loadObservedDisasterStocks`).
    ///   - inflow: country → hazard → expected new displacements in the jump-off year.
    public func jumpOff(observed: [String: Double], inflow: [String: [ClimateHazard: Double]]) -> [String: [ClimateHazard: Double]] {
        var out: [String: [ClimateHazard: Double]] = [:]
        for (country, total) in observed {
            var weights: [ClimateHazard: Double] = [:]
            for (h, n) in inflow[country] ?? [:] { weights[h] = n * (durations[h] ?? 0) }
            var sum = weights.keys.sorted().reduce(0) { $0 + (weights[$1] ?? 0) }
            if sum <= 0 {
                weights = Dictionary(uniqueKeysWithValues: ClimateHazard.disasters.map { ($0, durations[$0] ?? 0) })
                sum = weights.keys.sorted().reduce(0) { $0 + (weights[$1] ?? 0) }
            }
            guard sum > 0 else { continue }
            out[country] = weights.mapValues { total * $0 / sum }
        }
        return out
    }
}
