import Foundation
import Linalg
import Testing
@testable import MigrationModels

/// Validation, clear errors, and the analyses on hand-checkable chains.
@Suite("Markov chains: validation, errors and small exact cases")
struct MarkovErrorTests {
    let displacement = ["at home", "internally displaced", "refugee", "asylum seeker", "returned", "resettled"]

    @Test("rows that do not sum to one are refused, naming the state")
    func rowSums() throws {
        let e = #expect(throws: MarkovError.self) {
            try MarkovChain(states: ["refugee", "returned"], rows: [[0.9, 0.05], [0, 1]])
        }
        guard case let .rowDoesNotSumToOne(state, sum, _)? = e else { Issue.record("wrong error \(String(describing: e))"); return }
        #expect(state == "refugee" && abs(sum - 0.95) < 1e-15)
        #expect(e?.description.contains("every row of P must sum to one") == true)
    }

    @Test("negative and non-finite probabilities are refused")
    func negativeAndNaN() {
        #expect(throws: MarkovError.negativeValue(what: "the transition matrix", row: "a", column: "b", value: -0.1)) {
            try MarkovChain(states: ["a", "b"], rows: [[1.1, -0.1], [0, 1]])
        }
        #expect(throws: MarkovError.self) { try MarkovChain(states: ["a", "b"], rows: [[.nan, 1], [0, 1]]) }
        #expect(throws: MarkovError.duplicateState("a")) { try MarkovChain(states: ["a", "a"], rows: [[1, 0], [0, 1]]) }
        #expect(throws: MarkovError.self) { try MarkovChain(states: ["a"], rows: [[1, 0], [0, 1]]) }
        #expect(throws: MarkovError.negativeValue(what: "the transition counts", row: "a", column: "a", value: -1)) {
            try TransitionCounts(states: ["a", "b"], counts: try Matrix([[-1, 1], [0, 1]]))
        }
    }

    @Test("a singular I − Q names the trapped states")
    func singularFundamental() throws {
        // 'refugee' ↔ 'asylum seeker' cycle forever: no path to 'returned'.
        let chain = try MarkovChain(states: ["internally displaced", "refugee", "asylum seeker", "returned"], rows: [
            [0.5, 0.2, 0, 0.3],
            [0, 0.5, 0.5, 0],
            [0, 0.5, 0.5, 0],
            [0, 0, 0, 1],
        ])
        let e = #expect(throws: MarkovError.self) { try chain.absorbingAnalysis() }
        #expect(e == .singularFundamentalMatrix(trappedStates: ["refugee", "asylum seeker"], reciprocalCondition: nil))
        #expect(e?.description.contains("never reach an absorbing state") == true)
    }

    @Test("asking for absorption in a chain without an absorbing state is an error")
    func noAbsorbing() throws {
        let chain = try MarkovChain(states: ["refugee", "returned"], rows: [[0.9, 0.1], [0.2, 0.8]])
        let e = #expect(throws: MarkovError.self) { try chain.absorbingAnalysis() }
        #expect(e == .noAbsorbingState(states: ["refugee", "returned"]))
        #expect(e?.description.contains("pass `absorbing:`") == true)
        // Declaring 'returned' as the exit gives the time until the first return: 1/0.1 steps.
        let a = try chain.absorbingAnalysis(absorbing: ["returned"])
        #expect(abs(try a.expectedDuration(from: "refugee") - 10) < 1e-13)
        #expect(abs(a.varianceOfTimeToAbsorption[0] - 0.9 / 0.01) < 1e-11)
        #expect(throws: MarkovError.unknownState("home", known: ["refugee", "returned"])) { try chain.absorbingAnalysis(absorbing: ["home"]) }
    }

    @Test("first passage needs irreducibility; several closed classes make π non-unique")
    func reducible() throws {
        let chain = try MarkovChain(states: ["refugee", "returned", "resettled"], rows: [[0.8, 0.15, 0.05], [0, 1, 0], [0, 0, 1]])
        #expect(throws: MarkovError.notIrreducible(classes: [["refugee"], ["returned"], ["resettled"]])) { try chain.meanFirstPassageTimes() }
        #expect(throws: MarkovError.stationaryDistributionNotUnique(closedClasses: [["returned"], ["resettled"]])) { try chain.stationaryDistribution() }
    }

    @Test("stationary distribution of a periodic chain (where the eigenvalue −1 competes) and with transient states")
    func periodic() throws {
        // Period 2: a ↔ {b, c}.
        let chain = try MarkovChain(states: ["a", "b", "c"], rows: [[0, 0.25, 0.75], [1, 0, 0], [1, 0, 0]])
        let c = chain.classify()
        #expect(c.isIrreducible && !c.isErgodic && c.periods == [2])
        let pi = try chain.stationaryDistribution()
        #expect(markovError(pi.probabilities, [0.5, 0.125, 0.375]) < 1e-15)
        let m = try chain.meanFirstPassageTimes()
        #expect(abs(try m.meanTime(from: "b", to: "a") - 1) < 1e-13)
        #expect(abs(try m.meanTime(from: "a", to: "a") - 2) < 1e-13)
        #expect(abs(try m.meanTime(from: "a", to: "b") - 7) < 1e-12)  // m = ¼·1 + ¾·(2 + m)
        // A transient state gets π = 0.
        let t = try MarkovChain(states: ["x", "y", "z"], rows: [[0.5, 0.5, 0], [0, 0.3, 0.7], [0, 0.6, 0.4]])
        let pt = try t.stationaryDistribution()
        #expect(pt.probabilities[0] == 0)
        #expect(markovError(pt.probabilities, [0, 6.0 / 13, 7.0 / 13]) < 1e-15)
    }

    @Test("classification of a six-state displacement chain")
    func classification() throws {
        let chain = try MarkovChain(states: displacement, rows: [
            [0.95, 0.04, 0.01, 0, 0, 0],
            [0.05, 0.80, 0.05, 0.05, 0.05, 0],
            [0, 0, 0.85, 0.05, 0.07, 0.03],
            [0, 0, 0.40, 0.50, 0.10, 0],
            [0, 0, 0, 0, 1, 0],
            [0, 0, 0, 0, 0, 1],
        ])
        let c = chain.classify()
        #expect(c.classes == [["at home", "internally displaced"], ["refugee", "asylum seeker"], ["returned"], ["resettled"]])
        #expect(c.isClosed == [false, false, true, true])
        #expect(c.absorbingStates == ["returned", "resettled"])
        #expect(c.transientStates == Array(displacement.prefix(4)))
        let a = try chain.absorbingAnalysis()
        for i in 0..<4 {
            let row = (0..<2).reduce(0.0) { $0 + a.absorptionProbabilities[i, $1] }
            #expect(abs(row - 1) < 1e-13)
        }
        // Every starting state's expected duration is finite and positive.
        #expect(a.expectedTimeToAbsorption.allSatisfy { $0 > 1 && $0.isFinite })
        #expect(abs(try a.expectedDuration(weights: [0, 1, 0, 0]) - a.expectedTimeToAbsorption[1]) < 1e-13)
    }

    @Test("time-varying projection with inflows, and its errors")
    func projection() throws {
        let p1 = try MarkovChain(states: ["refugee", "returned"], rows: [[0.9, 0.1], [0, 1]])
        let p2 = try MarkovChain(states: ["refugee", "returned"], rows: [[0.8, 0.2], [0, 1]])
        let path = try MarkovProjection.project(initial: [100, 0], steps: 2, transition: { $0 == 0 ? p1 : p2 },
                                                inflow: { _ in [10, 0] })
        #expect(markovError(path[1], [100, 10]) < 1e-15)
        #expect(markovError(path[2], [90, 30]) < 1e-14)
        #expect(throws: MarkovError.negativeValue(what: "the initial vector", row: "refugee", column: "value", value: -1)) {
            try p1.project([-1, 0], steps: 1)
        }
        let other = try MarkovChain(states: ["returned", "refugee"], rows: [[1, 0], [0.1, 0.9]])
        #expect(throws: MarkovError.self) { try MarkovProjection.project(initial: [1, 0], steps: 2, transition: { $0 == 0 ? p1 : other }) }
    }

    @Test("panel counting skips gaps; homogeneity needs two tables")
    func panels() throws {
        let panel: [[String?]] = [["a", "b", nil, "a"], ["a", "a", "b", "b"]]
        let counts = try TransitionCounts.fromPanel(panel, states: ["a", "b"])
        #expect(counts.counts == (try Matrix([[1, 2], [0, 1]])))
        #expect(throws: MarkovError.unknownState("c", known: ["a", "b"])) { try TransitionCounts.fromSequences([["a", "c"]], states: ["a", "b"]) }
        #expect(throws: MarkovError.self) { try MarkovHypothesisTest.homogeneity([counts]) }
    }

    @Test("aggregate estimation refuses shares that do not sum to one and warns when not identified")
    func aggregateErrors() throws {
        #expect(throws: MarkovError.self) {
            try AggregateMarkovEstimate.fit(shares: [[0.5, 0.6], [0.5, 0.5]], states: ["a", "b"])
        }
        // Two dates for three states: XᵀX has rank 1.
        let fit = try AggregateMarkovEstimate.fit(shares: [[0.6, 0.3, 0.1], [0.5, 0.35, 0.15]], states: ["a", "b", "c"])
        #expect(!fit.isIdentified && fit.designRank == 1 && !fit.warnings.isEmpty)
        #expect(fit.residualSumOfSquares < 1e-20)
    }

    @Test("exit rate and expected duration of a two-state chain")
    func exitRate() throws {
        let r = try DisplacementExitRate.estimate(exits: [50, 30], atRisk: [1000, 600])
        #expect(abs(r.rate - 0.05) < 1e-15)
        #expect(abs(r.expectedDuration - 20) < 1e-12)
        #expect(abs(r.durationStandardDeviation - (0.95 / 0.0025).squareRoot()) < 1e-10)
        #expect(r.medianDuration == 14)  // 1 − 0.95¹⁴ = 0.512
        #expect(r.rateLower < 0.05 && r.rateUpper > 0.05 && r.durationLower < 20 && r.durationUpper > 20)
        #expect(throws: MarkovError.self) { try DisplacementExitRate.estimate(exits: [10], atRisk: [5]) }
        #expect(throws: MarkovError.self) { try DisplacementExitRate.estimate(exits: [0], atRisk: [5]) }
    }
}
