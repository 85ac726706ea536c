import Linalg

extension FlowsFromStocks {
    /// Dennett's rates method (migest `ffs_rates(method = "dennett")`; Dennett 2015): each
    /// off-diagonal start stock's share of all foreign-born stocks, times a global flow total M,
    ///
    ///     y_ij = M · s_ij / Σ_{k≠l} s_kl   (i ≠ j; y_ii = 0),
    ///
    /// with s the start stocks (rows: place of birth, read as origin; columns: residence, read as
    /// destination).
    /// - Parameters:
    ///   - stockStart: the stocks at the start (square, ≥ 0).
    ///   - totalFlow: M, the global sum of the flows (≥ 0).
    /// - Throws: `FlowEstimationError.invalidInput` for a table that is not square or has no
    ///   foreign-born stock, `invalidValue` for negative or non-finite stocks or M.
    public static func dennettRates(stockStart: Matrix, totalFlow: Double) throws -> Matrix {
        let n = stockStart.rows
        guard stockStart.cols == n, n >= 2 else {
            throw FlowEstimationError.invalidInput("the stock table must be square with at least 2 regions, got \(stockStart.rows)×\(stockStart.cols)")
        }
        try IterativeProportionalFitting.checkCounts(stockStart.elements, "stocks")
        guard totalFlow.isFinite, totalFlow >= 0 else {
            throw FlowEstimationError.invalidValue(what: "the global flow total M", index: 0, value: totalFlow, requirement: "it must be finite and ≥ 0")
        }
        var foreign = 0.0
        for i in 0..<n { for j in 0..<n where i != j { foreign += stockStart[i, j] } }
        guard foreign > 0 else { throw FlowEstimationError.invalidInput("every foreign-born stock is 0: the shares are undefined") }
        var y = try Matrix(rows: n, cols: n)
        for i in 0..<n { for j in 0..<n where i != j { y[i, j] = totalFlow * stockStart[i, j] / foreign } }
        return y
    }

    /// The Rogers–von Rabenau method (migest `ffs_rates(method = "rogers-von-rabenau")`; Rogers &
    /// von Rabenau 1971): the growth matrix G solving S₁·G = S₂ (LAPACK `dgesv`), times the
    /// population at risk, the column totals of S₁:
    ///
    ///     y_ij = G_ij · Σ_k (S₁)_ki   (i ≠ j; y_ii = 0).
    ///
    /// Flows can be negative (the method does not constrain them); migest returns them as they are.
    /// - Parameters:
    ///   - stockStart: S₁ (square, non-singular).
    ///   - stockEnd: S₂ (same shape).
    /// - Throws: `FlowEstimationError.invalidInput` for shapes, `invalidValue` for non-finite
    ///   stocks, `linearAlgebra` when S₁ is singular.
    public static func rogersVonRabenau(stockStart: Matrix, stockEnd: Matrix) throws -> Matrix {
        let n = stockStart.rows
        guard stockStart.cols == n, stockEnd.rows == n, stockEnd.cols == n, n >= 2 else {
            throw FlowEstimationError.invalidInput("stock tables must be square and of the same size (at least 2 regions), got \(stockStart.rows)×\(stockStart.cols) and \(stockEnd.rows)×\(stockEnd.cols)")
        }
        for (k, v) in (stockStart.elements + stockEnd.elements).enumerated() where !v.isFinite {
            throw FlowEstimationError.invalidValue(what: "stocks", index: k, value: v, requirement: "stocks must be finite")
        }
        let g: Matrix
        do { g = try stockStart.solve(stockEnd) } catch {
            throw FlowEstimationError.linearAlgebra("the start stock table is singular, so the growth matrix S₁⁻¹S₂ does not exist (\(error))")
        }
        var y = try Matrix(rows: n, cols: n)
        for i in 0..<n {
            let atRisk = (0..<n).reduce(0) { $0 + stockStart[$1, i] }
            for j in 0..<n where i != j { y[i, j] = g[i, j] * atRisk }
        }
        return y
    }
}
