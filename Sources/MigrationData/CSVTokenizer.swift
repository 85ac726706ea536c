/// The byte-level RFC 4180 scanner: splits one record of a byte buffer into fields.
///
/// Grammar (RFC 4180, with LF and lone CR accepted as line ends besides CRLF):
///
///     record  = field *(DELIM field) (CRLF / LF / CR / end of input)
///     field   = quoted / unquoted
///     quoted  = DQUOTE *(any byte except DQUOTE / DQUOTE DQUOTE) DQUOTE
///     unquoted = *(any byte except DELIM, DQUOTE, CR, LF)
///
/// A quoted field may hold delimiters and line ends; `""` inside it stands for one quote. A
/// quote inside an unquoted field, or text after a closing quote, is an error (RFC 4180 §2.5–2.7).
///
/// The scanner never reads outside `0..<count` and never allocates except to grow the span
/// storage; it reports `needMoreData` when the record may continue past the bytes it has (so a
/// chunked reader can refill and scan the record again from its start).
struct CSVTokenizer {
    /// Where one field's content lies in the buffer (quotes excluded) and the line it starts on.
    struct Span {
        var start: Int
        var end: Int
        var line: Int
        /// The field was enclosed in quotes.
        var quoted: Bool
        /// The field contains `""` pairs that must be collapsed to `"`.
        var escaped: Bool
    }

    /// What scanning one record found.
    enum Outcome {
        /// A complete record of `fieldCount` fields (the first `min(fieldCount, capacity)` spans
        /// are stored); scanning continues at `next`, on line `nextLine`.
        case record(fieldCount: Int, next: Int, nextLine: Int)
        /// The record may continue past the end of the bytes; refill and scan again.
        case needMoreData
        /// No bytes are left and the input has ended.
        case endOfInput
        /// A quoted field opened on `line` as field `field` (1-based) never closes.
        case unterminatedQuote(line: Int, field: Int)
        /// A quote inside an unquoted field.
        case unexpectedQuote(line: Int, field: Int)
        /// Text after a closing quote.
        case textAfterClosingQuote(line: Int, field: Int)
    }

    /// The field separator.
    let delimiter: UInt8
    /// Storage for the spans of the current record; grows when a record has more fields.
    private(set) var spans: UnsafeMutablePointer<Span>
    private(set) var spanCapacity: Int

    /// The delimiter repeated in all eight bytes of a word.
    private let delimiterWord: UInt64
    private static let lineFeedWord = UInt64(UInt8(ascii: "\n")) &* 0x0101_0101_0101_0101
    private static let carriageReturnWord = UInt64(UInt8(ascii: "\r")) &* 0x0101_0101_0101_0101
    private static let quoteWord = UInt64(UInt8(ascii: "\"")) &* 0x0101_0101_0101_0101

