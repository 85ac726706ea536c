import Foundation
import Linalg

/// Long-run behaviour of constant rates: the dominant eigenvalue and stable distribution of
/// the multiregional Leslie matrix L (`CohortComponentProjection.projectionMatrix`), for
/// small cases (the dense eigenproblem costs O(n³), n = R·A·S).
///
/// L is non-negative, so its spectral radius λ is an eigenvalue with a non-negative right
/// eigenvector w (Perron–Frobenius); with constant rates and no immigration the population
/// approaches growth by λ per step in the proportions w (the stable multiregional age–sex
/// distribution; Rogers 1995, ch. 5; Caswell 2001, *Matrix Population Models*, ch. 4). The
/// left eigenvector v (vᵀL = λvᵀ) gives reproductive values. Computed with LAPACK `dgeev`;
/// λ is the eigenvalue of largest modulus, preferring the largest real part among ties.
///
/// Members: `dominantEigenvalue` (λ per step), `intrinsicGrowthRate` (r = ln λ / h per year),
/// `dampingRatio` (λ / |λ₂|, ∞ when every other eigenvalue is 0), `stableDistribution` (w
/// scaled to sum to one, as a population), `reproductiveValues` (v scaled so that vᵀw = 1),
/// `stableRegionalShares` (w summed by region).
public struct GrowthMatrixAnalysis: Sendable, Equatable {
    public let dominantEigenvalue: Double
    public let intrinsicGrowthRate: Double
    public let dampingRatio: Double
    public let stableDistribution: RegionalPopulation
    public let reproductiveValues: [Double]
    public let stableRegionalShares: [Double]

    /// Analyses the projection matrix of `rates` (immigration ignored: it is not part of L).
    /// - Parameters:
    ///   - rates: the rates whose projection matrix L is analysed.
    ///   - maximumSize: the largest n = R·A·S allowed (default 2000).
    /// - Throws: `CohortProjectionError.denseMatrixTooLarge`, `.noDominantEigenvalue` (λ = 0, for
    ///   example without fertility and survival, or a complex dominant eigenvalue),
    ///   `.linearAlgebra` (`dgeev` not converging).
    public static func analyze(_ rates: CohortComponentRates, maximumSize: Int = 2000) throws -> GrowthMatrixAnalysis {
        let l = try CohortComponentProjection.projectionMatrix(rates, maximumSize: maximumSize)
        let n = l.rows
        let eig = try projectionLinalg { try l.eigen(right: true, left: true) }
        guard let right = eig.rightEigenvectors, let left = eig.leftEigenvectors else {
            throw CohortProjectionError.noDominantEigenvalue("dgeev returned no eigenvectors")
        }
        var rho = 0.0
        for z in eig.eigenvalues { rho = max(rho, z.length) }
        guard rho > 0 else { throw CohortProjectionError.noDominantEigenvalue("every eigenvalue of the projection matrix is 0 (no survival or no reproduction): the population dies out") }
        var best = -1
        for (k, z) in eig.eigenvalues.enumerated() where z.length >= rho * (1 - 1e-12) {
            if best < 0 || z.real > eig.eigenvalues[best].real { best = k }
        }
        let lambda = eig.eigenvalues[best]
        guard abs(lambda.imaginary) <= 1e-12 * rho, lambda.real > 0 else {
            throw CohortProjectionError.noDominantEigenvalue("the dominant eigenvalue is \(lambda.real) + \(lambda.imaginary)i, not real and positive")
        }
        var second = 0.0
        for (k, z) in eig.eigenvalues.enumerated() where k != best { second = max(second, z.length) }
        var w = (0..<n).map { right.real[$0, best] }
        let sw = w.reduce(0, +)
        guard sw != 0 else { throw CohortProjectionError.noDominantEigenvalue("the dominant right eigenvector sums to zero") }
        w = w.map { $0 / sw }
        // Rounding can leave entries of unreachable cells at −1e-17; they are zero.
        w = w.map { $0 < 0 && $0 > -1e-12 ? 0 : $0 }
        var v = (0..<n).map { left.real[$0, best] }
        let vw = zip(v, w).reduce(0) { $0 + $1.0 * $1.1 }
        if vw != 0 { v = v.map { $0 / vw } }
        if let bad = w.firstIndex(where: { $0 < 0 }) {
            throw CohortProjectionError.noDominantEigenvalue("the dominant eigenvector has the negative entry \(w[bad]) at \(rates.layout.cellLabel(bad)): the projection matrix is reducible and its dominant eigenvalue belongs to a part of the population that others cannot reach — analyse that part separately")
        }
        let stable = RegionalPopulation(unchecked: rates.layout, values: w)
        return GrowthMatrixAnalysis(
            dominantEigenvalue: lambda.real,
            intrinsicGrowthRate: log(lambda.real) / Double(rates.layout.ageWidth),
            dampingRatio: second > 0 ? lambda.real / second : .infinity,
            stableDistribution: stable, reproductiveValues: v, stableRegionalShares: stable.regionTotals)
    }
}
