import Testing
@testable import MigrationData

@Suite("Number parsing from bytes")
struct NumberParsingTests {
    /// A NaN no parser returns: what `parseDouble` gives when the two parsing paths disagree.
    static let pathsDisagree = Double(bitPattern: 0x7FF0_DEAD_0000_0001)

    /// `NumberParsing.parseDouble` on the bytes of `text`, checked against the reader's fused
    /// path (`plainDecimalPrefix`, which loads words past the number's end) on the same bytes
    /// followed by a delimiter and more digits: when the two differ in any bit, `pathsDisagree`.
    static func parseDouble(_ text: String) -> Double? {
        let plain = Array(text.utf8).withUnsafeBufferPointer { buffer -> Double? in
            guard let base = buffer.baseAddress else { return nil }
            return NumberParsing.parseDouble(base, buffer.count)
        }
        let count = text.utf8.count
        // The reader's fused path: a number that ends exactly at the field's end (followed by a
        // delimiter) must have the value `parseDouble` gives; declining (`nil`) is always allowed.
        let prefix = Self.readerBytes(text).withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { NumberParsing.plainDecimalPrefix($0) }
        }
        if let prefix, prefix.length == count, prefix.value.bitPattern != plain?.bitPattern {
            return pathsDisagree
        }
        return plain
    }

    /// `text` as the reader's window holds a field: a delimiter after it, then more digits (the
    /// bytes `plainDecimalPrefix` may read past a number's end).
    static func readerBytes(_ text: String) -> [UInt8] {
        Array(text.utf8) + Array(",8765.43212345678901234567".utf8)
    }

    @Test("the reader's buffers keep the bytes the decimal parser's word loads need behind the last number")
    func slackCoversDecimalWordLoads() {
        // The window's last number ends at the sentinel (`bytes[count]`, count ≤ capacity);
        // `plainDecimalPrefix` may read `plainNumberSlack` bytes from there on.
        #expect(ShortField.slack >= NumberParsing.plainNumberSlack)
    }

    static func parseInt(_ text: String) -> NumberParsing.IntResult {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .invalid }
            return NumberParsing.parseInt(base, buffer.count)
        }
    }

    @Test("integers, signs, overflow and garbage")
    func integers() {
        #expect(Self.parseInt("0") == .value(0))
        #expect(Self.parseInt("-12") == .value(-12))
        #expect(Self.parseInt("+7") == .value(7))
        #expect(Self.parseInt("007") == .value(7))
        #expect(Self.parseInt("9223372036854775807") == .value(Int.max))
        #expect(Self.parseInt("-9223372036854775808") == .value(Int.min))
        #expect(Self.parseInt("9223372036854775808") == .overflow)
        #expect(Self.parseInt("-9223372036854775809") == .overflow)
        #expect(Self.parseInt("000000000000000000000000042") == .value(42))
        for bad in ["", "-", "+", "1.0", "1e3", "12a", " 1", "١٢", "0x10"] {
            #expect(Self.parseInt(bad) == .invalid, "\(bad)")
        }
    }

    @Test("decimal grammar and special values")
    func grammar() {
        #expect(Self.parseDouble("1.5") == 1.5)
        #expect(Self.parseDouble(".5") == 0.5)
        #expect(Self.parseDouble("5.") == 5)
        #expect(Self.parseDouble("-0.0")?.sign == .minus)
        #expect(Self.parseDouble("1E+3") == 1000)
        #expect(Self.parseDouble("inf") == .infinity)
        #expect(Self.parseDouble("-Infinity") == -.infinity)
        #expect(Self.parseDouble("NaN")?.isNaN == true)
        #expect(Self.parseDouble("1e400") == .infinity)
        #expect(Self.parseDouble("1e-400") == 0)
        for bad in ["", ".", "-.", "e5", "1e", "1e+", "0x1p3", "1,5", "1.2.3", "infinite", "--1", "1 "] {
            #expect(Self.parseDouble(bad) == nil, "\(bad)")
        }
    }

    @Test("hard cases round correctly")
    func hardCases() {
        let cases: [String] = [
            "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
            "1.7976931348623158e308", "0.30000000000000004", "9007199254740993", "2.2250738585072011e-308",
            "123456789012345678901234567890", "0.000000000000000000000000000001", "1e23", "8.98846567431158e307",
            "4.9406564584124654e-324", "1.00000000000000011102230246251565404236316680908203125",
        ]
        for text in cases {
            #expect(Self.parseDouble(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test("the reader's number prefix on 200,000 hostile byte strings: whatever it takes is what parseDouble reads from the same bytes")
    func prefixOnHostileBytes() {
        // Digits, points, exponent letters, signs, delimiters, line ends and other bytes in any
        // order, 0–40 of them, then a tail of digits: `plainDecimalPrefix` may decline anything,
        // but a prefix it takes must be a number `parseDouble` reads to the same bits, and must
        // not stop inside a run of digits (the reader then checks that a delimiter follows).
        let alphabet = Array("0000000000123456789....eE+-,\n x\u{0}".utf8)
        var generator = SplitMix64(seed: 2026_1207)
        var taken = 0
        var failures: [String] = []
        for _ in 0..<200_000 {
            let length = Int(generator.next() % 41)
            let text = String(decoding: (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }, as: UTF8.self)
            Self.readerBytes(text).withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress, let prefix = NumberParsing.plainDecimalPrefix(base) else { return }
                taken += 1
                let plain = NumberParsing.parseDouble(base, prefix.length)
                let next = base[prefix.length]
                if plain?.bitPattern != prefix.value.bitPattern || next &- UInt8(ascii: "0") <= 9 {
                    failures.append(text)
                }
            }
        }
        #expect(taken > 20_000)
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("50,000 random doubles read back bit for bit from their description and from %.17g-style text")
    func randomRoundTrip() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<50_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            #expect(Self.parseDouble(value.description)?.bitPattern == value.bitPattern)
            // Short decimals take the fast path; compare with the standard library's parser.
            let short = "\(Int64(bitPattern: generator.next()) % 1_000_000).\(generator.next() % 1000)e\(Int(generator.next() % 40) - 20)"
            #expect(Self.parseDouble(short)?.bitPattern == Double(short)?.bitPattern, "\(short)")
        }
    }
}
