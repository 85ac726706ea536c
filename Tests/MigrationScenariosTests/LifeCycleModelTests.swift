import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Life-cycle stock model (series breaks, crises, onsets, ceiling, levers)")
struct LifeCycleModelTests {
    static let fitted = ProjectionEngineTests.fitted

    /// Synthetic crises: 80 origins of 10 M people whose refugee stock follows a logistic rise
    /// and an exponential fall (growth, one peak, decline; peaks of 2–10 % of the population),
    /// with noise in the annual growth (sd 0.05). The fitted model must find momentum (φ > 0)
    /// and a negative decline drift for large stocks, and its expected path from a growing crisis
    /// must rise, peak once and decline.
    @Test func lifeCycleShapeOnSyntheticCrises() throws {
        var h = DisplacementHistory()
        var pop = CountryYearSeries()
        var rng = DrawRandomStream(seed: 7, draw: 0, purpose: .other, key: 1)
        for i in 0..<80 {
            let c = String(format: "S%02d", i)
            let start = 1992 + i % 12, peak = 0.02 + 0.08 * Double(i % 5) / 4
            func share(_ y: Int) -> Double {
                let t = Double(y - start)
                return t < 0 ? 1e-5 : max(1e-5, peak / (1 + exp(-1.5 * (t - 3))) * exp(-0.14 * max(0, t - 5)))
            }
            var d = 1e7 * share(1990)
            for y in 1990...2024 {
                pop[c, y] = 10_000   // thousands
                if y > 1990 { d *= exp(log(share(y) / share(y - 1)) + 0.05 * rng.normal()) }
                h.refugees[c, y] = d
                h.crossBorder[c, y] = d
                h.stock[c, y] = d
            }
        }
        let breaks = SeriesBreaks.detect(h)
        #expect(breaks.breaks.isEmpty)
        let m = try CrisisLifeCycleModel.fit(.crossBorder, history: h, breaks: breaks, population: pop, years: 1991...2024, onsets: [])
        let top = m.classFit(forStock: 5e5)
        #expect(top.phi > 0.2, "momentum \(top.phi)")
        #expect(top.drift < 0, "long-run drift \(top.drift)")
        let path = m.expectedPath(stock: 2e5, previousGrowth: 0.8, years: 30)
        let peakIndex = try #require(path.indices.max { path[$0] < path[$1] })
        #expect(peakIndex > 0 && peakIndex < 10, "peak at \(peakIndex): \(path.prefix(12))")
        for t in 1...peakIndex { #expect(path[t] >= path[t - 1]) }
        for t in (peakIndex + 1)..<path.count { #expect(path[t] <= path[t - 1]) }
        #expect(path.last! < 0.5 * path[peakIndex])
    }

    /// Common shocks that persist: 60 origins with crises of 100,000 people whose growth is a
    /// shared year effect c(t) = ρ·c(t−1) + 0.15·√(1 − ρ²)·z(t) plus their own noise (sd 0.1),
    /// once with ρ = 0.7 and once with ρ = 0 (the same z). The momentum term φ takes part of the
    /// persistence, so the fitted ρ̂ is below 0.7; what must hold: ρ̂ clearly positive for the
    /// persistent shocks and near 0 for the independent ones, the shock's s.d. of the right size,
    /// and the projection starting from the last year's state (its sign).
    @Test func persistentCommonShocksAreFound() throws {
        func fit(rho: Double) throws -> (CrisisLifeCycleModel, last: Double) {
            var h = DisplacementHistory()
            var pop = CountryYearSeries()
            var rng = DrawRandomStream(seed: 11, draw: 0, purpose: .other, key: 2)
            var common = [Int: Double]()
            var c = 0.0
            for y in 1991...2024 { c = rho * c + 0.15 * (1 - rho * rho).squareRoot() * rng.normal(); common[y] = c }
            for i in 0..<60 {
                let o = String(format: "Y%02d", i)
                var d = 1e5
                for y in 1990...2024 {
                    pop[o, y] = 10_000
                    if y > 1990 { d *= exp((common[y] ?? 0) + 0.1 * rng.normal()) }
                    h.refugees[o, y] = d; h.crossBorder[o, y] = d; h.stock[o, y] = d
                }
            }
            let m = try CrisisLifeCycleModel.fit(.crossBorder, history: h, breaks: SeriesBreaks.detect(h), population: pop,
                                                 years: 1991...2024, onsets: [])
            let mean = common.values.reduce(0, +) / Double(common.count)
            return (m, (common[2024] ?? 0) - mean)
        }
        let (persistent, last) = try fit(rho: 0.7)
        let (independent, _) = try fit(rho: 0)
        #expect(persistent.yearRho > 0.25 && persistent.yearRho <= 0.9, "persistent: ρ̂ \(persistent.yearRho)")
        #expect(independent.yearRho < 0.25, "independent: ρ̂ \(independent.yearRho)")
        #expect(persistent.yearSigma > 0.05 && persistent.yearSigma < 0.25, "s.d. \(persistent.yearSigma)")
        #expect(independent.yearSigma > 0.08 && independent.yearSigma < 0.22, "s.d. \(independent.yearSigma)")
        if abs(last) > 0.05 { #expect(persistent.yearState * last > 0, "state \(persistent.yearState), last effect \(last)") }
        #expect(persistent.yearStateVariance < persistent.yearSigma * persistent.yearSigma / 4)
    }

    /// The origin effect's persistence λ is the weight its estimate deserves k years on: with
    /// effects that never change (u_c ~ N(0, 0.2²), noise 0.3) it is near 1; with residuals that
    /// carry no origin effect at all it is near 0.
    @Test func originEffectPersistenceSeparatesLastingFromNoise() {
        var rng = DrawRandomStream(seed: 5, draw: 0, purpose: .other, key: 3)
        var lasting: [String: [Int: Double]] = [:], noise: [String: [Int: Double]] = [:]
        for i in 0..<120 {
            let u = 0.2 * rng.normal()
            for y in 1991...2024 {
                lasting["O\(i)", default: [:]][y] = u + 0.3 * rng.normal()
                noise["O\(i)", default: [:]][y] = 0.3 * rng.normal()
            }
        }
        let a = CrisisLifeCycleModel.originEffectPersistence(lasting, tau2: 0.04, sigma2: 0.09)
        let b = CrisisLifeCycleModel.originEffectPersistence(noise, tau2: 0.04, sigma2: 0.09)
        #expect(a.lambda >= 0.85, "lasting effects: λ \(a.lambda), slopes \(a.slopes)")
        #expect(b.lambda <= 0.3, "no effects: λ \(b.lambda), slopes \(b.slopes)")
        #expect(a.slopes.count == 10)
    }

    /// The 2009 IDP reallocation: IDMC's country detail starts in 2009, when 26 M IDPs left the
    /// Unknown row for their countries. It is a break, so no IDP growth into 2009 is learned,
    /// and the cross-border stock (no break) still counts as like for like.
    @Test func the2009ReallocationIsABreak() throws {
        let (inputs, models) = try #require(Self.fitted)
        let h = inputs.history
        let breaks = models.lifeCycle.breaks
        for c in ["COL", "SDN", "COD", "UNK"] {
            #expect(breaks.breaks.contains { $0.origin == c && $0.year == 2009 && $0.component == "idps_conflict" && $0.kind == .reallocation }, "\(c)")
            #expect(breaks.comparable(h, c, 2009, components: SeriesBreaks.idpComponents) == nil, "\(c)")
        }
        let col = try #require(breaks.comparable(h, "COL", 2009, components: SeriesBreaks.crossBorderComponents))
        #expect(col.before == h.crossBorder["COL", 2008] && col.after == h.crossBorder["COL", 2009])
        // Colombia's published stock rose 12.6× into 2009; no like-for-like change comes close.
        #expect((h.stock["COL", 2009]! / h.stock["COL", 2008]!) > 12)
        let obs = CrisisLifeCycleModel.observations(.conflictIDPs, h, breaks, population: inputs.population.series(.medium), years: 2009...2024)
        #expect(!obs.contains { $0.year == 2009 })
        // OIP from 2022 (Venezuelans) is a category introduction, not growth.
        #expect(breaks.breaks.contains { $0.origin == "VEN" && $0.component == "oip" && $0.kind == .categoryIntroduced })
    }

    /// The ceiling is the largest displaced share in the history outside Palestine and Western
    /// Sahara (Syria 2017, 68.9 %), and no origin's p95 exceeds it in a projection to 2050.
    @Test func ceilingHoldsIn2050() throws {
        let (inputs, models) = try #require(Self.fitted)
        let ceiling = models.lifeCycle.ceiling
        #expect(ceiling.origin == "SYR" && ceiling.year == 2017)
        #expect(abs(ceiling.share - 0.689) < 0.001, "\(ceiling.share)")
        let set = try ScenarioSet.parse("[run]\ndraws = 200\nhorizon = 2050\n[[scenario]]\npathway = \"SSP3-7.0\"\n")
        let rows = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 2)
        var checked = 0
        // Each type is at most the capped cross-border + IDP stock, so each type's p95 is too.
        for r in rows where r.geographyLevel == .country && r.year == 2050
            && (r.category == .crossBorder || r.category == .conflictIDPs) {
            guard !CrisisOnsetModel.nonOrigins.contains(r.geography), let p = inputs.population.value(r.geography, 2050, .high) else { continue }
            #expect(r.summary.p95 <= ceiling.share(for: r.geography) * p * 1000 * (1 + 1e-9), "\(r.geography) \(r.category) \(r.summary.p95)")
            checked += 1
        }
        #expect(checked > 300)
        // The types add up to the stock (means add exactly).
        let world = rows.filter { $0.geographyLevel == .world && $0.year == 2050 }
        func mean(_ c: ProjectionCategory) -> Double { world.first { $0.category == c }!.summary.mean }
        let parts = mean(.crossBorder) + mean(.conflictIDPs) + mean(.unrwa) + mean(.disasterIDPs)
        #expect(abs(parts / mean(.displaced) - 1) < 1e-6)
    }

    /// Every lever is range-checked with an error naming the key and the allowed range; a lever
    /// the stock model does not have is refused by name; NUL bytes are refused with their line.
    @Test(arguments: [
        ("exit_rate", "1e300", "scenario[1].override[1].factor", "outside the allowed range 0.0–5.0 for exit_rate"),
        ("onset_rate", "-1", "scenario[1].override[1].factor", "outside the allowed range 0.0–10.0 for onset_rate"),
        ("crisis_duration", "0.1", "scenario[1].override[1].factor", "outside the allowed range 0.25–4.0 for crisis_duration"),
        ("new_conflict", "2", "scenario[1].override[1].component", "\"new_conflict\" needs stock_model = \"growth\" or \"flows\""),
        ("residual", "2", "scenario[1].override[1].component", "\"residual\" needs stock_model = \"flows\""),
    ])
    func leverRanges(component: String, factor: String, key: String, message: String) throws {
        let text = "[[scenario]]\npathway = \"SSP2-4.5\"\n  [[scenario.override]]\n  component = \"\(component)\"\n  factor = \(factor)\n"
        do {
            _ = try ScenarioSet.parse(text, file: "t.toml")
            Issue.record("accepted \(component) = \(factor)")
        } catch let e as ScenarioError {
            #expect(e.keyPath == key)
            #expect(e.message.contains(message), "\(e.message)")
            #expect(e.description.hasPrefix("t.toml: \(key): "))
        }
    }

    @Test func nulByteIsRefusedWithItsLine() throws {
        let text = "[run]\ndraws = 10\n# a comment \u{0} here\n[[scenario]]\npathway = \"SSP2-4.5\"\n[[scenario]]\npathway = \"SSP5-8.5\"\n"
        #expect(throws: ScenarioError.self) { try ScenarioSet.parse(text, file: "n.toml") }
        do { _ = try ScenarioSet.parse(text, file: "n.toml") } catch let e as ScenarioError { #expect(e.message.hasPrefix("line 3: a NUL byte")) }
    }

    /// The levers move the projection the way they say, with common random numbers: no new
    /// crises lowers the world mean, faster exits lower the median, longer crises raise it.
    @Test func leversActInTheirDirection() throws {
        let (inputs, models) = try #require(Self.fitted)
        let text = """
            [run]
            draws = 200
            horizon = 2040
            [[scenario]]
            name = "ref"
            pathway = "SSP2-4.5"
            [[scenario]]
            name = "no onsets"
            pathway = "SSP2-4.5"
              [[scenario.override]]
              component = "onset_rate"
              factor = 0
            [[scenario]]
            name = "exits x2"
            pathway = "SSP2-4.5"
              [[scenario.override]]
              component = "exit_rate"
              factor = 2
            [[scenario]]
            name = "longer"
            pathway = "SSP2-4.5"
              [[scenario.override]]
              component = "crisis_duration"
              factor = 2
            """
        let rows = try ProjectionEngine.run(try ScenarioSet.parse(text), models: models, inputs: inputs, threads: 2)
        func w(_ s: String) -> QuantileSummary {
            rows.first { $0.scenario == s && $0.geographyLevel == .world && $0.year == 2040 && $0.category == .displaced }!.summary
        }
        #expect(w("no onsets").mean < w("ref").mean)
        #expect(w("exits x2").p50 < w("ref").p50)
        #expect(w("longer").p50 > w("ref").p50)
    }
}
