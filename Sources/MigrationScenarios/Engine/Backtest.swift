import Foundation

/// Rolling-origin evaluation of the projection model (Tashman 2000): for each origin year T, fit
/// on the data up to T, forecast T+1…T+H, and compare with what was observed — for the world, the
/// UNHCR regions and the largest origins at T — next to four baselines:
///
/// - random walk: D̂(T+h) = D(T);
/// - drift: D̂(T+h) = max(0, D(T) + h·(D(T) − D(T−5))/5);
/// - log-drift: D̂(T+h) = D(T)·(D(T)/D(T−5))^(h/5);
/// - probabilistic random walk: D(T) × the empirical quantiles (type 7) of the geography's past
///   h-year log changes up to T (the baseline a forecast hub would use), measured on the
///   like-for-like chain index of its stock (`SeriesBreaks`), so the baseline does not learn the
///   2009 IDP reallocation as growth either; origins with fewer than five such changes use the
///   pooled changes of all scored origins.
///
/// The model's point forecast is the median of the draws; its intervals are the 80 % (p10–p90)
/// and 95 % (p2.5–p97.5) ranges. Observed values are the published stocks.
public struct BacktestForecast: Sendable, Equatable {
    public let origin: Int
    public let horizon: Int
    /// "world", "region" or "country".
    public let level: String
    public let geography: String
    public let observed: Double
    public let model: QuantileSummary
    public let randomWalk: Double
    public let drift: Double
    public let logDrift: Double
    /// The probabilistic random walk's quantiles (p025, p10, p50, p90, p975 filled).
    public let probabilisticRandomWalk: QuantileSummary
}

/// Error metrics for one method × geography group × horizon.
public struct BacktestMetric: Sendable, Equatable {
    public let group: String        // "world", "regions" or "countries"
    public let horizon: Int
    public let method: String       // "model", "random_walk", "drift", "log_drift", "probabilistic_random_walk"
    public let count: Int
    public let mae: Double
    /// Mean absolute percentage error (%).
    public let mape: Double
    /// Mean absolute scaled error (Hyndman & Koehler 2006): MAE over the in-sample MAE of the
    /// one-step random walk on each series' training years.
    public let mase: Double
    /// Mean weighted interval score (Bracher et al. 2021) from the median and the 80 % and 95 %
    /// intervals, WIS = (½|y − m| + Σₖ (αₖ/2)·ISₐₖ)/(K + ½), K = 2, α = 0.2, 0.05,
    /// ISₐ = (u − l) + (2/α)(l − y)·1(y < l) + (2/α)(y − u)·1(y > u); a point forecast's WIS is
    /// its absolute error. In people.
    public let wis: Double
    /// Share of forecasts within 10 % of the outcome.
    public let within10: Double
    /// Interval coverage (model and probabilistic random walk; NaN for point baselines).
    public let coverage80: Double
    public let coverage95: Double
}

/// One bin of a probability integral transform (PIT) histogram: the share of outcomes that fell
/// between two predictive quantile levels, against the share expected of a calibrated forecast.
public struct BacktestPITBin: Sendable, Equatable {
    public let group: String
    public let method: String
    public let lower: Double
    public let upper: Double
    public let count: Int
    public let observedShare: Double
    public var expectedShare: Double { upper - lower }
}

public enum Backtest {
    public static let methods = ["model", "random_walk", "drift", "log_drift", "probabilistic_random_walk"]

