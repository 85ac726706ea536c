import Foundation

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
    /// 2.5 % and 97.5 % quantiles (the 95 % interval, used by backtests; not in projections.csv).
    public let p025: Double
    public let p975: Double

    /// The probabilities computed, in increasing order.
    public static let probabilities: [Double] = [0.025, 0.05, 0.10, 0.50, 0.90, 0.95, 0.975]

    public init(mean: Double, p05: Double, p10: Double, p50: Double, p90: Double, p95: Double, p025: Double = .nan, p975: Double = .nan) {
        self.mean = mean; self.p05 = p05; self.p10 = p10; self.p50 = p50; self.p90 = p90; self.p95 = p95
        self.p025 = p025; self.p975 = p975
    }

    /// Summarises `values` (any order). Empty input gives NaNs. The order statistics are found
    /// by selection (Hoare's quickselect), not a full sort, with the same result: the middle
    /// rank first over all values, then each side's ranks within the bounds already fixed (about
    /// 5n comparisons for the seven ranks instead of n·log n); the next order statistic, which
    /// type 7 interpolates towards, is the minimum up to the next selected rank. With `tails`
    /// false the 2.5 % and 97.5 % quantiles (used by backtests only) are skipped and left NaN.
    public init(_ values: [Double], tails: Bool = true) {
        var a = values
        self = a.withUnsafeMutableBufferPointer { QuantileSummary(rearranging: $0, tails: tails) }
    }

    /// The summary of `init(_:tails:)` computed in place: the values in `p` are rearranged
    /// (the engine summarises its simulation buffer once nothing else needs the draw order).
    init(rearranging p: UnsafeMutableBufferPointer<Double>, tails: Bool = true) {
        guard let first = p.first else { self.init(mean: .nan, p05: .nan, p10: .nan, p50: .nan, p90: .nan, p95: .nan); return }
        // The sum in four interleaved lanes (one chain of dependent additions took four cycles
        // a value), added pairwise at the end; the order is fixed, so the mean does not depend
        // on anything but the values and their order.
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, smallest = first, largest = first
        let n = p.count
        var i = 0
        while i + 4 <= n {
            let a = p[i], b = p[i + 1], c = p[i + 2], d = p[i + 3]
            s0 += a; s1 += b; s2 += c; s3 += d
            smallest = min(smallest, min(min(a, b), min(c, d)))
            largest = max(largest, max(max(a, b), max(c, d)))
            i += 4
        }
        while i < n {
            let a = p[i]
            s0 += a; smallest = min(smallest, a); largest = max(largest, a)
            i += 1
        }
        let sum = (s0 + s1) + (s2 + s3)
        if smallest == largest {
            // Every draw the same (often all zero: no flow in that country): no selection needed.
            let x = smallest, t = tails ? x : .nan
            self.init(mean: sum / Double(n), p05: x, p10: x, p50: x, p90: x, p95: x, p025: t, p975: t)
            return
        }
        if tails {
            let q = QuantileSummary.quantiles(p, QuantileSummary.probabilities)
            self.init(mean: sum / Double(n), p05: q[1], p10: q[2], p50: q[3], p90: q[4], p95: q[5], p025: q[0], p975: q[6])
        } else {
            let q = QuantileSummary.quantiles(p, [0.05, 0.10, 0.50, 0.90, 0.95])
            self.init(mean: sum / Double(n), p05: q[0], p10: q[1], p50: q[2], p90: q[3], p95: q[4])
        }
    }

    /// Type-7 quantiles of the values in `p` (rearranged in place) at `probabilities`, which
    /// must be non-decreasing, by recursive selection (see `init(_:tails:)`).
    static func quantiles(_ p: UnsafeMutableBufferPointer<Double>, _ probabilities: [Double]) -> [Double] {
        let n = p.count
        guard n > 0 else { return probabilities.map { _ in .nan } }
        let ranks = probabilities.map { Int((Double(n - 1) * $0).rounded(.down)) }   // non-decreasing
        var q = [Double](repeating: 0, count: probabilities.count)
        Self.selectRanks(p, ranks, 0..<ranks.count, 0, n - 1)
        for (j, prob) in probabilities.enumerated() {
            let h = Double(n - 1) * prob
            let lo = ranks[j]
            let x = p[lo]
            var next = x
            if lo + 1 < n {
                // Elements after lo are ≥ p[lo]; those from the next selected rank on are ≥ it.
                let bound = ranks[(j + 1)...].first { $0 > lo } ?? n
                next = p[lo + 1]
                if lo + 2 < bound { for i in (lo + 2)..<bound where p[i] < next { next = p[i] } }
            }
            q[j] = x + (h - Double(lo)) * (next - x)
        }
        return q
    }

    /// Puts the order statistics of ranks[range] (non-decreasing) in place within p[lo...hi]:
    /// the middle rank first, then each side's ranks within the bounds it fixed.
    static func selectRanks(_ p: UnsafeMutableBufferPointer<Double>, _ ranks: [Int], _ range: Range<Int>, _ lo: Int, _ hi: Int) {
        guard !range.isEmpty, lo <= hi else { return }
        let middle = range.lowerBound + range.count / 2
        let k = ranks[middle]
        select(p, k, lo: lo, hi: hi)
        var left = middle, right = middle + 1
        while left > range.lowerBound, ranks[left - 1] == k { left -= 1 }
        while right < range.upperBound, ranks[right] == k { right += 1 }
        selectRanks(p, ranks, range.lowerBound..<left, lo, k - 1)
        selectRanks(p, ranks, right..<range.upperBound, k + 1, hi)
    }

    /// Rearranges p[lo...hi] so that p[k] holds the value it would have if that range were
    /// sorted, with no larger value before it and no smaller after. Quickselect with branch-free
    /// Lomuto partitions (no mispredicted branch per element): values < pivot | ≥ pivot, and,
    /// only when nothing lies below the pivot, = pivot | > pivot, so runs of equal values (many
    /// draws at zero) end the search at once. Ranges of more than 600 values take their pivot
    /// as Floyd & Rivest (1975, "Algorithm 489: SELECT", CACM 18(3)) do: the order statistic of
    /// a window of ≈ n^(2/3)/2 values around position k, selected recursively, at the rank k
    /// would have in it, offset by about half a standard deviation of that rank's position, so
    /// that one partition pass usually leaves only a few hundred values around k (about 1.3
    /// passes over the range instead of 2.5–3.4 with a median of three). Smaller ranges use a
    /// median of three; ranges of up to 16 values are finished by insertion sort.
    static func select(_ p: UnsafeMutableBufferPointer<Double>, _ k: Int, lo low: Int, hi high: Int) {
        var lo = low, hi = high
        while hi - lo > 16 {
            let pivot: Double
            if hi - lo >= 600 {
                let n: Double = Double(hi - lo + 1), i: Double = Double(k - lo + 1)
                let z: Double = log(n)
                let s: Double = 0.5 * exp(2 * z / 3)
                let spread: Double = 0.5 * (z * s * (n - s) / n).squareRoot()
                let sd: Double = i < n / 2 ? -spread : spread
                let below: Double = (Double(k) - i * s / n + sd).rounded(.down)
                let above: Double = (Double(k) + (n - i) * s / n + sd).rounded(.down)
                let windowLo = min(max(lo, Int(below)), k)
                let windowHi = max(min(hi, Int(above)), k)
                select(p, k, lo: windowLo, hi: windowHi)
                pivot = p[k]
            } else {
                let mid = lo + (hi - lo) / 2
                if p[mid] < p[lo] { p.swapAt(mid, lo) }
                if p[hi] < p[lo] { p.swapAt(hi, lo) }
                if p[hi] < p[mid] { p.swapAt(hi, mid) }
                pivot = p[mid]
            }
            var store = lo
            for i in lo...hi {
                let x = p[i]
                p[i] = p[store]
                p[store] = x
                store &+= Int(unsafeBitCast(x < pivot, to: UInt8.self))
            }
            if k < store { hi = store - 1; continue }
            if store > lo { lo = store; continue }
            var equal = store
            for i in store...hi {
                let x = p[i]
                p[i] = p[equal]
                p[equal] = x
                equal &+= Int(unsafeBitCast(x <= pivot, to: UInt8.self))
            }
            if equal == store {
                // Only a NaN pivot compares false both ways: Hoare's scheme handles it.
                selectHoare(p, k, lo: store, hi: hi)
                return
            }
            if k < equal { return }
            lo = equal
        }
        if hi > lo {
            for i in (lo + 1)...hi {
                let x = p[i]
                var j = i - 1
                while j >= lo && x < p[j] { p[j + 1] = p[j]; j -= 1 }
                p[j + 1] = x
            }
        }
    }

    /// Hoare's selection with a median-of-three pivot (the fallback of `select`).
    static func selectHoare(_ p: UnsafeMutableBufferPointer<Double>, _ k: Int, lo low: Int, hi high: Int) {
        var lo = low, hi = high
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            if p[mid] < p[lo] { p.swapAt(mid, lo) }
            if p[hi] < p[lo] { p.swapAt(hi, lo) }
            if p[hi] < p[mid] { p.swapAt(hi, mid) }
            let pivot = p[mid]
            var i = lo, j = hi
            while i <= j {
                while p[i] < pivot { i += 1 }
                while pivot < p[j] { j -= 1 }
                if i <= j { p.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return }
        }
    }

    /// Type-7 quantile of sorted data.
    package static func quantile(sorted: [Double], _ p: Double) -> Double {
        let n = sorted.count
        if n == 0 { return .nan }
        if n == 1 { return sorted[0] }
        let h = Double(n - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, n - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
