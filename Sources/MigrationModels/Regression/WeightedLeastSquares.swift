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
/// 3. QR with column pivoting (`dgeqp3`) of R's leading q×q block gives the numerical rank:
///    column k is kept while |R₂(k,k)| > tol·|R₂(0,0)| (tol = `collinearityTolerance`, 1e-7 by
///    default as R's `lm`); later pivots are the collinear columns;
/// 4. β from the triangular solve, (X_SᵀWX_S)⁻¹ from `dpotri` on the triangle.
/// Equivalent to QR with column pivoting on the full n × q matrix (the pivot order depends only
/// on R), at the cost of the unpivoted blocked QR.
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
        let r = try a.qrTriangularFactor()
        let r1 = try r.submatrix(rows: 0..<q, cols: 0..<q).copy()
        let c1 = Matrix(column: (0..<q).map { r[$0, q] })
        // 3. Rank-revealing QR of the triangle.
        let pqr = try r1.pivotedQR(rankTolerance: tol)
        let rank = pqr.rank
        let keptPositions = Array(pqr.permutation.prefix(rank))           // positions in `candidates`
        let solution = try pqr.solveLeastSquares(c1)                       // q × 1, zeros for dropped
        // 4. Bread for the kept columns: (R₂₁₁ᵀR₂₁₁)⁻¹ in pivot order.
        let r211 = try pqr.r.submatrix(rows: 0..<rank, cols: 0..<rank).copy()
        let breadPivot = try r211.gramInverseFromUpperTriangular()
        // Map to the caller's order.
        let order = keptPositions.enumerated().sorted { candidates[$0.element] < candidates[$1.element] }
        let kept = order.map { candidates[$0.element] }
        for pos in pqr.permutation.suffix(q - rank) { dropped.append(candidates[pos]) }
        dropped.sort()
        var beta = [Double](repeating: 0, count: rank)
        var bread = try Matrix(rows: rank, cols: rank)
        for (a1, o1) in order.enumerated() {
            let s1 = 1 / norms[candidates[o1.element]]
            beta[a1] = solution[o1.element, 0] * s1
            for (a2, o2) in order.enumerated() {
                let s2 = 1 / norms[candidates[o2.element]]
                bread[a1, a2] = breadPivot[o1.offset, o2.offset] * s1 * s2
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
