import Foundation

/// Rolling-origin evaluation of the projection model (Tashman 2000): for each origin year T, fit
/// on the data up to T, forecast T+1…T+H, and compare with what was observed, next to two
/// baselines: the random walk D̂(T+h) = D(T) and the drift D̂(T+h) = D(T) + h·(D(T) − D(T−5))/5.
/// The model's point forecast is the median of the draws; its intervals are the 80 % (p10–p90)
/// and 95 % (p2.5–p97.5) ranges. Scored for the world and the largest origins at each T.
public struct BacktestForecast: Sendable, Equatable {
    public let origin: Int
    public let horizon: Int
    public let geography: String
    public let observed: Double
    public let model: QuantileSummary
    public let randomWalk: Double
    public let drift: Double
}

/// Error metrics for one method × geography group × horizon.
public struct BacktestMetric: Sendable, Equatable {
    public let group: String        // "world" or "top origins"
    public let horizon: Int
    public let method: String       // "model", "random_walk", "drift"
    public let count: Int
    public let mae: Double
    /// Mean absolute percentage error (%).
    public let mape: Double
    /// Mean absolute scaled error (Hyndman & Koehler 2006): MAE over the in-sample MAE of the
    /// one-step random walk on each series' training years.
    public let mase: Double
    /// Share of forecasts within 10 % of the outcome.
    public let within10: Double
    /// Interval coverage (model only; NaN for baselines).
    public let coverage80: Double
    public let coverage95: Double
}

public enum Backtest {
    /// Runs the rolling-origin backtest.
    /// - Parameters: origins T, maximum horizon, the number of largest origins scored, draws.
    public static func run(_ inputs: ProjectionInputs, origins: ClosedRange<Int>, horizon: Int = 5, topOrigins: Int = 20,
                           draws: Int = 500, seed: UInt64 = 20261129, stockModel: StockModel = .lifecycle,
                           threads: Int = 0) throws -> [BacktestForecast] {
        var out: [BacktestForecast] = []
        let stock = inputs.history.stock
        for T in origins {
            let models = try ProjectionEngine.fit(inputs, baseYear: T)
            let set = ScenarioSet(horizon: T + horizon, draws: draws, seed: seed,
                                  scenarios: [Scenario(name: "backtest", pathway: .ssp245, population: .medium, overrides: [])],
                                  stockModel: stockModel, source: "<backtest>", text: "")
            let rows = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: threads)
            var displaced: [String: QuantileSummary] = [:]   // "World" or ISO3 "|year" → the stock's summary
            for r in rows where r.category == ProjectionCategory.displaced.rawValue && (r.geographyLevel == "world" || r.geographyLevel == "country") {
                displaced["\(r.geography)|\(r.year)"] = r.summary
            }
            let largest = stock.countries.filter { !["UNK", "XXA", "VAR"].contains($0) && stock[$0, T] != nil }
                .sorted { (stock[$0, T] ?? 0) > (stock[$1, T] ?? 0) }.prefix(topOrigins)
            let targets = ["World"] + largest
            for g in targets {
                func observed(_ y: Int) -> Double? {
                    if g == "World" { return stock.countries.contains { stock[$0, y] != nil } ? stock.total(y) : nil }
                    return stock[g, y]
                }
                guard let dT = observed(T), let dT5 = observed(T - 5) else { continue }
                for h in 1...horizon {
                    guard let actual = observed(T + h), T + h <= inputs.history.lastObservedYear,
                          let model = displaced["\(g)|\(T + h)"]
                    else { continue }
                    out.append(BacktestForecast(origin: T, horizon: h, geography: g, observed: actual, model: model,
                                                randomWalk: dT, drift: max(0, dT + Double(h) * (dT - dT5) / 5)))
                }
            }
        }
        return out
    }

    /// Scores forecasts by group (world / top origins) × horizon × method.
    public static func metrics(_ forecasts: [BacktestForecast], history: DisplacementHistory) -> [BacktestMetric] {
        // MASE scale per series: mean |D(t) − D(t−1)| over the years up to the forecast origin.
        func scale(_ g: String, _ T: Int) -> Double {
            var s = 0.0, n = 0
            for t in 2001...T {
                let a = g == "World" ? history.stock.total(t) : history.stock[g, t]
                let b = g == "World" ? history.stock.total(t - 1) : history.stock[g, t - 1]
                if let a, let b { s += abs(a - b); n += 1 }
            }
            return n > 0 && s > 0 ? s / Double(n) : .nan
        }
        var out: [BacktestMetric] = []
        let horizons = Array(Set(forecasts.map(\.horizon))).sorted()
        for group in ["world", "top origins"] {
            let fs = forecasts.filter { ($0.geography == "World") == (group == "world") }
            for h in horizons {
                let hs = fs.filter { $0.horizon == h }
                guard !hs.isEmpty else { continue }
                let scales = hs.map { scale($0.geography, $0.origin) }   // once per forecast, not per method
                for method in ["model", "random_walk", "drift"] {
                    var ae = 0.0, ape = 0.0, apeN = 0, ase = 0.0, aseN = 0, within = 0, c80 = 0, c95 = 0
                    for (f, sc) in zip(hs, scales) {
                        let point = method == "model" ? f.model.p50 : method == "random_walk" ? f.randomWalk : f.drift
                        let e = abs(point - f.observed)
                        ae += e
                        if f.observed > 0 { ape += e / f.observed; apeN += 1; if e <= 0.1 * f.observed { within += 1 } }
                        if sc.isFinite { ase += e / sc; aseN += 1 }
                        if f.observed >= f.model.p10 && f.observed <= f.model.p90 { c80 += 1 }
                        if f.observed >= f.model.p025 && f.observed <= f.model.p975 { c95 += 1 }
                    }
                    let n = Double(hs.count)
                    out.append(BacktestMetric(group: group, horizon: h, method: method, count: hs.count, mae: ae / n,
                                              mape: apeN > 0 ? 100 * ape / Double(apeN) : .nan, mase: aseN > 0 ? ase / Double(aseN) : .nan,
                                              within10: apeN > 0 ? Double(within) / Double(apeN) : .nan,
                                              coverage80: method == "model" ? Double(c80) / n : .nan,
                                              coverage95: method == "model" ? Double(c95) / n : .nan))
                }
            }
        }
        return out
    }
}
