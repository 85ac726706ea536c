import Foundation

/// The fixed-size summary a sketch-mode shard keeps of one cell's draws in one block: the count
/// n of (finite) draws, their sum, and P = 47 order statistics y₍ᵣⱼ₎ at the ranks
///
///     rⱼ = round(fⱼ · (n − 1)),   fⱼ = kⱼ / 3200,
///
/// for the fractions fⱼ: every 1/32 from 0 to 1 (r₀ = 0: the minimum, r_last = n − 1: the
/// maximum), plus each reported quantile (0.05, 0.10, 0.50, 0.90, 0.95) and ±0.005 around it —
/// rounded to Float32 (208 bytes per cell with the contrasts' positive count, whatever n is).
///
/// **Merging** (`QuantileGridMerge`): block b's count of draws ≤ x is estimated by the line
/// through (y₍ᵣⱼ₎, rⱼ + ½) and (y₍ᵣⱼ₊₁₎, rⱼ₊₁ + ½) for x between those grid values (0 below the
/// minimum, n above the maximum), the estimates are added over the blocks, and the q-quantile is
/// the x where the sum reaches q·(N − 1) + ½ (N = Σ n_b: type 7's rank, 0-based, plus ½).
///
/// **Error bound** (tested in `ShardSketchTests`): for x strictly between two grid values the
/// true count of block b lies in [rⱼ + 1, rⱼ₊₁] and the estimate in [rⱼ + ½, rⱼ₊₁ + ½], so they
/// differ by less than the gap rⱼ₊₁ − rⱼ of the segment holding x. The merged estimate x̂
/// therefore has, among all N draws, a count at or below it within
///
///     E(x̂) = Σ_b (gap of block b's segment holding x̂) + 1  ≤  Σ_b max_j (rⱼ₊₁ − rⱼ) + 1
///
/// of q·(N − 1) + ½ (the + 1 covers the search's stopping tolerance of ½). The right-hand side
/// (`rankErrorBound`) is about N/32 = 3.1 % of the draws at every q, independent of the number of
/// shards, of the order they are merged in and of the distribution of the draws. Where the blocks
/// are large and alike (every shard draws from the same model; ≈ 10,000 draws a block, whose
/// local quantiles scatter by about ±0.5 %) x̂ falls in most blocks' fine segments around the
/// reported quantile and E(x̂) is far smaller (`certifiedBound` computes it for the merged grids);
/// small blocks (hundreds of draws) get the uniform grid's accuracy. All of this applies to the Float32-rounded values: x̂ is within E in
/// rank of a value within 2⁻²⁴ (relative) of it. The mean is exact up to the order of summation
/// (sums in Double).
package struct QuantileGrid: Sendable, Equatable {
    /// The fractions fⱼ in units of 1/3200, increasing.
    package static let fractions: [Int] = {
        var k = Set((0...32).map { $0 * 100 })
        for t in [160, 320, 1600, 2880, 3040] { k.formUnion([t - 16, t, t + 16]) }
        return k.sorted()
    }()
    /// P, the number of grid points.
    package static let pointCount = 47
    /// Bytes of one cell in a shard file: count (UInt32), P Float32, sum and positive count (Double).
    package static let cellBytes = 4 + 4 * pointCount + 16

    package var count: Int
    package var sum: Double
    /// Draws above zero plus half those at zero (contrasts; 0 elsewhere).
    package var positive: Double
    /// The P order statistics (NaN when count is 0).
    package var points: [Float]

    /// The ranks rⱼ for n draws.
    package static func ranks(n: Int) -> [Int] { fractions.map { ($0 * (n - 1) + 1600) / 3200 } }

    /// The grid of `values` (non-finite values skipped); `scratch` is reordered.
    package init(_ values: UnsafeBufferPointer<Double>, positive: Double = 0, scratch: inout [Double]) {
        scratch.removeAll(keepingCapacity: true)
        var sum = 0.0
        for v in values where v.isFinite { scratch.append(v); sum += v }
        self.sum = sum
        self.positive = positive
        count = scratch.count
        let n = count
        guard n > 0 else { points = [Float](repeating: .nan, count: Self.pointCount); return }
        let ranks = Self.ranks(n: n)
        points = scratch.withUnsafeMutableBufferPointer { p in
            QuantileSummary.selectRanks(p, ranks, 0..<ranks.count, 0, n - 1)
            return ranks.map { Float(p[$0]) }
        }
    }

    package init(count: Int, sum: Double, positive: Double, points: [Float]) {
        self.count = count; self.sum = sum; self.positive = positive; self.points = points
    }

    /// E = Σ_b max_j (rⱼ₊₁ − rⱼ) + 1 over the blocks' counts: the largest difference, in draws,
    /// between q·(N − 1) + ½ and the number of draws at or below the merged estimate.
    package static func rankErrorBound(counts: [Int]) -> Int {
        counts.reduce(1) { total, n in
            let r = ranks(n: n)
            return n < 2 ? total + n : total + (0..<(pointCount - 1)).map { r[$0 + 1] - r[$0] }.max()!
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
    /// The blocks' points, P each, in block order, and their ranks + ½.
    var points: [Double] = []
    var heights: [Double] = []
    var cursor: [Int] = []
    package private(set) var count = 0
    package private(set) var sum = 0.0
    package private(set) var positive = 0.0
    var low = Double.infinity, high = -Double.infinity
    /// Ranks + ½ for the last block size seen (blocks are mostly of one size).
    var lastN = -1
    var lastHeights: [Double] = []

    package init() {}

    package init(_ grids: [QuantileGrid]) {
        for g in grids { g.points.withUnsafeBufferPointer { append(count: g.count, sum: g.sum, positive: g.positive, points: $0) } }
    }

    package mutating func reset() {
        n.removeAll(keepingCapacity: true)
        points.removeAll(keepingCapacity: true)
        heights.removeAll(keepingCapacity: true)
        cursor.removeAll(keepingCapacity: true)
        count = 0; sum = 0; positive = 0
        low = .infinity; high = -.infinity
    }

    /// Adds one block's grid of a cell (`points`: its P points).
    package mutating func append(count c: Int, sum s: Double, positive p: Double, points g: UnsafeBufferPointer<Float>) {
        sum += s
        positive += p
        guard c > 0 else { return }
        let P = QuantileGrid.pointCount
        if c != lastN {
            lastN = c
            lastHeights = QuantileGrid.ranks(n: c).map { Double($0) + 0.5 }
        }
        n.append(c)
        count += c
        for j in 0..<P { points.append(Double(g[j])) }
        heights += lastHeights
        low = Swift.min(low, Double(g[0]))
        high = Swift.max(high, Double(g[P - 1]))
        cursor.append(P / 2)
    }

    /// Σ_b R_b(x) and its slope at x, and the sum of the gaps of the segments holding x (the
    /// certified bound, `certifiedBound`), moving each block's cursor to that segment.
    mutating func estimate(_ x: Double) -> (value: Double, slope: Double, gaps: Double) {
        let P = QuantileGrid.pointCount, M = P - 1
        var total = 0.0, slope = 0.0, gaps = 0.0
        points.withUnsafeBufferPointer { all in
            heights.withUnsafeBufferPointer { allHeights in
                n.withUnsafeBufferPointer { counts in
                    cursor.withUnsafeMutableBufferPointer { cursors in
                        for b in 0..<counts.count {
                            let g = all.baseAddress! + b * P, h = allHeights.baseAddress! + b * P
                            if x < g[0] { continue }
                            if x >= g[M] { total += x == g[M] ? h[M] : Double(counts[b]); continue }
                            var j = cursors[b]
                            while j > 0 && g[j] > x { j -= 1 }
                            while j < M - 1 && g[j + 1] <= x { j += 1 }
                            cursors[b] = j
                            let span = g[j + 1] - g[j]
                            gaps += h[j + 1] - h[j]
                            if span > 0 {
                                let s = (h[j + 1] - h[j]) / span
                                total += h[j] + s * (x - g[j])
                                slope += s
                            } else {
                                total += h[j + 1]
                            }
                        }
                    }
                }
            }
        }
        return (total, slope, gaps)
    }

    /// E(x) = Σ_b (gap of block b's segment holding x) + 1: at the merged estimate x̂ of a
    /// quantile, the largest difference in draws between its target rank + ½ and the number of
    /// draws at or below x̂ (see `QuantileGrid`). At most `QuantileGrid.rankErrorBound`.
    package mutating func certifiedBound(at x: Double) -> Double { estimate(x).gaps + 1 }

    /// The merged q-quantile (within `QuantileGrid.rankErrorBound` in rank); NaN without draws.
    /// A safeguarded Newton search on the piecewise-linear sum: it starts from the blocks' own
    /// q-quantiles pooled (draw-weighted), keeps a bracket — the blocks' grid points 1/32 below
    /// and above q, checked to bracket the target, else the whole range — and stops within ½ of
    /// the target rank (or when the bracket is a single Double wide, at a jump of the sum).
    package mutating func quantile(_ q: Double) -> Double {
        guard count > 0 else { return .nan }
        let target = Swift.min(1, Swift.max(0, q)) * Double(count - 1) + 0.5
        if low == high || q <= 0 { return low }
        if q >= 1 { return high }
        let P = QuantileGrid.pointCount
        let fractions = QuantileGrid.fractions
        let k = q * 3200
        let j = Swift.min(P - 2, (fractions.lastIndex { Double($0) <= k }) ?? 0)
        let below = (fractions.lastIndex { Double($0) <= k - 100 }) ?? 0
        let above = (fractions.firstIndex { Double($0) >= k + 100 }) ?? (P - 1)
        let fraction = (k - Double(fractions[j])) / Double(fractions[j + 1] - fractions[j])
        var a = Double.infinity, b = -Double.infinity, pooled = 0.0
        points.withUnsafeBufferPointer { all in
            for block in n.indices {
                let g = block * P
                a = Swift.min(a, all[g + below])
                b = Swift.max(b, all[g + above])
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
            let (fx, slope, _) = estimate(x)
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
