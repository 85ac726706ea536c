import Foundation
import Linalg

/// The rate at which people leave displacement and the implied expected duration, from
/// aggregate exits and the population at risk — a two-state absorbing Markov chain
/// ("displaced" → "exited").
///
/// Over periods s = 1…S with exits Eₛ (for refugees: returns + resettlement + naturalisation)
/// out of Nₛ people at risk (the displaced stock at the start of the period), the maximum-
/// likelihood estimate of a constant per-step exit probability is the pooled rate
/// ĥ = ΣEₛ / ΣNₛ (the two-state chain's row estimate, `MarkovChainEstimate` on the counts
/// [[ΣN − ΣE, ΣE], [0, 0]]). With P = [[1 − h, h], [0, 1]] the fundamental matrix is
/// N = 1/h, so the expected duration of displacement is 1/h steps, with variance
/// (1 − h)/h² (Kemeny & Snell 1960, §3.3). The median is the smallest whole number of steps m
/// with 1 − (1 − h)ᵐ ≥ ½ (the geometric distribution).
///
/// This is a *prospective* duration under a constant hazard: how long a displacement lasts
/// when exits keep their pooled rate. It is not the elapsed time in exile of the current
/// stock (Devictor & Do 2016), which depends on past inflows; the two agree only for a
/// stationary stock with a constant hazard. Exits in the data include people who arrived
/// during the period, so ĥ slightly overstates the hazard of the starting stock.
///
/// Members: `exits` (ΣE), `atRisk` (ΣN), `rate` (ĥ per step), `rateLower`/`rateUpper`
/// (Wilson score interval treating people as independent — much too narrow for aggregate
/// data, whose overdispersion it ignores), `expectedDuration` (years), `durationLower`/
/// `durationUpper` (1/rateUpper, 1/rateLower, years), `durationStandardDeviation` (years),
/// `medianDuration` (years), `stepLength` (years per step), `analysis` (the absorbing-chain
/// analysis it came from).
public struct DisplacementExitRate: Sendable, Equatable {
    public let exits: Double
    public let atRisk: Double
    public let rate: Double
    public let rateLower: Double
    public let rateUpper: Double
    public let expectedDuration: Double
    public let durationLower: Double
    public let durationUpper: Double
    public let durationStandardDeviation: Double
    public let medianDuration: Double
    public let stepLength: Double
    public let analysis: AbsorbingChainAnalysis

    /// Pools exits and people at risk over periods and derives the duration.
    /// - Parameters:
    ///   - exits: Eₛ ≥ 0 per period.
    ///   - atRisk: Nₛ ≥ Eₛ per period (same length).
    ///   - stepLength: years per period (1 for annual data).
    ///   - confidenceLevel: for the Wilson interval, in (0, 1).
    /// - Throws: `MarkovError.invalidInput` (lengths, step length ≤ 0, exits > people at
    ///   risk in a period, no exit at all), `.nonFinite`, `.negativeValue`.
    public static func estimate(exits: [Double], atRisk: [Double], stepLength: Double = 1,
                                confidenceLevel: Double = 0.95) throws -> DisplacementExitRate {
        guard exits.count == atRisk.count, !exits.isEmpty else {
            throw MarkovError.invalidInput("exits (\(exits.count) periods) and atRisk (\(atRisk.count) periods) must have the same, positive length")
        }
        guard stepLength > 0, stepLength.isFinite else { throw MarkovError.invalidInput("stepLength must be a positive number of years, got \(stepLength)") }
        for s in exits.indices {
            for (name, v) in [("exits", exits[s]), ("atRisk", atRisk[s])] {
                guard v.isFinite else { throw MarkovError.nonFinite(what: name, row: "period \(s)", column: "value", value: v) }
                guard v >= 0 else { throw MarkovError.negativeValue(what: name, row: "period \(s)", column: "value", value: v) }
            }
            guard exits[s] <= atRisk[s] else {
                throw MarkovError.invalidInput("period \(s) has \(exits[s]) exits out of \(atRisk[s]) people at risk — the exit rate would exceed one; check the denominator (the stock at the start of the period)")
            }
        }
        let e = exits.reduce(0, +), n = atRisk.reduce(0, +)
        guard e > 0 else { throw MarkovError.invalidInput("no exit was recorded in any period, so the expected duration is infinite") }
        let states = ["displaced", "exited"]
        let counts = try TransitionCounts(states: states, counts: try markovLinalg { try Matrix([[n - e, e], [0, 0]]) })
        let fit = try MarkovChainEstimate.fit(counts, confidenceLevel: confidenceLevel, unobservedStates: .absorbing)
        let analysis = try fit.chain.absorbingAnalysis()
        let h = fit.chain.transitionMatrix[0, 1]
        let lo = fit.confidenceLower[0, 1], hi = fit.confidenceUpper[0, 1]
        let median = h >= 1 ? 1 : ceil(log(0.5) / log1p(-h))
        return DisplacementExitRate(
            exits: e, atRisk: n, rate: h, rateLower: lo, rateUpper: hi,
            expectedDuration: analysis.expectedTimeToAbsorption[0] * stepLength,
            durationLower: stepLength / hi, durationUpper: lo > 0 ? stepLength / lo : .infinity,
            durationStandardDeviation: analysis.varianceOfTimeToAbsorption[0].squareRoot() * stepLength,
            medianDuration: median * stepLength, stepLength: stepLength, analysis: analysis)
    }
}
