import Foundation
import Testing
@testable import MigrationScenarios

/// The per-hazard disaster model: pooling on synthetic data, missing years, the IDP-stock
/// calibration on the shipped data, and the 2019–2023 hindcast (printed for FORECASTS.md).
@Suite("Hazard displacement model")
struct HazardDisplacementModelTests {
    static let dataDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data")
    static let shipped: HazardObservations? = try? HazardObservations.load(directory: dataDir)

    /// Region A: five countries with true flood rates 0.5–4 per 1,000 and big populations, one
    /// small country reported once with no flood, one never reported, one reported in 2 of 10
    /// years; region B: two countries at 10 per 1,000.
    static func synthetic() -> HazardObservations {
        var obs = HazardObservations()
        let years = 2008...2017
        let a: [(String, Double, Double)] = [("AAA", 1e-3, 5e7), ("AAB", 2e-3, 2e7), ("AAC", 0.5e-3, 8e7), ("AAD", 4e-3, 1e7), ("AAE", 1e-3, 3e7)]
        var series = CountryYearSeries()
        for (c, rate, pop) in a {
            obs.region[c] = "A"
            for (k, t) in years.enumerated() {
                obs.population[c, t] = pop
                obs.reportingYears[c, default: []].insert(t)
                series[c, t] = rate * pop * (k % 2 == 0 ? 0.5 : 1.5)   // year-to-year noise, mean exact
            }
        }
        for (c, pop) in [("SMA", 1e5), ("NON", 1e6), ("GAP", 4e7)] {
            obs.region[c] = "A"
            for t in years { obs.population[c, t] = pop }
        }
        obs.reportingYears["SMA"] = [2010]                 // reported once, no flood row → 0
        obs.reportingYears["GAP"] = [2009, 2015]           // two reporting years only
        series["GAP", 2009] = 4e4; series["GAP", 2015] = 12e4
        for c in ["BBA", "BBB"] {
            obs.region[c] = "B"
            for t in years { obs.population[c, t] = 1e7; obs.reportingYears[c, default: []].insert(t); series[c, t] = 1e5 }
        }
        obs.displaced[.flood] = series
        return obs
    }

    @Test("pooled rates: big countries keep their own rate, small ones move to the region, unreported ones get it")
    func pooling() throws {
        let obs = Self.synthetic()
        let fit = try #require(HazardDisplacementModel.fit(obs, years: 2008...2017).hazards[.flood])
        let rA = try #require(fit.regionRates["A"])
        // Regional rate = Σ Y / Σ E over reported years.
        var y = 0.0, e = 0.0
        for c in ["AAA", "AAB", "AAC", "AAD", "AAE", "SMA", "GAP"] { y += fit.rates[c]!.displaced; e += fit.rates[c]!.exposure }
        #expect(abs(rA - y / e) < 1e-15)
        #expect(abs(fit.regionRates["B"]! - 1e-2) < 1e-12)
        #expect(fit.relativeBetweenVariance > 0, "kappa2 \(fit.relativeBetweenVariance) theta \(fit.theta) delta \(fit.dispersion)")
        for c in ["AAA", "AAB", "AAC", "AAD", "AAE", "SMA", "GAP"] {
            let r = fit.rates[c]!
            let raw = r.displaced / r.exposure
            // Between the raw rate and the regional one (shrinkage, never past it).
            #expect(min(raw, rA) - 1e-15 <= r.rate && r.rate <= max(raw, rA) + 1e-15, "\(c): raw \(raw) pooled \(r.rate) region \(rA)")
        }
        // A big, well-observed country keeps its own rate within 5 %.
        #expect(abs(fit.rates["AAC"]!.rate / 0.5e-3 - 1) < 0.05)
        // The small country (one year, no flood) is pulled most of the way to the region.
        let sma = fit.rates["SMA"]!
        #expect(sma.exposure == 1e5 && sma.displaced == 0)
        #expect(sma.rate > 0.9 * rA)
        // Never reported: the regional rate, no exposure.
        #expect(fit.rates["NON"]!.exposure == 0 && fit.rates["NON"]!.rate == rA)
        // Missing years are not zeros: GAP's exposure is its two reporting years only.
        #expect(fit.rates["GAP"]!.exposure == 8e7 && fit.rates["GAP"]!.displaced == 16e4)
        #expect(obs.observed(.flood, "GAP", 2010) == nil && obs.observed(.storm, "GAP", 2009) == 0)
        // Expected displacement and the warming factor; geophysical hazards ignore warming.
        let model = HazardDisplacementModel.fit(obs, years: 2008...2017)
        let base = model.expected(.flood, country: "AAC", population: 1e6)
        #expect(abs(model.expected(.flood, country: "AAC", population: 1e6, warming: 1, response: 0.5) / base - 1.5) < 1e-12)
        #expect(model.expected(.earthquake, country: "AAC", population: 1e6, warming: 3, response: 0.5) == model.expected(.earthquake, country: "AAC", population: 1e6))
    }

