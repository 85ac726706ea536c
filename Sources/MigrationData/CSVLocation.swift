/// Where in a CSV file something went wrong: the file, the 1-based line, and the 1-based field
/// number with the header's name for it.
///
/// `line` counts physical lines (a line end is LF, CRLF or a lone CR), so a quoted field that
/// contains line breaks moves the lines of everything after it, exactly as a text editor shows
/// them. A UTF-8 byte-order mark does not count. `column` is the *field number* within the
/// record (1 for the first field), not a character offset.
///
/// `description` prints `FILE:LINE:COLUMN`, the form compilers use, so editors and terminals
/// can jump to the spot.
public struct CSVLocation: Sendable, Hashable, CustomStringConvertible {
    /// The path as the caller gave it, `-` for standard input, or the name given to an
    /// in-memory source.
    public internal(set) var file: String
    /// 1-based physical line number.
    public internal(set) var line: Int
    /// 1-based field number within the record.
    public internal(set) var column: Int
    /// The header's name for `column`, when the header has that many columns.
    public internal(set) var columnName: String?

    package init(file: String, line: Int, column: Int, columnName: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
    }

    /// `FILE:LINE:COLUMN`.
    public var description: String { "\(file):\(line):\(column)" }

    /// `column 3 ("year")`, or `column 17` when the header has no such column.
    package var columnPhrase: String {
        if let columnName {
            return "column \(column) (\(quotedForMessage(columnName)))"
        }
        return "column \(column)"
    }
}

/// Wraps user text in double quotes for an error message, escaping quotes, backslashes and
/// control characters and shortening very long text, so one message stays on one line.
func quotedForMessage(_ text: String, limit: Int = 60) -> String {
    var out = "\""
    var count = 0
    for scalar in text.unicodeScalars {
        if count == limit {
            out += "…"
            break
        }
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        count += 1
    }
    return out + "\""
}
