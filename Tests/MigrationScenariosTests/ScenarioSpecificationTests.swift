import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Scenario files")
struct ScenarioSpecificationTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func shippedDefaultSetParses() throws {
        let set = try ScenarioSet.load(path: Self.repoRoot.appendingPathComponent("data/scenarios/default.toml").path)
        #expect(set.horizon == 2050)
        #expect(set.draws == 1000)
        #expect(set.seed == 20261129)
        #expect(set.stockModel == .lifecycle)
        #expect(set.scenarios.map(\.name) == ["SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP5-8.5", "SSP2-4.5 faster solutions", "SSP2-4.5 zero migration"])
        let faster = set.scenarios[4]
        #expect(faster.overrides == [ScenarioOverride(component: .exitRate, factor: 1.5, from: 2030, to: nil, countries: nil)])
        #expect(faster.overrides[0].applies(year: 2030, country: "SYR"))
        #expect(!faster.overrides[0].applies(year: 2029, country: "SYR"))
        #expect(set.scenarios[5].population == .zeroMigration)
    }

    @Test(arguments: [
        ("[run]\nhorizon = 2200\n[[scenario]]\npathway = \"SSP2-4.5\"", "run.horizon", "2200 is outside the pathways' years 2025–2100"),
        ("[[scenario]]\npathway = \"SSP4-6.0\"", "scenario[1].pathway", "\"SSP4-6.0\" is not one of SSP1-2.6, SSP2-4.5, SSP3-7.0, SSP5-8.5"),
        ("[[scenario]]\npathway = \"SSP2-4.5\"\npopulation = \"median\"", "scenario[1].population", "\"median\" is not one of low, medium, high, zero-migration"),
        ("[[scenario]]\npathway = \"SSP2-4.5\"\n[[scenario.override]]\ncomponent = \"exits\"\nfactor = 2", "scenario[1].override[1].component", "\"exits\" is not one of new_conflict, exit_rate, disaster, residual, onset_rate, crisis_duration"),
        ("[[scenario]]\npathway = \"SSP2-4.5\"\n[[scenario.override]]\ncomponent = \"disaster\"\nfactor = -1", "scenario[1].override[1].factor", "-1.0 is outside the allowed range 0.0–10.0 for disaster"),
        ("[[scenario]]\npathway = \"SSP2-4.5\"\n[[scenario.override]]\ncomponent = \"disaster\"\nfactor = 1\ncountries = [\"Syria\"]", "scenario[1].override[1].countries[1]", "must be an ISO 3166 alpha-3 code such as \"SYR\", got \"Syria\""),
        ("[run]\ndraws = 0\n[[scenario]]\npathway = \"SSP2-4.5\"", "run.draws", "0 must be between 1 and 1000000"),
        ("[run]\nhorizn = 2050\n[[scenario]]\npathway = \"SSP2-4.5\"", "run.horizn", "unknown key — allowed here: horizon, draws, seed, stock_model, disaster_idps, reference"),
        ("[run]\nreference = \"SSP9\"\n[[scenario]]\nname = \"a\"\npathway = \"SSP2-4.5\"", "run.reference", "\"SSP9\" is not the name of a [[scenario]] in this file — one of \"a\""),
        ("[run]\nstock_model = \"logistic\"\n[[scenario]]\npathway = \"SSP2-4.5\"", "run.stock_model", "\"logistic\" is not one of lifecycle, growth, flows"),
        ("[[scenario]]\npathway = \"SSP2-4.5\"\n[[scenario.override]]\ncomponent = \"residual\"\nfactor = 0.5", "scenario[1].override[1].component",
         "\"residual\" needs stock_model = \"flows\" in [run] — with \"lifecycle\" use one of exit_rate, disaster, onset_rate, crisis_duration"),
        ("[run]\nhorizon = 2050", "scenario", "no [[scenario]] entries — add at least one"),
    ])
    func validationNamesTheKeyPath(text: String, keyPath: String, message: String) {
        do {
            _ = try ScenarioSet.parse(text, file: "my.toml")
            Issue.record("expected an error")
        } catch let e as ScenarioError {
            #expect(e.keyPath == keyPath)
            #expect(e.message == message)
            #expect(e.description == "my.toml: \(keyPath): \(message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func tomlSyntaxErrorNamesLineAndColumn() {
        do {
            _ = try ScenarioSet.parse("[run\nhorizon = 2050", file: "bad.toml")
            Issue.record("expected an error")
        } catch let e as ScenarioError {
            #expect(e.description.hasPrefix("bad.toml: line 1, column"))
            #expect(e.description.hasSuffix("fix the TOML syntax"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite("Reproducible random streams")
struct DrawRandomStreamTests {
    @Test func sameKeySameNumbersDifferentKeysDiffer() {
        var a = DrawRandomStream(seed: 7, draw: 3, purpose: .country, key: 12)
        var b = DrawRandomStream(seed: 7, draw: 3, purpose: .country, key: 12)
        var c = DrawRandomStream(seed: 7, draw: 4, purpose: .country, key: 12)
        let xa = (0..<5).map { _ in a.next() }, xb = (0..<5).map { _ in b.next() }, xc = (0..<5).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func distributionsHaveTheRightMoments() {
        var r = DrawRandomStream(seed: 1, draw: 0, purpose: .other)
        let n = 200_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let x = r.normal(); s += x; s2 += x * x }
        #expect(abs(s / Double(n)) < 0.01)
        #expect(abs(s2 / Double(n) - 1) < 0.01)
        for lambda in [0.5, 12.0, 250.0] {
            var m = 0.0, v = 0.0
            var samples: [Double] = []
            for _ in 0..<50_000 { samples.append(r.poisson(lambda)) }
            m = samples.reduce(0, +) / 50_000
            v = samples.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 50_000
            #expect(abs(m / lambda - 1) < 0.02, "poisson mean \(lambda)")
            #expect(abs(v / lambda - 1) < 0.05, "poisson variance \(lambda)")
        }
        var g = 0.0
        for _ in 0..<50_000 { g += r.gamma(shape: 2.5) }
        #expect(abs(g / 50_000 / 2.5 - 1) < 0.02)
    }

    /// The ziggurat normal against Φ: Kolmogorov–Smirnov distance on 200,000 draws (the 0.1 %
    /// critical value is 1.95/√n = 0.0044), and the mass beyond the base layer's edge
    /// r = 3.6542 (2·(1 − Φ(r)) = 2.58·10⁻⁴, tail algorithm) and beyond 2 (wedges) within 4 SE.
    @Test func zigguratNormalFollowsPhi() {
        var r = DrawRandomStream(seed: 11, draw: 5, purpose: .other)
        let n = 200_000
        let v = (0..<n).map { _ in r.normal() }.sorted()
        var d = 0.0
        for (i, x) in v.enumerated() {
            let phi = 0.5 * erfc(-x / 2.0.squareRoot())
            d = max(d, abs(phi - Double(i) / Double(n)), abs(phi - Double(i + 1) / Double(n)))
        }
        #expect(d < 1.95 / Double(n).squareRoot(), "KS distance \(d)")
        let m = 2_000_000
        var beyondR = 0, beyond2 = 0
        for _ in 0..<m { let x = abs(r.normal()); if x > 3.6541528853610088 { beyondR += 1 }; if x > 2 { beyond2 += 1 } }
        for (count, p) in [(beyondR, erfc(3.6541528853610088 / 2.0.squareRoot())), (beyond2, erfc(2 / 2.0.squareRoot()))] {
            let expected = Double(m) * p, se = (Double(m) * p * (1 - p)).squareRoot()
            #expect(abs(Double(count) - expected) < 4 * se, "\(count) vs \(expected)")
        }
    }

    @Test func quantilesMatchNumpyType7() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.05, 0.1, 0.5, 0.9, 0.95]) = [1.2, 1.4, 3.0, 7.6, 8.8]
        let q = QuantileSummary([10, 2, 4, 1, 3])
        #expect(abs(q.p05 - 1.2) < 1e-12 && abs(q.p10 - 1.4) < 1e-12 && q.p50 == 3)
        #expect(abs(q.p90 - 7.6) < 1e-12 && abs(q.p95 - 8.8) < 1e-12 && q.mean == 4)
    }
}

