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
/// Tall problems (n ≥ 50,000 and n ≥ 20(q+1)) first try the seminormal equations of
/// `gramLeastSquares`, whose Gram matrix comes from one pass over the data for q ≤ 3 columns
/// (`gramDirect`) and from `dsyrk` over blocks of 4,096 rows otherwise (`gramBlocked`); either
/// way the n × (q+1) matrix is formed only when they refuse (ill-conditioned).
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
    let tall = n >= 50_000 && n >= 20 * (q + 1)
    if tall {
        // The Gram matrix without forming the n × (q+1) matrix A: in one pass over the data for
        // few columns, else by `dsyrk` over blocks of rows.
        do {
            let (g, c) = q <= 3
                ? try gramDirect(n: n, q: q, candidates: candidates, norms: norms, x: x, y: y, sw: sw)
                : try gramBlocked(n: n, q: q, candidates: candidates, norms: norms, x: x, y: y, sw: sw)
            if let fast = try gramLeastSquares(gram: g, cross: c, n: n, q: q, candidates: candidates, norms: norms, x: x, y: y, sw: sw, tol: tol) {
                return try unscaledSolution(positions: fast.positions, scaledBeta: fast.beta, scaledBread: fast.bread,
                                            candidates: candidates, norms: norms, vanished: dropped, x: x, y: y)
            }
        } catch let e as LinalgError {
            throw RegressionError.linearAlgebra(e.description)
        }
    }
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
        let c1 = (0..<q).map { r[$0, q] }
        // 3. Rank in the caller's column order (as R's lm): column k is collinear when
        //    |R(k,k)|, its distance from the span of the earlier columns (unit norm), is ≤ tol.
        let keptPositions = (0..<q).filter { abs(r1[$0, $0]) > tol }
        let rank = keptPositions.count
        // 4. The reduced problem on the kept columns: min ‖R(:,S)·b − c‖ (dgels), and
        //    (X_SᵀWX_S)⁻¹ = (TᵀT)⁻¹ with T the triangular factor of R(:,S) (dgeqrf, dpotri).
        let rs = try Matrix(rows: q, cols: rank, columnMajor: keptPositions.flatMap { j in (0..<q).map { r1[$0, j] } })
        let solution = rank > 0 ? try rs.leastSquares(c1, method: .qr) : []
        let breadPivot = rank > 0 ? try rs.qrTriangularFactor().gramInverseFromUpperTriangular() : try Matrix(rows: 0, cols: 0)
        return try unscaledSolution(positions: keptPositions, scaledBeta: solution, scaledBread: breadPivot,
                                    candidates: candidates, norms: norms, vanished: dropped, x: x, y: y)
    } catch let e as LinalgError {
        throw RegressionError.linearAlgebra(e.description)
    }
}

/// The solution in the columns' own scale from the one on the unit-norm candidate columns (both
/// paths of `weightedLeastSquares`): the kept columns are `candidates[positions]` (`positions`
/// ascending), β and (X_SᵀWX_S)⁻¹ are divided by their norms, the residuals are y − X_S·β; the
/// `vanished` columns and the candidates not kept are dropped.
func unscaledSolution(positions: [Int], scaledBeta: [Double], scaledBread: Matrix, candidates: [Int], norms: [Double],
                      vanished: [Int], x: [[Double]], y: [Double]) throws -> WeightedLeastSquaresSolution {
    let n = y.count, rank = positions.count
    let kept = positions.map { candidates[$0] }
    let dropped = (vanished + candidates.indices.filter { !positions.contains($0) }.map { candidates[$0] }).sorted()
    var beta = [Double](repeating: 0, count: rank)
    var bread = try Matrix(rows: rank, cols: rank)
    for a1 in 0..<rank {
        let s1 = 1 / norms[kept[a1]]
        beta[a1] = scaledBeta[a1] * s1
        for a2 in 0..<rank {
            bread[a1, a2] = scaledBread[a1, a2] * s1 / norms[kept[a2]]
        }
    }
    var residuals = y
    residuals.withUnsafeMutableBufferPointer { pr in
        for (k, j) in kept.enumerated() {
            let b = beta[k]
            x[j].withUnsafeBufferPointer { px in for i in 0..<n { pr[i] -= b * px[i] } }
        }
    }
    return WeightedLeastSquaresSolution(kept: kept, dropped: dropped, beta: beta, bread: bread, residuals: residuals)
}

/// A = [√w∘X_c/‖·‖] (the candidate columns at unit weighted norm, at most 3) and b = √w∘y:
/// G = AᵀA and Aᵀb in one pass over the observations, A never formed (A's entries as the QR
/// path stores them).
func gramDirect(n: Int, q: Int, candidates: [Int], norms: [Double], x: [[Double]], y: [Double], sw: [Double]?) throws -> (Matrix, [Double]) {
    let scales = candidates.map { 1 / norms[$0] }
    var scale = SIMD4<Double>(0, 0, 0, 1)
    for k in 0..<q { scale[k] = scales[k] }
    var acc = (SIMD4<Double>(), SIMD4<Double>(), SIMD4<Double>())
    withRowPointers(candidates.map { x[$0] }, y, sw) { p0, p1, p2, py, ps in
        switch q {
        case 1: acc = gramKernel(n, 1, p0, p1, p2, py, ps, scale)
        case 2: acc = gramKernel(n, 2, p0, p1, p2, py, ps, scale)
        default: acc = gramKernel(n, 3, p0, p1, p2, py, ps, scale)
        }
    }
    let rows = [acc.0, acc.1, acc.2]
    var g = try Matrix(rows: q, cols: q)
    for k1 in 0..<q { for k2 in 0..<q { g[k1, k2] = rows[k1][k2] } }
    return (g, (0..<q).map { rows[$0][3] })
}

