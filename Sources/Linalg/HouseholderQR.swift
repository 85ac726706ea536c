import CLAPACK

extension Matrix {
    /// The triangular factor R of A = Q·R (LAPACK `dgeqrf`, blocked Householder, no pivoting):
    /// min(m,n) × n, upper triangular (upper trapezoidal when m < n). Q is not formed.
    ///
    /// Used to compress a tall problem: for A = [X | y] (m ≫ n), R holds everything least squares
    /// needs (RᵀR = AᵀA without squaring the condition number). Sign convention as LAPACK's
    /// (diagonal entries may be negative).
    /// - Throws: `nonFinite`.
    package func qrTriangularFactor() throws -> Matrix {
        try checkFinite("QR")
        let m = rows, n = cols, k = Swift.min(m, n)
        if isEmpty { return try Matrix(rows: k, cols: n) }
        var a = self
        var tau = [Double](repeating: 0, count: k)
        let mm = try lapackInt(m, "dgeqrf"), nn = try lapackInt(n, "dgeqrf"), lda = Int32(leadingDimension)
        let info = withMutableBase(&a.elements) { pa in
            withMutableBase(&tau) { pt in LAPACKE_dgeqrf(colMajor, mm, nn, pa, lda, pt) }
        }
        guard info == 0 else { throw lapackFailure("dgeqrf", info) }
        var r = try Matrix(rows: k, cols: n)
        for j in 0..<n { for i in 0..<Swift.min(j + 1, k) { r[i, j] = a[i, j] } }
        return r
    }

    /// (RᵀR)⁻¹ for this upper-triangular, non-singular R (LAPACK `dpotri` on the factor), fully
    /// symmetric. This is (AᵀA)⁻¹ when R is the QR or Cholesky factor of A or AᵀA.
    /// - Throws: `dimensionMismatch` when not square, `singular` when a diagonal entry is zero.
    package func gramInverseFromUpperTriangular() throws -> Matrix {
        try requireSquare("gram inverse")
        let n = rows
        if n == 0 { return self }
        var a = upperTriangle()
        let nn = try lapackInt(n, "dpotri"), lda = Int32(leadingDimension)
        let info = withMutableBase(&a.elements) { pa in LAPACKE_dpotri(colMajor, lapackChar("U"), nn, pa, lda) }
        if info > 0 { throw LinalgError.singular(operation: "gram inverse", pivot: Int(info), rank: nil) }
        guard info == 0 else { throw lapackFailure("dpotri", info) }
        for j in 0..<n { for i in (j + 1)..<Swift.max(j + 1, n) { a[i, j] = a[j, i] } }
        return a
    }
}
