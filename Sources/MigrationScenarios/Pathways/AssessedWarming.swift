import Foundation
import MigrationData

/// IPCC AR6 WGI's **assessed** global surface temperature change per SSP (Summary for
/// Policymakers, Table SPM.1): best estimate and very likely (5–95 %) range for 2021–2040,
/// 2041–2060 and 2081–2100, °C above 1850–1900, from `data/ar6_assessed_warming.csv`.
///
/// The assessed ranges combine CMIP6 with observational constraints and the assessed climate
/// sensitivity; in the high scenarios they are lower and narrower than the raw CMIP6 spread of
/// `data/ssp_warming_ar6.csv` (SPM.8a), which `ClimatePathways` reads.
///
/// `yearlyBands(...)` turns the three periods into one band per year, the same shape as
/// `ClimatePathways.Band` and on the same baseline (1850–1900), so the bands can be passed to
/// `ClimatePathways(ar6:history:)` in place of the CMIP6 ones:
///
/// - the anchor: the observed warming of 2011–2020, 1.09 °C [0.95–1.20] (AR6 WGI SPM A.1.2),
///   placed at its midpoint 2015.5;
/// - each period's value at its midpoint (2030.5, 2050.5, 2090.5);
/// - linear interpolation between these points, separately for the best estimate and the two
///   ends of the range, evaluated at each year's midpoint (year + 0.5, so the band of 2030 is the
///   2021–2040 value and that of 2015 the anchor); after 2090.5 the 2050.5→2090.5 slope is
///   extended (to 2100); before the anchor, the anchor's value is held.
///
/// `Band.mean` holds the assessed best estimate (a central estimate, not strictly a mean),
/// `p05`/`p95` the very likely range.
public struct AssessedWarming: Sendable, Equatable {
    /// One row of the table.
    public struct Period: Sendable, Equatable {
        public let scenario: String
        public let start: Int
        public let end: Int
        public let best: Double
        public let low: Double
        public let high: Double
        /// The period's midpoint, (start + end)/2 (2030.5 for 2021–2040).
        public var midpoint: Double { Double(start + end) / 2 }
    }

    /// A point the bands are anchored at: observed warming with its range.
    public struct Anchor: Sendable, Equatable {
        public let time: Double
        public let best: Double
        public let low: Double
        public let high: Double
        public init(time: Double, best: Double, low: Double, high: Double) {
            self.time = time; self.best = best; self.low = low; self.high = high
        }
        /// AR6 WGI SPM A.1.2: global surface temperature 1.09 [0.95 to 1.20] °C higher in
        /// 2011–2020 than in 1850–1900, at the period's midpoint 2015.5.
        public static let ar6Observed2011to2020 = Anchor(time: 2015.5, best: 1.09, low: 0.95, high: 1.20)
    }

    /// Why the table was refused; each case names the file and line.
    public enum LoadError: Error, CustomStringConvertible, Equatable {
        case missingFile(String)
        case csv(file: String, message: String)
        case missingColumn(file: String, column: String)
        case invalidValue(file: String, line: Int, column: String, value: String, reason: String)
        case duplicatePeriod(file: String, line: Int, scenario: String, start: Int)

        public var description: String {
            switch self {
            case .missingFile(let f): return "\(f): not found — point at MigrationKit's data/ folder"
            case let .csv(f, m): return "\(f): \(m)"
            case let .missingColumn(f, c): return "\(f):1: column '\(c)' is missing — see data/README.md for the columns"
            case let .invalidValue(f, l, c, v, r): return "\(f):\(l): \(c) '\(v)' \(r)"
            case let .duplicatePeriod(f, l, s, y): return "\(f):\(l): \(s) \(y) appears twice — keep one row per scenario and period"
            }
        }
    }

    /// The columns, in order.
    public static let columns = ["scenario", "period_start", "period_end", "best_estimate_c", "very_likely_low_c", "very_likely_high_c", "source"]
    /// The default file name inside `data/`.
    public static let fileName = "ar6_assessed_warming.csv"

    /// Scenario → its periods, sorted by start year.
    public let periods: [String: [Period]]

    public init(periods: [Period]) {
        var byScenario: [String: [Period]] = [:]
        for p in periods { byScenario[p.scenario, default: []].append(p) }
        self.periods = byScenario.mapValues { $0.sorted { $0.start < $1.start } }
    }

    /// The scenarios in the table, sorted.
    public var scenarios: [String] { periods.keys.sorted() }

