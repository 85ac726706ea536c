import Foundation

extension ProjectionEngine {
    /// Runs `work(item, worker)` for items 0..<count on up to `threads` workers (0: one per
    /// core); `worker` is in 0..<workerCount(threads) and no two concurrent calls share it, so
    /// it can index per-worker scratch memory.
    static func runParallel(_ count: Int, threads: Int, _ work: @escaping @Sendable (Int, Int) -> Void) {
        let workers = workerCount(threads)
        if workers <= 1 || count <= 1 {
            for i in 0..<count { work(i, 0) }
            return
        }
        let next = ProgressCounter()
        DispatchQueue.concurrentPerform(iterations: min(workers, count)) { w in
            while true {
                let i = next.increment() - 1
                if i >= count { break }
                work(i, w)
            }
        }
    }

    static func workerCount(_ threads: Int) -> Int { max(1, threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount) }
}

/// Order-independent accumulation of per-draw values into regional totals: 64-bit fixed point
/// (2⁻¹⁶ persons). Integer sums do not depend on the order of addition, so totals do not depend
/// on the thread count or on scheduling. One shared array with one lock per aggregate: a worker
/// converts its country's values once, then adds them under each target aggregate's lock
/// (blocks of draws that are all zero — a hazard absent from the country — are skipped).
final class FixedPointAccumulator: @unchecked Sendable {
    static let scale = 65_536.0
    /// [cell][draw] fixed-point sums; cells are the aggregates' category × year blocks.
    let cells: UnsafeMutableBufferPointer<Int64>
    private let locks: [NSLock]

    init(count: Int, locks lockCount: Int) {
        cells = .allocate(capacity: count)
        cells.initialize(repeating: 0)
        locks = (0..<max(1, lockCount)).map { _ in NSLock() }
    }
    deinit { cells.deallocate() }

    /// The largest magnitude converted, in persons: 2³⁵ (3.4·10¹⁰, four times the world's
    /// population), so that value × scale stays below 2⁵¹, where the conversion below is exact.
    static let limit = 0x1p35

    /// Converts a value (a count of people; differences may be negative) to fixed point,
    /// clamped to ±`limit`; non-finite values count as 0. Branch-free, so the loops over a
    /// block of draws vectorise: for |y| < 2⁵¹, y + 1.5·2⁵² lies where the spacing of doubles
    /// is 1, so the addition rounds y to an integer (ties to even) and the low bits of its
    /// representation minus those of 1.5·2⁵² are that integer.
    @inline(__always) static func fixed(_ x: Double) -> Int64 {
        // Comparisons and selects only (x − x is 0 exactly when x is finite), no calls to
        // `min`/`max` with their NaN rules: the loops over a block compile to vector code.
        var clamped = x < -limit ? -limit : x
        clamped = clamped > limit ? limit : clamped
        clamped = x - x == 0 ? clamped : 0
        let magic = 0x1.8p52
        return Int64(bitPattern: (clamped * scale + magic).bitPattern) &- Int64(bitPattern: magic.bitPattern)
    }

    /// Converts `count` values at `from` into `to`; true when any is non-zero.
    @inline(__always) private static func convert(_ from: UnsafePointer<Double>, _ to: UnsafeMutablePointer<Int64>, _ count: Int) -> Bool {
        var any: Int64 = 0
        for k in 0..<count {
            let f = fixed(from[k])
            to[k] = f
            any |= f
        }
        return any != 0
    }

