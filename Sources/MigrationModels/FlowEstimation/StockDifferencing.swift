import Linalg

/// How a fall in a bilateral migrant stock is read by stock differencing.
public enum StockDecrease: String, Sendable {
    /// Decreases are set to zero (Bertoli & Fernández-Huertas Moraga 2015; migest
    /// `ffs_diff(decrease = "zero")`).
    case zero
    /// Decreases are return flows to the place of birth (Beine & Parsons 2015; migest
    /// `ffs_diff(decrease = "return")`, its default).
    case returnFlows
}

/// Flows from two place-of-birth × place-of-residence stock tables.
public enum FlowsFromStocks {
    /// Stock differencing (migest `ffs_diff`; Beine, Bertoli & Fernández-Huertas Moraga 2016).
    ///
    /// With Δ = S₂ − S₁ (rows: place of birth i, columns: residence j; the diagonal, the native
    /// born, set to 0 unless `includeNativeBorn`), the origin × destination flows are
    /// - `.zero`: y_ij = max(Δ_ij, 0) — a rise in the i-born stock of j is a move i → j;
    /// - `.returnFlows`: y_ij = max(Δ_ij, 0) + max(−Δ_ji, 0) — a fall in the j-born stock of i is a
    ///   return move i → j (to the birthplace).
    /// - Throws: `FlowEstimationError.invalidInput` for tables that are not square or differ in
    ///   shape; `invalidValue` for non-finite stocks.
    public static func stockDifferences(start: Matrix, end: Matrix, decrease: StockDecrease = .returnFlows,
                                        includeNativeBorn: Bool = false) throws -> Matrix {
        let n = start.rows
        guard start.cols == n, end.rows == n, end.cols == n else {
            throw FlowEstimationError.invalidInput("stock tables must be square and of the same size, got \(start.rows)×\(start.cols) and \(end.rows)×\(end.cols)")
        }
        for (k, v) in (start.elements + end.elements).enumerated() where !v.isFinite {
            throw FlowEstimationError.invalidValue(what: "stocks", index: k, value: v, requirement: "stocks must be finite")
        }
        var delta = try end.subtracting(start)
        if !includeNativeBorn { for i in 0..<n { delta[i, i] = 0 } }
        var y = try Matrix(rows: n, cols: n)
        for i in 0..<n {
            for j in 0..<n {
                var v = max(delta[i, j], 0)
                if decrease == .returnFlows { v += max(-delta[j, i], 0) }
                y[i, j] = v
            }
        }
        return y
    }
}
