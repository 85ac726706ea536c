import Linalg

/// Multi-step projection of a population (or probability) vector through a Markov chain,
/// with transition matrices that may change from step to step.
///
/// Recurrence (row vectors): x_{t+1} = x_t·P_t + u_t, where P_t is the transition matrix of
/// step t (0-based) and u_t ≥ 0 optional inflows arriving during step t (for example newly
/// displaced people). With P_t = P and u_t = 0 this is x_t = x_0·Pᵗ (Kemeny & Snell 1960,
/// Thm 2.1.1). Each step is one `dgemv` with Pᵀ, O(K²) work; memory O(K²) plus the recorded
/// path O(K·steps).
///
/// The scenario engine varies P_t over time by passing a closure; every P_t is a validated
/// `MarkovChain` with the same states, so rows sum to one and entries are ≥ 0 at every step.
public enum MarkovProjection {
    /// Projects `initial` through `steps` steps.
    /// - Parameters:
    ///   - initial: x₀, one finite value ≥ 0 per state (counts or probabilities).
    ///   - steps: number of steps, ≥ 0.
    ///   - transition: P_t for step t = 0..<steps (must have the same states, in the same order,
    ///     as the first one).
    ///   - inflow: u_t for step t, one finite value ≥ 0 per state; nil for none.
    /// - Returns: `steps + 1` vectors, x₀ first.
    /// - Throws: `MarkovError.invalidInput` (lengths, negative steps, changing state lists),
    ///   `.nonFinite` / `.negativeValue` in x₀ or u_t, and whatever the closures throw.
    public static func project(initial: [Double], steps: Int,
                               transition: (Int) throws -> MarkovChain,
                               inflow: ((Int) throws -> [Double])? = nil) throws -> [[Double]] {
        guard steps >= 0 else { throw MarkovError.invalidInput("steps must be ≥ 0, got \(steps)") }
        if steps == 0 { try checkVector(initial, initial.indices.map { "state \($0)" }, "the initial vector") }
        var path: [[Double]] = [initial]
        path.reserveCapacity(steps + 1)
        var x = initial
        var states: [String]? = nil
        for t in 0..<steps {
            let chain = try transition(t)
            if let s = states {
                guard s == chain.states else {
                    throw MarkovError.invalidInput("the transition matrix of step \(t) has states \(chain.states), but step 0 had \(s) — keep one state list, in one order, for the whole projection")
                }
            } else {
                states = chain.states
                try checkVector(initial, chain.states, "the initial vector")
            }
            var next = [Double](repeating: 0, count: chain.stateCount)
            try markovLinalg { try BLAS.gemv(1, chain.transitionMatrix, .transpose, x, 0, &next) }
            if let inflow {
                let u = try inflow(t)
                try checkVector(u, chain.states, "the inflow of step \(t)")
                for k in 0..<u.count { next[k] += u[k] }
            }
            x = next
            path.append(x)
        }
        return path
    }

    static func checkVector(_ x: [Double], _ states: [String], _ what: String) throws {
        guard x.count == states.count else {
            throw MarkovError.invalidInput("\(what) has \(x.count) values for \(states.count) states — give one value per state, in the chain's order")
        }
        for (k, v) in x.enumerated() {
            guard v.isFinite else { throw MarkovError.nonFinite(what: what, row: states[k], column: "value", value: v) }
            guard v >= 0 else { throw MarkovError.negativeValue(what: what, row: states[k], column: "value", value: v) }
        }
    }
}

extension MarkovChain {
    /// The path x₀, x₀P, …, x₀Pˢᵗᵉᵖˢ of a population vector (see `MarkovProjection`).
    /// - Throws: `MarkovError.invalidInput` / `.nonFinite` / `.negativeValue` for x₀.
    public func project(_ initial: [Double], steps: Int) throws -> [[Double]] {
        try MarkovProjection.project(initial: initial, steps: steps, transition: { _ in self })
    }

    /// Pᵏ (k ≥ 0) by repeated squaring with `dgemm`: the k-step transition probabilities.
    /// - Throws: `MarkovError.invalidInput` for k < 0.
    public func power(_ k: Int) throws -> Matrix {
        guard k >= 0 else { throw MarkovError.invalidInput("the power must be ≥ 0, got \(k)") }
        return try markovLinalg {
            var result = try Matrix.identity(stateCount)
            var base = transitionMatrix
            var e = k
            while e > 0 {
                if e & 1 == 1 { result = try result.multiplied(by: base) }
                e >>= 1
                if e > 0 { base = try base.multiplied(by: base) }
            }
            return result
        }
    }
}