    /// Runs the rolling-origin backtest.
    /// - Parameters: origins T, maximum horizon (forecasts past the last observed year are
    ///   skipped), the number of largest origins scored, draws.
    public static func run(_ inputs: ProjectionInputs, origins: ClosedRange<Int>, horizon: Int = 10, topOrigins: Int = 20,
                           draws: Int = 500, seed: UInt64 = 20261129, stockModel: StockModel = .lifecycle,
                           threads: Int = 0) throws -> [BacktestForecast] {
        var out: [BacktestForecast] = []
        let h = inputs.history
        let stock = h.stock
        let last = h.lastObservedYear
        let index = LikeForLikeIndex(h)
        for T in origins {
            let H = min(horizon, last - T)
            guard H >= 1 else { continue }
            let models = try ProjectionEngine.fit(inputs, baseYear: T)
            let set = ScenarioSet(horizon: T + H, draws: draws, seed: seed,
                                  scenarios: [Scenario(name: "backtest", pathway: .ssp245, population: .medium, overrides: [])],
                                  stockModel: stockModel, source: "<backtest>", text: "")
            .withoutDisasterIDPs()   // UNHCR's published stock, which the backtest scores, has none
            let rows = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: threads)
            var displaced: [String: QuantileSummary] = [:]   // "level|geography|year"
            for r in rows where r.category == .displaced {
                let level = r.geographyLevel == .unhcrRegion ? "region" : r.geographyLevel.rawValue
                displaced["\(level)|\(r.geography)|\(r.year)"] = r.summary
            }
            let largest = stock.countries.filter { !CrisisOnsetModel.nonOrigins.contains($0) && stock[$0, T] != nil }
                .sorted { (stock[$0, T] ?? 0) > (stock[$1, T] ?? 0) }.prefix(topOrigins)
            let regions = Set(stock.countries.compactMap { h.regions[$0]?.unhcr }).filter { !$0.isEmpty && $0 != "Unknown" }.sorted()
            let targets: [(String, String)] = [("world", "World")] + regions.map { ("region", $0) } + largest.map { ("country", $0) }
            // Pooled past changes of the scored origins (fallback for short series).
            var pooled: [Int: [Double]] = [:]
            for c in largest {
                let annual = index.annualChanges(.country(c), upTo: T)
                for k in 1...H { pooled[k, default: []] += LikeForLikeIndex.changes(annual, horizon: k, upTo: T) }
            }
            for (level, g) in targets {
                let geo = LikeForLikeIndex.Geography(level: level, name: g)
                guard let dT = index.observed(geo, T), let dT5 = index.observed(geo, T - 5) else { continue }
                let annual = index.annualChanges(geo, upTo: T)
                for k in 1...H {
                    guard let actual = index.observed(geo, T + k), let model = displaced["\(level)|\(g)|\(T + k)"] else { continue }
                    var changes = LikeForLikeIndex.changes(annual, horizon: k, upTo: T)
                    if changes.count < 5 { changes = pooled[k] ?? [] }
                    let sorted = changes.sorted()
                    func q(_ p: Double) -> Double { sorted.isEmpty ? dT : dT * exp(QuantileSummary.quantile(sorted: sorted, p)) }
                    let prw = QuantileSummary(mean: .nan, p05: q(0.05), p10: q(0.10), p50: q(0.5), p90: q(0.9), p95: q(0.95),
                                              p025: q(0.025), p975: q(0.975))
                    let logDrift = dT5 > 0 && dT > 0 ? dT * pow(dT / dT5, Double(k) / 5) : dT
                    out.append(BacktestForecast(origin: T, horizon: k, level: level, geography: g, observed: actual, model: model,
                                                randomWalk: dT, drift: max(0, dT + Double(k) * (dT - dT5) / 5), logDrift: logDrift,
                                                probabilisticRandomWalk: prw))
                }
            }
        }
        return out
    }

    /// The weighted interval score of a forecast with median m and 80 %/95 % intervals.
    public static func weightedIntervalScore(_ y: Double, _ s: QuantileSummary) -> Double {
        func interval(_ l: Double, _ u: Double, _ a: Double) -> Double {
            (u - l) + (2 / a) * max(0, l - y) + (2 / a) * max(0, y - u)
        }
        return (0.5 * abs(y - s.p50) + 0.1 * interval(s.p10, s.p90, 0.2) + 0.025 * interval(s.p025, s.p975, 0.05)) / 2.5
    }

    static func group(_ level: String) -> String { level == "world" ? "world" : level == "region" ? "regions" : "countries" }

    /// Scores forecasts by group (world / regions / countries) × horizon × method.
    public static func metrics(_ forecasts: [BacktestForecast], history: DisplacementHistory) -> [BacktestMetric] {
        let index = LikeForLikeIndex(history)
        // MASE scale per series: mean |D(t) − D(t−1)| over the years up to the forecast origin.
        // It depends on the series and the origin only: computed once for all horizons.
        var scales: [String: Double] = [:]
        func scale(_ f: BacktestForecast) -> Double {
            let key = "\(f.level)|\(f.geography)|\(f.origin)"
            if let s = scales[key] { return s }
            let geo = LikeForLikeIndex.Geography(level: f.level, name: f.geography)
            let observed = (2000...f.origin).map { index.observed(geo, $0) }
            var s = 0.0, n = 0
            for k in 1..<observed.count {
                if let a = observed[k], let b = observed[k - 1] { s += abs(a - b); n += 1 }
            }
            let value = n > 0 && s > 0 ? s / Double(n) : .nan
            scales[key] = value
            return value
        }
        var out: [BacktestMetric] = []
        let horizons = Array(Set(forecasts.map(\.horizon))).sorted()
        for g in ["world", "regions", "countries"] {
            let fs = forecasts.filter { group($0.level) == g }
            for h in horizons {
                let hs = fs.filter { $0.horizon == h }
                guard !hs.isEmpty else { continue }
                let scales = hs.map(scale)
                for method in methods {
                    var ae = 0.0, ape = 0.0, apeN = 0, ase = 0.0, aseN = 0, within = 0, c80 = 0, c95 = 0, wis = 0.0
                    let probabilistic = method == "model" || method == "probabilistic_random_walk"
                    for (f, sc) in zip(hs, scales) {
                        let point: Double
                        switch method {
                        case "model": point = f.model.p50
                        case "random_walk": point = f.randomWalk
                        case "drift": point = f.drift
                        case "log_drift": point = f.logDrift
                        default: point = f.probabilisticRandomWalk.p50
                        }
                        let e = abs(point - f.observed)
                        ae += e
                        if f.observed > 0 { ape += e / f.observed; apeN += 1; if e <= 0.1 * f.observed { within += 1 } }
                        if sc.isFinite { ase += e / sc; aseN += 1 }
                        if probabilistic {
                            let s = method == "model" ? f.model : f.probabilisticRandomWalk
                            wis += weightedIntervalScore(f.observed, s)
                            if f.observed >= s.p10 && f.observed <= s.p90 { c80 += 1 }
                            if f.observed >= s.p025 && f.observed <= s.p975 { c95 += 1 }
                        } else {
                            wis += e
                        }
                    }
                    let n = Double(hs.count)
                    out.append(BacktestMetric(group: g, horizon: h, method: method, count: hs.count, mae: ae / n,
                                              mape: apeN > 0 ? 100 * ape / Double(apeN) : .nan, mase: aseN > 0 ? ase / Double(aseN) : .nan,
                                              wis: wis / n, within10: apeN > 0 ? Double(within) / Double(apeN) : .nan,
                                              coverage80: probabilistic ? Double(c80) / n : .nan,
                                              coverage95: probabilistic ? Double(c95) / n : .nan))
                }
            }
        }
        return out
    }

    /// PIT histograms per group and probabilistic method, pooled over horizons, with bins at the
    /// predictive quantile levels the forecasts carry (0, 0.025, 0.1, 0.5, 0.9, 0.975, 1): a
    /// calibrated forecast puts 2.5 %, 7.5 %, 40 %, 40 %, 7.5 %, 2.5 % of outcomes in them.
    public static func pitHistogram(_ forecasts: [BacktestForecast]) -> [BacktestPITBin] {
        let edges = [0.0, 0.025, 0.1, 0.5, 0.9, 0.975, 1.0]
        var out: [BacktestPITBin] = []
        for g in ["world", "regions", "countries"] {
            let fs = forecasts.filter { group($0.level) == g }
            guard !fs.isEmpty else { continue }
            for method in ["model", "probabilistic_random_walk"] {
                var counts = [Int](repeating: 0, count: edges.count - 1)
                for f in fs {
                    let s = method == "model" ? f.model : f.probabilisticRandomWalk
                    let y = f.observed
                    let bin: Int
                    if y < s.p025 { bin = 0 } else if y < s.p10 { bin = 1 } else if y < s.p50 { bin = 2 }
                    else if y <= s.p90 { bin = 3 } else if y <= s.p975 { bin = 4 } else { bin = 5 }
                    counts[bin] += 1
                }
                for b in 0..<counts.count {
                    out.append(BacktestPITBin(group: g, method: method, lower: edges[b], upper: edges[b + 1], count: counts[b],
                                              observedShare: Double(counts[b]) / Double(fs.count)))
                }
            }
        }
        return out
    }
}

