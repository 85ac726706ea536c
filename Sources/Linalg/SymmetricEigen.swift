import CLAPACK

/// Eigen-decomposition of a symmetric matrix, A = V·diag(λ)·Vᵀ (LAPACK `dsyevd`, lower
/// triangle). Members: `eigenvalues` (ascending), `eigenvectors` (columns, orthonormal; nil when
/// not requested). Eigenvectors are unique up to sign. Matches `numpy.linalg.eigh`.
public struct SymmetricEigenDecomposition: Sendable {
    public let eigenvalues: [Double]
    public let eigenvectors: Matrix?
}

extension Matrix {
    /// Symmetric eigen-decomposition (`dsyevd`).
    /// - Throws: `notSymmetric`, `nonFinite`, `notConverged`.
    public func symmetricEigen(vectors: Bool = true) throws -> SymmetricEigenDecomposition {
        try checkFinite("symmetric eigen")
        try checkSymmetric("symmetric eigen")
        let n = rows
        var w = [Double](repeating: 0, count: n)
        if n == 0 { return SymmetricEigenDecomposition(eigenvalues: [], eigenvectors: vectors ? self : nil) }
        var a = self
        let nn = try lapackInt(n, "dsyevd"), lda = Int32(leadingDimension)
        let info = withMutableBase(&a.elements) { pa in
            withMutableBase(&w) { pw in LAPACKE_dsyevd(colMajor, lapackChar(vectors ? "V" : "N"), lapackChar("L"), nn, pa, lda, pw) }
        }
        if info > 0 { throw LinalgError.notConverged(operation: "symmetric eigen (dsyevd)", details: "\(info) off-diagonal elements did not converge to zero") }
        guard info == 0 else { throw lapackFailure("dsyevd", info) }
        return SymmetricEigenDecomposition(eigenvalues: w, eigenvectors: vectors ? a : nil)
    }
}
