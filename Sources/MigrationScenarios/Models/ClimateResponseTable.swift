import Foundation
import MigrationData

/// The hazards that have a warming response in `data/climate_response.csv`: IDMC GIDD's disaster
/// hazards (grouped as in issue 14) and conflict.
///
/// GIDD causes map to hazards as follows (`giddCauses`): `flood`, `storm`, `drought`,
/// `wildfire`, `extreme temperature`, `mass movement`, `earthquake`, `volcanic activity`, and
/// `erosion` + `wave action` → `other`.
public enum ClimateHazard: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case flood, storm, drought, wildfire
    case extremeTemperature = "extreme_temperature"
    case massMovement = "mass_movement"
    case earthquake, volcanic, other, conflict

    /// The nine disaster hazards, in the order of the projection categories
    /// `new_disaster_displacement_<hazard>`.
    public static let disasters: [ClimateHazard] = [.flood, .storm, .drought, .wildfire, .extremeTemperature,
                                                   .massMovement, .earthquake, .volcanic, .other]

    /// The `cause` values of `data/new_displacements_idmc.csv` that make up this hazard (empty
    /// for conflict, which is not a disaster hazard).
    public var giddCauses: [String] {
        switch self {
        case .flood: return ["flood"]
        case .storm: return ["storm"]
        case .drought: return ["drought"]
        case .wildfire: return ["wildfire"]
        case .extremeTemperature: return ["extreme temperature"]
        case .massMovement: return ["mass movement"]
        case .earthquake: return ["earthquake"]
        case .volcanic: return ["volcanic activity"]
        case .other: return ["erosion", "wave action"]
        case .conflict: return []
        }
    }

    /// The hazard of a GIDD disaster cause (`"wave action"` → `.other`), or `nil` for
    /// `conflict` and unknown causes.
    public static func fromGIDDCause(_ cause: String) -> ClimateHazard? {
        disasters.first { $0.giddCauses.contains(cause) }
    }

    /// Whether the hazard is geophysical (earthquake, volcanic): exposure only, no warming term.
    public var isGeophysical: Bool { self == .earthquake || self == .volcanic }

    public var description: String { rawValue }

    public static func < (a: ClimateHazard, b: ClimateHazard) -> Bool {
        let order = ClimateHazard.allCases
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// One row of `data/climate_response.csv`: the relative change in displacement risk per °C of
/// global warming for one hazard, with its range and source.
public struct ClimateResponse: Sendable, Equatable {
    public let hazard: ClimateHazard
    /// What the number is (e.g. `displacement_risk_change_per_degC`).
    public let metric: String
    /// Central value, range: fractions per °C (0.5 = +50 % per °C). low ≤ central ≤ high, all > −1.
    public let central: Double
    public let low: Double
    public let high: Double
    public let unit: String
    /// Full citation(s) with DOI or URL; never empty.
    public let source: String
    public let notes: String
    /// Where the row came from ("data/climate_response.csv:6", or a scenario key), for messages.
    public let origin: String

    public init(hazard: ClimateHazard, metric: String, central: Double, low: Double, high: Double,
                unit: String = "fraction_per_degC", source: String, notes: String = "", origin: String = "") {
        self.hazard = hazard; self.metric = metric; self.central = central; self.low = low; self.high = high
        self.unit = unit; self.source = source; self.notes = notes; self.origin = origin
    }

    /// The response for a uniform number `u` in (0, 1): the inverse CDF of the **triangular
    /// distribution** with minimum `low`, mode `central` and maximum `high`:
    ///
    ///     F(c) = (c − a)/(b − a)
    ///     x(u) = a + √(u·(b − a)·(c − a))          for u < F(c)
    ///     x(u) = b − √((1 − u)·(b − a)·(b − c))    otherwise
    ///
    /// Why triangular and not a two-piece normal: the ranges in the table are bounds — a model
    /// spread, or a judgement bracket whose low end is often "no effect" (0) — not calibrated
    /// 90 % intervals, and several are meant as hard limits (geophysical hazards exactly 0, the
    /// conflict sensitivity bounded at [0, 0.3]). The triangular distribution never leaves
    /// [low, high], puts its mode at the published central value, and is the usual choice for
    /// three-point (min, most likely, max) judgements (e.g. Vose 2008, *Risk Analysis*, ch. 10).
    /// Its mean is (low + central + high)/3, which differs from `central` when the range is
    /// asymmetric. `low == high` returns that value for every u.
    public func value(uniform u: Double) -> Double {
        let a = low, b = high, c = central
        guard b > a else { return c }
        let u = min(max(u, 0), 1)
        let fc = (c - a) / (b - a)
        if u < fc { return a + (u * (b - a) * (c - a)).squareRoot() }
        return b - ((1 - u) * (b - a) * (b - c)).squareRoot()
    }

    /// The mean of the triangular distribution, (low + central + high)/3.
    public var mean: Double { (low + central + high) / 3 }

    /// The multiplier of displacement risk at warming `deltaT` (°C above the reference) for a
    /// response `r` (fraction per °C): (1 + r)^ΔT. It equals 1 + r at ΔT = 1 °C, as the papers'
    /// "per degree" figures are stated, is 1 at ΔT = 0, stays positive for every r > −1 and
    /// compounds over degrees (for ΔT ≤ 1.5 °C and r ≤ 0.5 it is within 5 % of 1 + r·ΔT).
    /// ΔT < 0 (cooler than the reference) gives a factor below 1 for r > 0.
    public static func factor(warming deltaT: Double, response r: Double) -> Double {
        pow(1 + r, deltaT)
    }
}

/// Why `data/climate_response.csv` (or a scenario override of it) was refused. Every case names
/// the file and line (or the scenario key) and the column, and says what to do.
public enum ClimateResponseError: Error, CustomStringConvertible, Equatable {
    case missingFile(String)
    case csv(file: String, message: String)
    case missingColumn(file: String, column: String, header: [String])
    /// A row without a source (or with a blank one).
    case missingSource(file: String, line: Int, column: Int, hazard: String)
    /// A cell that is not a number (or is empty), or a value ≤ −1.
    case invalidValue(file: String, line: Int, column: Int, name: String, value: String, reason: String)
    case lowAboveHigh(file: String, line: Int, column: Int, hazard: String, low: Double, high: Double)
    case centralOutsideRange(file: String, line: Int, column: Int, hazard: String, central: Double, low: Double, high: Double)
    case unknownHazard(file: String, line: Int, column: Int, value: String)
    case duplicateHazard(file: String, line: Int, firstLine: Int, hazard: String)
    case missingHazard(file: String, hazard: String)
    /// A scenario override naming a hazard the table does not know (`key` is the scenario key).
    case unknownOverrideHazard(origin: String, key: String, value: String)
    case invalidOverride(origin: String, key: String, reason: String)

    static var known: String { ClimateHazard.allCases.map(\.rawValue).joined(separator: ", ") }

    public var description: String {
        switch self {
        case .missingFile(let f):
            return "\(f): not found — run from the repository root, or point at MigrationKit's data/ folder"
        case let .csv(f, m):
            return "\(f): \(m)"
        case let .missingColumn(f, c, header):
            return "\(f):1: column '\(c)' is missing (header: \(header.joined(separator: ","))) — the file needs hazard, metric, central, low, high, unit, source, notes"
        case let .missingSource(f, l, c, h):
            return "\(f):\(l):\(c): hazard '\(h)' has no source — every response must cite its publication (citation with DOI or URL)"
        case let .invalidValue(f, l, c, name, v, reason):
            return "\(f):\(l):\(c): \(name) '\(v)' \(reason)"
        case let .lowAboveHigh(f, l, c, h, lo, hi):
            return "\(f):\(l):\(c): hazard '\(h)': low \(lo) is above high \(hi) — swap them or fix the range"
        case let .centralOutsideRange(f, l, col, h, c, lo, hi):
            return "\(f):\(l):\(col): hazard '\(h)': central \(c) is outside [low \(lo), high \(hi)] — the range must contain the central value"
        case let .unknownHazard(f, l, c, v):
            return "\(f):\(l):\(c): unknown hazard '\(v)' — expected one of \(Self.known)"
        case let .duplicateHazard(f, l, first, h):
            return "\(f):\(l): hazard '\(h)' appears again (first on line \(first)) — keep one row per hazard"
        case let .missingHazard(f, h):
            return "\(f): no row for hazard '\(h)' — every hazard (\(Self.known)) needs a response, 0 with low = high = 0 for none"
        case let .unknownOverrideHazard(origin, key, v):
            return "\(origin): \(key): unknown hazard '\(v)' — expected one of \(Self.known)"
        case let .invalidOverride(origin, key, reason):
            return "\(origin): \(key): \(reason)"
        }
    }
}

/// The warming responses of `data/climate_response.csv`, validated, one per hazard.
///
/// Columns: `hazard, metric, central, low, high, unit, source, notes` (see data/README.md).
/// Loading refuses (with `ClimateResponseError`, naming file, line and column): a row without a
/// source, a non-numeric or empty central/low/high, a value ≤ −1 (a factor (1 + r)^ΔT must stay
/// positive), low > high, central outside [low, high], an unknown hazard, a hazard twice, and a
/// hazard missing.
///
/// A projection draw samples each hazard's response once with `sample(hazard:uniform:)` and
/// multiplies displacement by `ClimateResponse.factor(warming:response:)`.
public struct ClimateResponseTable: Sendable, Equatable {
    /// The default file name inside `data/`.
    public static let fileName = "climate_response.csv"
    /// The columns, in order.
    public static let columns = ["hazard", "metric", "central", "low", "high", "unit", "source", "notes"]

    /// The file the table was read from (for messages).
    public let file: String
    /// One response per hazard.
    public let responses: [ClimateHazard: ClimateResponse]

    public init(file: String, responses: [ClimateHazard: ClimateResponse]) {
        self.file = file; self.responses = responses
    }

    /// Reads and validates `path`. Throws `ClimateResponseError`.
    public static func load(path: String) throws(ClimateResponseError) -> ClimateResponseTable {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw .csv(file: path, message: "cannot be read as UTF-8 — \(error)") }
        return try parse(text, file: path)
    }

    /// Parses and validates CSV text; `file` names it in messages. Throws `ClimateResponseError`.
    public static func parse(_ text: String, file: String) throws(ClimateResponseError) -> ClimateResponseTable {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, name: file) } catch { throw .csv(file: file, message: "\(error)") }
        var index: [String: Int] = [:]
        for column in columns {
            guard let k = reader.header.firstIndex(of: column) else {
                throw .missingColumn(file: file, column: column, header: reader.header)
            }
            index[column] = k
        }
        var responses: [ClimateHazard: ClimateResponse] = [:]
        var firstLine: [ClimateHazard: Int] = [:]
        while true {
            let next: CSVRecord?
            do { next = try reader.nextRecord() } catch { throw .csv(file: file, message: "\(error)") }
            guard let record = next else { break }
            let line = record.line
            func cell(_ name: String) -> String {
                let k = index[name]!
                return k < record.fields.count ? record.fields[k].trimmingCharacters(in: .whitespaces) : ""
            }
            func column(_ name: String) -> Int { index[name]! + 1 }
            let name = cell("hazard")
            guard let hazard = ClimateHazard(rawValue: name) else {
                throw .unknownHazard(file: file, line: line, column: column("hazard"), value: name)
            }
            if let first = firstLine[hazard] {
                throw .duplicateHazard(file: file, line: line, firstLine: first, hazard: name)
            }
            func number(_ n: String) throws(ClimateResponseError) -> Double {
                let text = cell(n)
                guard let v = Double(text), v.isFinite else {
                    throw .invalidValue(file: file, line: line, column: column(n), name: n, value: text,
                                        reason: text.isEmpty ? "is empty — give a number (fraction per °C)" : "is not a number — give a fraction per °C (0.5 = +50 %)")
                }
                guard v > -1 else {
                    throw .invalidValue(file: file, line: line, column: column(n), name: n, value: text,
                                        reason: "is −1 or below — displacement cannot fall by 100 % or more per °C")
                }
                return v
            }
            let central = try number("central"), low = try number("low"), high = try number("high")
            let source = cell("source")
            guard !source.isEmpty else {
                throw .missingSource(file: file, line: line, column: column("source"), hazard: name)
            }
            guard low <= high else { throw .lowAboveHigh(file: file, line: line, column: column("low"), hazard: name, low: low, high: high) }
            guard low <= central && central <= high else {
                throw .centralOutsideRange(file: file, line: line, column: column("central"), hazard: name, central: central, low: low, high: high)
            }
            firstLine[hazard] = line
            responses[hazard] = ClimateResponse(hazard: hazard, metric: cell("metric"), central: central, low: low, high: high,
                                                unit: cell("unit"), source: source, notes: cell("notes"), origin: "\(file):\(line)")
        }
        for hazard in ClimateHazard.allCases where responses[hazard] == nil {
            throw .missingHazard(file: file, hazard: hazard.rawValue)
        }
        return ClimateResponseTable(file: file, responses: responses)
    }

    /// The response of `hazard` (always present in a loaded table).
    public subscript(hazard: ClimateHazard) -> ClimateResponse? { responses[hazard] }

    /// One draw's response for `hazard` from the uniform number `uniform` ∈ (0, 1) (triangular
    /// on [low, central, high], see `ClimateResponse.value(uniform:)`); 0 for a hazard the table
    /// lacks (cannot happen for a loaded table).
    public func sample(hazard: ClimateHazard, uniform: Double) -> Double {
        responses[hazard]?.value(uniform: uniform) ?? 0
    }

    /// The table with one hazard's response replaced, for a scenario file's override
    /// (e.g. `[climate_response] flood = { central = 0.3, low = 0.1, high = 0.5 }`).
    ///
    /// - Parameters:
    ///   - hazardName: the hazard as written in the scenario (`"flood"`, `"mass_movement"`, …).
    ///   - central: the new central value (fraction per °C).
    ///   - low: the new low end (default: central, a fixed value).
    ///   - high: the new high end (default: central).
    ///   - source: the citation for the override; required (a response must be sourced).
    ///   - origin: where the override is written (the scenario file), for messages.
    ///   - key: the override's key path in that file, for messages.
    /// - Throws: `.unknownOverrideHazard` (naming the key) for a hazard the table does not know,
    ///   `.invalidOverride` for a missing source, low > high, central outside the range or a
    ///   value ≤ −1.
    public func overriding(_ hazardName: String, central: Double, low: Double? = nil, high: Double? = nil,
                           source: String, origin: String, key: String) throws(ClimateResponseError) -> ClimateResponseTable {
        guard let hazard = ClimateHazard(rawValue: hazardName) else {
            throw .unknownOverrideHazard(origin: origin, key: key, value: hazardName)
        }
        let lo = low ?? central, hi = high ?? central
        guard !source.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidOverride(origin: origin, key: key, reason: "has no source — cite the publication the value comes from")
        }
        guard lo > -1, central > -1, hi > -1 else {
            throw .invalidOverride(origin: origin, key: key, reason: "a value is −1 or below — displacement cannot fall by 100 % or more per °C")
        }
        guard lo <= hi else { throw .invalidOverride(origin: origin, key: key, reason: "low \(lo) is above high \(hi)") }
        guard lo <= central && central <= hi else {
            throw .invalidOverride(origin: origin, key: key, reason: "central \(central) is outside [low \(lo), high \(hi)]")
        }
        var copy = responses
        let metric = hazard == .conflict ? "conflict_displacement_risk_change_per_degC" : "displacement_risk_change_per_degC"
        copy[hazard] = ClimateResponse(hazard: hazard, metric: responses[hazard]?.metric ?? metric, central: central, low: lo, high: hi,
                                       source: source, notes: "scenario override", origin: "\(origin): \(key)")
        return ClimateResponseTable(file: file, responses: copy)
    }
}
