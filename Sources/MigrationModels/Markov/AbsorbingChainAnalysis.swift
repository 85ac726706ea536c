import Linalg

/// Absorbing-chain analysis: how long a person stays in the transient states (for example
/// "internally displaced", "asylum seeker", "refugee") before an absorbing one ("returned",
/// "resettled"), and where they end up.
///
/// With the states ordered transient first, P = [[Q, R], [0, I]] (Q: t×t among transient
/// states, R: t×a into the absorbing states). Following Kemeny & Snell (1960, *Finite Markov
/// Chains*, §3.2–3.3):
///
/// - fundamental matrix N = (I − Q)⁻¹ (LU solve, LAPACK `dgetrf`/`dgetrs`); Nᵢⱼ is the expected
///   number of steps spent in transient state j starting from i (the start counts as one);
/// - expected time to absorption t = N·1 (in steps, counting the starting step: a state
///   left with probability h each step has tᵢ = 1/h) — **the expected duration of
///   displacement** when the transient states are the displaced ones;
/// - its variance τ₂ = (2N − I)·t − t∘t;
/// - absorption probabilities B = N·R (t×a, rows sum to one).
///
/// Members: `states` (all), `transientStates`, `absorbingStates`, `fundamentalMatrix` (N),
/// `expectedTimeToAbsorption` (t), `varianceOfTimeToAbsorption`, `absorptionProbabilities`
/// (B), `reciprocalConditionNumber` (1/κ₁ of I − Q, LAPACK `dgecon`).
public struct AbsorbingChainAnalysis: Sendable, Equatable {
    public let states: [String]
    public let transientStates: [String]
    public let absorbingStates: [String]
    public let fundamentalMatrix: Matrix
    public let expectedTimeToAbsorption: [Double]
    public let varianceOfTimeToAbsorption: [Double]
    public let absorptionProbabilities: Matrix
    public let reciprocalConditionNumber: Double

    /// Expected number of steps before absorption starting in transient `state` (the expected
    /// duration of displacement, in steps; multiply by the step length for years). 0 for an
    /// absorbing state.
    /// - Throws: `MarkovError.unknownState`.
    public func expectedDuration(from state: String) throws -> Double {
        if let i = transientStates.firstIndex(of: state) { return expectedTimeToAbsorption[i] }
        if absorbingStates.contains(state) { return 0 }
        throw MarkovError.unknownState(state, known: states)
    }

    /// Expected duration for a starting distribution over the transient states: Σᵢ wᵢtᵢ / Σᵢ wᵢ.
    /// - Parameter weights: one value ≥ 0 per transient state (counts or shares), not all zero.
    /// - Throws: `MarkovError.invalidInput` for a wrong length or zero total, `.negativeValue`,
    ///   `.nonFinite`.
    public func expectedDuration(weights: [Double]) throws -> Double {
        try MarkovProjection.checkVector(weights, transientStates, "the starting weights")
        let total = weights.reduce(0, +)
        guard total > 0 else { throw MarkovError.invalidInput("the starting weights sum to 0 — give at least one positive weight") }
        var s = 0.0
        for i in weights.indices { s += weights[i] * expectedTimeToAbsorption[i] }
        return s / total
    }

    /// Probability of ending in absorbing state `into` when starting in `from` (1 or 0 when
    /// `from` is absorbing).
    /// - Throws: `MarkovError.unknownState`.
    public func absorptionProbability(from: String, into: String) throws -> Double {
        guard let j = absorbingStates.firstIndex(of: into) else {
            throw MarkovError.unknownState(into, known: absorbingStates)
        }
        if let i = transientStates.firstIndex(of: from) { return absorptionProbabilities[i, j] }
        if absorbingStates.contains(from) { return from == into ? 1 : 0 }
        throw MarkovError.unknownState(from, known: states)
    }
}

extension MarkovChain {
    /// Absorbing-chain analysis (see `AbsorbingChainAnalysis`).
    /// - Parameter absorbing: the states to treat as absorbing (their outgoing transitions are
    ///   ignored: the analysis is then of the time until first entering this set). nil → the
    ///   states with pᵢᵢ = 1.
    /// - Throws: `MarkovError.noAbsorbingState` when `absorbing` is nil and no pᵢᵢ = 1, or it is
    ///   empty; `.unknownState`; `.singularFundamentalMatrix` naming the transient states that
    ///   never reach an absorbing state (I − Q singular), or when LAPACK's reciprocal condition
    ///   number of I − Q is below K·ε.
    public func absorbingAnalysis(absorbing: [String]? = nil) throws -> AbsorbingChainAnalysis {
        let k = stateCount
        let absorbingIndices: [Int]
        if let absorbing {
            var set = Set<Int>()
            for s in absorbing { set.insert(try index(of: s)) }
            absorbingIndices = set.sorted()
        } else {
            absorbingIndices = (0..<k).filter { transitionMatrix[$0, $0] == 1 }
        }
        guard !absorbingIndices.isEmpty else { throw MarkovError.noAbsorbingState(states: states) }
        let absorbingSet = Set(absorbingIndices)
        let transient = (0..<k).filter { !absorbingSet.contains($0) }
        let reaching = statesReaching(absorbingSet)
        let trapped = transient.filter { !reaching.contains($0) }
        guard trapped.isEmpty else {
            throw MarkovError.singularFundamentalMatrix(trappedStates: trapped.map { states[$0] }, reciprocalCondition: nil)
        }
        let t = transient.count, a = absorbingIndices.count
        return try markovLinalg {
            var iMinusQ = try Matrix(rows: t, cols: t)
            var r = try Matrix(rows: t, cols: a)
            for (ii, i) in transient.enumerated() {
                for (jj, j) in transient.enumerated() { iMinusQ[ii, jj] = (ii == jj ? 1 : 0) - transitionMatrix[i, j] }
                for (jj, j) in absorbingIndices.enumerated() { r[ii, jj] = transitionMatrix[i, j] }
            }
            let lu = try iMinusQ.lu()
            let rcond = try lu.reciprocalConditionNumber()
            guard !lu.isSingular, rcond > Double(max(k, 1)) * Double.ulpOfOne else {
                throw MarkovError.singularFundamentalMatrix(trappedStates: [], reciprocalCondition: rcond)
            }
            let n = try lu.solve(try Matrix.identity(t))
            let ones = [Double](repeating: 1, count: t)
            let time = try n.multiplied(by: ones)
            // τ₂ = (2N − I)t − t∘t
            let nt = try n.multiplied(by: time)
            let variance = (0..<t).map { 2 * nt[$0] - time[$0] - time[$0] * time[$0] }
            let b = try n.multiplied(by: r)
            return AbsorbingChainAnalysis(
                states: states,
                transientStates: transient.map { states[$0] },
                absorbingStates: absorbingIndices.map { states[$0] },
                fundamentalMatrix: n,
                expectedTimeToAbsorption: time,
                varianceOfTimeToAbsorption: variance,
                absorptionProbabilities: b,
                reciprocalConditionNumber: rcond)
        }
    }
}
