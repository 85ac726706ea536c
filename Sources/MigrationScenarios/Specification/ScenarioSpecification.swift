import Foundation
import TOMLKit

/// A set of scenarios to project, read from a TOML file (see data/scenarios/default.toml for a
/// commented example).
///
///     [run]
///     horizon = 2050          # last projected year, base_year+1 … 2100
///     draws = 1000            # Monte Carlo draws per scenario
///     seed = 20261129         # same seed → identical output bytes
///     stock_model = "growth"  # growth (default) | flows — see ProjectionEngine
///
///     [[scenario]]
///     name = "SSP2-4.5"
///     pathway = "SSP2-4.5"    # SSP1-2.6 | SSP2-4.5 | SSP3-7.0 | SSP5-8.5
///     population = "medium"   # WPP 2024: low | medium | high | zero-migration (default: by pathway)
///
///       [[scenario.override]]
///       component = "exit_rate"   # new_conflict | exit_rate | disaster | residual
///       factor = 1.5              # multiplies the component
///       from = 2030               # first year (default: first projected year)
///       to = 2050                 # last year (default: horizon)
///       countries = ["SYR"]       # ISO3 codes (default: all)
public struct ScenarioSet: Sendable, Equatable {
    public var horizon: Int
    public var draws: Int
    public var seed: UInt64
    public var scenarios: [Scenario]
    /// How the displaced stock evolves (see `StockModel`).
    public var stockModel: StockModel
    /// Whether disaster IDPs are part of `displaced_stock` (`[run] disaster_idps`, default true;
    /// backtests turn it off, since UNHCR's published stock has none).
    public var disasterIDPs: Bool = true
    /// The scenario the others are contrasted with (`[run] reference = "name"`; default: the
    /// first scenario). `contrasts.csv` holds every other scenario minus this one, draw by draw.
    public var reference: String?
    /// The file the set was read from ("<built-in>" for defaults).
    public internal(set) var source: String
    /// The text of the file, kept for the run manifest.
    public internal(set) var text: String

    public init(horizon: Int, draws: Int, seed: UInt64, scenarios: [Scenario], stockModel: StockModel = .growth,
                source: String, text: String) {
        self.horizon = horizon
        self.draws = draws
        self.seed = seed
        self.scenarios = scenarios
        self.stockModel = stockModel
        self.source = source
        self.text = text
    }
}

/// How the projection moves each country's displaced stock from one year to the next.
///
/// - `lifecycle` (the default): the stock by type — cross-border (`CrisisLifeCycleModel`),
///   conflict IDPs (the same model, fitted apart), UNRWA refugees (`UNRWAGrowthModel`) — each
///   origin's crises following growth, peak and decline with partial pooling, new crises from
///   `CrisisOnsetModel`, the displaced share capped by `DisplacementCeiling`, fitted on
///   like-for-like changes (`SeriesBreaks`). Scenarios act through population (every type is a
///   share of the scenario's population) and the levers exit_rate, onset_rate and
///   crisis_duration.
/// - `growth` (the default before issue 13, kept as a labelled comparison): the stock follows its empirical random walk in logs
///   (`StockGrowthModel`) under the reference pathway (SSP2-4.5, WPP medium), and a scenario adds
///   the flows by which it differs from the reference, through the stock–flow identity:
///   D(t) = D(t−1)·exp(e) + [N_s − N_ref] − [X_s − X_ref], with N and X the fitted inflow and exit
///   means in the same draw (same shocks, same stock). Best in the backtests (FORECASTS.md).
/// - `flows`: the full stock–flow model D(t) = D(t−1) + N − X − R with the calibrated residual
///   rate (`ConflictDisplacementModel`), kept for comparison and for residual overrides.
public enum StockModel: String, Sendable, CaseIterable {
    case lifecycle, growth, flows
}

