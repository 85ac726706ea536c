import Foundation
import MigrationData

/// Sketch-mode shards (runs of more than `ProjectionEngine.exactDrawLimit` draws): for every
/// block of draws the engine hands over (at most `exactDrawLimit` draws), each cell's draws are
/// reduced to a `QuantileGrid` — count, sum and 47 order statistics, 208 bytes whatever the
/// number of draws — and the aggregates' paired differences from the reference likewise, with
/// the count of positive draws. Each scenario × country (or aggregate, or contrast) × block is a
/// chunk of `shard.bin` (preamble mode 1), appended as the engine produces it, so memory stays
/// at one block's values. The merge (`ProjectionEngine.mergeSketches`) combines the grids of all
/// blocks of all shards within the bound `QuantileGrid` documents; the mean is exact up to the
/// order of summation.
package final class ShardSketchWriter: ShardBinaryWriter, @unchecked Sendable {
    private let sink: ShardFileAppender
    package var path: String { sink.path }
    package var layout: DrawLayout? { sink.currentLayout }
    /// Guards the block index and the reference's sums.
    private let lock = NSLock()
    /// Block index by first draw (blocks arrive in order).
    private var blockIndex: [Int: Int] = [:]
    /// The reference scenario's fixed-point sums of the current block.
    private var reference: [Int64] = []
    private var referenceBlock = -1

    package init(path: String) throws {
        sink = try ShardFileAppender(path: path, mode: 1)
    }

    package func begin(_ layout: DrawLayout) throws {
        sink.currentLayout = layout
    }

    private func block(_ firstDraw: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let b = blockIndex[firstDraw] { return b }
        let b = blockIndex.count
        blockIndex[firstDraw] = b
        return b
    }

    /// Appends the grids of `cells` cells of `n` draws each (`value(cell, draw)`), one chunk.
    /// `fill` writes a cell's draws and returns its positive count (contrasts; 0 elsewhere).
    static func encode(cells: Range<Int>, n: Int, scratch: inout [Double],
                       _ fill: (Int, UnsafeMutableBufferPointer<Double>) -> Double) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(cells.count * QuantileGrid.cellBytes)
        var values = [Double](repeating: 0, count: n)
        for c in cells {
            let positive = values.withUnsafeMutableBufferPointer { fill(c, $0) }
            let grid = values.withUnsafeBufferPointer { QuantileGrid($0, positive: positive, scratch: &scratch) }
            ShardFile.encodeGrid(grid, into: &out)
        }
        return out
    }

    package func country(scenario: Int, country: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Double>) {
        let b = block(firstDraw)
        var scratch: [Double] = []
        let out = Self.encode(cells: 0..<(values.count / max(1, n)), n: n, scratch: &scratch) { c, x in
            for k in 0..<n { x[k] = values[c * n + k] }
            return 0
        }
        sink.append(out, kind: .countrySketch, scenario: scenario, item: country, block: b)
    }

    package func aggregates(scenario: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Int64>) {
        guard let layout = sink.currentLayout else { return }
        let b = block(firstDraw)
        var scratch: [Double] = []
        let cells = layout.aggregateOffset(layout.aggregates.count)
        // The engine runs the reference first in every block.
        let isReference = scenario == layout.referenceIndex
        if isReference {
            lock.lock()
            reference = Array(values[0..<(cells * n)])
            referenceBlock = b
            lock.unlock()
        }
        let contrasted = !isReference && layout.scenarios.count > 1
        let ref: [Int64] = contrasted ? { lock.lock(); defer { lock.unlock() }; return referenceBlock == b ? reference : [] }() : []
        for a in layout.aggregates.indices {
            let from = layout.aggregateOffset(a), to = from + layout.aggregateCells(a)
            let out = Self.encode(cells: from..<to, n: n, scratch: &scratch) { c, x in
                for k in 0..<n { x[k] = Double(values[c * n + k]) / FixedPointAccumulator.scale }
                return 0
            }
            sink.append(out, kind: .aggregateSketch, scenario: scenario, item: a, block: b)
            guard contrasted, ref.count == cells * n else { continue }
            let diff = Self.encode(cells: from..<to, n: n, scratch: &scratch) { c, x in
                var count = 0.0
                for k in 0..<n {
                    let d = Double(values[c * n + k] &- ref[c * n + k]) / FixedPointAccumulator.scale
                    x[k] = d
                    count += d > 0 ? 1 : d == 0 ? 0.5 : 0
                }
                return count
            }
            sink.append(diff, kind: .contrastSketch, scenario: scenario, item: a, block: b)
        }
    }

    /// Writes the index and trailer and renames the file into place; returns the trailer hash
    /// for the manifest. Throws the first write error of the run.
    package func finish() throws -> UInt64 { try sink.finish() }

    /// Removes the temporary file (after an error).
    package func cancel() { sink.cancel() }
}
