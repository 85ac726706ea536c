import Linalg

/// The result of a two-way fit: `fitted` (origin × destination), `iterations`,
/// `maxRelativeDeviation` (of the constrained totals), `tolerance`, `converged`, and the fitted
/// parameters of the model yᵢⱼ = αᵢβⱼmᵢⱼ (migest `cm2`'s `theta`): `rowFactors` αᵢ and
/// `columnFactors` βⱼ, normalised so that the first column of each connected group of cells
/// has βⱼ = 1 (the model identifies only the products αᵢβⱼ; migest's α, β are α·c, β/c for a
/// c its iterations happen to reach). Rows or columns without a fitted cell have factor 0;
/// nil for the block model, which has further parameters.
public struct TwoWayFitResult: Sendable {
    public let fitted: Matrix
    public let iterations: Int
    public let maxRelativeDeviation: Double
    public let tolerance: Double
    public let converged: Bool
    public let rowFactors: [Double]?
    public let columnFactors: [Double]?

    init(fitted: Matrix, iterations: Int, maxRelativeDeviation: Double, tolerance: Double, converged: Bool,
         seed: Matrix? = nil) {
        self.fitted = fitted
        self.iterations = iterations
        self.maxRelativeDeviation = maxRelativeDeviation
        self.tolerance = tolerance
        self.converged = converged
        if let seed, let f = Self.factors(fitted: fitted, seed: seed) {
            rowFactors = f.rows
            columnFactors = f.columns
        } else {
            rowFactors = nil
            columnFactors = nil
        }
    }

    /// αᵢ, βⱼ with yᵢⱼ = αᵢβⱼmᵢⱼ on the cells with mᵢⱼ > 0 and yᵢⱼ > 0, by a breadth-first walk
    /// over the bipartite graph of those cells (βⱼ = 1 at each group's first column).
    static func factors(fitted y: Matrix, seed m: Matrix) -> (rows: [Double], columns: [Double])? {
        let r = y.rows, c = y.cols
        guard m.rows == r, m.cols == c else { return nil }
        var alpha = [Double?](repeating: nil, count: r), beta = [Double?](repeating: nil, count: c)
        func usable(_ i: Int, _ j: Int) -> Bool { m[i, j] > 0 && y[i, j] > 0 }
        for start in 0..<c where beta[start] == nil {
            guard (0..<r).contains(where: { usable($0, start) }) else { continue }
            beta[start] = 1
            var queue: [(isRow: Bool, index: Int)] = [(false, start)]
            var head = 0
            while head < queue.count {
                let (isRow, k) = queue[head]
                head += 1
                if isRow {
                    for j in 0..<c where beta[j] == nil && usable(k, j) {
                        beta[j] = y[k, j] / (alpha[k]! * m[k, j]); queue.append((false, j))
                    }
                } else {
                    for i in 0..<r where alpha[i] == nil && usable(i, k) {
                        alpha[i] = y[i, k] / (beta[k]! * m[i, k]); queue.append((true, i))
                    }
                }
            }
        }
        return (alpha.map { $0 ?? 0 }, beta.map { $0 ?? 0 })
    }
}

extension IterativeProportionalFitting {
    /// Two-way IPF (migest `ipf2`; Agresti 2002 p. 343): the maximum-likelihood fit of
    /// log yᵢⱼ = log αᵢ + log βⱼ + log mᵢⱼ to row totals, column totals or both, with the seed
    /// (offset) m. Seed cells of 0 are structural zeros. With one margin only, one scaling step
    /// is the fit.
    ///
    /// Example (Willekens 1999, migest's `ipf2` example): seed [[5, 2], [1, 7]], row totals
    /// [18, 20], column totals [16, 22] give the table with the seed's odds ratio 17.5 and
    /// those margins.
    /// - Throws: see `fit(seed:margins:options:)`; `invalidInput` when neither margin is given
    ///   or a length does not match.
    public static func fit(seed: Matrix, rowTotals: [Double]?, columnTotals: [Double]?, options: IPFOptions = IPFOptions()) throws -> TwoWayFitResult {
        var margins: [TableMargin] = []
        if let r = rowTotals {
            guard r.count == seed.rows else { throw FlowEstimationError.invalidInput("\(r.count) row totals for a seed with \(seed.rows) rows") }
            margins.append(TableMargin(axes: [0], totals: r))
        }
        if let c = columnTotals {
            guard c.count == seed.cols else { throw FlowEstimationError.invalidInput("\(c.count) column totals for a seed with \(seed.cols) columns") }
            margins.append(TableMargin(axes: [1], totals: c))
        }
        guard !margins.isEmpty else { throw FlowEstimationError.invalidInput("give row totals, column totals or both") }
        let r = try fit(seed: try table(seed), margins: margins, options: options)
        return TwoWayFitResult(fitted: try matrix(r.fitted), iterations: r.iterations, maxRelativeDeviation: r.maxRelativeDeviation,
                               tolerance: r.tolerance, converged: r.converged, seed: seed)
    }

