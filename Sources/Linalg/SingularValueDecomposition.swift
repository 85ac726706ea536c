import CLAPACK

/// Singular value decomposition A = U·diag(σ)·Vᵀ (LAPACK `dgesdd`, divide and conquer).
///
/// Members: `u` (m×k thin, or m×m full), `singularValues` (count min(m,n), non-increasing,
/// non-negative), `vt` (k×n thin, or n×n full), with k = min(m,n). Singular vectors are unique
/// only up to sign (and rotation within repeated singular values). Matches `numpy.linalg.svd`,
/// which calls the same routine.
public struct SingularValueDecomposition: Sendable {
    public let u: Matrix
    public let singularValues: [Double]
    public let vt: Matrix
}

extension Matrix {
    /// SVD (`dgesdd`). `full = false` gives the thin factors.
    /// - Throws: `nonFinite`; `notConverged` when the bidiagonal iteration fails.
    public func svd(full: Bool = false) throws -> SingularValueDecomposition {
        try checkFinite("SVD")
        let m = rows, n = cols, k = Swift.min(m, n)
        let uc = full ? m : k, vr = full ? n : k
        var u = try Matrix(rows: m, cols: uc)
        var vt = try Matrix(rows: vr, cols: n)
        var s = [Double](repeating: 0, count: k)
        if isEmpty {
            if full {
                u = try Matrix.identity(m)
                vt = try Matrix.identity(n)
            }
            return SingularValueDecomposition(u: u, singularValues: s, vt: vt)
        }
        var a = self
        let mm = try lapackInt(m, "dgesdd"), nn = try lapackInt(n, "dgesdd")
        let lda = Int32(leadingDimension), ldu = Int32(u.leadingDimension), ldvt = Int32(vt.leadingDimension)
        let info = withMutableBase(&a.elements) { pa in
            withMutableBase(&s) { ps in
                withMutableBase(&u.elements) { pu in
                    withMutableBase(&vt.elements) { pv in
                        LAPACKE_dgesdd(colMajor, lapackChar(full ? "A" : "S"), mm, nn, pa, lda, ps, pu, ldu, pv, ldvt)
                    }
                }
            }
        }
        if info > 0 { throw LinalgError.notConverged(operation: "SVD (dgesdd)", details: "the bidiagonal divide-and-conquer iteration did not converge (info \(info))") }
        guard info == 0 else { throw lapackFailure("dgesdd", info) }
        return SingularValueDecomposition(u: u, singularValues: s, vt: vt)
    }

    /// Singular values only, non-increasing (`dgesdd` with jobz = N).
    public func singularValues() throws -> [Double] {
        try checkFinite("singular values")
        let k = Swift.min(rows, cols)
        var s = [Double](repeating: 0, count: k)
        if isEmpty { return s }
        var a = self
        var dummy = [0.0]
        let mm = try lapackInt(rows, "dgesdd"), nn = try lapackInt(cols, "dgesdd"), lda = Int32(leadingDimension)
        let info = withMutableBase(&a.elements) { pa in
            withMutableBase(&s) { ps in
                withMutableBase(&dummy) { pd in
                    LAPACKE_dgesdd(colMajor, lapackChar("N"), mm, nn, pa, lda, ps, pd, 1, pd, 1)
                }
            }
        }
        if info > 0 { throw LinalgError.notConverged(operation: "singular values (dgesdd)", details: "info \(info)") }
        guard info == 0 else { throw lapackFailure("dgesdd", info) }
        return s
    }
}
