/// A set of missing-value tokens matched against raw field bytes without building strings.
///
/// The tokens are stored back to back in one byte array, so a lookup touches no reference
/// counts.
struct MissingTokens {
    /// All tokens' UTF-8 bytes, back to back; the empty token is left out (empty fields are
    /// handled before any lookup).
    private let bytes: [UInt8]
    /// (start, length) of each token in `bytes`.
    private let ranges: [(start: Int, length: Int)]
    /// Some token is a finite number (e.g. a `-999` sentinel), so numeric fields must be
    /// checked against the tokens before parsing, not only after a parse fails. (Tokens such as
    /// `NaN` parse as non-finite doubles; those are checked after parsing, see `ColumnBuilder`.)
    let containsFiniteNumber: Bool
    let isEmpty: Bool

    init(_ set: Set<String>) {
        var bytes: [UInt8] = []
        var ranges: [(start: Int, length: Int)] = []
        var finiteNumber = false
        for token in set.sorted() where !token.isEmpty {
            let utf8 = Array(token.utf8)
            ranges.append((bytes.count, utf8.count))
            bytes.append(contentsOf: utf8)
            let parsed = utf8.withUnsafeBufferPointer { buffer -> Double? in
                guard let base = buffer.baseAddress else { return nil }
                return NumberParsing.parseDouble(base, buffer.count)
            }
            if let parsed, parsed.isFinite { finiteNumber = true }
        }
        self.bytes = bytes
        self.ranges = ranges
        containsFiniteNumber = finiteNumber
        isEmpty = ranges.isEmpty
    }

    /// Whether the `count` bytes at `field` equal one of the tokens.
    func contains(_ field: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        bytes.withUnsafeBufferPointer { stored in
            guard let base = stored.baseAddress else { return false }
            for range in ranges where range.length == count {
                if POSIX.bytesEqual(base + range.start, field, count: count) { return true }
            }
            return false
        }
    }
}
