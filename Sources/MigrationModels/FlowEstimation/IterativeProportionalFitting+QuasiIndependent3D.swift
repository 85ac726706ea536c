import Linalg

extension IterativeProportionalFitting {
    /// Three-way quasi-independent IPF (migest `ipf3_qi`; Abel 2013, Demographic Research 28(18)):
    /// the maximum-likelihood fit of
    ///
    ///     log y_ijk = log α_i + log β_j + log λ_k + log γ_ik + log κ_jk + log δ_ijk·I(i = j) + log m_ijk
    ///
    /// to origin × type totals O[i, k] = Σ_j y_ijk and destination × type totals
    /// D[j, k] = Σ_i y_ijk, with the diagonal (stayers, i = j) saturated: y_iik = diagonal[i, k],
    /// by default min(O[i, k], D[i, k]) (the largest value the margins allow, migest's default).
    /// Computed as migest's `speed` option does: the diagonal is removed from the margins, the
    /// off-diagonal cells fitted by `fit(seed:margins:options:)` with margins (0, 2) and (1, 2),
    /// and the diagonal put back.
    /// - Parameters:
    ///   - originTotals: O, n × K (origin × type).
    ///   - destinationTotals: D, n × K (destination × type); each type's totals must equal O's.
    ///   - diagonal: the stayers, n × K (nil: min(O, D)).
    ///   - seed: the offset m, shape [n, n, K] (nil: 1).
    ///   - options: the IPF stopping rule.
    /// - Returns: the fit, shape [n, n, K] (origin, destination, type), diagonal included.
    /// - Throws: `FlowEstimationError.invalidInput` for shapes, `invalidValue` for negative or
    ///   non-finite totals, a diagonal above the margins, and everything `fit` throws.
    public static func fitQuasiIndependent3D(originTotals: Matrix, destinationTotals: Matrix, diagonal: Matrix? = nil,
                                             seed: ContingencyTable? = nil, options: IPFOptions = IPFOptions()) throws -> IPFResult {
        let n = originTotals.rows, types = originTotals.cols
        guard n >= 2, types >= 1, destinationTotals.rows == n, destinationTotals.cols == types else {
            throw FlowEstimationError.invalidInput("origin and destination totals must both be n × K with n ≥ 2; got \(originTotals.rows)×\(originTotals.cols) and \(destinationTotals.rows)×\(destinationTotals.cols)")
        }
        try checkCounts(originTotals.elements, "origin totals")
        try checkCounts(destinationTotals.elements, "destination totals")
        if let s = seed {
            guard s.shape == [n, n, types] else { throw FlowEstimationError.invalidInput("the seed must have shape [\(n), \(n), \(types)], got \(s.shape)") }
            try checkCounts(s.values, "seed")
        }
        var fixed = try Matrix(rows: n, cols: types)
        for i in 0..<n { for k in 0..<types { fixed[i, k] = min(originTotals[i, k], destinationTotals[i, k]) } }
        if let d = diagonal {
            guard d.rows == n, d.cols == types else { throw FlowEstimationError.invalidInput("the diagonal must be \(n)×\(types), got \(d.rows)×\(d.cols)") }
            try checkCounts(d.elements, "diagonal")
            for i in 0..<n {
                for k in 0..<types where d[i, k] > fixed[i, k] * (1 + 1e-12) {
                    throw FlowEstimationError.invalidValue(what: "diagonal (origin \(i), type \(k))", index: i * types + k, value: d[i, k],
                                                           requirement: "it cannot exceed min(origin total, destination total) = \(fixed[i, k])")
                }
            }
            fixed = d
        }
        // Margins without the stayers, arranged [i, k] and [j, k] row-major.
        var x0 = [Double](repeating: 0, count: n * types), x1 = x0
        for i in 0..<n { for k in 0..<types {
            x0[i * types + k] = max(0, originTotals[i, k] - fixed[i, k])
            x1[i * types + k] = max(0, destinationTotals[i, k] - fixed[i, k])
        } }
        var m = seed?.values ?? [Double](repeating: 1, count: n * n * types)
        for i in 0..<n { for k in 0..<types { m[(i * n + i) * types + k] = 0 } }
        let r = try fit(seed: try ContingencyTable(shape: [n, n, types], values: m),
                        margins: [TableMargin(axes: [0, 2], totals: x0), TableMargin(axes: [1, 2], totals: x1)], options: options)
        var values = r.fitted.values
        for i in 0..<n { for k in 0..<types { values[(i * n + i) * types + k] = fixed[i, k] } }
        return IPFResult(fitted: try ContingencyTable(shape: [n, n, types], values: values), iterations: r.iterations,
                         maxRelativeDeviation: r.maxRelativeDeviation, tolerance: r.tolerance, converged: r.converged)
    }
}
