/// Turns repeated byte strings of one column into one shared `String`.
///
/// Text columns in statistical files repeat a few hundred distinct values (country names,
/// codes) over hundreds of thousands of rows. Hashing the bytes and finding an earlier equal
/// string is several times cheaper than validating the UTF-8 and building a new `String`, and
/// the column then shares storage. Open addressing with linear probing; the table holds at
/// most `maximumEntries` distinct strings (after that new strings are built but not stored), so
/// a column of unique identifiers costs no more than building each string once plus a hash.
struct StringInterner {
    /// Where a stored string's bytes are, its hash, and (for short strings) its bytes as words.
    private struct Entry {
        var hash: UInt64
        var start: Int
        var length: Int
        var words: (UInt64, UInt64)
    }

    /// Entry index + 1 per slot (0 = empty); the slot count is a power of two.
    private var slots: [Int32]
    private var entries: [Entry] = []
    private var strings: [String] = []
    /// The bytes of every stored string longer than 16 bytes, back to back.
    private var arena: [UInt8] = []

    static let maximumEntries = 1 << 16
    static let maximumArenaBytes = 1 << 24

    init() {
        slots = Array(repeating: 0, count: 256)
    }

    /// The string for `count` bytes at `bytes`; `nil` when they are not valid UTF-8, with the
    /// first bad byte in `invalid`. 16 bytes must be readable at `bytes` (see `ShortField`).
    @inline(__always)
    mutating func intern(_ bytes: UnsafePointer<UInt8>, _ count: Int, invalid: inout UTF8Validation.InvalidByte?) -> String? {
        let short = count <= ShortField.maximumLength
        let words = short ? ShortField.words(bytes, count) : (0, 0)
        let hash = short ? ShortField.hash(words, count) : Self.hash(bytes, count)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entryIndex = Int(slots[slot]) - 1
            if entryIndex < 0 { break }
            let entry = entries[entryIndex]
            if entry.hash == hash && entry.length == count {
                if short {
                    if entry.words == words { return strings[entryIndex] }
                } else {
                    let equal = arena.withUnsafeBufferPointer { stored -> Bool in
                        guard let base = stored.baseAddress else { return false }
                        return Self.equal(base + entry.start, bytes, count)
                    }
                    if equal { return strings[entryIndex] }
                }
            }
            slot = (slot + 1) & mask
        }
        guard let string = UTF8Validation.makeString(bytes, count, invalid: &invalid) else { return nil }
        if strings.count < Self.maximumEntries && arena.count + count <= Self.maximumArenaBytes {
            let index = strings.count
            strings.append(string)
            entries.append(Entry(hash: hash, start: arena.count, length: count, words: words))
            if !short {
                arena.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
            }
            slots[slot] = Int32(index + 1)
            if strings.count * 2 > slots.count {
                grow()
            }
        }
        return string
    }

    /// Byte equality, eight bytes at a time (fields are short, so this beats a call to memcmp).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        while index + 8 <= count {
            if rawA.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != rawB.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                return false
            }
            index += 8
        }
        while index < count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// Doubles the slot table and reinserts every entry.
    private mutating func grow() {
        let capacity = slots.count * 2
        var newSlots = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for entry in 0..<entries.count {
            var slot = Int(truncatingIfNeeded: entries[entry].hash) & mask
            while newSlots[slot] != 0 {
                slot = (slot + 1) & mask
            }
            newSlots[slot] = Int32(entry + 1)
        }
        slots = newSlots
    }

    /// A fast 64-bit hash of the bytes, eight at a time (a SplitMix64-style finaliser per word).
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        var index = 0
        let raw = UnsafeRawPointer(bytes)
        while index + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            index += 8
        }
        if index < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                word |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            h = (h ^ word) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        return h
    }
}
