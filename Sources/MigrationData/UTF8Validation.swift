/// Strict UTF-8 validation (Unicode 15, table 3-7 "Well-Formed UTF-8 Byte Sequences"):
/// rejects overlong forms, surrogates (U+D800…U+DFFF), code points above U+10FFFF, stray
/// continuation bytes and truncated sequences.
///
/// Eight ASCII bytes are checked at a time, so ASCII-only text (most CSV files) costs about one
/// load and one test per eight bytes. The reader validates every byte exactly once: each string
/// field when it first becomes a `String` (repeated strings are found in the interner and not
/// validated again), and numeric fields by the number grammar, which only admits ASCII.
enum UTF8Validation {
    /// The offset of the first byte that is not part of a well-formed sequence, or `nil` when
    /// all `count` bytes are valid UTF-8.
    static func firstInvalidByte(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        var index = 0
        while index < count {
            if index + 8 <= count {
                let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
            }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // Allowed range for the second byte, and the sequence length.
            var length = 3
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            if lead < 0xC2 {
                return index
            } else if lead < 0xE0 {
                length = 2
            } else if lead < 0xF0 {
                if lead == 0xE0 { low = 0xA0 } else if lead == 0xED { high = 0x9F }
            } else if lead < 0xF5 {
                length = 4
                if lead == 0xF0 { low = 0x90 } else if lead == 0xF4 { high = 0x8F }
            } else {
                return index
            }
            guard index + 1 < count else { return index }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return index }
            if length >= 3 {
                guard index + 2 < count, bytes[index + 2] & 0xC0 == 0x80 else { return index }
            }
            if length == 4 {
                guard index + 3 < count, bytes[index + 3] & 0xC0 == 0x80 else { return index }
            }
            index += length
        }
        return nil
    }

    /// A `String` from `count` bytes if they are valid UTF-8; otherwise `nil`, with the first bad
    /// byte's offset (relative to `bytes`) in `invalid`.
    @inline(__always)
    static func makeString(_ bytes: UnsafePointer<UInt8>, _ count: Int, invalid: inout InvalidByte?) -> String? {
        if let bad = firstInvalidByte(bytes, count) {
            invalid = InvalidByte(offset: bad, byte: bytes[bad])
            return nil
        }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The position and value of an invalid byte, relative to the start of the checked bytes.
    struct InvalidByte: Error {
        let offset: Int
        let byte: UInt8
    }
}
