/// Parsing of decimal numbers straight from UTF-8 bytes, without building a `String` on the
/// common paths.
///
/// Integers: `[+-]?[0-9]+`, checked for 64-bit overflow.
///
/// Doubles: `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?`, or `inf`, `infinity`, `nan`
/// in any case with an optional sign. The result is correctly rounded (round-half-even), the same
/// double `strtod` and Swift's `Double(String)` give:
/// - the fast path (Clinger 1990, "How to read floating point numbers accurately") takes
///   decimal significands of at most 19 digits that are ≤ 2^53 with a power of ten in
///   10^-22 … 10^22; both factors are exact doubles, so one IEEE multiplication or division
///   rounds correctly;
/// - everything else (17-digit significands such as `0.30000000000000004`, subnormals such as
///   `5e-324`, `1.7976931348623157e308`) goes through Swift's locale-independent
///   `Double(String)` on the same bytes.
/// Overflow gives ±infinity and underflow ±0, as in `strtod`. Negative zero keeps its sign.
enum NumberParsing {
    /// The outcome of reading an integer.
    enum IntResult: Equatable {
        case value(Int)
        /// All digits, but outside `Int.min ... Int.max`.
        case overflow
        /// Not of the form `[+-]?[0-9]+`.
        case invalid
    }

    /// Exact powers of ten representable as doubles: 10^0 … 10^22.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The optional leading `+` or `-` of a number (at least one byte at `bytes`): whether it is
    /// `-`, and its length (0 or 1).
    @inline(__always)
    private static func signPrefix(_ bytes: UnsafePointer<UInt8>) -> (negative: Bool, length: Int) {
        let first = bytes[0]
        return (first == UInt8(ascii: "-"), first == UInt8(ascii: "-") || first == UInt8(ascii: "+") ? 1 : 0)
    }

    /// Reads `[+-]?[0-9]+` from exactly `count` bytes at `bytes`.
    @inline(__always)
    static func parseInt(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> IntResult {
        guard count > 0 else { return .invalid }
        let (negative, signLength) = signPrefix(bytes)
        var index = signLength
        guard index < count else { return .invalid }
        var magnitude: UInt64 = 0
        if count - index <= 18 {
            // At most 18 digits: below 10^18 < 2^63, no overflow possible.
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { return .invalid }
                magnitude = magnitude &* 10 &+ UInt64(digit)
                index += 1
            }
        } else {
            var overflowed = false
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { return .invalid }
                if !overflowed {
                    let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
                    if o1 || o2 { overflowed = true } else { magnitude = sum }
                }
                index += 1
            }
            if overflowed { return .overflow }
        }
        if negative {
            if magnitude <= UInt64(Int.max) { return .value(-Int(magnitude)) }
            if magnitude == UInt64(Int.max) + 1 { return .value(Int.min) }
            return .overflow
        }
        return magnitude <= UInt64(Int.max) ? .value(Int(magnitude)) : .overflow
    }

    /// Reads a decimal double (grammar above) from exactly `count` bytes; `nil` when the bytes
    /// are not such a number.
    @inline(__always)
    static func parseDouble(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard count > 0 else { return nil }
        let (negative, signLength) = signPrefix(bytes)
        var index = signLength
        guard index < count else { return nil }
        let lead = bytes[index] | 0x20
        if lead == UInt8(ascii: "i") || lead == UInt8(ascii: "n") {
            return parseSpecial(bytes + index, count - index, negative: negative)
        }

        var significand: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var sawDigit = false
        var truncated = false
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            if digit > 9 { break }
            sawDigit = true
            if significand == 0 && digit == 0 {
                // leading zero: not significant
            } else if significantDigits < 19 {
                significand = significand &* 10 &+ UInt64(digit)
                significantDigits += 1
            } else {
                exponent += 1
                if digit != 0 { truncated = true }
            }
            index += 1
        }
        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                sawDigit = true
                if significand == 0 && digit == 0 {
                    exponent -= 1
                } else if significantDigits < 19 {
                    significand = significand &* 10 &+ UInt64(digit)
                    significantDigits += 1
                    exponent -= 1
                } else if digit != 0 {
                    truncated = true
                }
                index += 1
            }
        }
        guard sawDigit else { return nil }
        if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var sawExponentDigit = false
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                sawExponentDigit = true
                if written < 100_000 { written = written * 10 + Int(digit) }
                index += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard index == count else { return nil }

        if significand == 0 {
            return negative ? -0.0 : 0.0
        }
        if !truncated && significand <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(significand)
            if exponent >= 0 {
                value *= exactPowersOfTen[exponent]
            } else {
                value /= exactPowersOfTen[-exponent]
            }
            return negative ? -value : value
        }
        // Correctly rounded slow path on the validated ASCII text.
        let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        return Double(text)
    }

    /// `inf`, `infinity` or `nan` in any case (the sign was already consumed).
    private static func parseSpecial(_ bytes: UnsafePointer<UInt8>, _ count: Int, negative: Bool) -> Double? {
        func matches(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == count else { return false }
            let letters = word.utf8Start
            for i in 0..<count where (bytes[i] | 0x20) != letters[i] {
                return false
            }
            return true
        }
        if matches("inf") || matches("infinity") {
            return negative ? -Double.infinity : Double.infinity
        }
        if matches("nan") {
            return Double.nan
        }
        return nil
    }

    /// Whether the byte is a space or a tab, the padding trimmed around numbers.
    @inline(__always)
    static func isPadding(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
