#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import MigrationData

/// Correct rounding of `NumberParsing.parseDouble` (Clinger fast path, Eisel–Lemire, and the
/// `Double(String)` fallback) checked bit for bit against the C library's `strtod`, which glibc
/// rounds correctly in every case, on random and hard inputs.
@Suite("Number parsing rounds like strtod")
struct NumberParsingRoundingTests {
    static func parse(_ text: String) -> Double? {
        NumberParsingTests.parseDouble(text)
    }

    static func strtodValue(_ text: String) -> Double {
        text.withCString { strtod($0, nil) }
    }

    /// The mismatches of `parseDouble` against `strtod` among `texts` (at most 5 reported).
    static func mismatches(_ texts: [String]) -> [String] {
        var bad: [String] = []
        for text in texts {
            let expected = strtodValue(text)
            let parsed = parse(text)
            if parsed?.bitPattern != expected.bitPattern {
                bad.append("\(text): parsed \(parsed.map { String($0.bitPattern, radix: 16) } ?? "nil"), strtod \(String(expected.bitPattern, radix: 16))")
                if bad.count >= 5 { break }
            }
        }
        return bad
    }

    /// `printf`-style formatting of one double.
    static func format(_ value: Double, _ style: String) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value]) { vsnprintf(pointer.baseAddress, 512, style, $0) }
        }
        return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The exact decimal expansion of `odd × 2^exponent` (no rounding: every binary fraction has
    /// a finite decimal expansion), e.g. the midpoint between two adjacent doubles.
    static func exactDecimal(_ odd: UInt64, _ exponent: Int) -> String {
        // Little-endian base-10 digits.
        var digits = Array(String(odd).utf8.reversed().map { Int($0) - 48 })
        let factor = exponent >= 0 ? 2 : 5
        for _ in 0..<abs(exponent) {
            var carry = 0
            for i in digits.indices {
                let v = digits[i] * factor + carry
                digits[i] = v % 10
                carry = v / 10
            }
            while carry > 0 {
                digits.append(carry % 10)
                carry /= 10
            }
        }
        var text = String(digits.reversed().map { Character(Unicode.Scalar(UInt8($0 + 48))) })
        if exponent < 0 {
            let point = -exponent
            if text.count <= point {
                text = String(repeating: "0", count: point - text.count + 1) + text
            }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -point))
        }
        return text
    }

    @Test("200,000 random bit patterns in five printf styles")
    func randomBitPatterns() {
        var generator = SplitMix64(seed: 2021)
        let styles = ["%.17g", "%.16g", "%.15g", "%.3e", "%.25e"]
        var texts: [String] = []
        texts.reserveCapacity(200_000)
        while texts.count < 200_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            texts.append(Self.format(value, styles[texts.count % styles.count]))
        }
        let bad = Self.mismatches(texts)
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test("100,000 values with leading zeros: 0.000… as Python and Swift print them, %.24f, zero-padded integers")
    func leadingZeros() {
        var generator = SplitMix64(seed: 18)
        var texts: [String] = []
        texts.reserveCapacity(100_000)
        while texts.count < 100_000 {
            // Magnitudes 1e-7 … 1: shortest round-trip text has up to 17 significant digits after
            // up to six zeros, more than 19 digits in all (the case the leading-zero skip is for).
            let magnitude = Double(generator.next() % 8)
            let value = Double(generator.next() >> 11) / Double(1 << 53) * Self.tenToMinus(magnitude)
            switch texts.count % 4 {
            case 0: texts.append(value.description)
            case 1: texts.append("-" + Self.format(value, "%.24f"))
            case 2: texts.append("000" + Self.format(value * 1e6, "%.17g"))
            default: texts.append(String(repeating: "0", count: Int(generator.next() % 30)) + String(generator.next() >> 1))
            }
        }
        texts += ["0.00000000000000000000000000001", "00000000000000000000000", "0.", ".0", "-0.000", "00.5e3"]
        let bad = Self.mismatches(texts)
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test("plain decimals around the word boundaries of the reader's path: 0–9 integer digits × 0–33 fraction digits, leading zeros, signs")
    func plainDecimalShapes() {
        // `plainDecimalPrefix` reads integer parts of up to 7 digits, the first 8 digits around
        // the point, then words of 8 (three words, then a loop past 24 digits);
        // these shapes put the point and the field's end on every byte of those words, with 19
        // and 20 significant digits (the limit of the exact significand) on both sides.
        var generator = SplitMix64(seed: 4180)
        var texts: [String] = []
        for integerDigits in 0...9 {
            for fractionDigits in 0...33 {
                for variant in 0..<60 {
                    var integer = ""
                    for position in 0..<integerDigits {
                        let digit = position == 0 && variant % 3 == 0 ? 0 : generator.next() % 10
                        integer.append(Character(Unicode.Scalar(UInt8(48 + digit))))
                    }
                    var fraction = ""
                    let zeros = variant % 4 == 1 ? Int(generator.next() % 8) : 0
                    for position in 0..<fractionDigits {
                        let digit = position < zeros ? 0 : generator.next() % 10
                        fraction.append(Character(Unicode.Scalar(UInt8(48 + digit))))
                    }
                    var text = integer
                    if fractionDigits > 0 || variant % 5 == 0 { text += "." + fraction }
                    if text.isEmpty || text == "." { continue }
                    switch variant % 6 {
                    case 0: text = "-" + text
                    case 1: text = "+" + text
                    default: break
                    }
                    texts.append(text)
                }
            }
        }
        #expect(texts.count > 10_000)
        let bad = Self.mismatches(texts)
        #expect(bad.isEmpty, "\(bad)")
    }

    static func tenToMinus(_ k: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(k) { value /= 10 }
        return value
    }

    @Test("200,000 random digit strings: 1–40 digits, any decimal point, exponents −360 … 330")
    func randomDigitStrings() {
        var generator = SplitMix64(seed: 7)
        var texts: [String] = []
        texts.reserveCapacity(200_000)
        for _ in 0..<200_000 {
            let length = Int(generator.next() % 40) + 1
            var digits = ""
            // Runs of 0 and 9 make near-ties more likely than uniform digits do.
            let mode = generator.next() % 4
            for _ in 0..<length {
                switch mode {
                case 0: digits.append(Character(Unicode.Scalar(UInt8(48 + generator.next() % 10))))
                case 1: digits.append(generator.next() % 8 == 0 ? "1" : "0")
                case 2: digits.append(generator.next() % 8 == 0 ? "8" : "9")
                default: digits.append(generator.next() % 2 == 0 ? "5" : "0")
                }
            }
            let point = Int(generator.next() % UInt64(length + 1))
            var text = digits
            if generator.next() % 3 != 0 {
                text.insert(".", at: text.index(text.startIndex, offsetBy: point))
            }
            if generator.next() % 2 == 0 { text = "-" + text }
            let exponent = Int(generator.next() % 691) - 360
            if generator.next() % 5 != 0 { text += "e\(exponent)" }
            texts.append(text)
        }
        let bad = Self.mismatches(texts)
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test("exact halfway points between adjacent doubles, and one unit above and below them, normal and subnormal")
    func halfwayCases() {
        var generator = SplitMix64(seed: 1990)
        var texts: [String] = []
        // Binary exponents spread over the whole range, including the subnormals (−1074) and the
        // largest finite doubles, plus the tie-prone range of integers 2^53 … 2^64.
        var exponents: [Int] = [-1074, -1073, -1060, -1022, -1000, -600, -300, -100, -60, -30, -4, -1, 0, 1, 4, 11, 30, 60, 200, 500, 900, 970, 971]
        for _ in 0..<60 { exponents.append(Int(generator.next() % 2046) - 1074) }
        for exponent in exponents {
            for _ in 0..<4 {
                // A double m·2^e with m of 53 bits (or fewer for subnormals); its upper neighbour's
                // midpoint is (2m + 1)·2^(e − 1).
                let mantissa: UInt64 = exponent == -1074 ? generator.next() % (1 << 52) : (1 << 52) | (generator.next() % (1 << 52))
                if exponent == 971 && mantissa == (1 << 53) - 1 { continue }
                let midpoint = Self.exactDecimal(2 * mantissa + 1, exponent - 1)
                texts.append(midpoint)
                texts.append(midpoint + (midpoint.contains(".") ? "000000000000000000000001" : ".000000000000000000000001"))
                // Just above and just below the midpoint, by 1/512 of half a unit.
                texts.append(Self.exactDecimal(((2 * mantissa + 1) << 9) + 1, exponent - 10))
                texts.append(Self.exactDecimal(((2 * mantissa + 1) << 9) - 1, exponent - 10))
                let lower = Self.exactDecimal(4 * mantissa + 1, exponent - 2) // a quarter above m·2^e: below the midpoint
                texts.append(lower)
            }
        }
        // Ties with short significands: integers 2^53 + odd (halfway between even neighbours) and
        // their scaled forms, the cases the round-to-even branch (q in −4 … 23) exists for.
        for _ in 0..<2_000 {
            let odd = (UInt64(1) << 53) | (generator.next() % (1 << 52)) | 1
            texts.append("\(odd)")
            texts.append("\(odd)e\(Int(generator.next() % 5))")
            texts.append("\(odd)e-\(Int(generator.next() % 5))")
            let shift = generator.next() % 10
            texts.append("\(odd << shift)")
        }
        let bad = Self.mismatches(texts)
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test("limits: largest and smallest doubles, overflow, underflow, long mantissas, huge exponents")
    func limits() {
        let texts: [String] = [
            "1.7976931348623157e308", "1.7976931348623158e308", "1.797693134862315708145274237317043567981e308",
            "1.797693134862315807937289714053034150799e308", "1.7976931348623159e308", "1e308", "9e307", "1e309",
            "2.2250738585072014e-308", "2.2250738585072011e-308", "2.2250738585072012e-308", "2.225073858507201136057409796709131975934e-308",
            "4.9406564584124654e-324", "4.9e-324", "5e-324", "3e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
            "2.47032822920623272088e-324", "2.47032822920623272089e-324", "1e-324", "1e-342", "1e-343", "9.9e-343",
            "1e-400", "1e400", "0e999999", "0.0e-999999", "1e-99999999", "1e99999999", "-1e99999999",
            "0." + String(repeating: "0", count: 340) + "1e40", String(repeating: "9", count: 400),
            "1" + String(repeating: "0", count: 308), "1" + String(repeating: "0", count: 309),
            "0." + String(repeating: "9", count: 800), "1." + String(repeating: "0", count: 700) + "1",
            "7.2057594037927933e16", "7.205759403792793199999e16", "7.2057594037927933000001e16",
            "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
            "18446744073709551615", "18446744073709551616", "9999999999999999999", "10000000000000000000",
            "1e23", "8.98846567431158e307", "0.1", "0.2", "0.3", "123.456", "-0", "+0.0e+0",
        ]
        let bad = Self.mismatches(texts)
        #expect(bad.isEmpty, "\(bad)")
    }
}
