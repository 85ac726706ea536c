import Foundation
import Linalg
import Testing
@testable import MigrationModels

/// Tests/Fixtures/markov/reference.json (numpy/scipy, from make_reference.py).
struct MarkovFixture: @unchecked Sendable {
    let cases: [String: Any]
    static let shared: MarkovFixture = {
        let url = TestData.fixtures.appendingPathComponent("markov/reference.json")
        guard let data = try? Data(contentsOf: url),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = obj["cases"] as? [String: Any] else { return MarkovFixture(cases: [:]) }
        return MarkovFixture(cases: cases)
    }()

    func `case`(_ name: String) throws -> [String: Any] {
        guard let c = cases[name] as? [String: Any] else { throw MarkovFixtureMissing(key: name) }
        return c
    }
    static func matrix(_ any: Any?, _ key: String) throws -> Matrix {
        guard let d = any as? [String: Any], let r = d["rows"] as? Int, let c = d["cols"] as? Int,
              let data = d["data"] as? [NSNumber] else { throw MarkovFixtureMissing(key: key) }
        return try Matrix(rows: r, cols: c, columnMajor: data.map(\.doubleValue))
    }
    static func vector(_ any: Any?, _ key: String) throws -> [Double] {
        guard let v = any as? [NSNumber] else { throw MarkovFixtureMissing(key: key) }
        return v.map(\.doubleValue)
    }
    static func number(_ any: Any?, _ key: String) throws -> Double {
        guard let v = any as? NSNumber else { throw MarkovFixtureMissing(key: key) }
        return v.doubleValue
    }
    static func strings(_ any: Any?, _ key: String) throws -> [String] {
        guard let v = any as? [String] else { throw MarkovFixtureMissing(key: key) }
        return v
    }
}

struct MarkovFixtureMissing: Error, CustomStringConvertible {
    let key: String
    var description: String { "Tests/Fixtures/markov/reference.json has no '\(key)' — regenerate with python3 Tests/Fixtures/markov/make_reference.py" }
}

/// Largest |a − b| / max(1, |b|).
func markovError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    var e = 0.0
    for k in a.indices { e = max(e, abs(a[k] - b[k]) / max(1, abs(b[k]))) }
    return e
}

func markovError(_ a: Matrix, _ b: Matrix) -> Double {
    guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
    return markovError(a.elements, b.elements)
}

let markovTolerance = 1e-12

@Suite("Markov chains against numpy/scipy references")
struct MarkovReferenceTests {
    let fixture = MarkovFixture.shared

