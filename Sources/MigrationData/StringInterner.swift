/// One text column's dictionary: gives each distinct byte string a small integer code, so that
/// the column stores a 4-byte code per cell (kept in the finished column: `StringCells`).
///
/// Text columns in statistical files repeat a few hundred distinct values (country names,
/// codes) over hundreds of thousands of rows. Hashing the bytes and finding an earlier equal
/// string is several times cheaper than validating the UTF-8 and building a new `String`; a
/// code per cell is cheaper still than storing that `String` (no retain, 4 bytes instead of 16),
/// and the finished column shares one storage per distinct value.
///
/// Code 0 is the missing cell (`nil`); code `c > 0` is `values[c]`. Open addressing with
/// linear probing over the first `maximumEntries` distinct strings, or fewer when their long
/// strings' bytes exceed `maximumArenaBytes`; after that the dictionary stops hashing: each new
/// string gets a code of its own (a column of unique identifiers costs building each string
/// once plus a hash). So codes `1...hashedCount` are the hashed strings, in order, and the codes
/// above are the unhashed ones.
///
/// Codes are `UInt32`: a column holding more than 4,294,967,294 cells of distinct unhashed
/// strings in one chunk (over 64 GB of `String` values) is beyond what the reader supports.
struct StringInterner {
    /// Where a hashed string's bytes are, its hash, and (for short strings) its bytes as words.
    private struct Entry {
        var hash: UInt64
        /// Offset in `arena` (long strings only).
        var start: Int
        var length: Int
        var words: (UInt64, UInt64)
    }

    /// The code per slot (0 = empty); the slot count is a power of two.
    private var slots: [UInt32]
    /// `entries[c - 1]` describes code `c`, for `c` in `1...hashedCount`.
    private var entries: [Entry] = []
    /// The string of every code; `values[0]` is `nil`, the missing cell.
    private(set) var values: [String?] = [nil]
    /// The bytes of every hashed string longer than 16 bytes, back to back.
    private var arena: [UInt8] = []
    /// False once the table is full: new strings then get unhashed codes.
    private var hashing = true

    static let maximumEntries = 1 << 16
    static let maximumArenaBytes = 1 << 24

    init() {
        slots = Array(repeating: 0, count: 256)
    }

    /// The number of hashed strings: codes `1...hashedCount`.
    var hashedCount: Int { entries.count }

    /// The string of `code` (`nil` for 0).
    func string(_ code: UInt32) -> String? {
        values[Int(code)]
    }

    /// The code for `count` bytes at `bytes`; `nil` when they are not valid UTF-8, with the
    /// first bad byte in `invalid`. 16 bytes must be readable at `bytes` (see `ShortField`).
    /// The bytes are validated only the first time they are seen.
    @inline(__always)
    mutating func code(_ bytes: UnsafePointer<UInt8>, _ count: Int, invalid: inout UTF8Validation.InvalidByte?) -> UInt32? {
        let short = count <= ShortField.maximumLength
        let words = short ? ShortField.words(bytes, count) : (0, 0)
        let hash = short ? ShortField.hash(words, count) : Self.hash(bytes, count)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[slot]
            if code == 0 { break }
            let entry = entries[Int(code) &- 1]
            if entry.hash == hash && entry.length == count {
                if short {
                    if entry.words == words { return code }
                } else {
                    let equal = arena.withUnsafeBufferPointer { stored -> Bool in
                        guard let base = stored.baseAddress else { return false }
                        return Self.equal(base + entry.start, bytes, count)
                    }
                    if equal { return code }
                }
            }
            slot = (slot + 1) & mask
        }
        guard let string = UTF8Validation.makeString(bytes, count, invalid: &invalid) else { return nil }
        if hashing && entries.count < Self.maximumEntries && (short || arena.count + count <= Self.maximumArenaBytes) {
            let start = arena.count
            if !short {
                arena.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
            }
            return insert(string, Entry(hash: hash, start: start, length: count, words: words), at: slot)
        }
        return code(appending: string)
    }

    /// The code in this dictionary for `otherCode` of `other` (not 0): the same string, found or
    /// added by its stored bytes (no UTF-8 validation, no new `String`: the value is shared).
    mutating func code(for otherCode: UInt32, of other: StringInterner) -> UInt32 {
        let index = Int(otherCode)
        guard index <= other.entries.count else {
            return code(appending: other.values[index]!)
        }
        let entry = other.entries[index - 1]
        let short = entry.length <= ShortField.maximumLength
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entry.hash) & mask
        while true {
            let found = slots[slot]
            if found == 0 { break }
            let mine = entries[Int(found) &- 1]
            if mine.hash == entry.hash && mine.length == entry.length {
                if short {
                    if mine.words == entry.words { return found }
                } else if arena[mine.start..<(mine.start + mine.length)]
                            .elementsEqual(other.arena[entry.start..<(entry.start + entry.length)]) {
                    return found
                }
            }
            slot = (slot + 1) & mask
        }
        let string = other.values[index]!
        if hashing && entries.count < Self.maximumEntries && (short || arena.count + entry.length <= Self.maximumArenaBytes) {
            var copied = entry
            if !short {
                copied.start = arena.count
                arena.append(contentsOf: other.arena[entry.start..<(entry.start + entry.length)])
            }
            return insert(string, copied, at: slot)
        }
        return code(appending: string)
    }

    /// Stores a new hashed string in the empty `slot`.
    private mutating func insert(_ string: String, _ entry: Entry, at slot: Int) -> UInt32 {
        let code = UInt32(values.count)
        values.append(string)
        entries.append(entry)
        slots[slot] = code
        if entries.count * 2 > slots.count {
            grow()
        }
        return code
    }

    /// A new code for `string`, without looking for an equal string; stops hashing, so that the
    /// hashed codes stay `1...hashedCount`.
    mutating func code(appending string: String) -> UInt32 {
        hashing = false
        let code = UInt32(values.count)
        values.append(string)
        return code
    }

    /// Forgets the unhashed strings (whose codes the caller no longer holds), keeping the hashed
    /// ones: a reused builder's dictionary stays bounded by the hashed table plus one window's
    /// unhashed strings.
    mutating func removeUnhashed() {
        values.removeSubrange((entries.count + 1)...)
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
        var newSlots = [UInt32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for entry in 0..<entries.count {
            var slot = Int(truncatingIfNeeded: entries[entry].hash) & mask
            while newSlots[slot] != 0 {
                slot = (slot + 1) & mask
            }
            newSlots[slot] = UInt32(entry + 1)
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
