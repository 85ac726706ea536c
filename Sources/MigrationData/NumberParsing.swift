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
/// - other significands of at most 19 digits (17-digit ones such as `0.30000000000000004`,
///   subnormals such as `5e-324`, `1.7976931348623157e308`) go through Eisel–Lemire (Lemire
///   2021, "Number parsing at a gigabyte per second"; the fast_float algorithm): one or two
///   64 × 64 → 128-bit multiplications by a table of powers of five;
/// - longer significands are cut to 19 digits `w`; when `w·10^q` and `(w+1)·10^q` round to the
///   same double, that is the answer (the value lies between them);
/// - what is left (such inputs are rare: ties hidden beyond the 19th digit) goes through Swift's
///   locale-independent `Double(String)` (`strtod` in the C locale) on the same bytes.
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
        let negative = first == UInt8(ascii: "-")
        // Without a branch: the sign of numbers in a column is as good as random.
        return (negative, Int(truncatingIfNeeded: UInt8(negative || first == UInt8(ascii: "+") ? 1 : 0)))
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
    ///
    /// The digits are read eight at a time where they can be (SWAR: one 64-bit load, a check
    /// that all eight bytes are digits, three multiplications), into a significand `w` of at most
    /// 19 digits and a decimal exponent `q`; the value is then `w × 10^q`, computed by Clinger's
    /// exact fast path or by Eisel–Lemire (`eiselLemire`), with `Double(String)` (`strtod` in the
    /// C locale) as the fallback for the rare inputs they cannot decide.
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

        let digitsStart = index
        // Leading zeros (`007`, and in `0.000123` the zeros after the point too) are not
        // significant: skipping them keeps `digitCount` at the significant digits, so that
        // values such as 0.00021065760174486688 (17 significant digits) stay on the fast paths.
        while index < count && bytes[index] == UInt8(ascii: "0") {
            index += 1
        }
        let significantStart = index
        var significand: UInt64 = 0
        readDigits(bytes, count, &index, &significand)
        var digitCount = index - significantStart
        var sawDigit = index > digitsStart
        var exponent = 0
        var hasDot = false
        if index < count && bytes[index] == UInt8(ascii: ".") {
            hasDot = true
            index += 1
            let fractionStart = index
            if digitCount == 0 {
                while index < count && bytes[index] == UInt8(ascii: "0") {
                    index += 1
                }
            }
            let fractionDigitsStart = index
            readDigits(bytes, count, &index, &significand)
            // Every fraction digit, zeros included, moves the decimal exponent.
            exponent = fractionStart - index
            digitCount += index - fractionDigitsStart
            sawDigit = sawDigit || index > fractionStart
        }
        guard sawDigit else { return nil }
        let digitsEnd = index
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

        var truncated = false
        if digitCount > 19 {
            // More digits than a UInt64 holds (or leading zeros): rescan for the first 19
            // significant digits; `truncated` when a dropped digit is not zero.
            let long = longSignificand(bytes, from: digitsStart, to: digitsEnd, hasDot: hasDot)
            significand = long.significand
            exponent += long.exponentAdjustment
            truncated = long.truncated
        }
        if significand == 0 {
            return negative ? -0.0 : 0.0
        }
        if !truncated, let value = clinger(significand, exponent) {
            return negative ? -value : value
        }
        if let value = eiselLemire(significand, exponent) {
            // With dropped digits the value lies strictly between w·10^q and (w+1)·10^q: when
            // both round to the same double, so does everything between them.
            if !truncated || eiselLemire(significand + 1, exponent)?.bitPattern == value.bitPattern {
                return negative ? -value : value
            }
        }
        // Correctly rounded slow path on the validated ASCII text.
        let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        return Double(text)
    }

    /// Powers of ten as integers: 10^0 … 10^8 (the scale of a run of at most eight digits).
    static let integerPowersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
    ]

    /// The bytes of a word that are not ASCII digits, flagged by their high bit, exactly up to
    /// the first one (SWAR, after Lemire's digit tests): `x = word ^ 0x30…30` holds 0…9 in
    /// digit bytes, and `(x + 0x76) | x` sets a byte's high bit when its `x` exceeds 9. A carry
    /// out of a byte comes only from a non-digit byte and only reaches higher bytes, so the
    /// lowest flag is exact: the number of leading digits is `trailingZeroBitCount / 8`.
    @inline(__always)
    static func nonDigitBytes(_ x: UInt64) -> UInt64 {
        ((x &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
    }

    /// The value of the first `k` (0…8) digits of `x` (digit values 0…9 one per byte, first
    /// digit in the low byte): shifting them to the top of the word puts zeros in front of
    /// them, and the 8-digit combination (fast_float's `parse_eight_digits_unrolled`) then
    /// gives their value. The shift by 64 − 8k is done in two steps below 64 (k = 0 gives 0),
    /// without a branch.
    @inline(__always)
    static func leadingDigitsValue(_ x: UInt64, _ k: Int) -> UInt64 {
        let shift = UInt64(truncatingIfNeeded: 64 &- 8 &* k)
        return combineEightDigits((x &<< (shift &>> 1)) &<< (shift &- (shift &>> 1)))
    }

    /// The word at `bytes` with the ASCII digits turned into their values (other bytes into
    /// values above 9).
    @inline(__always)
    private static func digitWord(_ bytes: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self)) ^ 0x3030_3030_3030_3030
    }

    /// Whether a number of `digits` digits whose text is `start[0..<count]` has at most 19
    /// significant ones: leading zeros (`0.000123…`) and the point do not count, so its
    /// significand fits in a UInt64 and a wrapping accumulation of its digits was exact.
    @inline(__always)
    static func fitsSignificand(_ start: UnsafePointer<UInt8>, count: Int, digits: Int) -> Bool {
        var zeros = 0
        var at = 0
        while at < count {
            let byte = start[at]
            if byte == UInt8(ascii: "0") {
                zeros &+= 1
            } else if byte != UInt8(ascii: ".") {
                break
            }
            at &+= 1
        }
        return digits &- zeros <= 19
    }

    /// A finite number `[+-]?digits[.digits]([eE][+-]?digits)?` (at most 7 integer digits, at
    /// least one digit before the exponent, at most 19 significant digits) at the start of
    /// `bytes`, ending at the first byte that cannot continue it: its value, correctly rounded,
    /// and its length in bytes. `nil` when the bytes there are not such a number, when it
    /// overflows, and for the rare values Eisel–Lemire leaves open. Reads whole words: a byte
    /// that is not a digit must follow the number, with `plainNumberSlack` readable bytes from
    /// it on — the CSV reader's window ends with a line-feed sentinel and `ShortField.slack`
    /// bytes.
    ///
    /// For a field of exactly such a number this is the value `parseDouble` gives (both round
    /// `w × 10^q` correctly); the CSV reader uses it to parse numeric records without
    /// tokenizing them first (`PlainRecordBatch`).
    ///
    /// With a point, the digits are read as three words whatever the number's length — the
    /// first eight digits with the point taken out (the integer digits from the first word, the
    /// rest from the word one byte on), then the next two eight-byte words — as a fixed number
    /// of digit places: the bytes from the number's end on are masked to zero (`digitsBefore`),
    /// which appends zeros to the significand and moves the decimal exponent by as many places,
    /// `w·10^q = (w·10^z)·10^(q−z)`, so no shift by the digit count is needed. Numbers ending
    /// in the first two words take 16 places; those with up to 3 digits in the third word (up
    /// to 19 digits, the usual shortest round-trip double) 19; longer ones add exactly their
    /// digits (`leadingDigitsValue`; a loop continues past 24 digits). Without an exponent the
    /// value is then `w × 10^q` with `q` from −24 to −9 (further down only past 24 digits):
    /// every `q` in −27 … −9, with or without an exponent, goes through `eiselLemireDecimal`,
    /// without the checks such exponents cannot need; the others through `eiselLemire`
    /// (Clinger's exact path measured slower here: its test and its division cost more than
    /// they save).
    ///
    /// Not inlined: inlined into the CSV reader's record loop (`PlainRecordBatch.readDoubles`)
    /// the loop's state and the parser's constants did not fit the registers — float20.csv,
    /// 1 thread pinned, best of 5 in 4 alternations: 0.486–0.557 s inlined, 0.416–0.436 s
    /// called (callgrind: 232 instructions a field inlined, 236 called, the call included).
    @inline(never)
    static func plainDecimalPrefix(_ bytes: UnsafePointer<UInt8>) -> (value: Double, length: Int)? {
        let (negative, signLength) = signPrefix(bytes)
        let start = bytes + signLength
        let head = digitWord(start)
        let integerDigits = leadingDigitCount(head)
        guard integerDigits < 8 else { return nil }
        var significand: UInt64
        var index: Int
        var exponent: Int
        if start[integerDigits] == UInt8(ascii: ".") {
            // Bytes below `integerDigits` from `head`, the others from one byte further on.
            let keep = (UInt64(1) &<< UInt64(truncatingIfNeeded: integerDigits &* 8)) &- 1
            let first = (head & keep) | (digitWord(start + 1) & ~keep)
            let second = digitWord(start + 9)
            let third = digitWord(start + 17)
            let firstFlags = nonDigitBytes(first)
            let firstMask = digitsBefore(firstFlags)
            // All ones when the first word is all digits (its mask's top bit), else zero.
            let firstFull = UInt64(bitPattern: Int64(bitPattern: firstMask) &>> 63)
            let secondFlags = nonDigitBytes(second) | ~firstFull
            let secondMask = digitsBefore(secondFlags) & firstFull
            let secondFull = UInt64(bitPattern: Int64(bitPattern: secondMask) &>> 63)
            let firstRun = firstFlags.trailingZeroBitCount &>> 3
            let secondRun = secondFlags.trailingZeroBitCount &>> 3
            significand = combineEightDigits(first & firstMask) &* 100_000_000 &+ combineEightDigits(second & secondMask)
            var digitCount = firstRun &+ secondRun
            // The 16 places hold the digits read so far and zeros after them.
            var places = 16
            if secondFull != 0 {
                let thirdFlags = nonDigitBytes(third)
                let thirdRun = thirdFlags.trailingZeroBitCount &>> 3
                digitCount &+= thirdRun
                if thirdRun <= 3 {
                    // Up to 19 digits, the usual length of a shortest round-trip double: the
                    // third word's digits as three places (zeros after them), 19 places in all.
                    let digits = third & digitsBefore(thirdFlags)
                    let placed = (digits & 0xFF) &* 100 &+ ((digits &>> 8) & 0xFF) &* 10 &+ ((digits &>> 16) & 0xFF)
                    significand = significand &* 1_000 &+ placed
                    places = 19
                } else {
                    significand = significand &* integerPowersOfTen[thirdRun] &+ leadingDigitsValue(third, thirdRun)
                    if thirdRun == 8 {
                        while true {
                            let word = digitWord(start + (digitCount &+ 1))
                            let run = leadingDigitCount(word)
                            significand = significand &* integerPowersOfTen[run] &+ leadingDigitsValue(word, run)
                            digitCount &+= run
                            if run < 8 { break }
                        }
                    }
                    places = digitCount
                    // More than 19 digits: exact only when the leading zeros (`0.000123…`; the
                    // first word's zero bytes, point excluded) leave at most 19.
                    if digitCount &- (first.trailingZeroBitCount &>> 3) > 19
                        && (first != 0 || !fitsSignificand(start, count: digitCount &+ 1, digits: digitCount)) {
                        return nil
                    }
                }
            }
            guard digitCount > 0 else { return nil }
            // Without an exponent q is in −24 … −9 (lower only past 24 digits).
            exponent = integerDigits &- places
            index = digitCount &+ 1
        } else {
            significand = leadingDigitsValue(head, integerDigits)
            guard integerDigits > 0 else { return nil }
            index = integerDigits
            exponent = 0
        }
        if (start[index] | 0x20) == UInt8(ascii: "e") {
            index &+= 1
            let exponentNegative = start[index] == UInt8(ascii: "-")
            if exponentNegative || start[index] == UInt8(ascii: "+") {
                index &+= 1
            }
            let exponentStart = index
            var written = 0
            while true {
                let digit = start[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                if written < 100_000 { written = written &* 10 &+ Int(digit) }
                index &+= 1
            }
            guard index > exponentStart else { return nil }
            exponent &+= exponentNegative ? -written : written
        }
        var magnitude = 0.0
        if significand != 0 {
            if exponent >= -27 && exponent <= -9 {
                magnitude = eiselLemireDecimal(significand, exponent)
            } else {
                guard let value = eiselLemire(significand, exponent), value.isFinite else { return nil }
                magnitude = value
            }
        }
        let signBit: UInt64 = negative ? 1 &<< 63 : 0
        return (Double(bitPattern: magnitude.bitPattern | signBit), signLength &+ index)
    }

    /// The bytes of a word before its first flagged one (`nonDigitBytes`), as a mask of whole
    /// bytes; all ones when no byte is flagged: the lowest flag is bit 8k + 7, and
    /// `(flags & −flags) >> 7` is bit 8k.
    @inline(__always)
    static func digitsBefore(_ flags: UInt64) -> UInt64 {
        ((flags & (0 &- flags)) &>> 7) &- 1
    }

    /// Bytes `plainDecimalPrefix` may read from the byte that ends the number on (that byte
    /// included): its last word starts 17 bytes past the start of the digits, at most 17 past the
    /// point, and the number ends at least one byte after the point.
    static let plainNumberSlack = 24

    /// The number of ASCII digits a `digitWord` starts with (0…8).
    @inline(__always)
    static func leadingDigitCount(_ word: UInt64) -> Int {
        nonDigitBytes(word).trailingZeroBitCount &>> 3
    }

    /// An integer `[+-]?[0-9]{1,18}` at the start of `bytes`, ending at the first byte that is
    /// not a digit: its value and length; `nil` otherwise (no digit, or more than 18 digits).
    /// Reads whole words, like `plainDecimalPrefix`.
    @inline(__always)
    static func plainIntegerPrefix(_ bytes: UnsafePointer<UInt8>) -> (value: Int, length: Int)? {
        let (negative, signLength) = signPrefix(bytes)
        let start = bytes + signLength
        var magnitude: UInt64 = 0
        var digits = 0
        while true {
            let word = digitWord(start + digits)
            let run = leadingDigitCount(word)
            magnitude = magnitude &* integerPowersOfTen[run] &+ leadingDigitsValue(word, run)
            digits &+= run
            if run < 8 || digits > 18 { break }
        }
        guard digits > 0 && digits <= 18 else { return nil }
        // Below 10^18 < 2^63: no overflow either way.
        let value = Int(truncatingIfNeeded: magnitude)
        return (negative ? -value : value, signLength &+ digits)
    }

    /// Clinger's exact path: `w × 10^q` when w ≤ 2⁵³ and |q| ≤ 22, where both factors are exact
    /// doubles and the product or quotient is rounded once; `nil` outside that range.
    @inline(__always)
    private static func clinger(_ significand: UInt64, _ exponent: Int) -> Double? {
        guard significand <= (1 << 53) && exponent >= -22 && exponent <= 22 else { return nil }
        let value = Double(significand)
        return exponent >= 0 ? value * exactPowersOfTen[exponent] : value / exactPowersOfTen[-exponent]
    }

    /// Accumulates decimal digits from `bytes[index...]` into `value` (wrapping: callers only
    /// use the result when at most 19 digits were read), eight at a time while eight digits
    /// follow, and advances `index` past them.
    @inline(__always)
    private static func readDigits(_ bytes: UnsafePointer<UInt8>, _ count: Int, _ index: inout Int, _ value: inout UInt64) {
        while count - index >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self))
            guard isEightDigits(word) else { break }
            value = value &* 100_000_000 &+ eightDigitsValue(word)
            index += 8
        }
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            if digit > 9 { break }
            value = value &* 10 &+ UInt64(digit)
            index += 1
        }
    }

    /// Whether all eight bytes of a little-endian word are ASCII digits (Lemire's SWAR test:
    /// every byte's high nibble is 3, and adding 6 does not carry into it).
    @inline(__always)
    static func isEightDigits(_ word: UInt64) -> Bool {
        ((word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4))
            == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits in a little-endian word (first digit in the low byte):
    /// pairs, then quadruples, then the eight combined with two multiplications.
    @inline(__always)
    static func eightDigitsValue(_ word: UInt64) -> UInt64 {
        combineEightDigits(word &- 0x3030_3030_3030_3030)
    }

    /// The value of eight digits 0…9, one per byte of a little-endian word (first digit in the
    /// low byte).
    @inline(__always)
    static func combineEightDigits(_ digits: UInt64) -> UInt64 {
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let mul1: UInt64 = 0x000F_4240_0000_0064 // 100 + (1000000 << 32)
        let mul2: UInt64 = 0x0000_2710_0000_0001 // 1 + (10000 << 32)
        var value = digits
        value = (value &* 10) &+ (value >> 8)
        value = (((value & mask) &* mul1) &+ (((value >> 16) & mask) &* mul2)) >> 32
        return value & 0xFFFF_FFFF
    }

    /// The first 19 significant digits of `bytes[from..<to]` (digits with at most one `.`), the
    /// change of decimal exponent relative to reading every digit, and whether a dropped digit
    /// is not zero.
    private static func longSignificand(
        _ bytes: UnsafePointer<UInt8>, from: Int, to: Int, hasDot: Bool
    ) -> (significand: UInt64, exponentAdjustment: Int, truncated: Bool) {
        var significand: UInt64 = 0
        var significantDigits = 0
        var dropped = 0
        var truncated = false
        var index = from
        while index < to {
            let digit = bytes[index] &- UInt8(ascii: "0")
            index += 1
            if digit > 9 { continue } // the decimal point
            if significand == 0 && digit == 0 {
                // A leading zero: reading every digit counted it as 0·10^k, no change.
            } else if significantDigits < 19 {
                significand = significand &* 10 &+ UInt64(digit)
                significantDigits += 1
            } else {
                dropped += 1
                if digit != 0 { truncated = true }
            }
        }
        // Reading every digit would have made the value (digits)·10^q; keeping the first 19
        // significant ones divides it by 10^dropped.
        return (significand, dropped, truncated)
    }

    /// `w × 10^q` correctly rounded to the nearest double (ties to even), for `w ≠ 0`, or `nil`
    /// in the rare case the 128-bit product cannot decide.
    ///
    /// Eisel–Lemire (Lemire 2021, "Number parsing at a gigabyte per second", Software: Practice
    /// and Experience 51(8); the fast_float library's `compute_float<binary64>`): normalise `w`
    /// to 64 bits, multiply by the 128-bit truncated 5^q (`powersOfFive`; a second word only
    /// when the first product's low bits are all ones), take the top 54 bits as the mantissa
    /// plus a rounding bit, and the binary exponent from `⌊q·log2(10)⌋ = (217706·q) >> 16`.
    /// Exact ties can only occur for `q` in −4 … 23 and are then rounded to even. Subnormals
    /// shift the mantissa further right before rounding; overflow gives infinity, underflow 0.
    @inline(__always)
    static func eiselLemire(_ w: UInt64, _ q: Int) -> Double? {
        if q < smallestPowerOfFive { return 0 }
        if q > largestPowerOfFive { return .infinity }
        let (high, low, leadingZeros) = powerOfFiveProduct(w, q)
        if low == UInt64.max && (q < -27 || q > 55) {
            // The truncated table might be off by one here: let strtod decide.
            return nil
        }
        var (mantissa, power2) = unroundedParts(high, q, leadingZeros)
        if power2 <= 0 {
            // Subnormal (or zero): no exact ties are possible this far down.
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: (UInt64(power2) << 52) | mantissa)
        }
        if low <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 {
            // Possibly exactly halfway between two doubles: round to even instead of up.
            if mantissa << (high >> 63 + 9) == high {
                mantissa &= ~1
            }
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: (UInt64(power2) << 52) | mantissa)
    }

    /// Eisel–Lemire's product: `w` normalised to 64 bits (shifted left by its `leadingZeros`)
    /// times the 128-bit truncated 5^q of `powersOfFive` (`q` in its range), as the high and
    /// low words of the top 128 bits — the second table word is multiplied in only when the
    /// first product's low 9 bits of `high` are all ones, where it could change the result.
    @inline(__always)
    static func powerOfFiveProduct(_ w: UInt64, _ q: Int) -> (high: UInt64, low: UInt64, leadingZeros: Int) {
        let leadingZeros = w.leadingZeroBitCount
        let normalized = w &<< UInt64(leadingZeros)
        let index = 2 &* (q &- smallestPowerOfFive)
        var (high, low) = normalized.multipliedFullWidth(by: powersOfFive[index])
        let precisionMask: UInt64 = UInt64.max >> 55
        if high & precisionMask == precisionMask {
            let second = normalized.multipliedFullWidth(by: powersOfFive[index &+ 1]).high
            let (sum, carry) = low.addingReportingOverflow(second)
            low = sum
            if carry { high &+= 1 }
        }
        return (high, low, leadingZeros)
    }

    /// `eiselLemire` for the decimals `plainDecimalPrefix` reads without an exponent:
    /// `1 ≤ w < 2^64` and `q` in −27 … −9. What the general function checks cannot happen
    /// there: the table is exact enough for `q ≥ −27` (the `low == UInt64.max` test), exact
    /// ties need `q ≥ −4` (a tie has 54 significant bits, so `w ≥ 5^−q · 2^53`), and values
    /// from 10^−27 to below 10^11 are neither subnormal nor beyond the largest double. The
    /// rounded mantissa (2^52 … 2^53) is added to the exponent field, so that rounding up to
    /// 2^53 carries into the exponent by itself.
    @inline(__always)
    static func eiselLemireDecimal(_ w: UInt64, _ q: Int) -> Double {
        let (high, _, leadingZeros) = powerOfFiveProduct(w, q)
        let (unrounded, power2) = unroundedParts(high, q, leadingZeros)
        let mantissa = (unrounded &+ (unrounded & 1)) &>> 1
        return Double(bitPattern: (UInt64(truncatingIfNeeded: power2 &- 1) &<< 52) &+ mantissa)
    }

    /// The top bits of Eisel–Lemire's product `high` as a 54-bit mantissa (53 bits and a rounding
    /// bit, before rounding) and the biased binary exponent of `w × 10^q`, from
    /// `⌊q·log2(10)⌋ = (217706·q) >> 16`, the product's top bit and `w`'s leading zeros.
    @inline(__always)
    static func unroundedParts(_ high: UInt64, _ q: Int, _ leadingZeros: Int) -> (mantissa: UInt64, power2: Int) {
        let upperBit = high &>> 63
        let power2 = ((217_706 &* q) &>> 16) &+ 63 &+ Int(truncatingIfNeeded: upperBit) &- leadingZeros &+ 1023
        return (high &>> (upperBit &+ 9), power2)
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