    /// Reads and validates `path`: every row sourced, low ≤ best ≤ high, start ≤ end, no period
    /// twice. Throws `LoadError`.
    public static func load(path: String) throws(LoadError) -> AssessedWarming {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw .csv(file: path, message: "\(error)") }
        return try parse(text, file: path)
    }

    /// Parses CSV text (see `load(path:)`).
    public static func parse(_ text: String, file: String) throws(LoadError) -> AssessedWarming {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, name: file) } catch { throw .csv(file: file, message: "\(error)") }
        var index: [String: Int] = [:]
        for c in columns {
            guard let k = reader.header.firstIndex(of: c) else { throw .missingColumn(file: file, column: c) }
            index[c] = k
        }
        var out: [Period] = []
        var seen: Set<String> = []
        while true {
            let next: CSVRecord?
            do { next = try reader.nextRecord() } catch { throw .csv(file: file, message: "\(error)") }
            guard let r = next else { break }
            func cell(_ c: String) -> String { r.fields[index[c]!].trimmingCharacters(in: .whitespaces) }
            func number(_ c: String) throws(LoadError) -> Double {
                guard let v = Double(cell(c)), v.isFinite else {
                    throw .invalidValue(file: file, line: r.line, column: c, value: cell(c), reason: "is not a number")
                }
                return v
            }
            let scenario = cell("scenario")
            guard !scenario.isEmpty else { throw .invalidValue(file: file, line: r.line, column: "scenario", value: "", reason: "is empty") }
            let start = try number("period_start"), end = try number("period_end")
            let best = try number("best_estimate_c"), low = try number("very_likely_low_c"), high = try number("very_likely_high_c")
            guard start <= end else {
                throw .invalidValue(file: file, line: r.line, column: "period_end", value: cell("period_end"), reason: "is before period_start")
            }
            guard low <= best && best <= high else {
                throw .invalidValue(file: file, line: r.line, column: "best_estimate_c", value: cell("best_estimate_c"),
                                    reason: "is outside the very likely range [\(low), \(high)]")
            }
            guard !cell("source").isEmpty else {
                throw .invalidValue(file: file, line: r.line, column: "source", value: "", reason: "is empty — cite the table the values come from")
            }
            guard seen.insert("\(scenario) \(Int(start))").inserted else {
                throw .duplicatePeriod(file: file, line: r.line, scenario: scenario, start: Int(start))
            }
            out.append(Period(scenario: scenario, start: Int(start), end: Int(end), best: best, low: low, high: high))
        }
        return AssessedWarming(periods: out)
    }

    /// Yearly warming bands for `scenario` (°C above 1850–1900), `firstYear...lastYear`, by
    /// linear interpolation between the anchor and the period midpoints (see the type's
    /// documentation); `nil` for a scenario the table lacks.
    public func yearlyBands(_ scenario: String, anchor: Anchor = .ar6Observed2011to2020,
                            years: ClosedRange<Int> = 2015...2100) -> [Int: ClimatePathways.Band]? {
        guard let ps = periods[scenario], !ps.isEmpty else { return nil }
        var knots: [(t: Double, best: Double, low: Double, high: Double)] = [(anchor.time, anchor.best, anchor.low, anchor.high)]
        for p in ps where p.midpoint > anchor.time { knots.append((p.midpoint, p.best, p.low, p.high)) }
        var out: [Int: ClimatePathways.Band] = [:]
        for year in years {
            let t = Double(year) + 0.5   // a year's mean warming sits at its midpoint
            var value: (best: Double, low: Double, high: Double)
            if t <= knots[0].t || knots.count == 1 {
                value = (knots[0].best, knots[0].low, knots[0].high)
            } else {
                // The segment containing t, or the last one extended beyond the last knot.
                var k = 1
                while k < knots.count - 1 && t > knots[k].t { k += 1 }
                let a = knots[k - 1], b = knots[k]
                let w = (t - a.t) / (b.t - a.t)
                value = (a.best + w * (b.best - a.best), a.low + w * (b.low - a.low), a.high + w * (b.high - a.high))
            }
            out[year] = ClimatePathways.Band(p05: value.low, mean: value.best, p95: value.high)
        }
        return out
    }

    /// Yearly bands for every scenario of the table that `ClimatePathwayName` knows (SSP1-2.6,
    /// SSP2-4.5, SSP3-7.0, SSP5-8.5), in the form `ClimatePathways(ar6:history:)` takes.
    public func pathwayBands(anchor: Anchor = .ar6Observed2011to2020,
                             years: ClosedRange<Int> = 2015...2100) -> [ClimatePathwayName: [Int: ClimatePathways.Band]] {
        var out: [ClimatePathwayName: [Int: ClimatePathways.Band]] = [:]
        for name in ClimatePathwayName.allCases {
            if let bands = yearlyBands(name.rawValue, anchor: anchor, years: years) { out[name] = bands }
        }
        return out
    }
}
