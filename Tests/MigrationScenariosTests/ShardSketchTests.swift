import Foundation
import Testing
@testable import MigrationScenarios

/// Sketch-mode shards: t-digests merged across shards stay within the documented rank bound of
/// the exact type-7 quantiles, and survive the shard file bit for bit.
@Suite("Shard sketches: merged t-digests")
struct ShardSketchTests {
    /// A deterministic stream of skewed draws (log-normal mixed with zeros, like a country's
    /// displaced stock), from a fixed-seed SplitMix64.
    static func draws(_ n: Int, seed: UInt64) -> [Double] {
        var state = seed
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        return (0..<n).map { _ in
            let u = next(), v = next()
            let normal = (-2 * log(max(u, 1e-300))).squareRoot() * cos(2 * .pi * v)
            return next() < 0.1 ? 0 : exp(10 + 1.5 * normal)
        }
    }

    /// The documented bound on the rank error of the q-quantile estimate, in draws.
    static func bound(_ q: Double, n: Int, delta: Double = 200) -> Double { Double(n) * (2 * .pi / delta) * (q * (1 - q)).squareRoot() + 1 }

    /// Where `x` falls among the sorted values: the ranks it lies between (0-based).
    static func rankInterval(_ x: Double, _ sorted: [Double]) -> (Double, Double) {
        var lo = 0, hi = sorted.count
        while lo < hi { let m = (lo + hi) / 2; if sorted[m] < x { lo = m + 1 } else { hi = m } }
        var top = lo
        while top < sorted.count && sorted[top] <= x { top += 1 }
        return (Double(lo) - 1, Double(max(lo, top - 1)))
    }

    @Test("100 shards × 1,000 draws and 4 × 25,000 (in blocks of 10,000): every reported quantile within the bound")
    func mergedWithinBound() {
        for (shards, perShard) in [(100, 1_000), (4, 25_000)] {
            let all = Self.draws(shards * perShard, seed: UInt64(shards))
            var merged = QuantileSketch(compression: 200)
            for s in 0..<shards {
                var sketch = QuantileSketch(compression: 200)
                for block in stride(from: 0, to: perShard, by: 10_000) {
                    sketch.add(contentsOf: all[(s * perShard + block)..<(s * perShard + min(block + 10_000, perShard))])
                }
                merged.merge(sketch)
            }
            let sorted = all.sorted()
            let n = all.count
            #expect(merged.count == n)
            #expect(merged.minimum == sorted[0] && merged.maximum == sorted[n - 1])
            #expect(abs(merged.sum / Double(n) - all.reduce(0, +) / Double(n)) <= 1e-9 * sorted[n - 1])
            #expect(merged.centroidCount <= 200)
            var worst = 0.0
            for q in QuantileSummary.probabilities {
                let target = q * Double(n - 1)
                let (lo, hi) = Self.rankInterval(merged.quantile(q), sorted)
                let error = target < lo ? lo - target : target > hi ? target - hi : 0
                worst = max(worst, error / Self.bound(q, n: n))
                #expect(error <= Self.bound(q, n: n), "q = \(q), \(shards) shards: rank error \(error) > bound \(Self.bound(q, n: n))")
            }
            // The bound is not vacuous: the worst error uses a visible part of it, well below it.
            #expect(worst > 0.001 && worst < 1)
        }
    }

    @Test("merging is what one digest of all the draws would be within the bound, and an empty digest changes nothing")
    func mergeIdentity() {
        var a = QuantileSketch(compression: 200)
        a.add(contentsOf: Self.draws(5_000, seed: 9))
        var b = a
        b.merge(QuantileSketch(compression: 200))
        #expect(b == a)
        var empty = QuantileSketch(compression: 200)
        empty.merge(a)
        #expect(empty.count == a.count && empty.quantile(0.5) == a.quantile(0.5))
    }

    @Test("a digest survives the shard file's encoding bit for bit, positive count included; damage is refused")
    func encoding() throws {
        var sketch = QuantileSketch(compression: 200)
        sketch.add(contentsOf: Self.draws(3_000, seed: 3))
        var out: [UInt8] = []
        ShardFile.encodeSketch(sketch, positive: 1234.5, into: &out)
        ShardFile.encodeSketch(QuantileSketch(compression: 200), positive: 0, into: &out)
        let back = try #require(out.withUnsafeBytes { ShardFile.decodeSketches($0, cells: 2) })
        #expect(back[0].0 == sketch && back[0].1 == 1234.5)
        #expect(back[1].0.count == 0)
        #expect(out.dropLast().withUnsafeBytes { ShardFile.decodeSketches($0, cells: 2) } == nil)
        #expect((out + [0]).withUnsafeBytes { ShardFile.decodeSketches($0, cells: 2) } == nil)
    }
}