/// Published stocks of a geography, and its like-for-like chain index for baseline changes.
struct LikeForLikeIndex {
    enum Geography: Hashable {
        case world, region(String), country(String)
        /// From a forecast's level ("world", "region", "country") and geography name.
        init(level: String, name: String) { self = level == "world" ? .world : level == "region" ? .region(name) : .country(name) }
    }
    let history: DisplacementHistory
    let breaks: SeriesBreaks

    init(_ h: DisplacementHistory) {
        history = h
        breaks = SeriesBreaks.detect(h)
    }

    func members(_ g: Geography) -> [String] {
        switch g {
        case .world: return history.stock.countries
        case .region(let r): return history.stock.countries.filter { history.regions[$0]?.unhcr == r }
        case .country(let c): return [c]
        }
    }

    /// The published stock (sum over members; nil when no member has a value).
    func observed(_ g: Geography, _ year: Int) -> Double? {
        var s = 0.0, any = false
        for c in members(g) { if let v = history.stock[c, year] { s += v; any = true } }
        return any ? s : nil
    }

    /// Like-for-like annual log change into `year`: comparable components of all members.
    func annualChange(_ g: Geography, _ year: Int) -> Double? {
        var a = 0.0, b = 0.0
        for c in members(g) {
            for type in DisplacedStockType.allCases {
                if let p = breaks.comparable(history, c, year, components: type.components) { a += p.before; b += p.after }
            }
            if let x = history.unrwa[c, year - 1], let y = history.unrwa[c, year] { a += x; b += y }
        }
        guard a > 0, b > 0 else { return nil }
        return log(b / a)
    }

    /// The annual like-for-like log changes into 1991 … T (years without one are absent).
    func annualChanges(_ g: Geography, upTo T: Int) -> [Int: Double] {
        var annual: [Int: Double] = [:]
        for y in 1991...max(1991, T) where y <= T { if let v = annualChange(g, y) { annual[y] = v } }
        return annual
    }

    /// The h-year log changes ending in 1990+h … T, sums of consecutive annual changes.
    static func changes(_ annual: [Int: Double], horizon h: Int, upTo T: Int) -> [Double] {
        var out: [Double] = []
        for end in (1990 + h)...max(1990 + h, T) where end <= T {
            var s = 0.0, ok = true
            for y in (end - h + 1)...end { guard let v = annual[y] else { ok = false; break }; s += v }
            if ok { out.append(s) }
        }
        return out
    }
}
