import CLAPACK

/// LU factorization with partial pivoting, P·A = L·U (LAPACK `dgetrf`).
///
/// Members: `factors` (m×n; L strictly below the diagonal with an implicit unit diagonal, U on
/// and above), `pivots` (LAPACK's 1-based row interchanges, count min(m, n)), `firstZeroPivot`
/// (1-based index of the first exactly zero U(i,i), or nil).
///
/// A singular matrix still factorizes; `solve` and `inverse` then throw
/// `LinalgError.singular`, while `determinant` is 0. Matches `scipy.linalg.lu_factor`.
public struct LUFactorization: Sendable {
    public let factors: Matrix
    public let pivots: [Int32]
    public let firstZeroPivot: Int?
    /// ‖A‖₁ of the factorized matrix, kept for `reciprocalConditionNumber`.
    let oneNorm: Double

    /// `true` when some U(i,i) is exactly zero.
    public var isSingular: Bool { firstZeroPivot != nil }

    /// Unit lower-triangular L (m × min(m,n)).
    public var lower: Matrix {
        let k = Swift.min(factors.rows, factors.cols)
        var l = Matrix(uncheckedRows: factors.rows, cols: k, elements: [Double](repeating: 0, count: factors.rows * k))
        for j in 0..<k {
            l[j, j] = 1
            for i in (j + 1)..<Swift.max(j + 1, factors.rows) { l[i, j] = factors[i, j] }
        }
        return l
    }

    /// Upper-triangular U (min(m,n) × n).
    public var upper: Matrix {
        let k = Swift.min(factors.rows, factors.cols)
        var u = Matrix(uncheckedRows: k, cols: factors.cols, elements: [Double](repeating: 0, count: k * factors.cols))
        for j in 0..<factors.cols { for i in 0..<Swift.min(j + 1, k) { u[i, j] = factors[i, j] } }
        return u
    }

    /// The row permutation as 0-based indices: row i of P·A is row `permutation[i]` of A.
    public var permutation: [Int] {
        var perm = Array(0..<factors.rows)
        for (i, p) in pivots.enumerated() { perm.swapAt(i, Int(p) - 1) }
        return perm
    }

    /// Solves A·X = B (`dgetrs`).
    /// - Throws: `singular` when a pivot is zero; `dimensionMismatch`; `nonFinite` in B.
    public func solve(_ b: Matrix) throws -> Matrix {
        try factors.requireSquare("LU solve")
        guard b.rows == factors.rows else {
            throw LinalgError.dimensionMismatch(operation: "LU solve", details: "A is \(factors.rows)×\(factors.cols), B has \(b.rows) rows")
        }
        if let p = firstZeroPivot { throw LinalgError.singular(operation: "LU solve", pivot: p, rank: nil) }
        try b.checkFinite("LU solve (right-hand side)")
        if b.isEmpty { return b }
        var x = b
        let n = try lapackInt(factors.rows, "dgetrs"), nrhs = try lapackInt(b.cols, "dgetrs"), ldx = Int32(x.leadingDimension)
        let info = withBase(factors.elements) { pa in
            pivots.withUnsafeBufferPointer { pp in
                withMutableBase(&x.elements) { px in
                    LAPACKE_dgetrs(colMajor, lapackChar("N"), n, nrhs, pa, Int32(factors.leadingDimension),
                                   pp.baseAddress, px, ldx)
                }
            }
        }
        guard info == 0 else { throw lapackFailure("dgetrs", info) }
        return x
    }

