import Foundation

/// A bounded-memory summary of a stream of values for quantiles: the merging t-digest of Dunning
/// & Ertl (2019, "Computing extremely accurate quantiles using t-digests", arXiv:1902.04023) with
/// the k₁ scale function
///
///     k(q) = δ/(2π) · asin(2q − 1),
///
/// where a centroid may span at most one unit of k. Centroids are therefore small in the tails
/// (p2.5, p97.5 stay accurate) and at most ≈ π/δ of the data near the median; the digest keeps
/// at most about δ centroids (two doubles each) however many values it has seen. The minimum,
/// maximum, count and sum are exact, so the mean is exact up to the order of summation.
///
/// Deterministic: the same values added in the same batches give the same centroids. While no
/// centroid has merged two values (fewer values than about δ/2), quantiles are exact type-7.
public struct QuantileSketch: Sendable, Equatable {
    public let compression: Double
    private(set) var means: [Double] = []
    private(set) var weights: [Double] = []
    public private(set) var count = 0
    public private(set) var sum = 0.0
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = -Double.infinity

    public init(compression: Double = 200) {
        self.compression = max(20, compression)   // δ < 20 would merge most of the data
    }

    /// Adds a batch of values (non-finite values are skipped).
    public mutating func add<C: Collection>(contentsOf values: C) where C.Element == Double {
        var incoming: [Double] = []
        incoming.reserveCapacity(values.count)
        for v in values where v.isFinite {
            incoming.append(v)
            sum += v
            minimum = Swift.min(minimum, v)
            maximum = Swift.max(maximum, v)
        }
        guard !incoming.isEmpty else { return }
        incoming.sort()
        count += incoming.count
        // Merge the sorted centroids and the sorted batch, then compress greedily.
        recompress(with: incoming, weights: nil)
    }

    /// Merges the centroids with `otherMeans` (sorted; weights `otherWeights`, or 1 each when
    /// nil) by mean and compresses them greedily: a centroid grows while it spans at most one
    /// unit of k over the total count (`count`, already updated).
    private mutating func recompress(with otherMeans: [Double], weights otherWeights: [Double]?) {
        let total = Double(count)
        var outMeans: [Double] = [], outWeights: [Double] = []
        outMeans.reserveCapacity(Int(compression) + 8)
        outWeights.reserveCapacity(Int(compression) + 8)
        var i = 0, j = 0
        var curMean = 0.0, curWeight = 0.0, before = 0.0
        var limit = 0.0
        func next() -> (Double, Double)? {
            if i < means.count, j >= otherMeans.count || means[i] <= otherMeans[j] {
                defer { i += 1 }
                return (means[i], weights[i])
            }
            if j < otherMeans.count {
                defer { j += 1 }
                return (otherMeans[j], otherWeights?[j] ?? 1)
            }
            return nil
        }
        while let (m, w) = next() {
            if curWeight == 0 {
                curMean = m; curWeight = w
                limit = total * upperQuantile(before / total)
                continue
            }
            if before + curWeight + w <= limit {
                // Weighted mean update (Welford form keeps it within the merged values' range).
                curWeight += w
                curMean += (m - curMean) * w / curWeight
            } else {
                outMeans.append(curMean); outWeights.append(curWeight)
                before += curWeight
                curMean = m; curWeight = w
                limit = total * upperQuantile(before / total)
            }
        }
        if curWeight > 0 { outMeans.append(curMean); outWeights.append(curWeight) }
        means = outMeans
        weights = outWeights
    }

    /// The largest q a centroid starting at q₀ may reach: k⁻¹(k(q₀) + 1).
    private func upperQuantile(_ q0: Double) -> Double {
        let scale = compression / (2 * Double.pi)
        let k = scale * asin(Swift.max(-1, Swift.min(1, 2 * q0 - 1))) + 1
        if k >= compression / 4 { return 1 }
        return (sin(k / scale) + 1) / 2
    }

    /// The p-quantile (0 ≤ p ≤ 1): type-7 interpolation on the centroids' centres, each centroid's
    /// weight spread evenly around its mean (exact while all centroids are single values).
    public func quantile(_ p: Double) -> Double {
        guard count > 0 else { return .nan }
        if count == 1 { return means[0] }
        let h = Double(count - 1) * Swift.min(1, Swift.max(0, p))   // 0-based rank, as type 7
        // Centre of centroid c in rank units: (weights before c) + (w_c − 1)/2.
        var before = 0.0
        var prevCentre = 0.0, prevMean = minimum
        for c in means.indices {
            let centre = before + (weights[c] - 1) / 2
            if h <= centre {
                if c == 0 {
                    // Between the minimum (rank 0) and the first centre.
                    guard centre > 0 else { return means[0] }
                    return minimum + (means[0] - minimum) * h / centre
                }
                let span = centre - prevCentre
                return span > 0 ? prevMean + (means[c] - prevMean) * (h - prevCentre) / span : means[c]
            }
            prevCentre = centre
            prevMean = means[c]
            before += weights[c]
        }
        // Between the last centre and the maximum (rank n − 1).
        let last = Double(count - 1)
        let span = last - prevCentre
        return span > 0 ? prevMean + (maximum - prevMean) * (h - prevCentre) / span : maximum
    }

    /// The number of centroids kept (the memory in use is two doubles per centroid).
    public var centroidCount: Int { means.count }

    /// The summary the projection reports: exact mean, quantiles from the digest.
    public var summary: QuantileSummary {
        guard count > 0 else { return QuantileSummary([]) }
        let q = QuantileSummary.probabilities.map { quantile($0) }
        return QuantileSummary(mean: sum / Double(count), p05: q[1], p10: q[2], p50: q[3], p90: q[4], p95: q[5], p025: q[0], p975: q[6])
    }
}

extension QuantileSketch {
    /// A sketch from its stored state (`ShardFile`'s sketch chunks); `means` sorted, `weights`
    /// positive, both of one length.
    package init(compression: Double, count: Int, sum: Double, minimum: Double, maximum: Double, means: [Double], weights: [Double]) {
        self.init(compression: compression)
        self.count = count
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.means = means
        self.weights = weights
    }

    /// The centroids (means and weights, sorted by mean).
    package var centroids: (means: [Double], weights: [Double]) { (means, weights) }

    /// Adds the values summarised by `other` (the merge of two t-digests, Dunning & Ertl 2019
    /// §2.2): both centroid lists merged by mean and recompressed greedily under the same k₁
    /// size limit over the combined count, so a merged digest obeys the bound of a single one —
    /// a centroid spans at most one unit of k, i.e. at most q-width ≈ (2π/δ)·√(q(1−q)) around q.
    /// Count, sum, minimum and maximum combine exactly (the sum in the order of merging).
    package mutating func merge(_ other: QuantileSketch) {
        guard other.count > 0 else { return }
        count += other.count
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        recompress(with: other.means, weights: other.weights)
    }

}
