import Linalg

/// The stationary distribution π of a Markov chain: π·P = π, Σᵢ πᵢ = 1, π ≥ 0.
///
/// Computed as the least-squares solution of the overdetermined, consistent system
///
///     ⎡ Pᵀ − I ⎤       ⎡ 0 ⎤
///     ⎣   1ᵀ   ⎦ · π = ⎣ 1 ⎦          ((K+1) × K, LAPACK `dgels`)
///
/// which has full column rank exactly when the chain has a single closed class (then π is
/// unique). Unlike the eigenvector of Pᵀ for eigenvalue 1 it needs no choice among eigenvalues
/// of modulus one, so it also works for periodic chains (eigenvalues on the unit circle) and
/// for chains with transient states (whose π is 0) (Stewart 1994, *Introduction to the
/// Numerical Solution of Markov Chains*, §2.3; Kemeny & Snell 1960, Thm 4.1.6). Entries that
/// come out negative at rounding level (|πᵢ| ≤ 1e-13), and those of transient states (outside
/// the closed class), are set to 0 and π is renormalised.
///
/// Members: `states`, `probabilities` (π, in state order), `residual` (‖πP − π‖∞ of the
/// returned π, a check).
public struct StationaryDistribution: Sendable, Equatable {
    public let states: [String]
    public let probabilities: [Double]
    public let residual: Double

    /// πᵢ of `state`.
    /// - Throws: `MarkovError.unknownState`.
    public func probability(of state: String) throws -> Double {
        guard let i = states.firstIndex(of: state) else { throw MarkovError.unknownState(state, known: states) }
        return probabilities[i]
    }

    /// Mean recurrence times 1/πᵢ (Kac's formula), +∞ for transient states.
    public var meanRecurrenceTimes: [Double] { probabilities.map { $0 > 0 ? 1 / $0 : .infinity } }
}

extension MarkovChain {
    /// The unique stationary distribution (see `StationaryDistribution`).
    /// - Throws: `MarkovError.stationaryDistributionNotUnique` naming the closed classes when
    ///   there are several; `.linearAlgebra` for a LAPACK failure.
    public func stationaryDistribution() throws -> StationaryDistribution {
        let classification = classify()
        let closed = classification.closedClasses
        guard closed.count == 1 else { throw MarkovError.stationaryDistributionNotUnique(closedClasses: closed) }
        let k = stateCount
        var a = try markovLinalg { try Matrix(rows: k + 1, cols: k) }
        for i in 0..<k {
            for j in 0..<k { a[i, j] = transitionMatrix[j, i] - (i == j ? 1 : 0) }
            a[k, i] = 1
        }
        var b = [Double](repeating: 0, count: k + 1)
        b[k] = 1
        var pi: [Double]
        do {
            pi = try a.leastSquares(b, method: .qr)
        } catch LinalgError.rankDeficient {
            // A single closed class gives full rank in exact arithmetic; an extremely
            // ill-conditioned chain can still fail dgels's check. Fall back to the SVD solver.
            pi = try markovLinalg { try a.leastSquares(b, method: .svd()) }
        } catch let e as LinalgError {
            throw MarkovError.linearAlgebra(e.description)
        }
        var changed = false
        for i in 0..<k where pi[i] < 0 && pi[i] >= -1e-13 { pi[i] = 0; changed = true }
        // Transient states (outside the closed class) have π = 0 exactly; the solve leaves
        // them at rounding level (2e-17 with OpenBLAS' AVX-512 kernels), which would make
        // their mean recurrence time finite.
        let recurrent = Set(closed[0])
        for i in 0..<k where pi[i] != 0 && !recurrent.contains(states[i]) { pi[i] = 0; changed = true }
        if changed {
            let s = pi.reduce(0, +)
            if s > 0 { pi = pi.map { $0 / s } }
        }
        var residual = 0.0
        let moved = try markovLinalg { try transitionMatrix.multiplied(by: pi, transposeSelf: true) }
        for i in 0..<k { residual = max(residual, abs(moved[i] - pi[i])) }
        return StationaryDistribution(states: states, probabilities: pi, residual: residual)
    }
}