    /// Quasi-independence with a fixed diagonal (migest `ipf3_qi` for one table; Bishop, Fienberg
    /// & Holland 1975 §5.2): the diagonal (stayers) is fixed at `diagonal`, or, when nil, at its
    /// largest feasible value min(rowᵢ, columnᵢ) (the minimum-migration assumption of Abel 2013);
    /// the off-diagonal cells are fitted by IPF to the margins minus the diagonal, with the seed
    /// as offset: log yᵢⱼ = log αᵢ + log βⱼ + log mᵢⱼ for i ≠ j.
    /// - Throws: `invalidInput` for a non-square seed or a diagonal above a margin; the errors
    ///   of `fit(seed:margins:options:)`.
    public static func fitQuasiIndependent(seed: Matrix, rowTotals: [Double], columnTotals: [Double], diagonal: [Double]? = nil,
                                           options: IPFOptions = IPFOptions()) throws -> TwoWayFitResult {
        let n = seed.rows
        guard seed.cols == n, rowTotals.count == n, columnTotals.count == n else {
            throw FlowEstimationError.invalidInput("quasi-independence needs a square seed and \(n) row and column totals (got \(seed.rows)×\(seed.cols), \(rowTotals.count), \(columnTotals.count))")
        }
        try checkCounts(rowTotals, "row totals")
        try checkCounts(columnTotals, "column totals")
        let d = diagonal ?? (0..<n).map { min(rowTotals[$0], columnTotals[$0]) }
        guard d.count == n else { throw FlowEstimationError.invalidInput("\(d.count) diagonal values for \(n) regions") }
        try checkCounts(d, "diagonal")
        for i in 0..<n where d[i] > min(rowTotals[i], columnTotals[i]) * (1 + 1e-12) {
            throw FlowEstimationError.invalidInput("diagonal \(i) is \(d[i]), above its row total \(rowTotals[i]) or column total \(columnTotals[i])")
        }
        var off = seed
        for i in 0..<n { off[i, i] = 0 }
        let r = try fit(seed: off, rowTotals: (0..<n).map { max(0, rowTotals[$0] - d[$0]) },
                        columnTotals: (0..<n).map { max(0, columnTotals[$0] - d[$0]) }, options: options)
        var fitted = r.fitted
        for i in 0..<n { fitted[i, i] = d[i] }
        return TwoWayFitResult(fitted: fitted, iterations: r.iterations, maxRelativeDeviation: r.maxRelativeDeviation,
                               tolerance: r.tolerance, converged: r.converged)
    }