    /// Solves A·x = b for one right-hand side.
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(column: b)).elements
    }

    /// det(A) = sign(P) · Π U(i,i). Zero for a singular matrix; may overflow to ±∞ for large n,
    /// where `logAbsDeterminant` stays finite. det of a 0×0 matrix is 1.
    public var determinant: Double {
        let (sign, logAbs) = logAbsDeterminant
        if sign == 0 { return 0 }
        var d = 1.0
        for i in 0..<factors.rows { d *= factors[i, i] }
        if d.isFinite { return pivotSign * d }
        return sign * _exp(logAbs)
    }

    var pivotSign: Double {
        var s = 1.0
        for (i, p) in pivots.enumerated() where Int(p) - 1 != i { s = -s }
        return s
    }

    /// (sign, log|det A|), as `numpy.linalg.slogdet`: sign is 0 and logAbs −∞ for a singular matrix.
    public var logAbsDeterminant: (sign: Double, logAbs: Double) {
        guard factors.rows == factors.cols else { return (.nan, .nan) }
        var sign = pivotSign, logAbs = 0.0
        for i in 0..<factors.rows {
            let u = factors[i, i]
            if u == 0 { return (0, -.infinity) }
            if u < 0 { sign = -sign }
            logAbs += _log(Swift.abs(u))
        }
        return (sign, logAbs)
    }

    /// A⁻¹ (`dgetri`). - Throws: `singular` when a pivot is zero.
    public func inverse() throws -> Matrix {
        try factors.requireSquare("inverse")
        if let p = firstZeroPivot { throw LinalgError.singular(operation: "inverse", pivot: p, rank: nil) }
        if factors.isEmpty { return factors }
        var inv = factors
        let n = try lapackInt(factors.rows, "dgetri"), lda = Int32(inv.leadingDimension)
        let info = pivots.withUnsafeBufferPointer { pp in
            withMutableBase(&inv.elements) { pa in LAPACKE_dgetri(colMajor, n, pa, lda, pp.baseAddress) }
        }
        if info > 0 { throw LinalgError.singular(operation: "inverse", pivot: Int(info), rank: nil) }
        guard info == 0 else { throw lapackFailure("dgetri", info) }
        return inv
    }

    /// Estimate of 1/κ₁(A) = 1/(‖A‖₁‖A⁻¹‖₁) (`dgecon`); 0 for a singular matrix. Values near
    /// machine epsilon (2.2e-16) mean solutions have no correct digits.
    public func reciprocalConditionNumber() throws -> Double {
        try factors.requireSquare("reciprocalConditionNumber")
        if isSingular { return 0 }
        if factors.isEmpty { return .infinity }
        let n = try lapackInt(factors.rows, "dgecon")
        var rcond = 0.0
        let info = withBase(factors.elements) { pa in
            LAPACKE_dgecon(colMajor, lapackChar("1"), n, pa, Int32(factors.leadingDimension), oneNorm, &rcond)
        }
        guard info == 0 else { throw lapackFailure("dgecon", info) }
        return rcond
    }
}

extension Matrix {
    /// LU factorization with partial pivoting (`dgetrf`); works for rectangular matrices too.
    /// - Throws: `nonFinite` when A holds NaN or ±∞.
    public func lu() throws -> LUFactorization {
        try checkFinite("LU factorization")
        var f = self
        let k = Swift.min(rows, cols)
        var piv = [Int32](repeating: 0, count: k)
        let norm = oneNorm()
        if isEmpty { return LUFactorization(factors: f, pivots: piv, firstZeroPivot: nil, oneNorm: norm) }
        let m = try lapackInt(rows, "dgetrf"), n = try lapackInt(cols, "dgetrf")
        var info: Int32 = 0
        withMutableBase(&piv) { pp in
            info = withMutableBase(&f.elements) { pa in LAPACKE_dgetrf(colMajor, m, n, pa, Int32(leadingDimension), pp) }
        }
        guard info >= 0 else { throw lapackFailure("dgetrf", info) }
        return LUFactorization(factors: f, pivots: piv, firstZeroPivot: info > 0 ? Int(info) : nil, oneNorm: norm)
    }

    /// ‖A‖₁ = max column absolute sum.
    public func oneNorm() -> Double {
        var best = 0.0
        for j in 0..<cols {
            var s = 0.0
            for i in 0..<rows { s += Swift.abs(elements[i + j * rows]) }
            best = Swift.max(best, s)
        }
        return best
    }

    /// Solves A·X = B for square A by LU (`dgesv` semantics).
    /// - Throws: `singular` (with the numerical rank) when A is exactly singular.
    public func solve(_ b: Matrix) throws -> Matrix {
        try requireSquare("solve")
        let f = try lu()
        do { return try f.solve(b) } catch LinalgError.singular(let op, let pivot, _) {
            throw LinalgError.singular(operation: op, pivot: pivot, rank: try? rank())
        }
    }

    /// Solves A·x = b for square A.
    public func solve(_ b: [Double]) throws -> [Double] { try solve(Matrix(column: b)).elements }
}
