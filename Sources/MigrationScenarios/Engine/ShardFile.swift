import Foundation
import MigrationData

/// The binary file of a projection shard (`shard.bin`): the per-draw values of every reported
/// cell for the shard's draws, from which `ShardMerge` recomputes the single run's quantiles
/// exactly. Version 1, little-endian:
///
///     preamble   16 bytes   "MIGKSHRD", format version (UInt32), mode (UInt32: 0 exact, 1 sketch)
///     chunks     one per scenario × (country | aggregate), in the order the workers finished
///     index      40 bytes per chunk: kind (UInt32: 0 country, 1 aggregate), scenario (UInt32),
///                item (UInt32: country or aggregate index), 0 (UInt32), offset, length, hash (UInt64)
///     trailer    64 bytes: index offset, chunk count, first draw, draw count, layout hash,
///                index hash, format version, trailer hash (UInt64 each)
///
/// A chunk is its cells (category × year) in order, each a tag byte and its draws: 0 = every
/// draw the same 8-byte value (one value follows); 1 = all draws (n × 8 bytes); 2 = sparse
/// (a bitmap of the draws whose value is not all-zero bits, ⌈n/8⌉ bytes, then those values).
/// Country values are the engine's Doubles (bit for bit), aggregates its fixed-point Int64 sums.
/// In sketch mode a chunk is its cells' t-digests instead, each: count, sum, minimum, maximum,
/// compression, positive draws (contrasts), centroid count m (UInt64 or Double bits), then m
/// means and m weights (see `ShardSketchWriter`).
///
/// **Integrity.** Every byte is covered by a checksum: chunks by their index entry, the index by
/// the trailer, preamble and trailer by the trailer hash, and the chunks must tile the space
/// between preamble and index exactly. The checksum is `ShardChecksum` (64-bit, detects any
/// single corrupted 8-byte word with certainty; not cryptographic — it guards against truncated
/// copies and bit rot, not against tampering).
#if _endian(big)
#error("shard files are little-endian and written by copying memory: port ShardFile before building on a big-endian machine")
#endif
package enum ShardFile {
    package static let magic = Array("MIGKSHRD".utf8)
    package static let formatVersion: UInt32 = 1
    static let preambleSize = 16, entrySize = 40, trailerSize = 64

    /// Chunk kinds: per-draw values (exact mode, preamble mode 0) or t-digests (sketch mode, 1).
    package enum Kind: UInt32, Sendable, Hashable { case country = 0, aggregate = 1, countrySketch = 2, aggregateSketch = 3, contrastSketch = 4 }

    package struct Entry: Sendable {
        let kind: Kind, scenario: Int, item: Int, offset: UInt64, length: UInt64, hash: UInt64
    }

    /// Encodes one cell's `n` draws (8-byte bit patterns) in the smallest of the three forms.
    static func encodeCell(_ bits: UnsafeBufferPointer<UInt64>, into out: inout [UInt8]) {
        let n = bits.count
        guard let first = bits.first else { out.append(0); append(0, to: &out); return }
        var constant = true, nonZero = 0
        for b in bits { constant = constant && b == first; nonZero += b != 0 ? 1 : 0 }
        if constant {
            out.append(0); append(first, to: &out)
        } else if (n + 7) / 8 + nonZero * 8 < n * 8 {
            out.append(2)
            var bitmap = [UInt8](repeating: 0, count: (n + 7) / 8)
            for (k, b) in bits.enumerated() where b != 0 { bitmap[k >> 3] |= 1 << UInt8(k & 7) }
            out += bitmap
            for b in bits where b != 0 { append(b, to: &out) }
        } else {
            out.append(1)
            out.append(contentsOf: UnsafeRawBufferPointer(bits))   // little-endian machines only (see above)
        }
    }

    static func append(_ v: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    /// Decodes `cells` cells of `n` draws from `bytes`, writing cell c's draw k to
    /// `out[c * stride + start + k]`. Returns false when the bytes do not hold exactly that.
    static func decode(_ bytes: UnsafeRawBufferPointer, cells: Int, n: Int, into out: UnsafeMutablePointer<UInt64>,
                       stride: Int, start: Int) -> Bool {
        var p = 0
        func word(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        for c in 0..<cells {
            guard p < bytes.count else { return false }
            let tag = bytes[p]
            p += 1
            let target = out + c * stride + start
            switch tag {
            case 0:
                guard p + 8 <= bytes.count else { return false }
                let v = word(p)
                p += 8
                for k in 0..<n { target[k] = v }
            case 1:
                guard p + 8 * n <= bytes.count else { return false }
                if n > 0 { UnsafeMutableRawPointer(target).copyMemory(from: bytes.baseAddress! + p, byteCount: 8 * n) }
                p += 8 * n
            case 2:
                let mapBytes = (n + 7) / 8
                guard p + mapBytes <= bytes.count else { return false }
                let map = p
                p += mapBytes
                for k in 0..<n {
                    if bytes[map + (k >> 3)] & (1 << UInt8(k & 7)) != 0 {
                        guard p + 8 <= bytes.count else { return false }
                        target[k] = word(p)
                        p += 8
                    } else {
                        target[k] = 0
                    }
                }
            default:
                return false
            }
        }
        return p == bytes.count
    }
}

/// The checksum of shard files: a 64-bit hash over 8-byte little-endian words (the tail padded
/// with zeros, the length mixed in first), h ← ((h ⊕ w) · 1099511628211) ⊕ (… ≫ 29) per word.
/// Each step is a bijection of h for a fixed word and of w for a fixed h, so a change confined to
/// one word always changes the hash; about 1 GB/s in a release build.
package enum ShardChecksum {
    package static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed ^ UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        let words = bytes.count / 8
        for i in 0..<words {
            h = (h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
        }
        if bytes.count % 8 != 0 {
            var tail: UInt64 = 0
            for (j, b) in bytes[(words * 8)...].enumerated() { tail |= UInt64(b) << UInt64(8 * j) }
            h = (h ^ tail) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
        }
        return h
    }

    package static func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { hash($0) } }
    package static func hex(_ h: UInt64) -> String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Writes `shard.bin` as the engine runs (a `DrawCollector`): each chunk is encoded by the worker
/// that simulated it and appended under a lock, through `AtomicFile` (a temporary file renamed
/// into place by `finish()`, so a killed shard leaves no partial file).
package final class ShardWriter: DrawCollector, @unchecked Sendable {
    package let path: String
    private let file: AtomicFile
    private let lock = NSLock()
    private var offset = UInt64(ShardFile.preambleSize)
    private var entries: [ShardFile.Entry] = []
    private var failure: Error?
    package private(set) var layout: DrawLayout?

    package init(path: String) throws {
        self.path = path
        file = try AtomicFile(path: path)
        try file.write(ShardFile.preamble(mode: 0))
    }

    package func begin(_ layout: DrawLayout) throws {
        guard layout.blocks == 1 else {
            throw ShardError(file: path, message: "a shard in exact mode runs one block of at most \(ProjectionEngine.exactDrawLimit) draws; this one needs \(layout.blocks)")
        }
        lock.lock()
        self.layout = layout
        lock.unlock()
    }

    package func country(scenario: Int, country: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Double>) {
        let cells = values.count / max(1, n)
        var out: [UInt8] = []
        out.reserveCapacity(cells * 9)
        values.withMemoryRebound(to: UInt64.self) { bits in
            for c in 0..<cells { ShardFile.encodeCell(UnsafeBufferPointer(rebasing: bits[(c * n)..<((c + 1) * n)]), into: &out) }
        }
        append(out, kind: .country, scenario: scenario, item: country)
    }

    package func aggregates(scenario: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Int64>) {
        guard let layout = currentLayout else { return }
        values.withMemoryRebound(to: UInt64.self) { bits in
            for a in layout.aggregates.indices {
                let from = layout.aggregateOffset(a), cells = layout.aggregateCells(a)
                var out: [UInt8] = []
                out.reserveCapacity(cells * 9)
                for c in from..<(from + cells) { ShardFile.encodeCell(UnsafeBufferPointer(rebasing: bits[(c * n)..<((c + 1) * n)]), into: &out) }
                append(out, kind: .aggregate, scenario: scenario, item: a)
            }
        }
    }

    private var currentLayout: DrawLayout? {
        lock.lock()
        defer { lock.unlock() }
        return layout
    }

    private func append(_ bytes: [UInt8], kind: ShardFile.Kind, scenario: Int, item: Int) {
        let h = ShardChecksum.hash(bytes)
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        do {
            try file.write(bytes)
            entries.append(ShardFile.Entry(kind: kind, scenario: scenario, item: item, offset: offset, length: UInt64(bytes.count), hash: h))
            offset += UInt64(bytes.count)
        } catch {
            failure = error
        }
    }

    /// Writes the index and trailer and renames the file into place; returns the trailer hash
    /// (which the shard manifest records). Throws the first write error of the run.
    package func finish() throws -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        guard let layout else { throw ShardError(file: path, message: "the engine produced no values") }
        let tail = try ShardFile.indexAndTrailer(entries, end: offset, mode: 0, layout: layout)
        try file.write(tail.bytes)
        try file.finish()
        return tail.hash
    }

    /// Removes the temporary file (after an error).
    package func cancel() {
        lock.lock()
        defer { lock.unlock() }
        file.cancel()
    }
}

extension ShardFile {
    /// The hash of the preamble and the trailer's first 56 bytes.
    static func trailerHash(_ trailer56: [UInt8], mode: UInt32 = 0) -> UInt64 {
        ShardChecksum.hash(preamble(mode: mode) + trailer56.prefix(56))
    }

    static func preamble(mode: UInt32) -> [UInt8] {
        var preamble = magic
        withUnsafeBytes(of: formatVersion.littleEndian) { preamble += $0 }
        withUnsafeBytes(of: mode.littleEndian) { preamble += $0 }
        return preamble
    }

    /// Index and trailer of `entries` (chunks ending at `end`), sorted canonically.
    static func indexAndTrailer(_ entries: [Entry], end: UInt64, mode: UInt32, layout: DrawLayout) throws -> (bytes: [UInt8], hash: UInt64) {
        let sorted = entries.sorted { ($0.kind.rawValue, $0.scenario, $0.item) < ($1.kind.rawValue, $1.scenario, $1.item) }
        var index: [UInt8] = []
        for e in sorted {
            for v in [UInt32(e.kind.rawValue), UInt32(e.scenario), UInt32(e.item), 0] { withUnsafeBytes(of: v.littleEndian) { index += $0 } }
            for v in [e.offset, e.length, e.hash] { append(v, to: &index) }
        }
        var trailer: [UInt8] = []
        for v in [end, UInt64(sorted.count), UInt64(layout.firstDraw), UInt64(layout.drawCount), try ShardFormat.layoutHash(layout),
                  ShardChecksum.hash(index), UInt64(formatVersion)] { append(v, to: &trailer) }
        let h = trailerHash(trailer, mode: mode)
        append(h, to: &trailer)
        return (index + trailer, h)
    }

    /// Writes a whole shard file of `chunks` (kind, scenario, item, bytes) through `file` and
    /// finishes it; returns the trailer hash.
    static func write(_ chunks: [(Kind, Int, Int, [UInt8])], mode: UInt32, layout: DrawLayout, to file: AtomicFile) throws -> UInt64 {
        try file.write(preamble(mode: mode))
        var offset = UInt64(preambleSize)
        var entries: [Entry] = []
        for (kind, s, item, bytes) in chunks {
            try file.write(bytes)
            entries.append(Entry(kind: kind, scenario: s, item: item, offset: offset, length: UInt64(bytes.count), hash: ShardChecksum.hash(bytes)))
            offset += UInt64(bytes.count)
        }
        let tail = try indexAndTrailer(entries, end: offset, mode: mode, layout: layout)
        try file.write(tail.bytes)
        try file.finish()
        return tail.hash
    }

    /// Appends a digest (and, for contrasts, its count of positive draws).
    static func encodeSketch(_ sketch: QuantileSketch, positive: Double, into out: inout [UInt8]) {
        let c = sketch.centroids
        append(UInt64(sketch.count), to: &out)
        for v in [sketch.sum, sketch.minimum, sketch.maximum, sketch.compression, positive] { append(v.bitPattern, to: &out) }
        append(UInt64(c.means.count), to: &out)
        for v in c.means { append(v.bitPattern, to: &out) }
        for v in c.weights { append(v.bitPattern, to: &out) }
    }

    /// Decodes `cells` digests; nil unless the bytes hold exactly that.
    static func decodeSketches(_ bytes: UnsafeRawBufferPointer, cells: Int) -> [(QuantileSketch, Double)]? {
        var p = 0
        func word() -> UInt64? {
            guard p + 8 <= bytes.count else { return nil }
            defer { p += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: p, as: UInt64.self))
        }
        var out: [(QuantileSketch, Double)] = []
        for _ in 0..<cells {
            guard let count = word(), let sum = word(), let lo = word(), let hi = word(), let delta = word(), let up = word(), let m = word(),
                  count <= UInt64(Int.max), m <= UInt64((bytes.count - p) / 16) else { return nil }
            var means = [Double](), weights = [Double]()
            means.reserveCapacity(Int(m)); weights.reserveCapacity(Int(m))
            for _ in 0..<Int(m) { guard let v = word() else { return nil }; means.append(Double(bitPattern: v)) }
            for _ in 0..<Int(m) { guard let v = word() else { return nil }; weights.append(Double(bitPattern: v)) }
            out.append((QuantileSketch(compression: Double(bitPattern: delta), count: Int(count), sum: Double(bitPattern: sum),
                                       minimum: Double(bitPattern: lo), maximum: Double(bitPattern: hi), means: means, weights: weights),
                        Double(bitPattern: up)))
        }
        return p == bytes.count ? out : nil
    }
}

/// The canonical encodings shards are compared by.
package enum ShardFormat {
    /// JSON of the layout with sorted keys (the same bytes for the same layout).
    package static func layoutJSON(_ layout: DrawLayout) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(layout)
    }

    /// The hash of the layout without its draw range (equal for every shard of a run).
    package static func layoutHash(_ layout: DrawLayout) throws -> UInt64 {
        ShardChecksum.hash(Array(try layoutJSON(layout.withDraws(0..<0))))
    }
}

/// A shard file that cannot be used, naming it and what is wrong.
package struct ShardError: Error, CustomStringConvertible {
    package let file: String
    package let message: String
    package init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    package var description: String { "\(file): \(message)" }
}
