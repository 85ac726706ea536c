import Foundation
import MigrationData

/// Sketch-mode shards (runs of more than `ProjectionEngine.exactDrawLimit` draws): the collector
/// streams every cell's draws, block by block, into a t-digest (`QuantileSketch`, δ = 200) as the
/// single run does, and the aggregates' paired differences from the reference into contrast
/// digests with the count of positive draws; `finish` writes them as chunks of `shard.bin`
/// (preamble mode 1). The merge combines the shards' digests (`QuantileSketch.merge`), so its
/// quantiles are t-digest estimates within the documented bound, not the single run's bytes.
package final class ShardSketchWriter: DrawCollector, @unchecked Sendable {
    package let path: String
    package let compression: Double
    private let lock = NSLock()
    package private(set) var layout: DrawLayout?
    /// [scenario][country] → KC·T digests.
    private var countries: [[[QuantileSketch]]] = []
    /// [scenario] → one digest per aggregate cell; contrasts likewise with positive counts.
    private var aggregates: [[QuantileSketch]] = []
    private var contrasts: [[QuantileSketch]] = []
    private var positive: [[Double]] = []
    /// The reference scenario's fixed-point sums of the current block.
    private var reference: [Int64] = []

    package init(path: String, compression: Double = 200) {
        self.path = path
        self.compression = compression
    }

    package func begin(_ layout: DrawLayout) throws {
        lock.lock()
        defer { lock.unlock() }
        self.layout = layout
        let empty = QuantileSketch(compression: compression)
        let S = layout.scenarios.count, cells = layout.aggregateOffset(layout.aggregates.count)
        countries = Array(repeating: Array(repeating: Array(repeating: empty, count: layout.countryCells), count: layout.countries.count), count: S)
        aggregates = Array(repeating: Array(repeating: empty, count: cells), count: S)
        contrasts = Array(repeating: Array(repeating: empty, count: cells), count: S)
        positive = Array(repeating: Array(repeating: 0, count: cells), count: S)
    }

    package func country(scenario: Int, country: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Double>) {
        // One worker per country and block: take the country's digests out, update, put back.
        lock.lock()
        var mine = countries[scenario][country]
        countries[scenario][country] = []
        lock.unlock()
        for c in mine.indices { mine[c].add(contentsOf: UnsafeBufferPointer(rebasing: values[(c * n)..<((c + 1) * n)])) }
        lock.lock()
        countries[scenario][country] = mine
        lock.unlock()
    }

    package func aggregates(scenario: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Int64>) {
        lock.lock()
        defer { lock.unlock() }
        guard let layout else { return }
        let cells = aggregates[scenario].count
        var x = [Double](repeating: 0, count: n)
        for c in 0..<cells {
            for k in 0..<n { x[k] = Double(values[c * n + k]) / FixedPointAccumulator.scale }
            aggregates[scenario][c].add(contentsOf: x)
        }
        // The engine runs the reference first in every block.
        if scenario == layout.referenceIndex {
            reference = Array(values[0..<(cells * n)])
        } else if layout.scenarios.count > 1, reference.count == cells * n {
            for c in 0..<cells {
                var up = 0.0
                for k in 0..<n {
                    let d = Double(values[c * n + k] &- reference[c * n + k]) / FixedPointAccumulator.scale
                    x[k] = d
                    up += d > 0 ? 1 : d == 0 ? 0.5 : 0
                }
                contrasts[scenario][c].add(contentsOf: x)
                positive[scenario][c] += up
            }
        }
    }

    /// Writes the digests (atomically) and returns the trailer hash for the manifest.
    package func finish() throws -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        guard let layout else { throw ShardError(file: path, message: "the engine produced no values") }
        let file = try AtomicFile(path: path)
        var chunks: [(ShardFile.Kind, Int, Int, [UInt8])] = []
        for s in layout.scenarios.indices {
            for a in layout.aggregates.indices {
                let from = layout.aggregateOffset(a), to = from + layout.aggregateCells(a)
                var out: [UInt8] = []
                for c in from..<to { ShardFile.encodeSketch(aggregates[s][c], positive: 0, into: &out) }
                chunks.append((.aggregateSketch, s, a, out))
                if s != layout.referenceIndex && layout.scenarios.count > 1 {
                    var diff: [UInt8] = []
                    for c in from..<to { ShardFile.encodeSketch(contrasts[s][c], positive: positive[s][c], into: &diff) }
                    chunks.append((.contrastSketch, s, a, diff))
                }
            }
            for c in layout.countries.indices {
                var out: [UInt8] = []
                for sketch in countries[s][c] { ShardFile.encodeSketch(sketch, positive: 0, into: &out) }
                chunks.append((.countrySketch, s, c, out))
            }
        }
        do {
            return try ShardFile.write(chunks, mode: 1, layout: layout, to: file)
        } catch {
            file.cancel()
            throw error
        }
    }
}