    /// The bytes of `word` that are zero, flagged by their high bit. Bits above the lowest flag
    /// may be false (a borrow runs on), the lowest is exact: it marks the first zero byte in
    /// little-endian order (Mycroft's null-byte test).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        delimiterWord = UInt64(delimiter) &* 0x0101_0101_0101_0101
        spanCapacity = 64
        spans = UnsafeMutablePointer<Span>.allocate(capacity: spanCapacity)
    }

    /// Frees the span storage; the owner calls this once from its `deinit`.
    func deallocate() {
        spans.deallocate()
    }

    /// Stores a span, growing the storage when needed.
    @inline(__always)
    private mutating func store(_ index: Int, _ span: Span) {
        if index >= spanCapacity {
            let newCapacity = Swift.max(spanCapacity * 2, index + 1)
            let newSpans = UnsafeMutablePointer<Span>.allocate(capacity: newCapacity)
            newSpans.moveInitialize(from: spans, count: spanCapacity)
            spans.deallocate()
            spans = newSpans
            spanCapacity = newCapacity
        }
        (spans + index).initialize(to: span)
    }

    /// The offset of the first delimiter, line feed, carriage return or quote at or after `p`,
    /// eight bytes per step. The bytes from `p` on must contain one (the buffer's line-feed
    /// sentinel at `count`), with 8 readable bytes behind it (`ShortField.slack`).
    @inline(__always)
    func endOfUnquotedField(_ bytes: UnsafePointer<UInt8>, from p: Int) -> Int {
        var q = p
        while true {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes + q).loadUnaligned(as: UInt64.self))
            let hits = Self.zeroBytes(word ^ delimiterWord) | Self.zeroBytes(word ^ Self.lineFeedWord)
                | Self.zeroBytes(word ^ Self.carriageReturnWord) | Self.zeroBytes(word ^ Self.quoteWord)
            if hits != 0 {
                return q + hits.trailingZeroBitCount >> 3
            }
            q += 8
        }
    }

    /// Scans one record starting at `position` in `bytes[0..<count]`, the record's first line
    /// being `line`. `bytes[count]` must be readable and hold a line feed (a sentinel; see
    /// `CSVReadBuffer`). `atEnd` says the input has no bytes after `count`. Only the first
    /// `storeLimit` spans are stored (the rest are counted), so a line of a million delimiters
    /// cannot make the span storage huge.
    mutating func scanRecord(
        _ bytes: UnsafePointer<UInt8>, count: Int, position: Int, line: Int, atEnd: Bool, storeLimit: Int
    ) -> Outcome {
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        if position >= count {
            return atEnd ? .endOfInput : .needMoreData
        }
        var p = position
        var currentLine = line
        var field = 0
        while true {
            if p < count && bytes[p] == quote {
                // Quoted field.
                let fieldLine = currentLine
                var q = p + 1
                var escaped = false
                while true {
                    if q >= count {
                        return atEnd ? .unterminatedQuote(line: fieldLine, field: field + 1) : .needMoreData
                    }
                    let c = bytes[q]
                    if c == quote {
                        if q + 1 >= count {
                            if !atEnd { return .needMoreData }
                            break
                        }
                        if bytes[q + 1] == quote {
                            escaped = true
                            q += 2
                            continue
                        }
                        break
                    } else if c == lf {
                        currentLine += 1
                    } else if c == cr {
                        if q + 1 < count {
                            if bytes[q + 1] == lf { q += 1 }
                        } else if !atEnd {
                            return .needMoreData
                        }
                        currentLine += 1
                    }
                    q += 1
                }
                // bytes[q] is the closing quote.
                if field < storeLimit { store(field, Span(start: p + 1, end: q, line: fieldLine, quoted: true, escaped: escaped)) }
                p = q + 1
                if p >= count {
                    if atEnd { return .record(fieldCount: field + 1, next: p, nextLine: currentLine) }
                    return .needMoreData
                }
                let c = bytes[p]
                if c == delimiter {
                    p += 1
                    field += 1
                    continue
                }
                if c == lf {
                    return .record(fieldCount: field + 1, next: p + 1, nextLine: currentLine + 1)
                }
                if c == cr {
                    if p + 1 < count {
                        let next = bytes[p + 1] == lf ? p + 2 : p + 1
                        return .record(fieldCount: field + 1, next: next, nextLine: currentLine + 1)
                    }
                    if atEnd { return .record(fieldCount: field + 1, next: p + 1, nextLine: currentLine + 1) }
                    return .needMoreData
                }
                return .textAfterClosingQuote(line: currentLine, field: field + 1)
            }

            // Unquoted field: scan to the next special byte, eight bytes per step. `bytes[count]`
            // is a line feed (the buffer's sentinel), so the loop stops at `count` at the latest;
            // the 8-byte loads stay within the 16 readable bytes behind it (`ShortField.slack`).
            let q = endOfUnquotedField(bytes, from: p)
            if q < count && bytes[q] == quote {
                return .unexpectedQuote(line: currentLine, field: field + 1)
            }
            if field < storeLimit {
                store(field, Span(start: p, end: q, line: currentLine, quoted: false, escaped: false))
            }
            if q >= count {
                if atEnd { return .record(fieldCount: field + 1, next: q, nextLine: currentLine) }
                return .needMoreData
            }
            let c = bytes[q]
            if c == delimiter {
                p = q + 1
                field += 1
                continue
            }
            if c == lf {
                return .record(fieldCount: field + 1, next: q + 1, nextLine: currentLine + 1)
            }
            // c == CR
            if q + 1 < count {
                let next = bytes[q + 1] == lf ? q + 2 : q + 1
                return .record(fieldCount: field + 1, next: next, nextLine: currentLine + 1)
            }
            if atEnd { return .record(fieldCount: field + 1, next: q + 1, nextLine: currentLine + 1) }
            return .needMoreData
        }
    }
}