/// One scenario: a warming pathway, a population variant and overrides.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var pathway: ClimatePathwayName
    public var population: PopulationVariant
    public var overrides: [ScenarioOverride]
    /// Whether warming raises the probability of new conflicts by the literature's response
    /// (`conflict_warming`, default true; lifecycle model).
    public var conflictWarming: Bool = true
    /// Replacements of rows of data/climate_response.csv (`[[scenario.climate_response]]`).
    public var responseOverrides: [ClimateResponseOverride] = []
}

extension Scenario {
    /// Each component's multiplier per year of `years` for `country`: the product of the
    /// overrides that apply (1 where none does).
    public func leverFactors(years: [Int], country: String) -> [ScenarioOverride.Component: [Double]] {
        var out = Dictionary(uniqueKeysWithValues: ScenarioOverride.Component.allCases.map { ($0, [Double](repeating: 1, count: years.count)) })
        for (t, y) in years.enumerated() {
            for o in overrides where o.applies(year: y, country: country) { out[o.component]?[t] *= o.factor }
        }
        return out
    }
}

/// A scenario's replacement of one warming response (hazard, central, low, high, source): drawn
/// from its own range in every draw, with the same uniforms as the table's (paired draws).
public struct ClimateResponseOverride: Sendable, Equatable {
    public var hazard: String
    public var central: Double
    public var low: Double
    public var high: Double
    public var source: String
    /// The key path in the scenario file, for error messages.
    public var key: String
}

/// IPCC AR6 SSP warming pathways the engine knows.
public enum ClimatePathwayName: String, Sendable, CaseIterable {
    case ssp126 = "SSP1-2.6", ssp245 = "SSP2-4.5", ssp370 = "SSP3-7.0", ssp585 = "SSP5-8.5"

    /// The WPP 2024 variant used unless the scenario names one — a documented assumption
    /// (SSP1 and SSP5: low fertility; SSP2: medium; SSP3: high), following the fertility
    /// narratives of the SSPs (KC & Lutz 2017).
    public var defaultPopulation: PopulationVariant {
        switch self {
        case .ssp126, .ssp585: return .low
        case .ssp245: return .medium
        case .ssp370: return .high
        }
    }
}

/// WPP 2024 population variants (zero-migration: the medium variant minus cumulative projected
/// net migration, an approximation of a zero-migration variant such as Wittgenstein's SSP2-ZM).
public enum PopulationVariant: String, Sendable, CaseIterable {
    case low, medium, high, zeroMigration = "zero-migration"
}

/// A multiplicative change to one model component over a range of years and countries.
public struct ScenarioOverride: Sendable, Equatable {
    public enum Component: String, Sendable, CaseIterable {
        case newConflict = "new_conflict", exitRate = "exit_rate", disaster, residual
        case onsetRate = "onset_rate", crisisDuration = "crisis_duration"

        /// The factors a scenario may set, with what they mean (range-checked when read).
        public var allowedFactors: ClosedRange<Double> {
            switch self {
            case .exitRate: return 0...5          // exits per year × factor (lifecycle: extra decline (f − 1)·r_c)
            case .onsetRate: return 0...10        // new-crisis probability × factor
            case .crisisDuration: return 0.25...4 // long-run decline rate ÷ factor (crises last longer)
            case .newConflict: return 0...10
            case .disaster: return 0...10
            case .residual: return 0...5
            }
        }

        /// The stock models that have this component.
        public var stockModels: [StockModel] {
            switch self {
            case .exitRate, .disaster: return StockModel.allCases
            case .onsetRate, .crisisDuration: return [.lifecycle]
            case .newConflict: return [.growth, .flows]
            case .residual: return [.flows]
            }
        }
    }
    public var component: Component
    public var factor: Double
    public var from: Int?
    public var to: Int?
    public var countries: [String]?

    /// Whether the override applies to `country` in `year`.
    public func applies(year: Int, country: String) -> Bool {
        if let f = from, year < f { return false }
        if let t = to, year > t { return false }
        if let cs = countries, !cs.contains(country) { return false }
        return true
    }
}

