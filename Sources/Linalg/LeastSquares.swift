import CLAPACK

/// The LAPACK driver used for a least-squares problem min ‖A·X − B‖₂.
public enum LeastSquaresMethod: Sendable, Equatable {
    /// QR or LQ without pivoting (`dgels`): fastest; requires full rank. Throws `rankDeficient`
    /// when the triangular factor's estimated reciprocal condition number (`dtrcon`, 1-norm) is
    /// ≤ max(m,n)·ε, i.e. when the answer would carry no correct digits. For m < n it returns
    /// the minimum-norm solution.
    case qr
    /// SVD (`dgelsd`): minimum-norm solution for any rank. Singular values σᵢ ≤ rcond·σ₁ are
    /// treated as zero; rcond nil → max(m,n)·ε (numpy.linalg.lstsq's default).
    case svd(rcond: Double? = nil)
    /// Complete orthogonal factorization (`dgelsy`): minimum-norm solution from pivoted QR, rank
    /// decided by incremental condition estimation against rcond (nil → max(m,n)·ε).
    case completeOrthogonal(rcond: Double? = nil)
}

/// The solution of a least-squares problem.
///
/// Members: `solution` (n × nrhs), `rank` (numerical rank found, or n/m for `.qr`),
/// `singularValues` (`.svd` only), `residualSumOfSquares` (per right-hand side, when m > rank;
/// empty otherwise).
public struct LeastSquaresSolution: Sendable {
    public let solution: Matrix
    public let rank: Int
    public let singularValues: [Double]?
    public let residualSumOfSquares: [Double]
}

extension Matrix {
    /// Solves min ‖A·X − B‖₂ (A m×n, B m×nrhs). Matches `numpy.linalg.lstsq` /
    /// `scipy.linalg.lstsq` with the corresponding driver.
    /// - Throws: `dimensionMismatch`, `nonFinite`, `rankDeficient` (`.qr` on a rank-deficient A,
    ///   with the rank computed by SVD), `notConverged` (`.svd`), `invalidArgument` (rcond < 0).
    public func leastSquares(_ b: Matrix, method: LeastSquaresMethod = .qr) throws -> LeastSquaresSolution {
        let op = "least squares"
        guard b.rows == rows else {
            throw LinalgError.dimensionMismatch(operation: op, details: "A is \(rows)×\(cols), B has \(b.rows) rows")
        }
        try checkFinite(op)
        try b.checkFinite("\(op) (right-hand side)")
        let m = rows, n = cols, nrhs = b.cols
        let defaultRcond = Double(Swift.max(m, n)) * Double.ulpOfOne
        if m == 0 || n == 0 || nrhs == 0 {
            var rss = [Double](repeating: 0, count: nrhs)
            for j in 0..<nrhs { for i in 0..<m { rss[j] += b[i, j] * b[i, j] } }
            return LeastSquaresSolution(solution: try Matrix(rows: n, cols: nrhs), rank: 0,
                                        singularValues: method == .qr ? nil : [], residualSumOfSquares: m > 0 ? rss : [])
        }
        // B is overwritten by X, so it needs max(m, n) rows.
        let ldb = Swift.max(m, n)
        var work = try Matrix(rows: ldb, cols: nrhs)
        for j in 0..<nrhs { for i in 0..<m { work[i, j] = b[i, j] } }
        var a = self
        let mm = try lapackInt(m, "least squares"), nn = try lapackInt(n, "least squares")
        let nr = try lapackInt(nrhs, "least squares"), lda = Int32(leadingDimension), ldbb = Int32(ldb)
        var rank = Swift.min(m, n)
        var sv: [Double]? = nil
        switch method {
        case .qr:
            let info = withMutableBase(&a.elements) { pa in
                withMutableBase(&work.elements) { pb in LAPACKE_dgels(colMajor, lapackChar("N"), mm, nn, nr, pa, lda, pb, ldbb) }
            }
            if info > 0 {
                throw LinalgError.rankDeficient(operation: "least squares (dgels)", rank: (try? self.rank()) ?? (Int(info) - 1), required: Swift.min(m, n))
            }
            guard info == 0 else { throw lapackFailure("dgels", info) }
            // dgels only stops at exactly zero pivots; a numerically rank-deficient A gives a
            // huge meaningless solution. Estimate the triangular factor's condition (dtrcon;
            // R for m ≥ n, L for m < n) and refuse when 1/κ ≤ max(m,n)·ε.
            let k = Swift.min(m, n)
            var rcond = 0.0
            let tinfo = withBase(a.elements) { pa in
                LAPACKE_dtrcon(colMajor, lapackChar("1"), lapackChar(m >= n ? "U" : "L"), lapackChar("N"),
                               Int32(k), pa, lda, &rcond)
            }
            guard tinfo == 0 else { throw lapackFailure("dtrcon", tinfo) }
            if !(rcond > defaultRcond) {
                throw LinalgError.rankDeficient(operation: "least squares (dgels)", rank: (try? self.rank()) ?? k - 1, required: k)
            }
        case .svd(let rc):
            let rcond = rc ?? defaultRcond
            guard rcond >= 0 else { throw LinalgError.invalidArgument(operation: op, details: "rcond must be ≥ 0, got \(rcond)") }
            var s = [Double](repeating: 0, count: Swift.min(m, n))
            var r: Int32 = 0
            let info = withMutableBase(&a.elements) { pa in
                withMutableBase(&work.elements) { pb in
                    withMutableBase(&s) { ps in LAPACKE_dgelsd(colMajor, mm, nn, nr, pa, lda, pb, ldbb, ps, rcond, &r) }
                }
            }
            if info > 0 { throw LinalgError.notConverged(operation: "least squares (dgelsd)", details: "\(info) off-diagonal elements of the bidiagonal form did not converge") }
            guard info == 0 else { throw lapackFailure("dgelsd", info) }
            rank = Int(r)
            sv = s
        case .completeOrthogonal(let rc):
            let rcond = rc ?? defaultRcond
            guard rcond >= 0 else { throw LinalgError.invalidArgument(operation: op, details: "rcond must be ≥ 0, got \(rcond)") }
            var jpvt = [Int32](repeating: 0, count: n)
            var r: Int32 = 0
            var info: Int32 = 0
            withMutableBase(&jpvt) { pj in
                info = withMutableBase(&a.elements) { pa in
                    withMutableBase(&work.elements) { pb in LAPACKE_dgelsy(colMajor, mm, nn, nr, pa, lda, pb, ldbb, pj, rcond, &r) }
                }
            }
            guard info == 0 else { throw lapackFailure("dgelsy", info) }
            rank = Int(r)
        }
        let x = try work.submatrix(rows: 0..<n, cols: 0..<nrhs).copy()
        var rss: [Double] = []
        if m > n && rank == n {
            if method == .qr {
                // dgels leaves the residual in rows n..<m of the transformed B.
                rss = (0..<nrhs).map { j in (n..<m).reduce(0.0) { $0 + work[$1, j] * work[$1, j] } }
            } else {
                let fitted = try multiplied(by: x)
                rss = (0..<nrhs).map { j in (0..<m).reduce(0.0) { let e = b[$1, j] - fitted[$1, j]; return $0 + e * e } }
            }
        }
        return LeastSquaresSolution(solution: x, rank: rank, singularValues: sv, residualSumOfSquares: rss)
    }

    /// Least squares for one right-hand side; returns the coefficient vector.
    public func leastSquares(_ b: [Double], method: LeastSquaresMethod = .qr) throws -> [Double] {
        try leastSquares(Matrix(column: b), method: method).solution.elements
    }
}
