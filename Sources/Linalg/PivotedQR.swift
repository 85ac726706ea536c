import CLAPACK

/// QR factorization with column pivoting, A·P = Q·R (LAPACK `dgeqp3`), the rank-revealing
/// factorization behind the regression engine.
///
/// Members: `packed` (m×n: R on and above the diagonal, Householder vectors below), `tau`
/// (count min(m,n)), `permutation` (0-based: column k of A·P is column `permutation[k]` of A),
/// `rank` and `rankTolerance`.
///
/// Rank rule: rank = #{k : |R(k,k)| > tol·|R(0,0)|} with tol = max(m,n)·ε by default (the rule
/// of `numpy.linalg.matrix_rank` applied to R's diagonal). Because `dgeqp3` orders |R(k,k)|
/// non-increasingly in practice, this counts the leading well-conditioned columns. Matches
/// `scipy.linalg.qr(A, pivoting=True)`.
public struct PivotedQRFactorization: Sendable {
    public let packed: Matrix
    public let tau: [Double]
    public let permutation: [Int]
    public let rank: Int
    public let rankTolerance: Double

    /// R, min(m,n) × n upper triangular (of A·P).
    public var r: Matrix {
        let k = Swift.min(packed.rows, packed.cols)
        var rr = Matrix(uncheckedRows: k, cols: packed.cols, elements: [Double](repeating: 0, count: k * packed.cols))
        for j in 0..<packed.cols { for i in 0..<Swift.min(j + 1, k) { rr[i, j] = packed[i, j] } }
        return rr
    }

    /// Q with orthonormal columns: thin (m × min(m,n)) by default, or full (m×m) (`dorgqr`).
    public func q(full: Bool = false) throws -> Matrix {
        let m = packed.rows, k = Swift.min(packed.rows, packed.cols)
        let cols = full ? m : k
        var q = try Matrix(rows: m, cols: cols)
        for j in 0..<Swift.min(k, cols) { for i in 0..<m { q[i, j] = packed[i, j] } }
        if m == 0 || cols == 0 { return q }
        if k == 0 { return try Matrix.identity(m).submatrix(rows: 0..<m, cols: 0..<cols).copy() }
        let mm = try lapackInt(m, "dorgqr"), nn = try lapackInt(cols, "dorgqr"), kk = try lapackInt(k, "dorgqr")
        let ldq = Int32(q.leadingDimension)
        let info = withBase(tau) { pt in
            withMutableBase(&q.elements) { pq in LAPACKE_dorgqr(colMajor, mm, nn, kk, pq, ldq, pt) }
        }
        guard info == 0 else { throw lapackFailure("dorgqr", info) }
        return q
    }

    /// Qᵀ·B (`trans = .transpose`) or Q·B (`.none`) with the full m×m Q, without forming Q (`dormqr`).
    public func applyQ(_ trans: Transpose, to b: Matrix) throws -> Matrix {
        let m = packed.rows, k = Swift.min(packed.rows, packed.cols)
        guard b.rows == m else {
            throw LinalgError.dimensionMismatch(operation: "apply Q", details: "Q is \(m)×\(m), B has \(b.rows) rows")
        }
        if b.isEmpty || k == 0 { return b }
        var c = b
        let mm = try lapackInt(m, "dormqr"), nn = try lapackInt(b.cols, "dormqr"), kk = try lapackInt(k, "dormqr")
        let ldc = Int32(c.leadingDimension)
        let info = withBase(packed.elements) { pa in
            withBase(tau) { pt in
                withMutableBase(&c.elements) { pc in
                    LAPACKE_dormqr(colMajor, lapackChar("L"), trans.lapack, mm, nn, kk, pa, Int32(packed.leadingDimension), pt, pc, ldc)
                }
            }
        }
        guard info == 0 else { throw lapackFailure("dormqr", info) }
        return c
    }

    /// Least-squares solution of A·X ≈ B using the leading `rank` columns (the "basic" solution:
    /// coefficients of dropped columns are 0, as R's `lm` reports NA). Returns n × nrhs.
    public func solveLeastSquares(_ b: Matrix) throws -> Matrix {
        let n = packed.cols
        let qtb = try applyQ(.transpose, to: b)
        var x = try Matrix(rows: n, cols: b.cols)
        let r = rank
        if r == 0 || b.cols == 0 { return x }
        var y = try qtb.submatrix(rows: 0..<r, cols: 0..<b.cols).copy()
        let r11 = try packed.submatrix(rows: 0..<r, cols: 0..<r)
        try BLAS.trsm(.left, .upper, .none, .nonUnit, 1, r11, &y)
        for j in 0..<b.cols { for i in 0..<r { x[permutation[i], j] = y[i, j] } }
        return x
    }
}

extension Matrix {
    /// QR with column pivoting (`dgeqp3`).
    /// - Parameter rankTolerance: relative tolerance for the rank; nil → max(m,n)·ε.
    /// - Throws: `nonFinite`, `invalidArgument` for a negative tolerance.
    public func pivotedQR(rankTolerance: Double? = nil) throws -> PivotedQRFactorization {
        try checkFinite("pivoted QR")
        let tol = rankTolerance ?? Double(Swift.max(rows, cols)) * Double.ulpOfOne
        guard tol >= 0 else { throw LinalgError.invalidArgument(operation: "pivoted QR", details: "rank tolerance must be ≥ 0, got \(tol)") }
        let k = Swift.min(rows, cols)
        var a = self
        var tau = [Double](repeating: 0, count: k)
        var jpvt = [Int32](repeating: 0, count: cols)
        if !isEmpty {
            let m = try lapackInt(rows, "dgeqp3"), n = try lapackInt(cols, "dgeqp3"), lda = Int32(leadingDimension)
            var info: Int32 = 0
            withMutableBase(&jpvt) { pj in
                info = withMutableBase(&tau) { pt in
                    withMutableBase(&a.elements) { pa in LAPACKE_dgeqp3(colMajor, m, n, pa, lda, pj, pt) }
                }
            }
            guard info == 0 else { throw lapackFailure("dgeqp3", info) }
        } else {
            for j in 0..<cols { jpvt[j] = Int32(j + 1) }
        }
        var rank = 0
        if k > 0 {
            let r00 = Swift.abs(a[0, 0])
            while rank < k, Swift.abs(a[rank, rank]) > tol * r00 { rank += 1 }
        }
        return PivotedQRFactorization(packed: a, tau: tau, permutation: jpvt.map { Int($0) - 1 }, rank: rank, rankTolerance: tol)
    }
}