@Suite("Fixed-point accumulation")
struct FixedPointConversionTests {
    @Test func conversionRoundsClampsAndDropsNonFinite() {
        let f = FixedPointAccumulator.fixed
        // 2⁻¹⁶-person units, rounded half to even.
        #expect(f(1) == 65_536 && f(-2.5) == -163_840 && f(0) == 0 && f(-0.0) == 0)
        #expect(f(0.5 / 65_536) == 0 && f(1.5 / 65_536) == 2 && f(-1.5 / 65_536) == -2 && f(2.5 / 65_536) == 2)
        #expect(f(123_456_789.123) == Int64((123_456_789.123 * 65_536).rounded(.toNearestOrEven)))
        // Beyond ±2³⁵ persons: clamped; NaN and infinities count as zero.
        #expect(f(1e12) == 1 << 51 && f(-1e12) == -(1 << 51) && f(0x1p35) == 1 << 51)
        #expect(f(.nan) == 0 && f(.infinity) == 0 && f(-.infinity) == 0)
    }
}

@Suite("Quantile selection equals sorting")
struct QuantileSelectionTests {
    @Test func selectionMatchesSortedType7() {
        var rng = DrawRandomStream(seed: 3, draw: 0, purpose: .other)
        for n in [1, 2, 3, 7, 20, 101, 1000] {
            for _ in 0..<20 {
                var v = (0..<n).map { _ in (rng.uniform() * 10).rounded() }   // ties on purpose
                if n > 5 { v[0] = v[1] }
                let q = QuantileSummary(v)
                let s = v.sorted()
                for (p, got) in zip(QuantileSummary.probabilities, [q.p025, q.p05, q.p10, q.p50, q.p90, q.p95, q.p975]) {
                    #expect(abs(got - QuantileSummary.quantile(sorted: s, p)) < 1e-12, "n \(n) p \(p)")
                }
            }
        }
        // Mostly zeros (a hazard that rarely strikes), and the five-quantile variant.
        for n in [50, 1000, 4321] {
            for zeros in [0.5, 0.9, 0.999] {
                let v = (0..<n).map { _ in rng.uniform() < zeros ? 0 : (rng.uniform() * 1e6).rounded() - 2e5 }
                let s = v.sorted()
                let q = QuantileSummary(v), q5 = QuantileSummary(v, tails: false)
                for (p, got) in zip(QuantileSummary.probabilities, [q.p025, q.p05, q.p10, q.p50, q.p90, q.p95, q.p975]) {
                    #expect(got == QuantileSummary.quantile(sorted: s, p), "n \(n) zeros \(zeros) p \(p)")
                }
                let same = q5.p05 == q.p05 && q5.p10 == q.p10 && q5.p50 == q.p50 && q5.p90 == q.p90 && q5.p95 == q.p95
                #expect(same && q5.p025.isNaN && q5.p975.isNaN)
            }
        }
        // Ordered inputs (the Floyd–Rivest window then sees the extremes, not a sample): still
        // exact, only slower. Sorted, reversed, organ pipe, and few distinct values.
        for n in [700, 5_000] {
            let ramp = (0..<n).map { Double($0) }
            let inputs = [ramp, Array(ramp.reversed()), ramp.map { min($0, Double(n) - $0) }, ramp.map { Double(Int($0) % 3) }]
            for v in inputs {
                let q = QuantileSummary(v), s = v.sorted()
                for (p, got) in zip(QuantileSummary.probabilities, [q.p025, q.p05, q.p10, q.p50, q.p90, q.p95, q.p975]) {
                    #expect(got == QuantileSummary.quantile(sorted: s, p), "n \(n) p \(p)")
                }
            }
        }
        // Continuous values, large n: exactly the sorted type-7 quantiles.
        for n in [9_999, 10_000] {
            let v = (0..<n).map { _ in exp(2 * rng.normal()) }
            let q = QuantileSummary(v), s = v.sorted()
            for (p, got) in zip(QuantileSummary.probabilities, [q.p025, q.p05, q.p10, q.p50, q.p90, q.p95, q.p975]) {
                #expect(got == QuantileSummary.quantile(sorted: s, p), "n \(n) p \(p)")
            }
        }
    }
}
