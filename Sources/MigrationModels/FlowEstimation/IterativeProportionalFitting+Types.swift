import Linalg

/// The result of `IterativeProportionalFitting.fitByType(seed:rowTotals:columnTotals:options:)`:
/// `fitted` (origin × destination × type, shape [I, J, K]), the factors αᵢ (`rowFactors`) and βⱼ
/// (`columnFactors`) of yᵢⱼₖ = αᵢβⱼmᵢⱼₖ normalised as `TwoWayFitResult`'s, `iterations`,
/// `maxRelativeDeviation`, `converged`.
public struct TypedFitResult: Sendable {
    public let fitted: ContingencyTable
    public let rowFactors: [Double]
    public let columnFactors: [Double]
    public let iterations: Int
    public let maxRelativeDeviation: Double
    public let converged: Bool
}

extension IterativeProportionalFitting {
    /// Known origin and destination totals spread over migrant types with an auxiliary array
    /// (migest `cm3`; Abel 2005): the maximum-likelihood fit of
    ///
    ///     log y_ijk = log α_i + log β_j + log m_ijk,
    ///
    /// to Σ_jk y_ijk = rowTotals[i] and Σ_ik y_ijk = columnTotals[j]. The sufficient statistics are
    /// those of the two-way table M_ij = Σ_k m_ijk, so α, β are the two-way fit's factors on M
    /// and y_ijk = α_i β_j m_ijk. migest's conditional maximisation reaches the same fitted
    /// values; its α, β are these up to α·c, β/c.
    /// - Parameters:
    ///   - seed: m, shape [I, J, K] (≥ 0; zeros are structural).
    ///   - rowTotals: I origin totals.
    ///   - columnTotals: J destination totals (same grand total).
    ///   - options: the IPF stopping rule.
    /// - Throws: `FlowEstimationError.invalidInput` for a seed that is not three-way or totals of
    ///   the wrong length, and everything `fit(seed:rowTotals:columnTotals:options:)` throws.
    public static func fitByType(seed: ContingencyTable, rowTotals: [Double], columnTotals: [Double],
                                 options: IPFOptions = IPFOptions()) throws -> TypedFitResult {
        guard seed.shape.count == 3 else { throw FlowEstimationError.invalidInput("the seed must be three-way (origin, destination, type), got shape \(seed.shape)") }
        let (ni, nj, nk) = (seed.shape[0], seed.shape[1], seed.shape[2])
        guard rowTotals.count == ni, columnTotals.count == nj else {
            throw FlowEstimationError.invalidInput("\(rowTotals.count) row and \(columnTotals.count) column totals for a \(ni) × \(nj) × \(nk) seed")
        }
        try checkCounts(seed.values, "seed")
        var summed = try Matrix(rows: ni, cols: nj)
        for i in 0..<ni { for j in 0..<nj { for k in 0..<nk { summed[i, j] += seed.values[(i * nj + j) * nk + k] } } }
        let two = try fit(seed: summed, rowTotals: rowTotals, columnTotals: columnTotals, options: options)
        guard let alpha = two.rowFactors, let beta = two.columnFactors else {
            throw FlowEstimationError.invalidInput("the two-way fit returned no factors")
        }
        var values = [Double](repeating: 0, count: ni * nj * nk)
        for i in 0..<ni { for j in 0..<nj {
            // Cells whose summed fit is 0 (structural zeros) stay 0.
            guard two.fitted[i, j] > 0 else { continue }
            for k in 0..<nk { values[(i * nj + j) * nk + k] = alpha[i] * beta[j] * seed.values[(i * nj + j) * nk + k] }
        } }
        return TypedFitResult(fitted: try ContingencyTable(shape: [ni, nj, nk], values: values), rowFactors: alpha, columnFactors: beta,
                              iterations: two.iterations, maxRelativeDeviation: two.maxRelativeDeviation, converged: two.converged)
    }
}
