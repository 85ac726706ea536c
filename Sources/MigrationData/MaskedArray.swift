/// A value type that can fill a missing cell of a `MaskedArray`.
///
/// The filler is what `MaskedArray.values` holds where a cell is missing: `Double.nan` for
/// doubles (so that a computation that forgets to check `isMissing(at:)` gives NaN rather than a
/// plausible number, as in pandas), `0` for integers.
public protocol MaskedArrayElement: Sendable, Equatable {
    /// The value stored at missing cells.
    static var missingFiller: Self { get }
}

extension Double: MaskedArrayElement {
    /// NaN: arithmetic on a missing cell that was not checked gives NaN.
    public static var missingFiller: Double { .nan }
}

extension Int: MaskedArrayElement {
    /// Zero.
    public static var missingFiller: Int { 0 }
}

/// A column's cells as plain contiguous values plus a bitmap of the missing ones: 8 bytes per
/// `Double` or `Int` cell and one bit per cell for the mask (a `[Double?]` takes 16 bytes per
/// cell), the layout of pandas' float columns, Arrow's validity bitmaps and NumPy's masked
/// arrays (`numpy.ma`, where a set mask bit also means "missing").
///
/// Members:
/// - `values`: every cell's value, `count` of them, with `Value.missingFiller` (NaN for
///   doubles, 0 for integers) where a cell is missing — hand it to BLAS or a loop directly when
///   `missingCount == 0`;
/// - `subscript(row) -> Value?`: one cell, `nil` when missing; the type is a
///   `RandomAccessCollection` of `Value?`, so `map`, `contains(nil)`, `for case let v? in …` work
///   as on `[Value?]`;
/// - `isMissing(at:)`, `missingCount`, `hasMissing`;
/// - `init(_:)` from `[Value?]`, `init(values:)` from `[Value]` (nothing missing),
///   `init(missing:)`, `mapValues(_:)`, `gathering(_:)`, `appending(_:)`.
///
/// Equality compares the cells: the same count, the same missing cells, and equal values at the
/// others (the fillers do not take part; a NaN value compares unequal, as in `[Double?]`).
public struct MaskedArray<Value: MaskedArrayElement>: Sendable, Equatable, RandomAccessCollection {
    /// Every cell's value; `Value.missingFiller` where the cell is missing.
    public private(set) var values: [Value]
    /// Bit `i % 64` of word `i / 64` is set when cell `i` is missing. May be shorter than
    /// `count` needs: cells past its end are present (appending present values costs nothing).
    @usableFromInline
    private(set) var missingWords: [UInt64]
    /// The number of missing cells.
    public private(set) var missingCount: Int

    /// An empty array.
    public init() {
        values = []
        missingWords = []
        missingCount = 0
    }

    /// The cells of `values`, none missing.
    public init(values: [Value]) {
        self.values = values
        missingWords = []
        missingCount = 0
    }

    /// `count` missing cells.
    public init(missing count: Int) {
        let count = Swift.max(0, count)
        values = Array(repeating: Value.missingFiller, count: count)
        missingWords = Array(repeating: UInt64.max, count: (count + 63) / 64)
        if count % 64 != 0 { missingWords[missingWords.count - 1] = (1 << UInt64(count % 64)) - 1 }
        missingCount = count
    }

    /// The cells of `optionals`, `nil` ones missing.
    public init(_ optionals: some Sequence<Value?>) {
        self.init()
        values.reserveCapacity(optionals.underestimatedCount)
        for cell in optionals {
            if let cell { append(cell) } else { appendMissing() }
        }
    }

    // MARK: Collection

    /// The first row, 0.
    public var startIndex: Int { 0 }
    /// One past the last row, `count`.
    public var endIndex: Int { values.count }
    /// The number of cells, missing ones included.
    public var count: Int { values.count }

    /// The cell at `row`, `nil` when missing. `row` must be in `0..<count`.
    @inlinable
    public subscript(row: Int) -> Value? {
        isMissing(at: row) ? nil : values[row]
    }

    /// Whether the cell at `row` is missing; false for a row outside `0..<count` (there is no
    /// cell there to be missing).
    @inlinable
    public func isMissing(at row: Int) -> Bool {
        missingCount > 0 && Self.bit(missingWords, row)
    }

    /// Whether any cell is missing.
    public var hasMissing: Bool { missingCount > 0 }

    @usableFromInline
    static func bit(_ words: [UInt64], _ row: Int) -> Bool {
        let word = row &>> 6
        return word >= 0 && word < words.count && (words[word] &>> UInt64(row & 63)) & 1 != 0
    }