/// A scenario file that cannot be used: names the file, the key path and the allowed values.
public struct ScenarioError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let keyPath: String
    public let message: String
    public var description: String {
        keyPath.isEmpty ? "\(file): \(message)" : "\(file): \(keyPath): \(message)"
    }
}

extension ScenarioSet {
    /// The same set with disaster IDPs left out of `displaced_stock`.
    public func withoutDisasterIDPs() -> ScenarioSet { var s = self; s.disasterIDPs = false; return s }

    /// Years the engine can project to.
    public static let yearRange = 2025...2100

    /// Reads and validates a scenario file.
    public static func load(path: String) throws -> ScenarioSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(file: path, keyPath: "", message: "cannot read the file — check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: path, keyPath: "", message: "the file is not UTF-8 text")
        }
        if let nul = data.firstIndex(of: 0) {
            let line = data[data.startIndex..<nul].filter { $0 == 0x0A }.count + 1
            throw ScenarioError(file: path, keyPath: "", message: "line \(line): a NUL byte — scenario files are plain text; remove it")
        }
        return try parse(text, file: path)
    }

    /// Parses and validates scenario TOML.
    public static func parse(_ text: String, file: String = "<string>") throws -> ScenarioSet {
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[text.utf8.startIndex..<nul].filter { $0 == 0x0A }.count + 1
            throw ScenarioError(file: file, keyPath: "", message: "line \(line): a NUL byte — scenario files are plain text; remove it")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ScenarioError(file: file, keyPath: "", message: "line \(e.source.begin.line), column \(e.source.begin.column): \(e.description) — fix the TOML syntax")
        }
        func fail(_ path: String, _ message: String) -> ScenarioError { ScenarioError(file: file, keyPath: path, message: message) }
        func checkKeys(_ table: TOMLTable, _ path: String, _ allowed: [String]) throws {
            for key in table.keys where !allowed.contains(key) {
                let p = path.isEmpty ? key : "\(path).\(key)"
                throw fail(p, "unknown key — allowed here: \(allowed.joined(separator: ", "))")
            }
        }
        func int(_ table: TOMLTable, _ key: String, _ path: String) throws -> Int? {
            guard let v = table[key] else { return nil }
            guard let i = v.int else { throw fail("\(path)\(key)", "must be an integer, got \(v.debugDescription)") }
            return i
        }
        func double(_ table: TOMLTable, _ key: String, _ path: String) throws -> Double? {
            guard let v = table[key] else { return nil }
            if let d = v.double { return d }
            if let i = v.int { return Double(i) }
            throw fail("\(path)\(key)", "must be a number, got \(v.debugDescription)")
        }
        func string(_ table: TOMLTable, _ key: String, _ path: String) throws -> String? {
            guard let v = table[key] else { return nil }
            guard let s = v.string else { throw fail("\(path)\(key)", "must be a string, got \(v.debugDescription)") }
            return s
        }
        try checkKeys(root, "", ["run", "scenario"])
        var horizon = 2050, draws = 1000
        var seed: UInt64 = 20261129
        var stockModel = StockModel.lifecycle
        var disasterIDPs = true
        var reference: String? = nil
        if let run = root["run"] {
            guard let t = run.table else { throw fail("run", "must be a table ([run])") }
            try checkKeys(t, "run", ["horizon", "draws", "seed", "stock_model", "disaster_idps", "reference"])
            if let v = t["disaster_idps"] {
                guard let b = v.bool else { throw fail("run.disaster_idps", "must be true or false, got \(v.debugDescription)") }
                disasterIDPs = b
            }
            reference = try string(t, "reference", "run.")
            if let h = try int(t, "horizon", "run.") {
                guard yearRange.contains(h) else { throw fail("run.horizon", "\(h) is outside the pathways' years \(yearRange.lowerBound)–\(yearRange.upperBound)") }
                horizon = h
            }
            if let d = try int(t, "draws", "run.") {
                guard (1...1_000_000).contains(d) else { throw fail("run.draws", "\(d) must be between 1 and 1000000") }
                draws = d
            }
            if let s = try int(t, "seed", "run.") {
                guard s >= 0 else { throw fail("run.seed", "must be ≥ 0, got \(s)") }
                seed = UInt64(s)
            }
            if let m = try string(t, "stock_model", "run.") {
                guard let v = StockModel(rawValue: m) else {
                    throw fail("run.stock_model", "\"\(m)\" is not one of \(StockModel.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                stockModel = v
            }
        }
        guard let list = root["scenario"] else { throw fail("scenario", "no [[scenario]] entries — add at least one") }
        guard let array = list.array else { throw fail("scenario", "must be an array of tables ([[scenario]])") }
        var scenarios: [Scenario] = []
        for (k, item) in array.enumerated() {
            let path = "scenario[\(k + 1)]"
            guard let t = item.table else { throw fail(path, "must be a table") }
            try checkKeys(t, path, ["name", "pathway", "population", "override", "conflict_warming", "climate_response"])
            var responseOverrides: [ClimateResponseOverride] = []
            if let r = t["climate_response"] {
                guard let ra = r.array else { throw fail("\(path).climate_response", "must be an array of tables ([[scenario.climate_response]])") }
                for (j, ri) in ra.enumerated() {
                    let rp = "\(path).climate_response[\(j + 1)]"
                    guard let rt = ri.table else { throw fail(rp, "must be a table") }
                    try checkKeys(rt, rp, ["hazard", "central", "low", "high", "source"])
                    let names = ClimateHazard.allCases.map(\.rawValue)
                    guard let h = try string(rt, "hazard", "\(rp).") else { throw fail("\(rp).hazard", "missing — one of \(names.joined(separator: ", "))") }
                    guard ClimateHazard(rawValue: h) != nil else { throw fail("\(rp).hazard", "\"\(h)\" is not one of \(names.joined(separator: ", "))") }
                    guard let central = try double(rt, "central", "\(rp).") else { throw fail("\(rp).central", "missing — the response per °C (fraction, e.g. 0.5 for +50 %)") }
                    let low = try double(rt, "low", "\(rp).") ?? central, high = try double(rt, "high", "\(rp).") ?? central
                    for (k, v) in [("central", central), ("low", low), ("high", high)] where !(v.isFinite && v > -1 && v <= 10) {
                        throw fail("\(rp).\(k)", "\(v) is outside the allowed range (−1, 10] (fraction per °C)")
                    }
                    guard low <= central, central <= high else { throw fail("\(rp).low", "low \(low) ≤ central \(central) ≤ high \(high) does not hold") }
                    guard let src = try string(rt, "source", "\(rp)."), !src.trimmingCharacters(in: .whitespaces).isEmpty else {
                        throw fail("\(rp).source", "missing — cite the publication the value comes from")
                    }
                    responseOverrides.append(ClimateResponseOverride(hazard: h, central: central, low: low, high: high, source: src, key: rp))
                }
            }
            var conflictWarming = true
            if let v = t["conflict_warming"] {
                guard let b = v.bool else { throw fail("\(path).conflict_warming", "must be true or false, got \(v.debugDescription)") }
                conflictWarming = b
            }
            guard let pathwayText = try string(t, "pathway", "\(path).") else {
                throw fail("\(path).pathway", "missing — one of \(ClimatePathwayName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let pathway = ClimatePathwayName(rawValue: pathwayText) else {
                throw fail("\(path).pathway", "\"\(pathwayText)\" is not one of \(ClimatePathwayName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let name = try string(t, "name", "\(path).") ?? pathwayText
            guard !name.isEmpty else { throw fail("\(path).name", "must not be empty") }
            var population = pathway.defaultPopulation
            if let p = try string(t, "population", "\(path).") {
                guard let v = PopulationVariant(rawValue: p) else {
                    throw fail("\(path).population", "\"\(p)\" is not one of \(PopulationVariant.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                population = v
            }
            var overrides: [ScenarioOverride] = []
            if let o = t["override"] {
                guard let oa = o.array else { throw fail("\(path).override", "must be an array of tables ([[scenario.override]])") }
                for (j, oi) in oa.enumerated() {
                    let op = "\(path).override[\(j + 1)]"
                    guard let ot = oi.table else { throw fail(op, "must be a table") }
                    try checkKeys(ot, op, ["component", "factor", "from", "to", "countries"])
                    guard let c = try string(ot, "component", "\(op).") else {
                        throw fail("\(op).component", "missing — one of \(ScenarioOverride.Component.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    guard let component = ScenarioOverride.Component(rawValue: c) else {
                        throw fail("\(op).component", "\"\(c)\" is not one of \(ScenarioOverride.Component.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    guard let factor = try double(ot, "factor", "\(op).") else { throw fail("\(op).factor", "missing — a multiplier such as 1.5") }
                    let range = component.allowedFactors
                    guard factor.isFinite, range.contains(factor) else {
                        throw fail("\(op).factor", "\(factor) is outside the allowed range \(range.lowerBound)–\(range.upperBound) for \(component.rawValue)")
                    }
                    guard component.stockModels.contains(stockModel) else {
                        let others = ScenarioOverride.Component.allCases.filter { $0.stockModels.contains(stockModel) }.map(\.rawValue)
                        throw fail("\(op).component", "\"\(component.rawValue)\" needs stock_model = \(component.stockModels.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")) in [run] — with \"\(stockModel.rawValue)\" use one of \(others.joined(separator: ", "))")
                    }
                    let from = try int(ot, "from", "\(op)."), to = try int(ot, "to", "\(op).")
                    for (key, y) in [("from", from), ("to", to)] {
                        if let y, !(yearRange.contains(y)) {
                            throw fail("\(op).\(key)", "\(y) is outside the projection years \(yearRange.lowerBound)–\(yearRange.upperBound)")
                        }
                    }
                    if let f = from, let tt = to, f > tt { throw fail("\(op).to", "\(tt) is before from = \(f)") }
                    var countries: [String]? = nil
                    if let cv = ot["countries"] {
                        guard let ca = cv.array else { throw fail("\(op).countries", "must be an array of ISO3 codes, e.g. [\"SYR\", \"AFG\"]") }
                        countries = try ca.enumerated().map { i, v in
                            guard let s = v.string, s.count == 3, s == s.uppercased() else {
                                throw fail("\(op).countries[\(i + 1)]", "must be an ISO 3166 alpha-3 code such as \"SYR\", got \(v.debugDescription)")
                            }
                            return s
                        }
                    }
                    overrides.append(ScenarioOverride(component: component, factor: factor, from: from, to: to, countries: countries))
                }
            }
            if scenarios.contains(where: { $0.name == name }) { throw fail("\(path).name", "\"\(name)\" is used twice — scenario names must be unique") }
            scenarios.append(Scenario(name: name, pathway: pathway, population: population, overrides: overrides, conflictWarming: conflictWarming,
                                      responseOverrides: responseOverrides))
        }
        guard !scenarios.isEmpty else { throw fail("scenario", "no scenarios — add at least one [[scenario]]") }
        var set = ScenarioSet(horizon: horizon, draws: draws, seed: seed, scenarios: scenarios, stockModel: stockModel, source: file, text: text)
        set.disasterIDPs = disasterIDPs
        if let r = reference {
            guard scenarios.contains(where: { $0.name == r }) else {
                throw fail("run.reference", "\"\(r)\" is not the name of a [[scenario]] in this file — one of \(scenarios.map { "\"\($0.name)\"" }.joined(separator: ", "))")
            }
            set.reference = r
        }
        return set
    }
}