/// The Gram matrix AᵀA and Aᵀb of A = [√w∘xₖ/‖·‖] (the candidate columns) and b = √w∘y, by
/// `dsyrk` on blocks of 4,096 rows of [A | b] accumulated into one (q+1) × (q+1) matrix: the
/// BLAS speed of one `dsyrk` over the whole matrix, with a block of (q+1)·32 KB instead of the
/// n × (q+1) copy (40 MB at 1e6 × 5, fresh pages on every IRLS iteration).
func gramBlocked(n: Int, q: Int, candidates: [Int], norms: [Double], x: [[Double]], y: [Double], sw: [Double]?) throws -> (Matrix, [Double]) {
    let blockRows = 4_096
    let scales = candidates.map { 1 / norms[$0] }
    var block = try Matrix(rows: Swift.min(blockRows, n), cols: q + 1)
    var full = try Matrix(rows: q + 1, cols: q + 1)
    var start = 0
    while start < n {
        let rows = Swift.min(blockRows, n - start)
        let lda = block.rows
        block.withUnsafeMutableElements { pa in
            for (c, j) in candidates.enumerated() {
                let scale = scales[c]
                x[j].withUnsafeBufferPointer { px in
                    if let sw { for i in 0..<rows { pa[c * lda + i] = px[start + i] * sw[start + i] * scale } }
                    else { for i in 0..<rows { pa[c * lda + i] = px[start + i] * scale } }
                }
            }
            y.withUnsafeBufferPointer { py in
                if let sw { for i in 0..<rows { pa[q * lda + i] = py[start + i] * sw[start + i] } }
                else { for i in 0..<rows { pa[q * lda + i] = py[start + i] } }
            }
        }
        let beta: Double = start == 0 ? 0 : 1
        if rows == block.rows {
            try BLAS.syrk(1, block, .transpose, beta, &full)
        } else {
            try BLAS.syrk(1, try block.submatrix(rows: 0..<rows, cols: 0..<(q + 1)), .transpose, beta, &full)
        }
        start += rows
    }
    var g = try Matrix(rows: q, cols: q)
    for k1 in 0..<q { for k2 in 0..<q { g[k1, k2] = full[k1, k2] } }
    return (g, (0..<q).map { full[$0, q] })
}

/// Rows (a₀, a₁, a₂, b) of [A | b], aₖ = xₖ·√w·scaleₖ (zero beyond q), b = y·√w.
@inline(__always)
func gramRow(_ i: Int, _ q: Int, _ p0: UnsafePointer<Double>, _ p1: UnsafePointer<Double>, _ p2: UnsafePointer<Double>,
             _ py: UnsafePointer<Double>, _ ps: UnsafePointer<Double>?, _ scale: SIMD4<Double>) -> SIMD4<Double> {
    let v = SIMD4<Double>(p0[i], q > 1 ? p1[i] : 0, q > 2 ? p2[i] : 0, py[i])
    if let ps { return v * ps[i] * scale }
    return v * scale
}

/// Σᵢ rᵢ·rᵢ[k] for k < 3, r the rows of [A | b] (see `gramRow`).
@inline(__always)
func gramKernel(_ n: Int, _ q: Int, _ p0: UnsafePointer<Double>, _ p1: UnsafePointer<Double>, _ p2: UnsafePointer<Double>,
                _ py: UnsafePointer<Double>, _ ps: UnsafePointer<Double>?, _ scale: SIMD4<Double>) -> (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>) {
    var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>()
    for i in 0..<n {
        let r = gramRow(i, q, p0, p1, p2, py, ps, scale)
        a0 += r * r[0]
        if q > 1 { a1 += r * r[1] }
        if q > 2 { a2 += r * r[2] }
    }
    return (a0, a1, a2)
}

/// Refinement: Σᵢ aᵢ·(bᵢ − aᵢᵀβ) (β zero beyond q), rows as in `gramRow`.
@inline(__always)
func refineKernel(_ n: Int, _ q: Int, _ p0: UnsafePointer<Double>, _ p1: UnsafePointer<Double>, _ p2: UnsafePointer<Double>,
                  _ py: UnsafePointer<Double>, _ ps: UnsafePointer<Double>?, _ scale: SIMD4<Double>, _ beta: SIMD4<Double>) -> SIMD4<Double> {
    var acc = SIMD4<Double>()
    for i in 0..<n {
        let row = gramRow(i, q, p0, p1, p2, py, ps, scale)
        var r = row[3]
        r -= beta[0] * row[0]
        if q > 1 { r -= beta[1] * row[1] }
        if q > 2 { r -= beta[2] * row[2] }
        acc += row * r
    }
    return acc
}

