import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Quantile sketch (merging t-digest)")
struct QuantileSketchTests {
    static func values(_ n: Int, seed: UInt64) -> [Double] {
        var rng = DrawRandomStream(seed: seed, draw: 0, purpose: .other)
        // Heavy right tail, like displaced stocks: lognormal with σ = 1.5.
        return (0..<n).map { _ in exp(1.5 * rng.normal()) * 1e6 }
    }

    @Test func smallSamplesAreExactType7() {
        let v = Self.values(60, seed: 1)
        var s = QuantileSketch(compression: 200)
        s.add(contentsOf: v[0..<25]); s.add(contentsOf: v[25...])
        let exact = QuantileSummary(v)
        let q = s.summary
        #expect(q.p50 == exact.p50 && q.p05 == exact.p05 && q.p95 == exact.p95 && q.p025 == exact.p025 && q.p975 == exact.p975)
        #expect(abs(q.mean - exact.mean) <= 1e-12 * exact.mean)
    }

    /// 200,000 values in 20 batches: every reported quantile lies within 0.1 percentage points of
    /// its probability in the exact empirical distribution (measured: at most 0.032 points, at
    /// p97.5), the mean is exact, and the digest keeps at most `compression` centroids (measured 105).
    @Test func largeStreamsAreAccurateWithBoundedMemory() {
        let v = Self.values(200_000, seed: 2)
        var s = QuantileSketch(compression: 200)
        for b in 0..<20 { s.add(contentsOf: v[(b * 10_000)..<((b + 1) * 10_000)]) }
        let sorted = v.sorted()
        func rank(_ x: Double) -> Double {
            var lo = 0, hi = sorted.count
            while lo < hi { let m = (lo + hi) / 2; if sorted[m] < x { lo = m + 1 } else { hi = m } }
            return Double(lo) / Double(sorted.count - 1)
        }
        for p in QuantileSummary.probabilities {
            let tolerance = 0.001
            #expect(abs(rank(s.quantile(p)) - p) < tolerance, "p = \(p): rank \(rank(s.quantile(p)))")
        }
        #expect(s.count == 200_000 && s.minimum == sorted[0] && s.maximum == sorted[sorted.count - 1])
        #expect(abs(s.summary.mean - v.reduce(0, +) / 2e5) <= 1e-9 * s.summary.mean)
        #expect(s.centroidCount <= 200, "\(s.centroidCount) centroids")
    }

    @Test func sameBatchesSameDigest() {
        let v = Self.values(30_000, seed: 3)
        var a = QuantileSketch(), b = QuantileSketch()
        for k in 0..<3 { a.add(contentsOf: v[(k * 10_000)..<((k + 1) * 10_000)]); b.add(contentsOf: v[(k * 10_000)..<((k + 1) * 10_000)]) }
        #expect(a == b)
        var e = QuantileSketch()
        e.add(contentsOf: [Double.nan, .infinity])
        #expect(e.count == 0 && e.quantile(0.5).isNaN)
    }
}

@Suite("Projection in blocks of draws (bounded memory)")
struct BlockedProjectionTests {
    /// 300 draws in three blocks of 100 streamed through sketches against one block summarised
    /// exactly. With δ = 5,000 no centroid merges two of 300 values, so the streamed run must give
    /// the exact run's quantiles — which checks that every block feeds every cell the right draws
    /// (the digest's accuracy with the default δ = 200 is tested above, on a large stream). The
    /// same bytes on one and two threads with either δ.
    @Test func blocksMatchTheExactRunAndAreDeterministic() throws {
        let (inputs, models) = try #require(ProjectionEngineTests.fitted)
        let set = try ScenarioSet.parse("[run]\ndraws = 300\nhorizon = 2030\nseed = 5\n[[scenario]]\npathway = \"SSP2-4.5\"\n")
        let exact = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 2)
        let blocked = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 2, blockSize: 100, sketchCompression: 5000, progress: nil)
        let blocked1 = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 1, blockSize: 100, sketchCompression: 5000, progress: nil)
        #expect(blocked == blocked1)
        let coarse = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 2, blockSize: 100)
        let coarse1 = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 1, blockSize: 100)
        #expect(coarse == coarse1)
        #expect(exact.count == blocked.count)
        let index = Dictionary(uniqueKeysWithValues: exact.map { ("\($0.geographyLevel)|\($0.geography)|\($0.category)|\($0.year)", $0.summary) })
        var compared = 0
        for r in blocked {
            let e = try #require(index["\(r.geographyLevel)|\(r.geography)|\(r.category)|\(r.year)"])
            let s = r.summary
            #expect(abs(s.mean - e.mean) <= 1e-9 * max(1, abs(e.mean)), "\(r.geography) \(r.category) \(r.year)")
            for (a, b) in [(s.p025, e.p025), (s.p05, e.p05), (s.p10, e.p10), (s.p50, e.p50), (s.p90, e.p90), (s.p95, e.p95), (s.p975, e.p975)] {
                #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(r.geography) \(r.category) \(r.year): \(a) vs \(b)")
            }
            compared += 1
        }
    }
}
