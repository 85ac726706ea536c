/// Summary statistics of Monte Carlo draws for one cell (scenario × year × geography × category).
///
/// Quantiles use linear interpolation between order statistics (Hyndman & Fan 1996 type 7, the
/// default of numpy and R), computed exactly from the draws.
public struct QuantileSummary: Sendable, Equatable {
    public let mean: Double
    public let p05: Double
    public let p10: Double
    public let p50: Double
    public let p90: Double
    public let p95: Double

    /// The probabilities reported, in column order.
    public static let probabilities: [Double] = [0.05, 0.10, 0.50, 0.90, 0.95]

    public init(mean: Double, p05: Double, p10: Double, p50: Double, p90: Double, p95: Double) {
        self.mean = mean; self.p05 = p05; self.p10 = p10; self.p50 = p50; self.p90 = p90; self.p95 = p95
    }

    /// Summarises `values` (any order; sorted internally). Empty input gives NaNs.
    public init(_ values: [Double]) {
        guard !values.isEmpty else { self.init(mean: .nan, p05: .nan, p10: .nan, p50: .nan, p90: .nan, p95: .nan); return }
        let sorted = values.sorted()
        var sum = 0.0
        for v in values { sum += v }
        func q(_ p: Double) -> Double { QuantileSummary.quantile(sorted: sorted, p) }
        self.init(mean: sum / Double(values.count), p05: q(0.05), p10: q(0.10), p50: q(0.5), p90: q(0.9), p95: q(0.95))
    }

    /// Type-7 quantile of sorted data.
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        let n = sorted.count
        if n == 0 { return .nan }
        if n == 1 { return sorted[0] }
        let h = Double(n - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, n - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
