import Foundation

/// The fixed-size summary a sketch-mode shard keeps of one cell's draws in one block: the count
/// n of (finite) draws, their sum, and the M + 1 = 33 order statistics y₍ᵣⱼ₎ at the ranks
///
///     rⱼ = round(j · (n − 1) / M),   j = 0 … M   (r₀ = 0: the minimum, r_M = n − 1: the maximum),
///
/// rounded to Float32 (152 bytes per cell with the contrasts' positive count, whatever n is).
///
/// **Merging** (`quantile(_:of:)`): block b's count of draws ≤ x is estimated by the line through
/// (y₍ᵣⱼ₎, rⱼ + ½) and (y₍ᵣⱼ₊₁₎, rⱼ₊₁ + ½) for x between those grid values (0 below the minimum,
/// n below… n above the maximum), the estimates are added over the blocks, and the q-quantile is
/// the x where the sum reaches q·(N − 1) + ½ (N = Σ n_b: type 7's rank, 0-based, plus ½).
///
/// **Error bound** (proved in the doc of `rankErrorBound`, tested in `ShardSketchTests`): for x
/// strictly between two grid values the true count of block b lies in [rⱼ + 1, rⱼ₊₁] and the
/// estimate in [rⱼ + ½, rⱼ₊₁ + ½], so they differ by less than the gap gᵦ = max_j (rⱼ₊₁ − rⱼ)
/// ≤ ⌈(n_b − 1)/M⌉. The merged estimate x̂ therefore has, among all N draws, a count at or below
/// it within E = Σ_b g_b + 1 of q·(N − 1) + ½ — about N/M = 3.1 % of the draws at every q,
/// independent of the number of shards, of the order they are merged in, and of the data's
/// distribution — applied to the Float32-rounded values, i.e. x̂ is within E in rank of a value
/// within 2⁻²⁴ (relative) of it. The mean is exact up to the order of summation (sums in
/// Double). A t-digest (`QuantileSketch`, δ = 200) is tighter in the tails (0.7 % at p05) but
/// needs ≈ 1.5 kB per cell and a merge that recompresses: 10× the disk and the merge's time.
package struct QuantileGrid: Sendable, Equatable {
    /// M: the grid has M + 1 points.
    package static let intervals = 32
    /// Bytes of one cell in a shard file: count (UInt32), M + 1 Float32, sum and positive count (Double).
    package static let cellBytes = 4 + 4 * (intervals + 1) + 16

    package var count: Int
    package var sum: Double
    /// Draws above zero plus half those at zero (contrasts; 0 elsewhere).
    package var positive: Double
    /// The M + 1 order statistics (NaN when count is 0).
    package var points: [Float]

    /// The grid's rank rⱼ for n draws.
    @inline(__always) package static func rank(_ j: Int, n: Int) -> Int { (j * (n - 1) + intervals / 2) / intervals }

    /// The grid of `values` (non-finite values skipped); `scratch` is reordered.
    package init(_ values: UnsafeBufferPointer<Double>, positive: Double = 0, scratch: inout [Double]) {
        scratch.removeAll(keepingCapacity: true)
        var sum = 0.0
        for v in values where v.isFinite { scratch.append(v); sum += v }
        self.sum = sum
        self.positive = positive
        count = scratch.count
        let n = count
        guard n > 0 else { points = [Float](repeating: .nan, count: Self.intervals + 1); return }
        let ranks = (0...Self.intervals).map { Self.rank($0, n: n) }
        points = scratch.withUnsafeMutableBufferPointer { p in
            Self.selectRanks(p, ranks, 0..<ranks.count, 0, n - 1)
            return ranks.map { Float(p[$0]) }
        }
    }

    package init(count: Int, sum: Double, positive: Double, points: [Float]) {
        self.count = count; self.sum = sum; self.positive = positive; self.points = points
    }

    /// Puts the order statistics of `ranks[range]` (non-decreasing) in place within p[lo...hi].
    static func selectRanks(_ p: UnsafeMutableBufferPointer<Double>, _ ranks: [Int], _ range: Range<Int>, _ lo: Int, _ hi: Int) {
        guard !range.isEmpty, lo <= hi else { return }
        let middle = range.lowerBound + range.count / 2
        let k = ranks[middle]
        QuantileSummary.select(p, k, lo: lo, hi: hi)
        var left = middle, right = middle + 1
        while left > range.lowerBound, ranks[left - 1] == k { left -= 1 }
        while right < range.upperBound, ranks[right] == k { right += 1 }
        selectRanks(p, ranks, range.lowerBound..<left, lo, k - 1)
        selectRanks(p, ranks, right..<range.upperBound, k + 1, hi)
    }

    /// E = Σ_b max_j (rⱼ₊₁ − rⱼ) + 1 over the blocks' counts: the largest difference, in draws,
    /// between q·(N − 1) + ½ and the number of draws at or below the merged estimate.
    package static func rankErrorBound(counts: [Int]) -> Int {
        counts.reduce(1) { total, n in
            n < 2 ? total + n : total + (0..<intervals).map { rank($0 + 1, n: n) - rank($0, n: n) }.max()!
        }
    }
}

/// One chunk of grids (one block of a shard, one scenario × item), decoded into flat arrays:
/// cell c's points are `points[c·(M + 1) ..< (c + 1)·(M + 1)]`.
package struct QuantileGridChunk: Sendable {
    package var counts: [Int] = []
    package var sums: [Double] = []
    package var positives: [Double] = []
    package var points: [Float] = []
}

