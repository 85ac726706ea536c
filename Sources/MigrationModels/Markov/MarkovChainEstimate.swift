import Foundation
import Linalg

/// What to do with a state that was never observed as the origin of a transition (nᵢ = 0),
/// whose row of P the data cannot identify.
public enum UnobservedStatePolicy: Sendable, Equatable {
    /// Throw `MarkovError.noObservedTransitions` (the default).
    case fail
    /// Treat the state as absorbing (p̂ᵢᵢ = 1), as for exit states ("returned", "resettled")
    /// at which sequences end. Their standard errors are NaN and intervals [0, 1].
    case absorbing
}

/// The maximum-likelihood estimate of a time-homogeneous Markov chain from transition counts.
///
/// Estimator (Anderson & Goodman 1957): p̂ᵢⱼ = nᵢⱼ / nᵢ, with nᵢ = Σⱼ nᵢⱼ. Log-likelihood
/// ℓ = Σᵢⱼ nᵢⱼ log p̂ᵢⱼ (terms with nᵢⱼ = 0 contribute 0). Each row is multinomial, so the
/// asymptotic standard error is se(p̂ᵢⱼ) = √(p̂ᵢⱼ(1 − p̂ᵢⱼ)/nᵢ). Confidence intervals are
/// Wilson score intervals for each entry (Wilson 1927, *JASA* 22; they stay inside [0, 1] and
/// are not degenerate at p̂ = 0 or 1):
///
///     centre = (p̂ + z²/2n) / (1 + z²/n),   half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²)
///
/// with n = nᵢ and z = Φ⁻¹(1 − α/2). They are marginal (entry by entry), not simultaneous.
///
/// Members: `chain` (P̂), `counts`, `rowTotals`, `logLikelihood`, `parameters` (free
/// parameters, (K − 1) per observed row), `standardErrors`, `confidenceLower`,
/// `confidenceUpper` (K×K each), `confidenceLevel`, `unobservedStates` (rows filled by the
/// `.absorbing` policy).
public struct MarkovChainEstimate: Sendable, Equatable {
    public let chain: MarkovChain
    public let counts: TransitionCounts
    public let rowTotals: [Double]
    public let logLikelihood: Double
    public let parameters: Int
    public let standardErrors: Matrix
    public let confidenceLower: Matrix
    public let confidenceUpper: Matrix
    public let confidenceLevel: Double
    public let unobservedStates: [String]

    /// Akaike's information criterion −2ℓ + 2·parameters.
    public var aic: Double { -2 * logLikelihood + 2 * Double(parameters) }

    /// Fits P̂ from counts.
    /// - Parameters:
    ///   - counts: nᵢⱼ.
    ///   - confidenceLevel: in (0, 1), default 0.95.
    ///   - policy: the policy for rows with nᵢ = 0 (argument label `unobservedStates`).
    /// - Throws: `MarkovError.noObservedTransitions` (policy `.fail`), `.invalidInput` for a
    ///   confidence level outside (0, 1).
    public static func fit(_ counts: TransitionCounts, confidenceLevel: Double = 0.95,
                           unobservedStates policy: UnobservedStatePolicy = .fail) throws -> MarkovChainEstimate {
        guard confidenceLevel > 0, confidenceLevel < 1 else {
            throw MarkovError.invalidInput("confidenceLevel must be in (0, 1), got \(confidenceLevel)")
        }
        let k = counts.states.count
        let totals = counts.rowTotals
        let unobserved = (0..<k).filter { totals[$0] == 0 }
        if policy == .fail && !unobserved.isEmpty {
            throw MarkovError.noObservedTransitions(states: unobserved.map { counts.states[$0] })
        }
        let z = Distributions.normalQuantile(0.5 + confidenceLevel / 2)
        var p = try markovLinalg { try Matrix(rows: k, cols: k) }
        var se = p, lower = p, upper = p
        var loglik = 0.0
        for i in 0..<k {
            let n = totals[i]
            if n == 0 {
                for j in 0..<k {
                    p[i, j] = i == j ? 1 : 0
                    se[i, j] = .nan
                    lower[i, j] = 0
                    upper[i, j] = 1
                }
                continue
            }
            for j in 0..<k {
                let nij = counts.counts[i, j]
                // The division is exact for a row with a single positive count, so that row is
                // exactly absorbing or exactly deterministic.
                let pij = nij / n
                p[i, j] = pij
                if nij > 0 { loglik += nij * log(pij) }
                se[i, j] = (pij * (1 - pij) / n).squareRoot()
                let z2n = z * z / n
                let centre = (pij + z2n / 2) / (1 + z2n)
                let half = z / (1 + z2n) * (pij * (1 - pij) / n + z2n / (4 * n)).squareRoot()
                lower[i, j] = max(0, centre - half)
                upper[i, j] = min(1, centre + half)
            }
        }
        // Rows are normalised by construction; re-validate with a tolerance for the division.
        let chain = try MarkovChain(states: counts.states, transitionMatrix: p, rowSumTolerance: 1e-12)
        return MarkovChainEstimate(
            chain: chain, counts: counts, rowTotals: totals, logLikelihood: loglik,
            parameters: (k - 1) * (k - unobserved.count), standardErrors: se,
            confidenceLower: lower, confidenceUpper: upper, confidenceLevel: confidenceLevel,
            unobservedStates: unobserved.map { counts.states[$0] })
    }

    /// Fits P̂ from individual sequences (see `TransitionCounts.fromSequences`).
    public static func fit(sequences: [[String]], states: [String]? = nil, confidenceLevel: Double = 0.95,
                           unobservedStates policy: UnobservedStatePolicy = .fail) throws -> MarkovChainEstimate {
        try fit(try TransitionCounts.fromSequences(sequences, states: states), confidenceLevel: confidenceLevel, unobservedStates: policy)
    }

    /// Fits P̂ from a panel (see `TransitionCounts.fromPanel`).
    public static func fit(panel: [[String?]], states: [String]? = nil, confidenceLevel: Double = 0.95,
                           unobservedStates policy: UnobservedStatePolicy = .fail) throws -> MarkovChainEstimate {
        try fit(try TransitionCounts.fromPanel(panel, states: states), confidenceLevel: confidenceLevel, unobservedStates: policy)
    }
}
