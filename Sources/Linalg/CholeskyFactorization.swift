import CLAPACK

/// Cholesky factorization A = L·Lᵀ of a symmetric positive definite matrix (LAPACK `dpotrf`,
/// lower triangle). `factor` holds L with zeros above the diagonal. Matches
/// `numpy.linalg.cholesky`.
public struct CholeskyFactorization: Sendable {
    public let factor: Matrix

    /// Solves A·X = B (`dpotrs`). The factor is finite (it comes from `cholesky()` of a finite
    /// matrix) and B is checked here, so LAPACKE's own NaN scan of both is skipped (`_work`).
    public func solve(_ b: Matrix) throws -> Matrix {
        guard b.rows == factor.rows else {
            throw LinalgError.dimensionMismatch(operation: "Cholesky solve", details: "A is \(factor.rows)×\(factor.cols), B has \(b.rows) rows")
        }
        try b.checkFinite("Cholesky solve (right-hand side)")
        if b.isEmpty { return b }
        var x = b
        let n = try lapackInt(factor.rows, "dpotrs"), nrhs = try lapackInt(b.cols, "dpotrs"), ldx = Int32(x.leadingDimension)
        let info = withBase(factor.elements) { pa in
            withMutableBase(&x.elements) { px in
                LAPACKE_dpotrs_work(colMajor, lapackChar("L"), n, nrhs, pa, Int32(factor.leadingDimension), px, ldx)
            }
        }
        guard info == 0 else { throw lapackFailure("dpotrs", info) }
        return x
    }

    /// Solves A·x = b.
    public func solve(_ b: [Double]) throws -> [Double] { try solve(Matrix(column: b)).elements }

    /// A⁻¹ (`dpotri`), returned fully symmetric.
    public func inverse() throws -> Matrix {
        if factor.isEmpty { return factor }
        var inv = factor
        let n = try lapackInt(factor.rows, "dpotri"), lda = Int32(inv.leadingDimension)
        let info = withMutableBase(&inv.elements) { pa in LAPACKE_dpotri(colMajor, lapackChar("L"), n, pa, lda) }
        if info > 0 { throw LinalgError.singular(operation: "Cholesky inverse", pivot: Int(info), rank: nil) }
        guard info == 0 else { throw lapackFailure("dpotri", info) }
        let nn = factor.rows
        for j in 0..<nn { for i in (j + 1)..<Swift.max(j + 1, nn) { inv[j, i] = inv[i, j] } }
        return inv
    }

    /// log det A = 2 Σ log L(i,i).
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<factor.rows { s += _log(factor[i, i]) }
        return 2 * s
    }

    /// det A = Π L(i,i)².
    public var determinant: Double {
        var d = 1.0
        for i in 0..<factor.rows { d *= factor[i, i] * factor[i, i] }
        return d
    }
}

/// Pivoted Cholesky factorization Pᵀ·A·P = L·Lᵀ of a symmetric positive semidefinite matrix
/// (LAPACK `dpstrf`, lower), which reveals its rank.
///
/// Members: `factor` (n×n lower; columns at index ≥ `rank` are zeroed, since LAPACK leaves them
/// undefined), `permutation` (0-based: column k of A·P is column `permutation[k]` of A), `rank`,
/// `tolerance` (the one used: caller's, or LAPACK's default n·ε·max diag(A) when nil).
public struct PivotedCholeskyFactorization: Sendable {
    public let factor: Matrix
    public let permutation: [Int]
    public let rank: Int
    public let tolerance: Double?
}

extension Matrix {
    /// Cholesky factorization (`dpotrf`, lower).
    /// - Throws: `notSymmetric` (see `checkSymmetric`), `nonFinite`, or `notPositiveDefinite`
    ///   naming the order of the first leading minor that is not positive.
    public func cholesky() throws -> CholeskyFactorization {
        try checkFinite("Cholesky factorization")
        try checkSymmetric("Cholesky factorization")
        return try Matrix.factorizeChecked(self)
    }

    /// `cholesky()` of a matrix that is symmetric by construction (its upper triangle is
    /// mirrored from the lower one, which is all `dpotrf` reads): the symmetry sweep is skipped,
    /// and a matrix passed with `consume` is factorized in its own storage (no copy).
    /// - Throws: as `cholesky()`, except `notSymmetric`.
    package consuming func choleskyOfSymmetric() throws -> CholeskyFactorization {
        try checkFinite("Cholesky factorization")
        try requireSquare("Cholesky factorization")
        return try Matrix.factorizeChecked(self)
    }

    /// `dpotrf` on a finite square matrix (checked by the caller, so LAPACKE's own NaN scan is
    /// skipped: `LAPACKE_dpotrf_work`).
    private static func factorizeChecked(_ a: consuming Matrix) throws -> CholeskyFactorization {
        var f = a
        if !f.isEmpty {
            let n = try lapackInt(f.rows, "dpotrf"), lda = Int32(f.leadingDimension)
            let info = withMutableBase(&f.elements) { pa in LAPACKE_dpotrf_work(colMajor, lapackChar("L"), n, pa, lda) }
            if info > 0 { throw LinalgError.notPositiveDefinite(operation: "Cholesky factorization", pivot: Int(info)) }
            guard info == 0 else { throw lapackFailure("dpotrf", info) }
        }
        f.zeroStrictlyUpper()
        return CholeskyFactorization(factor: f)
    }

    /// Pivoted Cholesky (`dpstrf`, lower) for positive semidefinite matrices.
    /// - Parameter tolerance: pivots ≤ tolerance count as zero; nil → LAPACK's n·ε·max diag(A).
    /// - Throws: `notSymmetric`, `nonFinite`, `invalidArgument` for a negative tolerance.
    ///   A matrix that is not positive semidefinite gives a small rank rather than an error,
    ///   as LAPACK stops at the first non-positive pivot.
    public func pivotedCholesky(tolerance: Double? = nil) throws -> PivotedCholeskyFactorization {
        try checkFinite("pivoted Cholesky")
        try checkSymmetric("pivoted Cholesky")
        if let t = tolerance, !(t >= 0) {
            throw LinalgError.invalidArgument(operation: "pivoted Cholesky", details: "tolerance must be ≥ 0, got \(t)")
        }
        let n = rows
        if n == 0 { return PivotedCholeskyFactorization(factor: self, permutation: [], rank: 0, tolerance: tolerance) }
        var f = self
        var piv = [Int32](repeating: 0, count: n)
        var rank: Int32 = 0
        let nn = try lapackInt(n, "dpstrf")
        var info: Int32 = 0
        withMutableBase(&piv) { pp in
            info = withMutableBase(&f.elements) { pa in
                LAPACKE_dpstrf(colMajor, lapackChar("L"), nn, pa, Int32(leadingDimension), pp, &rank, tolerance ?? -1)
            }
        }
        guard info >= 0 else { throw lapackFailure("dpstrf", info) }
        var l = f.lowerTriangle()
        let r = Int(rank)
        for j in r..<n { for i in j..<n { l[i, j] = 0 } }
        return PivotedCholeskyFactorization(factor: l, permutation: piv.map { Int($0) - 1 }, rank: r, tolerance: tolerance)
    }
}