    /// Adds `values` (blocks of `n` draws, laid out [block][draw]) into each target: target t
    /// receives the first `blocks` blocks at cell block `offset`, under lock `lock`, as draws
    /// `firstDraw`..<`firstDraw` + n of cells that hold `cellDraws` draws (default n: all of
    /// them). Every block is converted once, into `scratch` (at least values.count), then
    /// added to each target (vector code, under the target's lock). `nonZero` (at least the
    /// number of blocks) is the caller's. Blocks that are zero for every draw (a hazard absent
    /// from the country) are skipped.
    func add(_ values: UnsafeBufferPointer<Double>, n: Int, targets: [(offset: Int, blocks: Int, lock: Int)],
             scratch: UnsafeMutableBufferPointer<Int64>, nonZero: UnsafeMutableBufferPointer<Bool>,
             cellDraws: Int? = nil, firstDraw: Int = 0) {
        let m = cellDraws ?? n
        guard let blocks = targets.map(\.blocks).max(), let source = values.baseAddress, let converted = scratch.baseAddress,
              let cellBase = cells.baseAddress else { return }
        // Every block that some target receives is converted once, into `scratch`.
        for b in 0..<blocks {
            nonZero[b] = Self.convert(source + b * n, converted + b * n, n)
        }
        for t in targets {
            locks[t.lock].lock()
            for b in 0..<t.blocks where nonZero[b] {
                let from = converted + b * n, to = cellBase + (t.offset + b) * m + firstDraw
                for k in 0..<n { to[k] &+= from[k] }
            }
            locks[t.lock].unlock()
        }
    }

    /// Sets cell blocks [offset, offset + blocks) to the sum of the same blocks at each of `sources`.
    func sum(into offset: Int, blocks: Int, from sources: [Int], n: Int) {
        for b in 0..<blocks {
            let to = (offset + b) * n
            for k in 0..<n { cells[to + k] = 0 }
            for s in sources {
                let from = (s + b) * n
                for k in 0..<n { cells[to + k] &+= cells[from + k] }
            }
        }
    }

    /// The values of cell block `block` (n draws), in persons.
    func values(block: Int, n: Int) -> [Double] {
        (0..<n).map { Double(cells[block * n + $0]) / FixedPointAccumulator.scale }
    }
}

extension ProjectionEngine {
    /// Copies `count` values, each rounded to a whole number of persons (half to even): a
    /// country's per-draw values are counts of people, summarised, contrasted and written to
    /// shards as whole persons (the regions and the world add the unrounded values, so many
    /// small flows — a few persons of climate-attributable displacement per country — are not
    /// rounded away). For |x| < 2⁵¹, x + 1.5·2⁵² lies where the spacing of doubles is 1, so the
    /// addition rounds x; larger and non-finite values (none occur) are copied as they are.
    /// Branch-free: the loop compiles to vector code.
    static func wholePersons(from: UnsafePointer<Double>, to: UnsafeMutablePointer<Double>, count: Int) {
        let magic = 0x1.8p52
        for k in 0..<count {
            let x = from[k]
            let r = (x + magic) - magic
            to[k] = x.magnitude < 0x1p51 ? r : x
        }
    }
}

/// Per-worker scratch memory, allocated on first use and reused for every country the worker
/// simulates (no allocation, zeroing by the kernel or page faults per country).
final class WorkerScratch: @unchecked Sendable {
    private var doubles: [UnsafeMutableBufferPointer<Double>]
    private var integers: [UnsafeMutableBufferPointer<Int64>]
    private var flags: [UnsafeMutableBufferPointer<Bool>]
    private var diffs: [UnsafeMutableBufferPointer<Double>]
    private var chunks: [UnsafeMutableBufferPointer<Double>]
    private var words: [UnsafeMutableBufferPointer<UInt64>]

    init(workers: Int) {
        doubles = Array(repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: workers)
        integers = Array(repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: workers)
        flags = Array(repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: workers)
        diffs = Array(repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: workers)
        chunks = Array(repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: workers)
        words = Array(repeating: UnsafeMutableBufferPointer(start: nil, count: 0), count: workers)
    }
    deinit {
        for b in doubles where b.baseAddress != nil { b.deallocate() }
        for b in integers where b.baseAddress != nil { b.deallocate() }
        for b in flags where b.baseAddress != nil { b.deallocate() }
        for b in diffs where b.baseAddress != nil { b.deallocate() }
        for b in chunks where b.baseAddress != nil { b.deallocate() }
        for b in words where b.baseAddress != nil { b.deallocate() }
    }

    private static func ensure<T>(_ b: inout UnsafeMutableBufferPointer<T>, _ count: Int, _ zero: T) -> UnsafeMutableBufferPointer<T> {
        if b.count < count {
            if b.baseAddress != nil { b.deallocate() }
            b = .allocate(capacity: count)
            b.initialize(repeating: zero)
        }
        return UnsafeMutableBufferPointer(rebasing: b[0..<count])
    }