/// Calls `body` with pointers to up to three columns (missing ones repeat y), y and √w.
func withRowPointers(_ columns: [[Double]], _ y: [Double], _ sw: [Double]?,
                     _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>?) -> Void) {
    y.withUnsafeBufferPointer { py in
        guard let by = py.baseAddress else { return }
        func column(_ k: Int, _ f: (UnsafePointer<Double>) -> Void) {
            if k < columns.count {
                columns[k].withUnsafeBufferPointer { p in f(p.baseAddress ?? by) }
            } else {
                f(by)
            }
        }
        column(0) { p0 in column(1) { p1 in column(2) { p2 in
            if let sw {
                sw.withUnsafeBufferPointer { ps in body(p0, p1, p2, by, ps.baseAddress) }
            } else {
                body(p0, p1, p2, by, nil)
            }
        } } }
    }
}

/// The tall-problem path (n ≥ 50,000 and n ≥ 20(q+1)): seminormal equations with one step of
/// iterative refinement (Björck 1996, §2.5 "corrected seminormal equations"), which for
/// moderately conditioned problems is as accurate as QR at a fraction of the cost:
/// G = AᵀA and Aᵀb given (A = [√w∘X_c/‖·‖], b = √w∘y); the rank decision of the QR path on the R
/// of G (R = qr(Λ^½Vᵀ) from the eigen-decomposition G = VΛVᵀ, so RᵀR = G in column order); β by
/// Cholesky of the kept block (`dpotrf`), then r = b − Aβ and β += G⁻¹Aᵀr (A's entries
/// recomputed on the fly). When the kept columns are not well conditioned
/// (smallest Cholesky pivot below 1e-4 of the largest, i.e. κ(A) ≳ 1e4, where squaring the
/// condition number costs digits) it returns nil and the caller uses QR.
/// Returns the positions (among the candidates) of the kept columns, and β and (AᵀA)⁻¹ of the
/// scaled problem on them (`unscaledSolution` turns them into the caller's).
func gramLeastSquares(gram g: Matrix, cross c: [Double], n: Int, q: Int, candidates: [Int], norms: [Double], x: [[Double]], y: [Double],
                      sw: [Double]?, tol: Double) throws
    -> (positions: [Int], beta: [Double], bread: Matrix)? {
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
    // One refinement step on the scaled problem: r = b − Aβ, then Aᵀr.
    var gr = [Double](repeating: 0, count: rank)
    if rank <= 3 {
        var scale = SIMD4<Double>(0, 0, 0, 1), beta = SIMD4<Double>()
        for k in 0..<rank { scale[k] = 1 / norms[candidates[piv[k]]]; beta[k] = b[k] }
        var acc = SIMD4<Double>()
        withRowPointers(piv.map { x[candidates[$0]] }, y, sw) { p0, p1, p2, py, ps in
            switch rank {
            case 1: acc = refineKernel(n, 1, p0, p1, p2, py, ps, scale, beta)
            case 2: acc = refineKernel(n, 2, p0, p1, p2, py, ps, scale, beta)
            default: acc = refineKernel(n, 3, p0, p1, p2, py, ps, scale, beta)
            }
        }
        for k in 0..<rank { gr[k] = acc[k] }
    } else {
        // Block by block of rows (the residual block stays in cache), each sum still in row order.
        let keptScales = piv.map { 1 / norms[candidates[$0]] }
        let keptColumns = piv.map { x[candidates[$0]] }
        let blockRows = 4_096
        var res = [Double](repeating: 0, count: Swift.min(n, blockRows))
        y.withUnsafeBufferPointer { py in
            res.withUnsafeMutableBufferPointer { pr in
                var start = 0
                while start < n {
                    let end = Swift.min(n, start + blockRows)
                    if let sw {
                        for i in start..<end { pr[i - start] = py[i] * sw[i] }
                    } else {
                        for i in start..<end { pr[i - start] = py[i] }
                    }
                    for k in 0..<rank {
                        let bk = b[k], sc = keptScales[k]
                        keptColumns[k].withUnsafeBufferPointer { col in
                            if let sw { for i in start..<end { pr[i - start] -= bk * (col[i] * sw[i] * sc) } }
                            else { for i in start..<end { pr[i - start] -= bk * (col[i] * sc) } }
                        }
                    }
                    for k in 0..<rank {
                        let sc = keptScales[k]
                        var s = gr[k]
                        keptColumns[k].withUnsafeBufferPointer { col in
                            if let sw { for i in start..<end { s += col[i] * sw[i] * sc * pr[i - start] } }
                            else { for i in start..<end { s += col[i] * sc * pr[i - start] } }
                        }
                        gr[k] = s
                    }
                    start = end
                }
            }
        }
    }
    let delta = try solveNormal(gr)
    for k in 0..<rank { b[k] += delta[k] }
    return (positions, b, try l.transposed().gramInverseFromUpperTriangular())
}
