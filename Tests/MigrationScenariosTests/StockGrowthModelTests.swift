import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Stock growth model (empirical random walk in logs)")
struct StockGrowthModelTests {
    /// A hand-computed case: three countries, classes from 1, 10³ and 10⁶ people.
    static func tiny() throws -> StockGrowthModel {
        var s = CountryYearSeries()
        for (y, v) in [(2000, 100.0), (2001, 200), (2002, 100), (2003, 400)] { s["AAA", y] = v }   // ln 2, −ln 2, ln 4
        for (y, v) in [(2000, 5000.0), (2001, 5500), (2002, 6050)] { s["BBB", y] = v }            // ln 1.1 twice
        for (y, v) in [(2001, 2e6), (2002, 3e6)] { s["CCC", y] = v }                             // ln 1.5: alone, merged down
        for (y, v) in [(2000, 10.0), (2001, 10_000)] { s["UNK", y] = v }                         // excluded
        s["AAA", 2010] = 1e9                                                                      // outside the fit years
        return try StockGrowthModel.fit(s, years: 2001...2003, bounds: [1, 1e3, 1e6], minimumPerClass: 2)
    }

    @Test func classesAndGrowthsByHand() throws {
        let m = try Self.tiny()
        #expect(m.classLowerBounds == [1, 1e3])
        let l = { (x: Double) in log(x) }
        #expect(m.growth[0] == [-l(2), l(2), l(4)])
        #expect(m.growth[1].count == 3)
        #expect(abs(m.growth[1][0] - l(1.1)) < 1e-15 && abs(m.growth[1][1] - l(1.1)) < 1e-15 && abs(m.growth[1][2] - l(1.5)) < 1e-15)
        #expect(abs(m.medianGrowth(forStock: 50) - l(2)) < 1e-15)
        #expect(abs(m.meanGrowthFactor(forStock: 50) - (0.5 + 2 + 4) / 3) < 1e-14)
        #expect(abs(m.medianGrowth(forStock: 5e7) - l(1.1)) < 1e-15)   // the top class holds the merged 10⁶ class
    }

    @Test func samplingDrawsEachObservedGrowthEvenlyAndHoldsTinyStocks() throws {
        let m = try Self.tiny()
        var rng = DrawRandomStream(seed: 7, draw: 0, purpose: .other)
        var counts: [Double: Int] = [:]
        for _ in 0..<30_000 { counts[m.sample(stock: 500, uniform: rng.uniform()), default: 0] += 1 }
        #expect(counts.count == 3)
        for (_, n) in counts { #expect(abs(Double(n) / 30_000 - 1.0 / 3) < 0.015) }
        #expect(m.sample(stock: 0.5, uniform: rng.uniform()) == 0)
        #expect(m.sample(stock: 0, uniform: 0.999) == 0)
    }

    @Test func tooFewObservationsIsAnError() {
        var s = CountryYearSeries()
        s["AAA", 2000] = 10; s["AAA", 2001] = 20
        #expect(throws: StockGrowthModel.FitError.self) { try StockGrowthModel.fit(s, years: 2001...2001) }
    }
}

@Suite("Growth stock model in the engine")
struct GrowthEngineTests {
    /// Scenario levers act through the flows: with the same draws (common random numbers), faster
    /// exits and less new conflict displacement can only lower each country's stock relative to the
    /// reference scenario, and the reference itself adds no flow difference.
    @Test func leversLowerTheStockDrawByDraw() throws {
        let (inputs, models) = try #require(ProjectionEngineTests.fitted)
        let text = """
            [run]
            draws = 50
            horizon = 2035
            stock_model = "growth"
            [[scenario]]
            name = "reference"
            pathway = "SSP2-4.5"
            population = "medium"
            [[scenario]]
            name = "levers"
            pathway = "SSP2-4.5"
            population = "medium"
              [[scenario.override]]
              component = "exit_rate"
              factor = 2
              [[scenario.override]]
              component = "new_conflict"
              factor = 0.5
            """
        let set = try ScenarioSet.parse(text)
        #expect(set.stockModel == .growth)
        let rows = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 2)
        func stock(_ s: String, _ g: String, _ y: Int) throws -> QuantileSummary {
            try #require(rows.first { $0.scenario == s && $0.geography == g && $0.category == .displaced && $0.year == y }).summary
        }
        for g in ["World", "SYR", "AFG", "SDN", "COD"] {
            for y in [2025, 2030, 2035] {
                let r = try stock("reference", g, y), l = try stock("levers", g, y)
                #expect(l.p10 <= r.p10 + 1e-6 && l.p50 <= r.p50 + 1e-6 && l.p90 <= r.p90 + 1e-6, "\(g) \(y): \(l) vs \(r)")
            }
        }
        #expect(try stock("levers", "World", 2035).p50 < 0.95 * stock("reference", "World", 2035).p50)
        // The reference scenario's first-year median for a large origin stays close to its last
        // observation (a random walk) — here mid-2025, half a year before: within the class's
        // 10–90 % growths, or no change (the half-year step keeps the year's growth with p = 1/2).
        let syrMid = try #require(inputs.history.midyearStock["SYR", 2025])
        let r = try stock("reference", "SYR", 2025)
        let g = models.stockGrowth.growths(forStock: syrMid)
        #expect(r.p50 >= syrMid * min(1, exp(g[g.count / 10])) && r.p50 <= syrMid * max(1, exp(g[g.count * 9 / 10])), "\(r) from \(syrMid)")
    }

