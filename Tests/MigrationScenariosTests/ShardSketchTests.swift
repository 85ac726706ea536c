import Foundation
import Testing
@testable import MigrationScenarios

/// Sketch-mode shards: quantile grids merged across shards and blocks stay within the documented
/// rank bound of the exact type-7 quantiles (`QuantileGrid.rankErrorBound`), survive the shard
/// file bit for bit, and a sharded run through the engine merges within the bound of the exact
/// quantiles and agrees with a single streamed run.
@Suite("Shard sketches: merged quantile grids")
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

    /// Where `x` falls among the sorted values: the ranks it lies between (0-based), widened by
    /// the Float32 rounding of the grid (2⁻²⁴ relative).
    static func rankInterval(_ x: Double, _ sorted: [Double]) -> (Double, Double) {
        let tolerance = abs(x) * 0x1p-23
        var lo = 0, hi = sorted.count
        while lo < hi { let m = (lo + hi) / 2; if sorted[m] < x - tolerance { lo = m + 1 } else { hi = m } }
        var top = lo
        while top < sorted.count && sorted[top] <= x + tolerance { top += 1 }
        return (Double(lo) - 1, Double(max(lo, top - 1)))
    }

    /// The rank error of `x` as the q-quantile of `sorted`: how far q·(n − 1) lies outside the
    /// ranks x takes.
    static func rankError(_ x: Double, q: Double, _ sorted: [Double]) -> Double {
        let target = q * Double(sorted.count - 1)
        let (lo, hi) = rankInterval(x, sorted)
        return target < lo ? lo - target : target > hi ? target - hi : 0
    }

    /// Grids of `values` in blocks of at most `block` draws.
    static func grids(_ values: ArraySlice<Double>, block: Int) -> [QuantileGrid] {
        var scratch: [Double] = []
        return stride(from: values.startIndex, to: values.endIndex, by: block).map { start in
            Array(values[start..<min(start + block, values.endIndex)]).withUnsafeBufferPointer { QuantileGrid($0, scratch: &scratch) }
        }
    }

    @Test("100 shards × 1,000 draws, 4 × 25,000 in blocks of 10,000, and unlike shards: every reported quantile within the bound")
    func mergedWithinBound() {
        // Unlike shards: one of small values, one of large ones, one of a mixture (the bound
        // does not assume the shards alike).
        let skewed = Self.draws(30_000, seed: 5)
        let unlike = [Array(skewed[..<10_000].map { $0 / 1000 }), Array(skewed[10_000..<20_000].map { $0 * 1000 }), Array(skewed[20_000...])]
        let cases: [[[Double]]] = [
            (0..<100).map { s in Array(Self.draws(1_000, seed: 1_000 + UInt64(s))) },
            (0..<4).map { s in Self.draws(25_000, seed: 77 + UInt64(s)) },
            unlike,
        ]
        for shards in cases {
            let all = shards.flatMap { $0 }
            let grids = shards.flatMap { Self.grids($0[...], block: 10_000) }
            var merged = QuantileGridMerge(grids)
            let sorted = all.sorted()
            let n = all.count
            let bound = Double(QuantileGrid.rankErrorBound(counts: grids.map(\.count)))
            #expect(merged.count == n)
            #expect(abs(merged.mean - all.reduce(0, +) / Double(n)) <= 1e-9 * sorted[n - 1])
            // The bound is about n/32 + the number of blocks.
            #expect(bound <= Double(n) / 32 + Double(grids.count) * 2 + 1)
            var worst = 0.0
            for q in QuantileSummary.probabilities + [0, 1] {
                let x = merged.quantile(q)
                let error = Self.rankError(x, q: q, sorted)
                worst = max(worst, error / bound)
                #expect(error <= bound, "q = \(q), \(shards.count) shards: rank error \(error) > bound \(bound)")
                // The certified bound at the estimate holds too, and for large alike blocks (4 ×
                // 25,000 in blocks of 10,000: the local quantiles scatter by ±0.5 % of a block)
                // it is set by the fine points around the reported quantiles: far below the bound.
                let certified = merged.certifiedBound(at: x)
                #expect(error <= certified && certified <= bound, "q = \(q): error \(error), certified \(certified), bound \(bound)")
                if shards.count == 4, [0.05, 0.10, 0.5, 0.90, 0.95].contains(q) {
                    #expect(certified < bound / 2, "q = \(q), \(shards.count) shards: certified \(certified) of bound \(bound)")
                }
            }
            #expect(merged.quantile(0) == Double(Float(sorted[0])) && merged.quantile(1) == Double(Float(sorted[n - 1])))
            // The bound is not vacuous: the worst error uses a visible part of it.
            #expect(worst > 0.001 && worst <= 1)
        }
    }

    @Test("small blocks (fewer draws than grid points) and constant cells are exact")
    func smallBlocksAreExact() {
        let values = Self.draws(20, seed: 4)
        let grids = Self.grids(values[...], block: 7)   // blocks of 7, 7 and 6 draws
        var merged = QuantileGridMerge(grids)
        let sorted = values.sorted()
        for q in QuantileSummary.probabilities { #expect(Self.rankError(merged.quantile(q), q: q, sorted) <= 1) }
        var constant = QuantileGridMerge(Self.grids(Array(repeating: 42.0, count: 500)[...], block: 100))
        #expect(constant.quantile(0.05) == 42 && constant.quantile(0.95) == 42 && constant.mean == 42)
        var empty = QuantileGridMerge([])
        #expect(empty.quantile(0.5).isNaN && empty.mean.isNaN)
    }

    @Test("a grid survives the shard file's encoding bit for bit, positive count included; damage is refused")
    func encoding() throws {
        var scratch: [Double] = []
        let grid = Self.draws(3_000, seed: 3).withUnsafeBufferPointer { QuantileGrid($0, positive: 1234.5, scratch: &scratch) }
        let none = [Double]().withUnsafeBufferPointer { QuantileGrid($0, scratch: &scratch) }
        var out: [UInt8] = []
        ShardFile.encodeGrid(grid, into: &out)
        ShardFile.encodeGrid(none, into: &out)
        #expect(out.count == 2 * QuantileGrid.cellBytes)
        let back = try #require(out.withUnsafeBytes { ShardFile.decodeGrids($0, cells: 2) })
        let P = QuantileGrid.pointCount
        #expect(Array(back.points[0..<P]) == grid.points && back.positives[0] == 1234.5 && back.counts[0] == 3_000 && back.sums[0] == grid.sum)
        #expect(back.counts[1] == 0)
        #expect(out.dropLast().withUnsafeBytes { ShardFile.decodeGrids($0, cells: 2) } == nil)
        #expect((out + [0]).withUnsafeBytes { ShardFile.decodeGrids($0, cells: 2) } == nil)
        var unsorted = out
        for b in 0..<4 { unsorted.swapAt(4 + 4 * 31 + b, 4 + 4 * 32 + b) }   // the last two points swapped
        #expect(unsorted.withUnsafeBytes { ShardFile.decodeGrids($0, cells: 2) } == nil)
    }

    @Test("end to end: 2 shards of 150 draws (blocks of 100: sketch mode) merge within the bound of the exact quantiles and agree with one streamed run")
    func shardedRunThroughTheEngine() throws {
        let (inputs, models) = try #require(ProjectionEngineTests.fitted)
        let set = try ScenarioSet.parse("""
            [run]
            draws = 300
            horizon = 2027
            seed = 11
            [[scenario]]
            name = "low"
            pathway = "SSP1-2.6"
            [[scenario]]
            name = "high"
            pathway = "SSP5-8.5"
            """)
        let limit = 100   // the exact-mode limit for this test: 300 draws are beyond it
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-sketch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The shards, as `migkit project --shard K/2` runs them beyond the limit.
        var readers: [ShardReader] = []
        for (k, range) in [0..<150, 150..<300].enumerated() {
            let path = dir.appendingPathComponent("shard\(k).bin").path
            let writer = try ShardSketchWriter(path: path)
            try ProjectionEngine.projectShard(set, models: models, inputs: inputs, drawRange: range, collector: writer, threads: 2, blockSize: limit)
            _ = try writer.finish()
            let layout = try #require(writer.layout)
            #expect(layout.blocks == 2)
            readers.append(try ShardReader(path: path, layout: layout))
        }
        let exactPath = dir.appendingPathComponent("exact.bin").path
        let exactWriter = try ShardWriter(path: exactPath)
        try ProjectionEngine.projectShard(set, models: models, inputs: inputs, drawRange: 0..<300, collector: exactWriter, threads: 2, blockSize: 300)
        _ = try exactWriter.finish()
        let full = try #require(exactWriter.layout)
        let exact = try ShardReader(path: exactPath, layout: full)
        let merged = try ProjectionEngine.mergeSketches(readers, layout: full, threads: 2)
        let streamed = try ProjectionEngine.project(set, models: models, inputs: inputs, threads: 2, blockSize: limit, sketchCompression: 200,
                                                    tails: false, contrasts: true, progress: nil)
        #expect(merged.rows.count == streamed.rows.count && merged.contrasts.count == streamed.contrasts.count)
        let bound = Double(QuantileGrid.rankErrorBound(counts: [100, 50, 100, 50]))
        #expect(bound == 1 + 4 + 2 + 4 + 2)
        // The exact draws of every cell, in the rows' order: aggregates, then countries, per scenario.
        let T = full.years.count, A = full.aggregates.count
        var row = 0, checked = 0, worst = 0.0
        var buffer = [UInt64](repeating: 0, count: 0)
        var aggregateDraws: [[[Double]]] = []   // [scenario][aggregate cell][draw], for the contrasts
        for s in full.scenarios.indices {
            var scenarioAggregates: [[Double]] = []
            for item in 0..<(A + full.countries.count) {
                let isCountry = item >= A
                let cells = (isCountry ? full.countryCategories.count : full.aggregates[item].categories.count) * T
                buffer = [UInt64](repeating: 0, count: cells * 300)
                try buffer.withUnsafeMutableBufferPointer {
                    try exact.read(isCountry ? .country : .aggregate, scenario: s, item: isCountry ? item - A : item, cells: cells,
                                   into: $0.baseAddress!, stride: 300, start: 0)
                }
                for c in 0..<cells {
                    let draws = buffer[(c * 300)..<((c + 1) * 300)].map { isCountry ? Double(bitPattern: $0) : Double(Int64(bitPattern: $0)) / FixedPointAccumulator.scale }
                    if !isCountry { scenarioAggregates.append(draws) }
                    let sorted = draws.sorted()
                    let m = merged.rows[row].summary, single = streamed.rows[row].summary
                    #expect(merged.rows[row].geography == streamed.rows[row].geography && merged.rows[row].year == streamed.rows[row].year)
                    // Means: the same draws summed in another order.
                    #expect(abs(m.mean - single.mean) <= 1e-9 * max(1, abs(single.mean)))
                    for (q, x) in [(0.05, m.p05), (0.10, m.p10), (0.5, m.p50), (0.90, m.p90), (0.95, m.p95)] {
                        let error = Self.rankError(x, q: q, sorted)
                        worst = max(worst, error)
                        #expect(error <= bound, "\(merged.rows[row].geography) \(merged.rows[row].category) \(merged.rows[row].year) q = \(q): rank error \(error) > \(bound)")
                        checked += 1
                    }
                    row += 1
                }
            }
            aggregateDraws.append(scenarioAggregates)
        }
        #expect(row == merged.rows.count && checked > 10_000 && worst > 0)
        // Contrasts (world and regions): high − low on paired draws, within the bound; the share
        // of positive draws is exact.
        #expect(merged.contrasts.count == aggregateDraws[0].count)
        for (c, contrast) in merged.contrasts.enumerated() {
            let d = zip(aggregateDraws[1][c], aggregateDraws[0][c]).map { $0 - $1 }
            let sorted = d.sorted()
            for (q, x) in [(0.05, contrast.p05), (0.5, contrast.p50), (0.95, contrast.p95)] {
                #expect(Self.rankError(x, q: q, sorted) <= bound + 1, "contrast \(contrast.geography) q = \(q)")
            }
            #expect(contrast.sharePositive == streamed.contrasts[c].sharePositive)
        }
    }
}
