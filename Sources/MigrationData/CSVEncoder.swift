/// Formats header and rows as RFC 4180 bytes (see `CSVWriteOptions` for the rules), counting
/// output lines so that an error can name the line it would have been written on.
struct CSVEncoder {
    let options: CSVWriteOptions
    /// The name used in error messages.
    let name: String
    /// 1-based line number where the next record starts.
    private(set) var line = 1

    init(options: CSVWriteOptions, name: String) {
        self.options = options
        self.name = name
    }

    /// Appends the byte-order mark if the options ask for it.
    func appendPreamble(to out: inout [UInt8]) {
        if options.byteOrderMark {
            out.append(contentsOf: [0xEF, 0xBB, 0xBF])
        }
    }

    /// Appends the header record.
    mutating func appendHeader(_ names: [String], to out: inout [UInt8]) {
        for (index, name) in names.enumerated() {
            if index > 0 { out.append(options.delimiter) }
            appendText(name, quoteIfEmpty: true, neutralise: options.neutraliseFormulas, to: &out)
        }
        endRecord(&out)
    }

    /// Appends rows `rows` of `table`.
    mutating func appendRows(of table: Table, _ rows: Range<Int>, to out: inout [UInt8]) throws(CSVError) {
        let columns = table.columns
        for row in rows {
            for (index, column) in columns.enumerated() {
                if index > 0 { out.append(options.delimiter) }
                switch column {
                case .int(let values):
                    if let value = values[row] {
                        Self.appendDecimal(value, to: &out)
                    }
                case .double(let values):
                    if let value = values[row] {
                        try appendDouble(value, column: index, name: table.columnNames[index], to: &out)
                    }
                case .string(let values):
                    if let value = values[row] {
                        appendText(value, quoteIfEmpty: true, neutralise: options.neutraliseFormulas, to: &out)
                    }
                }
            }
            endRecord(&out)
        }
    }

    /// Appends the decimal digits of `value` (what `value.description` spells) without building
    /// a string.
    @inline(__always)
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
        }
        var magnitude = value.magnitude
        if magnitude < 10 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                count += 1
                buffer[24 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    private mutating func endRecord(_ out: inout [UInt8]) {
        if options.lineEnding == .crlf {
            out.append(UInt8(ascii: "\r"))
        }
        out.append(UInt8(ascii: "\n"))
        line += 1
    }

    private mutating func appendDouble(_ value: Double, column: Int, name columnName: String, to out: inout [UInt8]) throws(CSVError) {
        if value.isFinite {
            if options.integralDoublesAsIntegers && value.rounded(.towardZero) == value
                && Swift.abs(value) < 9_007_199_254_740_992 && !(value == 0 && value.sign == .minus) {
                Self.appendDecimal(Int(value), to: &out)
            } else {
                out.append(contentsOf: value.description.utf8)
            }
            return
        }
        switch options.nonFiniteDoubles {
        case .reject:
            let text = value.isNaN ? "NaN" : (value < 0 ? "-infinity" : "infinity")
            throw .nonFiniteValue(CSVLocation(file: name, line: line, column: column + 1, columnName: columnName), value: text)
        case .tokens(let nan, let positiveInfinity, let negativeInfinity):
            let token = value.isNaN ? nan : (value < 0 ? negativeInfinity : positiveInfinity)
            appendText(token, quoteIfEmpty: false, to: &out)
        }
    }

    /// Whether a spreadsheet could take `text` for a formula: it starts with `=`, `+`, `-`, `@`,
    /// tab or CR (OWASP's list).
    static func looksLikeFormula(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return !isPlainNumber(text)
        default: return false
        }
    }

    /// Whether `text` is a signed decimal number and nothing else (`-0.25`, `+3`, `-1.5e-3`): a
    /// spreadsheet reads it as that number, not as a formula, so it is written unchanged.
    static func isPlainNumber(_ text: String) -> Bool {
        var it = text.utf8.makeIterator()
        var c = it.next()
        if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { c = it.next() }
        var digits = 0
        func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= 48 && $0 <= 57 } ?? false }
        while isDigit(c) { digits += 1; c = it.next() }
        if c == UInt8(ascii: ".") { c = it.next(); while isDigit(c) { digits += 1; c = it.next() } }
        guard digits > 0 else { return false }
        if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            c = it.next()
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { c = it.next() }
            guard isDigit(c) else { return false }
            while isDigit(c) { c = it.next() }
        }
        return c == nil
    }

    /// Appends `text`, quoted when it contains the delimiter, a quote, CR or LF, starts with
    /// U+FEFF (or is empty and `quoteIfEmpty`), with inner quotes doubled; counts the line breaks it holds. With
    /// `neutralise`, formula-like text gets a leading `'` (see `CSVWriteOptions`).
    private mutating func appendText(_ original: String, quoteIfEmpty: Bool, neutralise: Bool = false, to out: inout [UInt8]) {
        let text = neutralise && Self.looksLikeFormula(original) ? "'" + original : original
        // Text that starts with U+FEFF is quoted: unquoted at the start of the file, a reader
        // would take it for the byte-order mark and drop it.
        var needsQuotes = text.isEmpty && quoteIfEmpty || text.utf8.starts(with: [0xEF, 0xBB, 0xBF])
        var breaks = 0
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                needsQuotes = true
                previousWasCR = false
            case UInt8(ascii: "\r"):
                needsQuotes = true
                breaks += 1
                previousWasCR = true
            case UInt8(ascii: "\n"):
                needsQuotes = true
                if !previousWasCR { breaks += 1 }
                previousWasCR = false
            default:
                if byte == options.delimiter { needsQuotes = true }
                previousWasCR = false
            }
        }
        line += breaks
        guard needsQuotes else {
            out.append(contentsOf: text.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}
