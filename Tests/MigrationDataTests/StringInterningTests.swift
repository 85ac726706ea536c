import Testing
@testable import MigrationData

@Suite("Short fields and string interning")
struct StringInterningTests {
    /// A buffer with the slack the reader guarantees, holding `text` at offset `at`, followed by
    /// garbage that the word loads must mask off.
    static func buffer(_ text: [UInt8], at offset: Int) -> [UInt8] {
        Array(repeating: 0xAB, count: offset) + text + Array(repeating: 0xCD, count: ShortField.slack + 8)
    }

    @Test("words keep exactly the field's bytes for every length 0…16")
    func wordsMaskTheTail() {
        for length in 0...16 {
            let text = (0..<length).map { UInt8(0x41 + $0) }
            var expected: (UInt64, UInt64) = (0, 0)
            for (index, byte) in text.enumerated() {
                if index < 8 { expected.0 |= UInt64(byte) << (8 * UInt64(index)) } else { expected.1 |= UInt64(byte) << (8 * UInt64(index - 8)) }
            }
            for offset in [0, 3] {
                let bytes = Self.buffer(text, at: offset)
                let words = bytes.withUnsafeBufferPointer { ShortField.words($0.baseAddress! + offset, length) }
                #expect(words == expected, "length \(length)")
            }
        }
    }

    /// The code of `text` in `interner`, the bytes placed at `offset` in a padded buffer.
    static func code(_ text: String, in interner: inout StringInterner, at offset: Int = 0) -> UInt32? {
        var invalid: UTF8Validation.InvalidByte? = nil
        let bytes = buffer(Array(text.utf8), at: offset)
        return bytes.withUnsafeBufferPointer { interner.code($0.baseAddress! + offset, text.utf8.count, invalid: &invalid) }
    }

    @Test("equal bytes give the same code, different bytes different codes, bad UTF-8 nil")
    func interning() {
        var interner = StringInterner()
        let samples = ["SYR", "Syrian Arab Rep.", "Venezuela (Bolivarian Republic of)", "", "Türkiye", "SY", "SYRIA"]
        var invalid: UTF8Validation.InvalidByte? = nil
        var firstCodes: [UInt32] = []
        for round in 0..<3 {
            for (index, sample) in samples.enumerated() {
                let code = Self.code(sample, in: &interner, at: round)
                #expect(code != nil && code != 0)
                #expect(code.map { interner.string($0) } == sample)
                if round == 0 { firstCodes.append(code ?? 0) } else { #expect(code == firstCodes[index]) }
            }
        }
        #expect(Set(firstCodes).count == samples.count)
        #expect(interner.string(0) == nil)
        let bad = Self.buffer([0x41, 0xC3], at: 0)
        let result = bad.withUnsafeBufferPointer { interner.code($0.baseAddress!, 2, invalid: &invalid) }
        #expect(result == nil)
        #expect(invalid?.offset == 1 && invalid?.byte == 0xC3)
    }

    @Test("a code of one dictionary translates to the code of the same string in another, short, long or unhashed")
    func translation() {
        var left = StringInterner()
        var right = StringInterner()
        let shared = ["SYR", "Venezuela (Bolivarian Republic of)", ""]
        let rightOnly = ["Türkiye", "Iran (Islamic Rep. of)"]
        for text in ["AFG"] + shared { _ = Self.code(text, in: &left) }
        for text in rightOnly + shared {
            let rightCode = Self.code(text, in: &right)!
            let translated = left.code(for: rightCode, of: right)
            #expect(left.string(translated) == text)
            #expect(translated == Self.code(text, in: &left), "translating finds or adds the hashed entry: \(text)")
        }
        let unhashed = right.code(appending: "added without hashing")
        let translated = left.code(for: unhashed, of: right)
        #expect(left.string(translated) == "added without hashing")
        // After an unhashed string the dictionary no longer hashes: a new string gets a new code
        // every time, still with the right text.
        let first = Self.code("later", in: &left)!
        let second = Self.code("later", in: &left)!
        #expect(first != second && left.string(first) == "later" && left.string(second) == "later")
        left.removeUnhashed()
        #expect(left.values.count == left.hashedCount + 1)
        #expect(left.string(Self.code("SYR", in: &left)!) == "SYR")
    }

    @Test("many distinct strings grow the table and keep their codes")
    func growth() {
        var interner = StringInterner()
        for _ in 0..<2 {
            for index in 0..<5_000 {
                let text = "id-\(index)"
                let code = Self.code(text, in: &interner)
                #expect(code == UInt32(index + 1))
                #expect(code.map { interner.string($0) } == text)
            }
        }
    }

    @Test("past the hashed table's capacity strings get codes of their own, beyond 16 bits")
    func beyondCapacity() {
        var interner = StringInterner()
        let distinct = StringInterner.maximumEntries + 10
        for index in 0..<distinct {
            #expect(Self.code("v\(index)", in: &interner) == UInt32(index + 1))
        }
        #expect(interner.hashedCount == StringInterner.maximumEntries)
        // A hashed string is still found; an unhashed one gets a fresh code, with the same text.
        #expect(Self.code("v7", in: &interner) == 8)
        let again = Self.code("v\(distinct - 1)", in: &interner)!
        #expect(again == UInt32(distinct + 1))
        #expect(interner.string(again) == "v\(distinct - 1)")
    }
}
