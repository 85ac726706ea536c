/// Fields of at most 16 bytes (most CSV fields) loaded as two 64-bit words, so that comparing
/// and hashing them takes a few instructions instead of a byte loop.
///
/// **Precondition:** 16 bytes must be readable at the field's start, even past its end. The
/// reader's buffers guarantee it: `CSVReadBuffer` and `EscapeScratch` allocate
/// `ShortField.slack` extra, zero-initialised bytes behind their capacity. Bytes past the field
/// are loaded but masked off.
enum ShortField {
    /// Readable bytes every buffer keeps behind its last valid byte: the tokenizer's sentinel,
    /// then at least 16 for the words and `NumberParsing.plainNumberSlack` (24, counted from the
    /// sentinel) for the decimal parser's word loads.
    static let slack = 32
    /// The longest field loaded as words.
    static let maximumLength = 16

    /// The field's bytes in two little-endian words, zero beyond `count` (`count` ≤ 16).
    @inline(__always)
    static func words(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(bytes)
        let first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let second = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        // Masks keep the low `count` bytes (little-endian order); every shift is below 64.
        if count >= 16 { return (first, second) }
        if count > 8 { return (first, second & (UInt64.max &>> UInt64((16 - count) &* 8))) }
        if count == 8 { return (first, 0) }
        if count > 0 { return (first & (UInt64.max &>> UInt64((8 - count) &* 8)), 0) }
        return (0, 0)
    }

    /// A 64-bit hash of a short field's words and length.
    @inline(__always)
    static func hash(_ words: (UInt64, UInt64), _ count: Int) -> UInt64 {
        var h = (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: count)
        h ^= h >> 32
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        return h
    }
}