    @Test("ergodic 4-state chain: stationary distribution, first passage, powers, projection")
    func ergodic() throws {
        let c = try fixture.case("ergodic4")
        let chain = try MarkovChain(states: try MarkovFixture.strings(c["states"], "states"),
                                    transitionMatrix: try MarkovFixture.matrix(c["P"], "P"))
        let classification = chain.classify()
        #expect(classification.isIrreducible && classification.isErgodic)
        #expect(classification.absorbingStates.isEmpty)
        let pi = try chain.stationaryDistribution()
        #expect(markovError(pi.probabilities, try MarkovFixture.vector(c["stationary"], "stationary")) < markovTolerance)
        #expect(pi.residual < 1e-14)
        let fpt = try chain.meanFirstPassageTimes()
        #expect(markovError(fpt.fundamentalMatrix, try MarkovFixture.matrix(c["Z"], "Z")) < markovTolerance)
        #expect(markovError(fpt.meanFirstPassageTimes, try MarkovFixture.matrix(c["M"], "M")) < markovTolerance)
        #expect(markovError(try chain.power(5), try MarkovFixture.matrix(c["P5"], "P5")) < markovTolerance)
        let path = try chain.project(try MarkovFixture.vector(c["x0"], "x0"), steps: 10)
        let expected = (c["path"] as? [Any] ?? []).compactMap { try? MarkovFixture.vector($0, "path") }
        #expect(path.count == expected.count && path.count == 11)
        for (p, e) in zip(path, expected) { #expect(markovError(p, e) < markovTolerance) }
    }

    @Test("absorbing 5-state chain: N, expected duration, its variance, absorption probabilities")
    func absorbing() throws {
        let c = try fixture.case("absorbing5")
        let chain = try MarkovChain(states: try MarkovFixture.strings(c["states"], "states"),
                                    transitionMatrix: try MarkovFixture.matrix(c["P"], "P"))
        #expect(chain.absorbingStates == ["returned", "resettled"])
        let a = try chain.absorbingAnalysis()
        #expect(a.transientStates == (try MarkovFixture.strings(c["transient"], "transient")))
        #expect(markovError(a.fundamentalMatrix, try MarkovFixture.matrix(c["N"], "N")) < markovTolerance)
        #expect(markovError(a.expectedTimeToAbsorption, try MarkovFixture.vector(c["t"], "t")) < markovTolerance)
        #expect(markovError(a.varianceOfTimeToAbsorption, try MarkovFixture.vector(c["variance"], "variance")) < markovTolerance)
        #expect(markovError(a.absorptionProbabilities, try MarkovFixture.matrix(c["B"], "B")) < markovTolerance)
        let t = try MarkovFixture.vector(c["t"], "t")
        #expect(abs(try a.expectedDuration(from: "refugee") - t[2]) < 1e-12 * t[2])
        #expect(try a.expectedDuration(from: "returned") == 0)
        let b = try MarkovFixture.matrix(c["B"], "B")
        #expect(abs(try a.absorptionProbability(from: "asylum seeker", into: "resettled") - b[1, 1]) < 1e-12)
        // Declaring the exits explicitly gives the same analysis.
        let declared = try chain.absorbingAnalysis(absorbing: ["resettled", "returned"])
        #expect(markovError(declared.expectedTimeToAbsorption, t) < markovTolerance)
        let path = try chain.project(try MarkovFixture.vector(c["x0"], "x0"), steps: 8)
        let expected = (c["path"] as? [Any] ?? []).compactMap { try? MarkovFixture.vector($0, "path") }
        for (p, e) in zip(path, expected) { #expect(markovError(p, e) < markovTolerance) }
        let classification = chain.classify()
        #expect(classification.transientStates == ["internally displaced", "asylum seeker", "refugee"])
        #expect(classification.closedClasses == [["returned"], ["resettled"]])
    }

    @Test("maximum likelihood from sequences: counts, P̂, log-likelihood, Wilson intervals")
    func maximumLikelihood() throws {
        let c = try fixture.case("mle")
        let states = try MarkovFixture.strings(c["states"], "states")
        guard let sequences = c["sequences"] as? [[String]] else { throw MarkovFixtureMissing(key: "mle.sequences") }
        #expect(throws: MarkovError.noObservedTransitions(states: ["returned", "resettled"])) {
            try MarkovChainEstimate.fit(sequences: sequences, states: states)
        }
        let fit = try MarkovChainEstimate.fit(sequences: sequences, states: states, unobservedStates: .absorbing)
        #expect(fit.counts.counts == (try MarkovFixture.matrix(c["counts"], "counts")))
        #expect(markovError(fit.chain.transitionMatrix, try MarkovFixture.matrix(c["P"], "P")) < markovTolerance)
        #expect(abs(fit.logLikelihood - (try MarkovFixture.number(c["loglik"], "loglik"))) < 1e-12 * abs(fit.logLikelihood))
        #expect(fit.unobservedStates == ["returned", "resettled"])
        #expect(fit.parameters == 3 * 4)
        let se = try MarkovFixture.matrix(c["se_transient"], "se"), lo = try MarkovFixture.matrix(c["lower_transient"], "lo")
        let hi = try MarkovFixture.matrix(c["upper_transient"], "hi")
        for i in 0..<3 {
            for j in 0..<5 {
                #expect(abs(fit.standardErrors[i, j] - se[i, j]) < 1e-12)
                #expect(abs(fit.confidenceLower[i, j] - lo[i, j]) < 1e-12)
                #expect(abs(fit.confidenceUpper[i, j] - hi[i, j]) < 1e-12)
            }
        }
        #expect(fit.standardErrors[3, 3].isNaN && fit.confidenceLower[3, 3] == 0 && fit.confidenceUpper[3, 3] == 1)
    }

    @Test("time homogeneity: G² and X² per state and in total, with df and p-values (scipy chi2_contingency)")
    func homogeneity() throws {
        let c = try fixture.case("homogeneity")
        let states = try MarkovFixture.strings(c["states"], "states")
        guard let rawPanel = c["panel"] as? [[Any]] else { throw MarkovFixtureMissing(key: "homogeneity.panel") }
        let panel: [[String?]] = rawPanel.map { $0.map { $0 as? String } }
        let tables = try TransitionCounts.byPeriod(panel, states: states)
        let expectedTables = (c["period_counts"] as? [Any] ?? []).compactMap { try? MarkovFixture.matrix($0, "period_counts") }
        #expect(tables.map(\.counts) == expectedTables)
        let test = try MarkovHypothesisTest.homogeneity(tables)
        try expectTest(test, c)
    }

    @Test("Markov property (first against second order) on sequences")
    func markovProperty() throws {
        let c = try fixture.case("markov_property")
        let states = try MarkovFixture.strings(c["states"], "states")
        guard let sequences = c["sequences"] as? [[String]] else { throw MarkovFixtureMissing(key: "markov_property.sequences") }
        let test = try MarkovHypothesisTest.markovProperty(sequences: sequences, states: states)
        try expectTest(test, c)
        #expect(test.pValue < 1e-6, "the sequences come from a second-order process")
    }

    func expectTest(_ test: MarkovTestResult, _ c: [String: Any]) throws {
        let g2 = try MarkovFixture.number(c["G2"], "G2"), x2 = try MarkovFixture.number(c["X2"], "X2")
        #expect(abs(test.statistic - g2) < 1e-12 * max(1, g2))
        #expect(abs(test.pearsonStatistic - x2) < 1e-12 * max(1, x2))
        #expect(test.degreesOfFreedom == Int(try MarkovFixture.number(c["df"], "df")))
        let p = try MarkovFixture.number(c["p"], "p"), pp = try MarkovFixture.number(c["p_pearson"], "p_pearson")
        // The χ² tail comes from Distributions (series / continued fraction): relative accuracy ~1e-12.
        #expect(abs(test.pValue - p) <= 1e-10 * p + 1e-300)
        #expect(abs(test.pearsonPValue - pp) <= 1e-10 * pp + 1e-300)
        guard let parts = c["by_state"] as? [[NSNumber]] else { throw MarkovFixtureMissing(key: "by_state") }
        for (got, exp) in zip(test.byState, parts) {
            #expect(abs(got.statistic - exp[0].doubleValue) < 1e-12 * max(1, exp[0].doubleValue))
            #expect(abs(got.pearsonStatistic - exp[1].doubleValue) < 1e-12 * max(1, exp[1].doubleValue))
            #expect(got.degreesOfFreedom == exp[2].intValue)
        }
    }

    @Test("aggregate shares (Lee–Judge–Zellner): restricted least squares, interior and on the boundary",
          arguments: ["aggregate", "aggregate_boundary"])
    func aggregate(name: String) throws {
        let c = try fixture.case(name)
        let states = try MarkovFixture.strings(c["states"], "states")
        guard let shares = (c["shares"] as? [[NSNumber]])?.map({ $0.map(\.doubleValue) }) else { throw MarkovFixtureMissing(key: "\(name).shares") }
        let fit = try AggregateMarkovEstimate.fit(shares: shares, states: states)
        #expect(markovError(fit.chain.transitionMatrix, try MarkovFixture.matrix(c["P"], "P")) < markovTolerance,
                "\(fit.chain.transitionMatrix)")
        let rss = try MarkovFixture.number(c["rss"], "rss")
        #expect(abs(fit.residualSumOfSquares - rss) < 1e-12 * rss)
        let zeros = (c["zero_entries"] as? [[String]] ?? []).map { "\($0[0])→\($0[1])" }.sorted()
        #expect(fit.zeroEntries.map { "\($0.from)→\($0.to)" }.sorted() == zeros)
        #expect(fit.isIdentified && fit.warnings.isEmpty)
    }
}
