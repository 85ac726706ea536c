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

    @Test("equal bytes give the same string, different bytes different strings, bad UTF-8 nil")
    func interning() {
        var interner = StringInterner()
        let samples = ["SYR", "Syrian Arab Rep.", "Venezuela (Bolivarian Republic of)", "", "Türkiye", "SY", "SYRIA"]
        var invalid: UTF8Validation.InvalidByte? = nil
        for round in 0..<3 {
            for sample in samples {
                let bytes = Self.buffer(Array(sample.utf8), at: round)
                let result = bytes.withUnsafeBufferPointer {
                    interner.intern($0.baseAddress! + round, sample.utf8.count, invalid: &invalid)
                }
                #expect(result == sample)
            }
        }
        let bad = Self.buffer([0x41, 0xC3], at: 0)
        let result = bad.withUnsafeBufferPointer { interner.intern($0.baseAddress!, 2, invalid: &invalid) }
        #expect(result == nil)
        #expect(invalid?.offset == 1 && invalid?.byte == 0xC3)
    }

    @Test("many distinct strings grow the table and stay retrievable")
    func growth() {
        var interner = StringInterner()
        var invalid: UTF8Validation.InvalidByte? = nil
        for _ in 0..<2 {
            for index in 0..<5_000 {
                let text = "id-\(index)"
                let bytes = Self.buffer(Array(text.utf8), at: 0)
                let result = bytes.withUnsafeBufferPointer { interner.intern($0.baseAddress!, text.utf8.count, invalid: &invalid) }
                #expect(result == text)
            }
        }
    }
}
