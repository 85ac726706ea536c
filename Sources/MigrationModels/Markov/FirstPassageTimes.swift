import Linalg

/// Mean first-passage times of an irreducible Markov chain.
///
/// mᵢⱼ is the expected number of steps to reach state j for the first time starting from i
/// (i ≠ j), and mⱼⱼ = 1/πⱼ the mean recurrence time. With the fundamental matrix of an
/// ergodic chain Z = (I − P + 1πᵀ)⁻¹ (Kemeny & Snell 1960, *Finite Markov Chains*, Thm 4.4.7;
/// computed by an LU solve, LAPACK `dgetrf`/`dgetrs`):
///
///     mᵢⱼ = (zⱼⱼ − zᵢⱼ) / πⱼ   (i ≠ j),     mⱼⱼ = 1/πⱼ.
///
/// The formula holds for any irreducible chain, periodic ones included (Kemeny & Snell
/// §5.1). π comes from `stationaryDistribution()`.
///
/// Members: `states`, `meanFirstPassageTimes` (M, K×K, row = origin), `fundamentalMatrix` (Z),
/// `stationary` (π).
public struct FirstPassageTimes: Sendable, Equatable {
    public let states: [String]
    public let meanFirstPassageTimes: Matrix
    public let fundamentalMatrix: Matrix
    public let stationary: [Double]

    /// mᵢⱼ by state names (the mean recurrence time when `from == to`).
    /// - Throws: `MarkovError.unknownState`.
    public func meanTime(from: String, to: String) throws -> Double {
        guard let i = states.firstIndex(of: from) else { throw MarkovError.unknownState(from, known: states) }
        guard let j = states.firstIndex(of: to) else { throw MarkovError.unknownState(to, known: states) }
        return meanFirstPassageTimes[i, j]
    }
}

extension MarkovChain {
    /// Mean first-passage and recurrence times (see `FirstPassageTimes`).
    /// - Throws: `MarkovError.notIrreducible` listing the communicating classes when some state
    ///   cannot be reached from another; `.linearAlgebra` for a LAPACK failure.
    public func meanFirstPassageTimes() throws -> FirstPassageTimes {
        let classification = classify()
        guard classification.isIrreducible else { throw MarkovError.notIrreducible(classes: classification.classes) }
        let pi = try stationaryDistribution().probabilities
        let k = stateCount
        return try markovLinalg {
            var a = try Matrix(rows: k, cols: k)
            for i in 0..<k { for j in 0..<k { a[i, j] = (i == j ? 1 : 0) - transitionMatrix[i, j] + pi[j] } }
            let z = try a.lu().solve(try Matrix.identity(k))
            var m = try Matrix(rows: k, cols: k)
            for j in 0..<k {
                for i in 0..<k { m[i, j] = i == j ? 1 / pi[j] : (z[j, j] - z[i, j]) / pi[j] }
            }
            return FirstPassageTimes(states: states, meanFirstPassageTimes: m, fundamentalMatrix: z, stationary: pi)
        }
    }
}