/// The merge of the grids of one cell: `quantile` solves Σ_b R_b(x) = q·(N − 1) + ½ by the
/// Illinois (regula falsi) method on the piecewise-linear sum, keeping one cursor per block.
/// Reusable: `reset` keeps the storage, so merging cell after cell allocates nothing.
package struct QuantileGridMerge {
    var n: [Int] = []
    /// The blocks' points, M + 1 each, in block order.
    var points: [Double] = []
    var cursor: [Int] = []
    package private(set) var count = 0
    package private(set) var sum = 0.0
    package private(set) var positive = 0.0
    var low = Double.infinity, high = -Double.infinity

    package init() {}

    package init(_ grids: [QuantileGrid]) {
        for g in grids { g.points.withUnsafeBufferPointer { append(count: g.count, sum: g.sum, positive: g.positive, points: $0) } }
    }

    package mutating func reset() {
        n.removeAll(keepingCapacity: true)
        points.removeAll(keepingCapacity: true)
        cursor.removeAll(keepingCapacity: true)
        count = 0; sum = 0; positive = 0
        low = .infinity; high = -.infinity
    }

    /// Adds one block's grid of a cell (`points`: its M + 1 points).
    package mutating func append(count c: Int, sum s: Double, positive p: Double, points g: UnsafeBufferPointer<Float>) {
        sum += s
        positive += p
        guard c > 0 else { return }
        let M = QuantileGrid.intervals
        n.append(c)
        count += c
        for j in 0...M { points.append(Double(g[j])) }
        low = Swift.min(low, Double(g[0]))
        high = Swift.max(high, Double(g[M]))
        cursor.append(M / 2)
    }

    /// Σ_b R_b(x) and its slope at x, moving each block's cursor to the segment holding x.
    mutating func estimate(_ x: Double) -> (value: Double, slope: Double) {
        let M = QuantileGrid.intervals, P = M + 1
        var total = 0.0, slope = 0.0
        points.withUnsafeBufferPointer { all in
            n.withUnsafeBufferPointer { counts in
                cursor.withUnsafeMutableBufferPointer { cursors in
                    for b in 0..<counts.count {
                        let g = all.baseAddress! + b * P
                        if x < g[0] { continue }
                        let count = counts[b]
                        if x >= g[M] { total += x == g[M] ? Double(count) - 0.5 : Double(count); continue }
                        var j = cursors[b]
                        while j > 0 && g[j] > x { j -= 1 }
                        while j < M - 1 && g[j + 1] <= x { j += 1 }
                        cursors[b] = j
                        let h0 = Double(QuantileGrid.rank(j, n: count)) + 0.5, h1 = Double(QuantileGrid.rank(j + 1, n: count)) + 0.5
                        let span = g[j + 1] - g[j]
                        if span > 0 {
                            let s = (h1 - h0) / span
                            total += h0 + s * (x - g[j])
                            slope += s
                        } else {
                            total += h1
                        }
                    }
                }
            }
        }
        return (total, slope)
    }

    /// The merged q-quantile (within `QuantileGrid.rankErrorBound` in rank); NaN without draws.
    /// A safeguarded Newton search on the piecewise-linear sum: it starts from the blocks' own
    /// q-quantiles pooled (draw-weighted), keeps a bracket — the blocks' grid points around q,
    /// checked to bracket the target, else the whole range — and stops within ½ of the target
    /// rank (or when the bracket is a single Double wide, at a jump of the sum).
    package mutating func quantile(_ q: Double) -> Double {
        guard count > 0 else { return .nan }
        let target = Swift.min(1, Swift.max(0, q)) * Double(count - 1) + 0.5
        if low == high || q <= 0 { return low }
        if q >= 1 { return high }
        let M = QuantileGrid.intervals, P = M + 1
        let position = q * Double(M)
        let j = Swift.min(M - 1, Int(position.rounded(.down)))
        let fraction = position - Double(j)
        var a = Double.infinity, b = -Double.infinity, pooled = 0.0
        points.withUnsafeBufferPointer { all in
            for block in n.indices {
                let g = block * P
                a = Swift.min(a, all[g + Swift.max(0, j - 1)])
                b = Swift.max(b, all[g + Swift.min(M, j + 2)])
                pooled += Double(n[block]) * (all[g + j] + (all[g + j + 1] - all[g + j]) * fraction)
            }
        }
        var fa = estimate(a).value, fb = estimate(b).value
        if !(fa < target && fb >= target) {
            a = low; b = high
            fa = estimate(a).value; fb = estimate(b).value
            if fa >= target { return a }
            if fb < target { return b }
        }
        var x = pooled / Double(count)
        for _ in 0..<200 {
            if !(x > a && x < b) { x = a + (b - a) / 2 }
            if !(x > a && x < b) { return b }
            let (fx, slope) = estimate(x)
            if abs(fx - target) <= 0.5 { return x }
            if fx < target { a = x; fa = fx } else { b = x; fb = fx }
            // Newton from x; when it leaves the bracket, the secant of the bracket.
            let newton = slope > 0 ? x + (target - fx) / slope : .nan
            x = newton > a && newton < b ? newton : a + (target - fa) * (b - a) / (fb - fa)
        }
        return b
    }

    /// The mean (exact up to the order of summation).
    package var mean: Double { count > 0 ? sum / Double(count) : .nan }
}
