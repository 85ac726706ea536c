/// Determinant, inverse, pseudo-inverse, numerical rank and condition number.
///
/// Tolerance rules (the numpy conventions, so results agree with numpy):
/// - `rank(tolerance:)`: number of singular values σᵢ > tol, with tol = σ₁·max(m,n)·ε by
///   default (`numpy.linalg.matrix_rank`).
/// - `pseudoInverse(rcond:)`: singular values σᵢ ≤ rcond·σ₁ are treated as zero, rcond =
///   max(m,n)·ε by default (`numpy.linalg.pinv` in numpy ≥ 2).
/// - `conditionNumber()`: κ₂ = σ₁/σₙ (`numpy.linalg.cond`), +∞ for a singular matrix.
extension Matrix {
    /// det(A) via LU (`dgetrf`). 0 for an exactly singular matrix; 1 for 0×0.
    /// - Throws: `dimensionMismatch` when not square, `nonFinite`.
    public func determinant() throws -> Double {
        try requireSquare("determinant")
        return try lu().determinant
    }

    /// (sign, log|det A|) via LU, as `numpy.linalg.slogdet`; (0, −∞) when singular.
    public func logDeterminant() throws -> (sign: Double, logAbs: Double) {
        try requireSquare("log-determinant")
        return try lu().logAbsDeterminant
    }

    /// A⁻¹ via LU (`dgetrf` + `dgetri`).
    /// - Throws: `singular` (with the numerical rank), `dimensionMismatch`, `nonFinite`.
    public func inverse() throws -> Matrix {
        try requireSquare("inverse")
        let f = try lu()
        do { return try f.inverse() } catch LinalgError.singular(let op, let pivot, _) {
            throw LinalgError.singular(operation: op, pivot: pivot, rank: try? rank())
        }
    }

    /// Moore–Penrose pseudo-inverse A⁺ (n×m) via SVD.
    public func pseudoInverse(rcond: Double? = nil) throws -> Matrix {
        let m = rows, n = cols
        if isEmpty { return try Matrix(rows: n, cols: m) }
        let rc = rcond ?? Double(Swift.max(m, n)) * Double.ulpOfOne
        guard rc >= 0 else { throw LinalgError.invalidArgument(operation: "pseudo-inverse", details: "rcond must be ≥ 0, got \(rc)") }
        let d = try svd(full: false)
        let k = d.singularValues.count
        let cutoff = rc * (d.singularValues.first ?? 0)
        // A⁺ = V·diag(1/σ)·Uᵀ: scale the rows of Vᵀ, then one gemm.
        var scaledVt = d.vt
        for i in 0..<k {
            let s = d.singularValues[i]
            let inv = s > cutoff ? 1 / s : 0
            for j in 0..<n { scaledVt[i, j] *= inv }
        }
        var p = try Matrix(rows: n, cols: m)
        try BLAS.gemm(1, scaledVt, .transpose, d.u, .transpose, 0, &p)
        return p
    }

    /// Numerical rank: #{σᵢ > tol}, tol = σ₁·max(m,n)·ε unless given (absolute).
    public func rank(tolerance: Double? = nil) throws -> Int {
        if isEmpty { return 0 }
        if let t = tolerance, !(t >= 0) {
            throw LinalgError.invalidArgument(operation: "rank", details: "tolerance must be ≥ 0, got \(t)")
        }
        let s = try singularValues()
        let tol = tolerance ?? (s.first ?? 0) * Double(Swift.max(rows, cols)) * Double.ulpOfOne
        return s.filter { $0 > tol }.count
    }

    /// 2-norm condition number σ₁/σₖ (k = min(m,n)); +∞ when σₖ = 0. An empty matrix gives 1
    /// (numpy raises there; the 0×0 identity is perfectly conditioned).
    public func conditionNumber() throws -> Double {
        if isEmpty { return 1 }
        let s = try singularValues()
        guard let first = s.first, let last = s.last else { return 1 }
        return last == 0 ? .infinity : first / last
    }
}
