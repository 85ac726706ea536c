import Foundation
import Testing
@testable import MigrationModels

/// Issue 15: fits on hostile input return or fail quickly with a clear error.
@Suite("Regression: hostile input")
struct RegressionHostileInputTests {
    @Test("negative binomial on under-dispersed counts (y = x = 1…4) returns with a clear error")
    func negativeBinomialUnderdispersed() {
        let x: [Double] = [1, 2, 3, 4]
        var options = RegressionOptions()
        options.maxIterations = 5
        let start = Date()
        do {
            _ = try GeneralizedLinearModel.fit(response: x, regressors: [[1, 1, 1, 1], x], names: ["Intercept", "x"],
                                               family: .negativeBinomial(theta: nil), options: options)
            Issue.record("expected an error")
        } catch let e as RegressionError {
            if case .noFiniteEstimate = e {} else { Issue.record("unexpected \(e)") }
            #expect(e.description.contains("fit `poisson` instead"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("θ's Newton iteration is bounded on every start")
    func thetaLoopIsBounded() {
        for start: Double? in [nil, 1e-300, 1, 1e7, 1e300] {
            _ = try? NegativeBinomialTheta.maximumLikelihood(y: [1, 2, 3, 4], mu: [1, 2, 3, 4], weights: nil, start: start)
        }
    }

    @Test("a Poisson fit with 316 parameters on 500 rows finishes in seconds")
    func widePoisson() throws {
        var generator = SplitMix64(seed: 15)
        let n = 500, k = 315
        let y: [Double] = (0..<n).map { _ in [0, 0, 0, 1, 2, 7][Int(generator.next() % 6)] }
        let x: [[Double]] = [[Double](repeating: 1, count: n)] + (0..<k).map { _ in
            (0..<n).map { _ in Double(Int64(generator.next() % 2001) - 1000) / 500 }
        }
        let names = ["Intercept"] + (0..<k).map { "x\($0)" }
        let start = Date()
        var options = RegressionOptions()
        options.allowNonConvergence = true
        _ = try? GeneralizedLinearModel.fit(response: y, regressors: x, names: names, family: .poisson, options: options)
        #expect(Date().timeIntervalSince(start) < 60)   // was minutes (the separation check refactored X every step)
    }

    @Test("a Poisson model with more regressors than rows is refused at once (no (columns + 1)² padding)")
    func moreColumnsThanRows() {
        let n = 5, k = 3_000
        let x: [[Double]] = (0..<k).map { j in (0..<n).map { Double(($0 * 7 + j) % 11) } }
        let start = Date()
        #expect(throws: RegressionError.tooFewObservations(observations: n, parameters: k)) {
            try GeneralizedLinearModel.fit(response: [1, 0, 2, 3, 0], regressors: x, names: (0..<k).map { "a\($0)" }, family: .poisson)
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("values and weights whose squares overflow are refused, not silently dropped as collinear")
    func overflowingMagnitudes() {
        #expect(throws: RegressionError.self) {
            try LinearModel.fit(response: [1, 2, 3], regressors: [[1, 1, 1], [1e300, -1e300, 1e-300]], names: ["Intercept", "x"])
        }
        #expect(throws: RegressionError.self) {
            try LinearModel.fit(response: [1, 2, 3], regressors: [[1, 1, 1], [1, 2, 4]], names: ["Intercept", "x"], weights: [1e308, 1e308, 1e308])
        }
        #expect(throws: RegressionError.self) {
            try GeneralizedLinearModel.fit(response: [1, 2, 3], regressors: [[1, 1, 1], [1, 2, 4]], names: ["Intercept", "x"], family: .poisson,
                                           weights: [Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude])
        }
        // Weights that are merely large or small still fit, and only their ratios matter.
        let a = try? LinearModel.fit(response: [1, 2, 3, 5], regressors: [[1, 1, 1, 1], [1, 2, 4, 3]], names: ["Intercept", "x"], weights: [1e100, 2e100, 1e100, 3e100])
        let b = try? LinearModel.fit(response: [1, 2, 3, 5], regressors: [[1, 1, 1, 1], [1, 2, 4, 3]], names: ["Intercept", "x"], weights: [1, 2, 1, 3])
        #expect(a != nil && b != nil)
        if let a, let b {
            for (u, v) in zip(a.coefficients, b.coefficients) { #expect(abs(u.estimate - v.estimate) < 1e-9) }
        }
    }

    @Test("the separation check's fixed-effect projections stop at their work limit with a clear error")
    func rectifierWorkLimit() {
        var generator = SplitMix64(seed: 5)
        let n = 3_000
        var y = [Double](), x = [Double](), g = [String](), h = [String]()
        for i in 0..<n {
            let v = Double(generator.next() % 10_000) / 10_000
            x.append(v)
            y.append(v < 0.5 ? 0 : Double(generator.next() % 6))
            g.append("g\(i % 1_500)"); h.append("h\((i * 7) % 1_250)")
        }
        let fes = [FixedEffect(name: "g", labels: g), FixedEffect(name: "h", labels: h)]
        let start = Date()
        do {
            _ = try Separation.rectifier(y: y, x: [x], fixedEffects: fes, keep: [Bool](repeating: true, count: n),
                                         solverOptions: FixedEffectSolverOptions(), projectionWork: 3_000_000)
            Issue.record("expected the work limit to stop the check")
        } catch let e as RegressionError {
            #expect(e.description.contains("--no-separation-check"), "\(e)")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test("a response near 1e300 is refused by count models instead of returning garbage")
    func hugeResponse() {
        #expect(throws: RegressionError.self) {
            try GeneralizedLinearModel.fit(response: [1e300, 2, 3, 4], regressors: [[1, 1, 1, 1], [1, 2, 3, 1]],
                                           names: ["Intercept", "x"], family: .poisson)
        }
        #expect(GeneralizedLinearModel.maximumResponse == 1e100)
    }

    @Test("all weights zero, or no observation, is a clear error")
    func noUsableObservations() {
        #expect(throws: RegressionError.self) {
            try LinearModel.fit(response: [1, 2, 3], regressors: [[1, 1, 1], [1, 2, 3]], names: ["Intercept", "x"], weights: [0, 0, 0])
        }
        #expect(throws: RegressionError.tooFewObservations(observations: 0, parameters: 1)) {
            try LinearModel.fit(response: [], regressors: [[]], names: ["x"])
        }
        #expect(throws: RegressionError.self) {
            try GeneralizedLinearModel.fit(response: [1, 2, 3], regressors: [[1, 1, 1]], names: ["Intercept"], family: .poisson, weights: [0, 0, 0])
        }
    }
}

/// A small deterministic generator for tests (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