    @Test("simulated draws average to the expected value")
    func simulation() throws {
        let model = HazardDisplacementModel.fit(Self.synthetic(), years: 2008...2017)
        let mean = model.expected(.flood, country: "AAA", population: 5e7)
        var sum = 0.0
        let n = 4000
        for d in 0..<n {
            var rng = DrawRandomStream(seed: 7, draw: d, purpose: .disaster)
            let rate = model.sampleRate(.flood, country: "AAA", rng: &rng)
            sum += model.simulate(.flood, country: "AAA", population: 5e7, rate: rate, rng: &rng)
        }
        #expect(abs(sum / Double(n) / mean - 1) < 0.05, "\(sum / Double(n)) vs \(mean)")
    }

    @Test("stock: durations calibrated so the 2024 stock is IDMC's 9.85 M within 1 %; the dynamics keep a steady state")
    func stockCalibration() throws {
        let obs = try #require(Self.shipped)
        // The shipped end-2024 stock file sums to IDMC's headline.
        let stocks = try String(contentsOf: Self.dataDir.appendingPathComponent("idmc_idp_stocks_2024.csv"), encoding: .utf8)
        var disaster = 0.0
        for line in stocks.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            if f[2] == "disaster" { disaster += Double(f[3])! }
        }
        #expect(disaster == DisasterIDPStock.idmcDisasterStock2024)
        let model = HazardDisplacementModel.fit(obs, years: 2008...2023)
        var inflow: [ClimateHazard: Double] = [:]
        for h in ClimateHazard.disasters {
            for c in model.hazards[h]!.rates.keys { inflow[h, default: 0] += model.expected(h, country: c, population: obs.population[c, 2024] ?? 0) }
        }
        let stock = try DisasterIDPStock.calibrate(inflow: inflow)
        let implied = stock.steadyState(inflow: inflow)
        #expect(abs(implied / 9_847_217 - 1) < 0.01)
        let byHazard = stock.steadyStateByHazard(inflow: inflow)
        let next = stock.step(stock: byHazard, inflow: inflow)
        #expect(abs(next.values.reduce(0, +) / implied - 1) < 1e-9)
        // Jump-off by country: IDMC's figures, split over hazards, summing to the world stock.
        let observed = try DisasterIDPStock.loadObservedDisasterStocks(path: Self.dataDir.appendingPathComponent("idmc_idp_stocks_2024.csv").path)
        #expect(observed.count == 94 && observed["AFG"] == 1_270_301)
        var byCountry: [String: [ClimateHazard: Double]] = [:]
        for h in ClimateHazard.disasters {
            for c in model.hazards[h]!.rates.keys { byCountry[c, default: [:]][h] = model.expected(h, country: c, population: obs.population[c, 2024] ?? 0) }
        }
        let jump = stock.jumpOff(observed: observed, inflow: byCountry)
        let jumpTotal = jump.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        #expect(abs(jumpTotal / 9_847_217 - 1) < 1e-9)
        #expect(abs((jump["AFG"]?.values.reduce(0, +) ?? 0) - 1_270_301) < 1e-6)
        print("stock calibration: scale \(stock.scale); inflow 2024 (M) \(ClimateHazard.disasters.map { "\($0)=\(String(format: "%.2f", inflow[$0]! / 1e6))" }.joined(separator: " ")); total \(String(format: "%.2f", inflow.values.reduce(0, +) / 1e6)) M")
        print("durations (days): \(ClimateHazard.disasters.map { "\($0)=\(String(format: "%.0f", stock.durations[$0]! * 365))" }.joined(separator: " ")); implied stock \(String(format: "%.0f", implied))")
    }

    @Test("hindcast 2019–2023 from a 2008–2018 fit: scores are finite; the table for FORECASTS.md is printed")
    func hindcast() throws {
        let obs = try #require(Self.shipped)
        let draws = Int(ProcessInfo.processInfo.environment["HINDCAST_DRAWS"] ?? "") ?? 400
        let (rows, summaries) = HazardHindcast.run(obs, draws: draws)
        #expect(summaries.count == 10)
        #expect(rows.count == 50)
        for s in summaries {
            #expect(s.wis.isFinite && s.coverage80 >= 0 && s.coverage80 <= 1)
        }
        let world = try #require(summaries.last)
        #expect(world.series == "all hazards")
        // The world total is within a factor of two of what IDMC recorded.
        #expect(world.medianMean > world.observedMean / 2 && world.medianMean < world.observedMean * 2)
        print("hindcast (\(draws) draws):\n" + HazardHindcast.markdown(summaries))
        for r in rows where r.series == "all hazards" || r.series == "flood" || r.series == "storm" {
            print(String(format: "%@ %d observed %.2f median %.2f 80%% [%.2f, %.2f] 95%% [%.2f, %.2f] WIS %.2f", r.series, r.year,
                         r.observed / 1e6, r.median / 1e6, r.q10 / 1e6, r.q90 / 1e6, r.q025 / 1e6, r.q975 / 1e6, r.wis / 1e6))
        }
        for e in HazardWarmingCheck.fit(obs) {
            print(String(format: "empirical %@: %+.2f per °C (95%% %+.2f to %+.2f)", e.hazard.rawValue, e.responsePerDegree, e.low95, e.high95))
        }
        let fit = HazardDisplacementModel.fit(obs, years: 2008...2018)
        for h in ClimateHazard.disasters {
            let f = fit.hazards[h]!
            print(String(format: "%@: delta %.3g, kappa2 %.3g, theta %.3g, country-years %d, world rate %.3g", h.rawValue, f.dispersion, f.relativeBetweenVariance, f.theta, f.countryYears, f.worldRate))
        }
    }
}