    /// The worker's simulation output buffer (`count` values; contents undefined).
    func simulation(_ w: Int, count: Int) -> UnsafeMutableBufferPointer<Double> { Self.ensure(&doubles[w], count, 0) }
    func fixed(_ w: Int, count: Int) -> UnsafeMutableBufferPointer<Int64> { Self.ensure(&integers[w], count, 0) }
    func nonZero(_ w: Int, count: Int) -> UnsafeMutableBufferPointer<Bool> { Self.ensure(&flags[w], count, false) }
    func differences(_ w: Int, count: Int) -> UnsafeMutableBufferPointer<Double> { Self.ensure(&diffs[w], count, 0) }
    /// The worker's buffer for one chunk of draws of a simulation (contents undefined).
    func chunk(_ w: Int, count: Int) -> UnsafeMutableBufferPointer<Double> { Self.ensure(&chunks[w], count, 0) }
    /// The worker's buffer of raw 64-bit values (a merge's decoded shard values; contents undefined).
    func rawWords(_ w: Int, count: Int) -> UnsafeMutableBufferPointer<UInt64> { Self.ensure(&words[w], count, 0) }
}

/// Thread-safe counter.
final class ProgressCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// Per-country quantile sketches (one per category × year), updated by the worker that simulates
/// the country in each block (one worker per country per block, blocks in draw order).
final class SketchBox: @unchecked Sendable {
    private var boxes: [[QuantileSketch]]
    private let lock = NSLock()
    init(count: Int, cells: Int, empty: QuantileSketch) { boxes = Array(repeating: Array(repeating: empty, count: cells), count: count) }
    func update(_ i: Int, _ body: (inout [QuantileSketch]) -> Void) {
        lock.lock()
        var mine = boxes[i]
        boxes[i] = []
        lock.unlock()
        body(&mine)
        lock.lock()
        boxes[i] = mine
        lock.unlock()
    }
    func sketches(_ i: Int) -> [QuantileSketch] {
        lock.lock()
        defer { lock.unlock() }
        return boxes[i]
    }
}

/// Results written by index from parallel workers (each index by one worker).
final class IndexedBox<Element>: @unchecked Sendable {
    private var items: [Element]
    private let lock = NSLock()
    init(repeating value: Element, count: Int) { items = Array(repeating: value, count: count) }
    func set(_ i: Int, _ value: Element) {
        lock.lock()
        items[i] = value
        lock.unlock()
    }
    var all: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

/// Per-draw values of the reference scenario's country cells, in whole persons, kept while the
/// other scenarios of the block run (for the paired-draw contrasts).
final class ReferenceStore: @unchecked Sendable {
    let values: UnsafeMutableBufferPointer<Int32>
    init(count: Int) {
        values = .allocate(capacity: count)
        values.initialize(repeating: 0)
    }
    deinit { values.deallocate() }

    /// A person count as stored: rounded, clamped to the Int32 range (country counts are at
    /// most a population, below 2³¹).
    @inline(__always) static func whole(_ x: Double) -> Int32 {
        x.isFinite ? Int32(min(max(x.rounded(), -2_147_483_647), 2_147_483_647)) : 0
    }
}

extension ScenarioContrast {
    /// The contrast of one cell from its per-draw differences (rearranged in place).
    static func summarise(_ d: UnsafeMutableBufferPointer<Double>, scenario: String, reference: String, level: GeographyLevel,
                          geography: String, category: ProjectionCategory, year: Int) -> ScenarioContrast {
        var positive = 0.0
        var smallest = Double.infinity, largest = -Double.infinity
        for v in d {
            if v > 0 { positive += 1 } else if v == 0 { positive += 0.5 }
            smallest = min(smallest, v); largest = max(largest, v)
        }
        let n = d.count
        let q: [Double] = n == 0 ? [.nan, .nan, .nan]
            : smallest == largest ? [smallest, smallest, smallest] : QuantileSummary.quantiles(d, [0.05, 0.5, 0.95])
        return ScenarioContrast(scenario: scenario, reference: reference, geographyLevel: level, geography: geography, category: category,
                                year: year, p05: q[0], p50: q[1], p95: q[2], sharePositive: n == 0 ? .nan : positive / Double(n))
    }
}