    @Test func flowsModelIsStillAvailable() throws {
        let (inputs, models) = try #require(ProjectionEngineTests.fitted)
        let set = try ScenarioSet.parse("[run]\ndraws = 20\nhorizon = 2027\nstock_model = \"flows\"\n[[scenario]]\npathway = \"SSP2-4.5\"\n[[scenario.override]]\ncomponent = \"residual\"\nfactor = 0.5\n")
        #expect(set.stockModel == .flows)
        let rows = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 1)
        #expect(rows.contains { $0.geography == "World" && $0.year == 2027 && $0.summary.p50 > 0 })
    }
}

@Suite("Crisis life cycle in the flows model")
struct CrisisLifeCycleTests {
    /// A shock to new displacement produces growth, a single peak and decline of the excess stock
    /// (the shape of Susmann & Raftery's interrupted logistic process), for the large origins
    /// whose fitted outflows (exits + residual) are positive.
    @Test func shockRisesPeaksAndDeclines() throws {
        let (inputs, models) = try #require(ProjectionEngineTests.fitted)
        let c = models.conflict, h = inputs.history
        var checked = 0
        for country in ["SYR", "AFG", "SDN", "COD", "SOM", "MMR", "COL", "YEM", "NGA", "ETH"] {
            guard let d0 = h.stock[country, 2024], let pop = inputs.population.estimates[country, 2023],
                  let rate = c.expectedExitRate(country, year: 2024), let q = c.residualRate[country], min(1, rate) + q > 0.02
            else { continue }
            let anomaly = h.temperatureAnomaly[country, 2023] ?? 0
            let base = try #require(c.expectedPath(country, startStock: d0, startYear: 2024, years: 40, shock: 0,
                                                   populationThousands: pop, temperatureAnomaly: anomaly))
            let shocked = try #require(c.expectedPath(country, startStock: d0, startYear: 2024, years: 40, shock: 2,
                                                      populationThousands: pop, temperatureAnomaly: anomaly))
            let excess = zip(shocked, base).map { $0 - $1 }
            let peak = try #require(excess.indices.max { excess[$0] < excess[$1] })
            #expect(peak >= 2 && peak < 40, "\(country): peak at year \(peak)")
            // Growth up to the peak, decline after it, towards no excess.
            for k in 1...peak { #expect(excess[k] > excess[k - 1], "\(country) year \(k)") }
            for k in (peak + 1)...40 { #expect(excess[k] <= excess[k - 1] + 1e-6, "\(country) year \(k)") }
            #expect(excess[40] < 0.5 * excess[peak], "\(country): \(excess[40]) vs peak \(excess[peak])")
            checked += 1
        }
        #expect(checked >= 3, "only \(checked) origins with positive fitted outflows")
    }
}

extension StockGrowthModelTests {
    /// The uniform maps to the sorted growths by ⌊u·n⌋, clamped at the top.
    @Test func uniformMapsToOrderStatistics() throws {
        let m = try Self.tiny()
        #expect(m.sample(stock: 500, uniform: 0.01) == -log(2.0))
        #expect(m.sample(stock: 500, uniform: 0.5) == log(2.0))
        #expect(m.sample(stock: 500, uniform: 0.999_999) == log(4.0))
        #expect(m.sample(stock: 500, uniform: 1) == log(4.0))
    }
}