    /// Two-way IPF with block totals (migest `ipf2_block`): the maximum-likelihood fit of
    /// log y_pq = log α_p + log β_q + log λ_ij·I(p ∈ i, q ∈ j) + log m_pq, i.e. row totals,
    /// column totals (either may be nil) and the totals of the blocks formed by row groups ×
    /// column groups (e.g. a country-level table constrained to known region-to-region totals).
    /// migest's stripe totals (`ipf2_stripe`) are the special case of one-row or one-column
    /// groups. Each cycle scales columns, rows, then blocks (migest's order; the fixed point
    /// does not depend on it).
    /// - Parameters:
    ///   - seed: the prior table m (rows × columns, ≥ 0; zeros are structural).
    ///   - rowTotals: the row totals to meet, or nil.
    ///   - columnTotals: the column totals to meet, or nil.
    ///   - rowGroups: the block-row of every row (0-based, < blockTotals.rows).
    ///   - columnGroups: the block-column of every column (0-based, < blockTotals.cols).
    ///   - blockTotals: the total of every block (row groups × column groups).
    ///   - options: the stopping rule and consistency tolerance.
    /// - Throws: `invalidInput` for group indices out of range; `inconsistentMargins` when the
    ///   row (column) totals summed by group differ from the block totals summed over the other
    ///   groups; the errors of `fit(seed:margins:options:)`.
    public static func fitBlocks(seed: Matrix, rowTotals: [Double]?, columnTotals: [Double]?, rowGroups: [Int], columnGroups: [Int],
                                 blockTotals: Matrix, options: IPFOptions = IPFOptions()) throws -> TwoWayFitResult {
        let r = seed.rows, c = seed.cols
        guard rowGroups.count == r, columnGroups.count == c else {
            throw FlowEstimationError.invalidInput("\(rowGroups.count) row groups and \(columnGroups.count) column groups for a \(r)×\(c) seed")
        }
        guard rowGroups.allSatisfy({ $0 >= 0 && $0 < blockTotals.rows }), columnGroups.allSatisfy({ $0 >= 0 && $0 < blockTotals.cols }) else {
            throw FlowEstimationError.invalidInput("group indices must lie in 0..<\(blockTotals.rows) (rows) and 0..<\(blockTotals.cols) (columns)")
        }
        try checkCounts(seed.elements, "seed")
        try checkCounts(blockTotals.elements, "block totals")
        let t = try table(seed)
        var constraints: [Constraint] = []
        let tol = options.consistencyTolerance
        let blockRowSums = (0..<blockTotals.rows).map { i in (0..<blockTotals.cols).reduce(0) { $0 + blockTotals[i, $1] } }
        let blockColumnSums = (0..<blockTotals.cols).map { j in (0..<blockTotals.rows).reduce(0) { $0 + blockTotals[$1, j] } }
        if let ct = columnTotals {
            constraints.append(try groupedMargin(ct, axis: 1, groups: columnGroups, groupTotals: blockColumnSums, table: t, tolerance: tol))
        }
        if let rt = rowTotals {
            constraints.append(try groupedMargin(rt, axis: 0, groups: rowGroups, groupTotals: blockRowSums, table: t, tolerance: tol))
        }
        var blockOf = [Int32](repeating: 0, count: r * c)
        for i in 0..<r { for j in 0..<c { blockOf[i * c + j] = Int32(rowGroups[i] * blockTotals.cols + columnGroups[j]) } }
        let blockList = (0..<(blockTotals.rows * blockTotals.cols)).map { blockTotals[$0 / blockTotals.cols, $0 % blockTotals.cols] }
        constraints.append(Constraint(name: "block (row group × column group, row-major)", group: blockOf, totals: blockList))
        let (values, it, dev) = try scale(seed: t.values, constraints: constraints, options: options, what: "block IPF")
        return TwoWayFitResult(fitted: try matrix(try ContingencyTable(shape: [r, c], values: values)), iterations: it,
                               maxRelativeDeviation: dev, tolerance: options.tolerance, converged: dev <= options.tolerance)
    }

    /// The row (axis 0) or column (axis 1) totals of `fitBlocks` as a constraint, after checking
    /// their length and that they sum, group by group, to the block totals of their groups.
    private static func groupedMargin(_ totals: [Double], axis: Int, groups: [Int], groupTotals: [Double],
                                      table t: ContingencyTable, tolerance: Double) throws -> Constraint {
        let kind = axis == 0 ? "row" : "column"
        guard totals.count == t.shape[axis] else { throw FlowEstimationError.invalidInput("\(totals.count) \(kind) totals for \(t.shape[axis]) \(kind)s") }
        try checkCounts(totals, "\(kind) totals")
        var byGroup = [Double](repeating: 0, count: groupTotals.count)
        for (k, v) in totals.enumerated() { byGroup[groups[k]] += v }
        for g in 0..<byGroup.count where !close(byGroup[g], groupTotals[g], tolerance) {
            throw FlowEstimationError.inconsistentMargins(first: "\(kind) totals in \(kind) group \(g)", firstTotal: byGroup[g], second: "block totals of that group", secondTotal: groupTotals[g])
        }
        return Constraint(name: "\(kind) total", group: try t.cellToMarginMap([axis]).cells, totals: totals)
    }

    static func table(_ m: Matrix) throws -> ContingencyTable {
        try ContingencyTable(shape: [max(1, m.rows), max(1, m.cols)], values: m.rowArrays.flatMap { $0 })
    }

    static func matrix(_ t: ContingencyTable) throws -> Matrix {
        do { return try Matrix(rows: t.shape[0], cols: t.shape[1], rowMajor: t.values) } catch {
            throw FlowEstimationError.linearAlgebra("\(error)")
        }
    }
}
