import Linalg

/// The solution of a weighted least-squares problem with collinearity detection.
struct WeightedLeastSquaresSolution {
    /// Indices of the columns kept, in the caller's order.
    let kept: [Int]
    /// Indices of the columns dropped as collinear.
    let dropped: [Int]
    /// Coefficients of the kept columns.
    let beta: [Double]
    /// (X_SᵀWX_S)⁻¹ for the kept columns S, in the order of `kept`.
    let bread: Matrix
    /// y − X_S·β (unweighted).
    let residuals: [Double]
}

/// Solves min Σ wᵢ (yᵢ − xᵢᵀβ)² with rank detection, through QR:
/// 1. columns scaled to unit weighted norm (columns whose norm vanished — e.g. constant within
///    the fixed-effect groups, so zero after partialling out — are dropped first: norm ≤
///    1e-9 × the norm before partialling out);
/// 2. the blocked Householder QR (`dgeqrf`) of the n × (q+1) matrix [√w∘X | √w∘y] compresses the
///    problem to its (q+1)×(q+1) triangle R without squaring the condition number;
/// 3. the rank is decided in the caller's column order, as R's `lm` does (a collinear column is
///    dropped, never an earlier one): column k is collinear when |R(k,k)| — its distance from the
///    span of the columns before it, all of unit norm — is ≤ tol (`collinearityTolerance`, 1e-7
///    by default, R's `lm.fit` tolerance);
/// 4. β from the reduced triangular problem on the kept columns (`dgels`), (X_SᵀWX_S)⁻¹ from the
///    triangular factor of the kept columns (`dgeqrf` + `dpotri`).
func weightedLeastSquares(columns x: [[Double]], response y: [Double], weights: [Double]?,
                          normsBeforePartialling: [Double]?, collinearityTolerance tol: Double,
                          allowUnderdetermined: Bool = false) throws -> WeightedLeastSquaresSolution {
    let n = y.count, q0 = x.count
    var sw: [Double]? = nil
    if let w = weights { sw = w.map { $0.squareRoot() } }
    // 1. Norms and vanished columns.
    var candidates: [Int] = []
    var norms = [Double](repeating: 0, count: q0)
    var dropped: [Int] = []
    for j in 0..<q0 {
        var s = 0.0
        x[j].withUnsafeBufferPointer { px in
            if let sw {
                for i in 0..<n { let v = px[i] * sw[i]; s += v * v }
            } else {
                for i in 0..<n { s += px[i] * px[i] }
            }
        }
        norms[j] = s.squareRoot()
        let before = normsBeforePartialling?[j] ?? norms[j]
        if norms[j] == 0 || norms[j] <= 1e-9 * before || !norms[j].isFinite {
            dropped.append(j)
        } else {
            candidates.append(j)
        }
    }
    let q = candidates.count
    if q == 0 {
        return WeightedLeastSquaresSolution(kept: [], dropped: dropped, beta: [], bread: try Matrix(rows: 0, cols: 0), residuals: y)
    }
    guard n > q || allowUnderdetermined else { throw RegressionError.tooFewObservations(observations: n, parameters: q) }
    // 2. Compress [√w∘X/‖·‖ | √w∘y] to its triangle (zero rows pad an underdetermined problem:
    //    they change no sum of squares).
    var a = try Matrix(rows: max(n, q + 1), cols: q + 1)
    let lda = a.rows
    a.withUnsafeMutableElements { pa in
        for (c, j) in candidates.enumerated() {
            let scale = 1 / norms[j]
            x[j].withUnsafeBufferPointer { px in
                if let sw { for i in 0..<n { pa[c * lda + i] = px[i] * sw[i] * scale } }
                else { for i in 0..<n { pa[c * lda + i] = px[i] * scale } }
            }
        }
        y.withUnsafeBufferPointer { py in
            if let sw { for i in 0..<n { pa[q * lda + i] = py[i] * sw[i] } }
            else { for i in 0..<n { pa[q * lda + i] = py[i] } }
        }
    }
    do {
        if n >= 50_000 && n >= 20 * (q + 1),
           let fast = try gramLeastSquares(a, n: n, q: q, candidates: candidates, norms: norms, x: x, y: y, tol: tol) {
            dropped = (dropped + fast.dropped).sorted()
            return WeightedLeastSquaresSolution(kept: fast.kept, dropped: dropped, beta: fast.beta, bread: fast.bread, residuals: fast.residuals)
        }
        let r = try a.qrTriangularFactor()
        let r1 = try r.submatrix(rows: 0..<q, cols: 0..<q).copy()
        let c1 = (0..<q).map { r[$0, q] }
        // 3. Rank in the caller's column order (as R's lm): column k is collinear when
        //    |R(k,k)|, its distance from the span of the earlier columns (unit norm), is ≤ tol.
        let keptPositions = (0..<q).filter { abs(r1[$0, $0]) > tol }
        let rank = keptPositions.count
        for pos in 0..<q where !keptPositions.contains(pos) { dropped.append(candidates[pos]) }
        dropped.sort()
        // 4. The reduced problem on the kept columns: min ‖R(:,S)·b − c‖ (dgels), and
        //    (X_SᵀWX_S)⁻¹ = (TᵀT)⁻¹ with T the triangular factor of R(:,S) (dgeqrf, dpotri).
        let rs = try Matrix(rows: q, cols: rank, columnMajor: keptPositions.flatMap { j in (0..<q).map { r1[$0, j] } })
        let solution = rank > 0 ? try rs.leastSquares(c1, method: .qr) : []
        let breadPivot = rank > 0 ? try rs.qrTriangularFactor().gramInverseFromUpperTriangular() : try Matrix(rows: 0, cols: 0)
        let order = keptPositions.enumerated().map { ($0.offset, $0.element) }
        let kept = keptPositions.map { candidates[$0] }
        var beta = [Double](repeating: 0, count: rank)
        var bread = try Matrix(rows: rank, cols: rank)
        for (a1, o1) in order {
            let s1 = 1 / norms[candidates[o1]]
            beta[a1] = solution[a1] * s1
            for (a2, o2) in order {
                bread[a1, a2] = breadPivot[a1, a2] * s1 / norms[candidates[o2]]
            }
        }
        // Residuals y − X_S β.
        var residuals = y
        residuals.withUnsafeMutableBufferPointer { pr in
            for (k, j) in kept.enumerated() {
                let b = beta[k]
                x[j].withUnsafeBufferPointer { px in for i in 0..<n { pr[i] -= b * px[i] } }
            }
        }
        return WeightedLeastSquaresSolution(kept: kept, dropped: dropped, beta: beta, bread: bread, residuals: residuals)
    } catch let e as LinalgError {
        throw RegressionError.linearAlgebra(e.description)
    }
}