    // MARK: Building

    /// Reserves room for `capacity` cells.
    public mutating func reserveCapacity(_ capacity: Int) {
        values.reserveCapacity(capacity)
    }

    /// Appends a present cell.
    @inline(__always)
    public mutating func append(_ value: Value) {
        values.append(value)
    }

    /// Appends present cells (one capacity and uniqueness check for all of them).
    mutating func appendValues(_ buffer: UnsafeBufferPointer<Value>) {
        values.append(contentsOf: buffer)
    }

    /// Appends a missing cell.
    public mutating func appendMissing() {
        let row = values.count
        values.append(Value.missingFiller)
        setMissing(row)
    }

    /// Appends `count` missing cells.
    public mutating func appendMissing(count: Int) {
        let start = values.count
        values.append(contentsOf: repeatElement(Value.missingFiller, count: Swift.max(0, count)))
        for row in start..<values.count { setMissing(row) }
    }

    /// Appends a cell, missing when `nil`.
    public mutating func append(_ cell: Value?) {
        if let cell { append(cell) } else { appendMissing() }
    }

    /// Appends the cells of `other`.
    public mutating func append(contentsOf other: MaskedArray<Value>) {
        let offset = values.count
        values.append(contentsOf: other.values)
        guard other.missingCount > 0 else { return }
        for (index, word) in other.missingWords.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let bit = bits.trailingZeroBitCount
                setMissing(offset + index * 64 + bit)
                bits &= bits - 1
            }
        }
    }

    /// Empties the array, keeping the storage of the values.
    public mutating func removeAll(keepingCapacity: Bool) {
        values.removeAll(keepingCapacity: keepingCapacity)
        missingWords.removeAll()
        missingCount = 0
    }

    /// Marks cell `row` (already stored) as missing.
    private mutating func setMissing(_ row: Int) {
        let word = row >> 6
        if word >= missingWords.count {
            missingWords.append(contentsOf: repeatElement(0, count: word - missingWords.count + 1))
        }
        let mask: UInt64 = 1 << UInt64(row & 63)
        if missingWords[word] & mask == 0 {
            missingWords[word] |= mask
            missingCount += 1
        }
    }

    // MARK: Transforming

    /// The cells with `transform` applied to every present value; missing cells stay missing
    /// (holding `T.missingFiller`).
    public func mapValues<T: MaskedArrayElement>(_ transform: (Value) throws -> T) rethrows -> MaskedArray<T> {
        var result = MaskedArray<T>(values: try values.map(transform))
        if missingCount > 0 {
            result.adoptMask(missingWords, missingCount: missingCount)
        }
        return result
    }

    /// Takes over a mask of the same length, writing the filler into the masked cells.
    fileprivate mutating func adoptMask(_ words: [UInt64], missingCount: Int) {
        missingWords = words
        self.missingCount = missingCount
        values.withUnsafeMutableBufferPointer { buffer in
            for (index, word) in words.enumerated() where word != 0 {
                var bits = word
                while bits != 0 {
                    buffer[index * 64 + bits.trailingZeroBitCount] = Value.missingFiller
                    bits &= bits - 1
                }
            }
        }
    }

    /// The cells at `rows`, in that order. Every index must be in `0..<count`.
    public func gathering(_ rows: [Int]) -> MaskedArray<Value> {
        var result = MaskedArray(values: rows.map { values[$0] })
        if missingCount > 0 {
            for (index, row) in rows.enumerated() where Self.bit(missingWords, row) {
                result.setMissing(index)
            }
        }
        return result
    }

    /// The cells at `rows`, in that order; a `nil` index gives a missing cell. Every non-nil
    /// index must be in `0..<count`.
    public func gathering(_ rows: [Int?]) -> MaskedArray<Value> {
        MaskedArray(rows.map { $0.flatMap { self[$0] } })
    }

    /// These cells followed by those of `other`.
    public func appending(_ other: MaskedArray<Value>) -> MaskedArray<Value> {
        var result = self
        result.append(contentsOf: other)
        return result
    }

    /// Whether the two arrays hold the same cells (see the type's documentation).
    public static func == (a: MaskedArray<Value>, b: MaskedArray<Value>) -> Bool {
        guard a.count == b.count, a.missingCount == b.missingCount else { return false }
        for row in 0..<a.count {
            let missing = a.isMissing(at: row)
            if missing != b.isMissing(at: row) { return false }
            if !missing && a.values[row] != b.values[row] { return false }
        }
        return true
    }
}