/// The tall-problem path (n ≥ 50,000 and n ≥ 20(q+1)): seminormal equations with one step of
/// iterative refinement (Björck 1996, §2.5 "corrected seminormal equations"), which for
/// moderately conditioned problems is as accurate as QR at a fraction of the cost:
/// G = AᵀA by `dsyrk`; the rank decision of the QR path on the R of G (R = qr(Λ^½Vᵀ) from the
/// eigen-decomposition G = VΛVᵀ, so RᵀR = G in column order); β by Cholesky of the kept block
/// (`dpotrf`), then r = y − Aβ and β += G⁻¹Aᵀr. When the kept columns are not well conditioned
/// (smallest Cholesky pivot below 1e-4 of the largest, i.e. κ(A) ≳ 1e4, where squaring the
/// condition number costs digits) it returns nil and the caller uses QR.
func gramLeastSquares(_ a: Matrix, n: Int, q: Int, candidates: [Int], norms: [Double], x: [[Double]], y: [Double], tol: Double) throws
    -> (kept: [Int], dropped: [Int], beta: [Double], bread: Matrix, residuals: [Double])? {
    let design = try a.submatrix(rows: 0..<n, cols: 0..<q)
    var g = try Matrix(rows: q, cols: q)
    try BLAS.syrk(1, design, .transpose, 0, &g)
    let ys = try a.columnView(q)
    var c = [Double](repeating: 0, count: q)
    try BLAS.gemv(1, design, .transpose, ys, 0, &c)
    // R with RᵀR = G in the caller's column order: G = VΛVᵀ (dsyevd), M = Λ^½Vᵀ, R = qr(M) (dgeqrf);
    // the rank decision is the QR path's, on |R(k,k)|.
    let eig = try g.symmetricEigen()
    guard let v = eig.eigenvectors else { return nil }
    var m = v.transposed()
    for i in 0..<q { let sq = max(eig.eigenvalues[i], 0).squareRoot(); for j in 0..<q { m[i, j] *= sq } }
    let rTri = try m.qrTriangularFactor()
    let positions = (0..<q).filter { abs(rTri[$0, $0]) > tol }
    let rank = positions.count
    guard rank > 0 else { return nil }
    // The kept columns' Gram matrix, factorized by Cholesky (dpotrf); too ill-conditioned → QR.
    let gs = try Matrix(rows: rank, cols: rank, columnMajor: positions.flatMap { j in positions.map { g[$0, j] } })
    guard let cholesky = try? gs.cholesky() else { return nil }
    let l = cholesky.factor
    var lmax = 0.0, lmin = Double.infinity
    for k in 0..<rank { lmax = max(lmax, l[k, k]); lmin = min(lmin, l[k, k]) }
    guard lmin >= 1e-4 * lmax else { return nil }
    let piv = positions
    func solveNormal(_ rhs: [Double]) throws -> [Double] {
        var v = rhs
        try BLAS.trsv(l, .lower, .none, .nonUnit, &v)
        try BLAS.trsv(l, .lower, .transpose, .nonUnit, &v)
        return v
    }
    var b = try solveNormal(piv.map { c[$0] })
    // One refinement step on the scaled problem.
    var res = ys.array
    try a.withUnsafeElements { pa in
        for (k, col) in piv.enumerated() {
            let bk = b[k], off = col * n
            res.withUnsafeMutableBufferPointer { pr in for i in 0..<n { pr[i] -= bk * pa[off + i] } }
        }
        var gr = [Double](repeating: 0, count: rank)
        for (k, col) in piv.enumerated() {
            var s = 0.0
            let off = col * n
            res.withUnsafeBufferPointer { pr in for i in 0..<n { s += pa[off + i] * pr[i] } }
            gr[k] = s
        }
        let delta = try solveNormal(gr)
        for k in 0..<rank { b[k] += delta[k] }
    }
    let breadPivot = try l.transposed().gramInverseFromUpperTriangular()
    let order = piv.enumerated().sorted { candidates[$0.element] < candidates[$1.element] }
    let kept = order.map { candidates[$0.element] }
    let dropped = (0..<q).filter { !positions.contains($0) }.map { candidates[$0] }
    var beta = [Double](repeating: 0, count: rank)
    var bread = try Matrix(rows: rank, cols: rank)
    for (a1, o1) in order.enumerated() {
        let s1 = 1 / norms[candidates[o1.element]]
        beta[a1] = b[o1.offset] * s1
        for (a2, o2) in order.enumerated() {
            bread[a1, a2] = breadPivot[o1.offset, o2.offset] * s1 / norms[candidates[o2.element]]
        }
    }
    var residuals = y
    residuals.withUnsafeMutableBufferPointer { pr in
        for (k, j) in kept.enumerated() {
            let bk = beta[k]
            x[j].withUnsafeBufferPointer { px in for i in 0..<n { pr[i] -= bk * px[i] } }
        }
    }
    return (kept, dropped, beta, bread, residuals)
}
