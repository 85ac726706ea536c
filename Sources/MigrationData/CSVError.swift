/// Everything that can go wrong reading or writing CSV.
///
/// Each description reads `FILE:LINE:COLUMN: what is wrong — what to do`, where LINE is the
/// 1-based physical line and COLUMN the 1-based field number (see `CSVLocation`), and the
/// column is also named in words, e.g.
///
///     population.csv:7:1: column 1 ("year"): expected an integer, found "19x1" — correct the value, …
///
/// Errors about the whole file (it cannot be opened, a declared column is not in the header)
/// print `FILE: …` or `FILE:LINE: …` because no single field is at fault.
public enum CSVError: Error, CustomStringConvertible, Sendable, Equatable {
    // MARK: Reading: the shape of the file

    /// The file has no bytes (a UTF-8 byte-order mark alone counts as empty).
    case emptyFile(file: String)
    /// The first line is blank, so there is no header row.
    case missingHeader(CSVLocation)
    /// A header field is empty (`a,,c` or `"",b`).
    case emptyColumnName(CSVLocation)
    /// A header names the same column twice; `firstColumn` is the 1-based number of the first use.
    case duplicateColumnName(CSVLocation, firstColumn: Int)
    /// A record has a different number of fields than the header. The location is the first
    /// extra field (too many) or the first missing field (too few).
    case wrongFieldCount(CSVLocation, expected: Int, found: Int)
    /// The bytes are not valid UTF-8. `byteOffset` is the 0-based offset of the first bad byte in
    /// the file (counting a byte-order mark), `byte` its value.
    case invalidUTF8(CSVLocation, byteOffset: Int, byte: UInt8)
    /// A quoted field starts at this location and the file ends before its closing quote.
    case unterminatedQuote(CSVLocation)
    /// A double quote appears inside a field that does not start with one (RFC 4180 forbids it).
    case unexpectedQuote(CSVLocation)
    /// Something other than a delimiter or line end follows a closing quote (`"ab"c`).
    case textAfterClosingQuote(CSVLocation)
    /// A single record is longer than `CSVReadOptions.maximumRecordBytes` (usually a quote that
    /// is never closed in a large file).
    case recordTooLong(CSVLocation, limit: Int)

    // MARK: Reading: the values

    /// Text in a column declared `.int` or `.double`.
    case notANumber(CSVLocation, text: String, expected: ColumnType)
    /// An integer in an `.int` column that does not fit in 64 bits.
    case integerOutOfRange(CSVLocation, text: String)
    /// Chunked reading inferred `inferred` for this column from the first chunk, and a later
    /// chunk holds a value of another kind; or a pipe cannot be re-read after numbers turned to
    /// text. The earlier rows were already returned or consumed, so the reader cannot widen the
    /// type; declare it instead.
    case typeChangedAfterFirstChunk(CSVLocation, text: String, inferred: ColumnType)

    // MARK: Reading: the caller's request

    /// `CSVReadOptions.columnTypes` names a column the header does not have.
    case unknownDeclaredColumn(file: String, name: String, header: [String])
    /// `CSVReadOptions.columns` names a column the header does not have.
    case unknownSelectedColumn(file: String, name: String, header: [String])
    /// The options cannot work (e.g. a delimiter that is a quote or a line end).
    case invalidOptions(String)

    // MARK: Files

    /// The file cannot be opened for reading.
    case cannotOpen(file: String, reason: String)
    /// Reading failed after the file was opened.
    case readFailed(file: String, reason: String)
    /// Creating, writing or renaming the output failed, or the path may not be written (a folder,
    /// link or special file); `reason` says whether anything was left behind.
    case cannotWrite(file: String, reason: String)

    // MARK: Writing

    /// A NaN or infinite value met `CSVWriteOptions.NonFiniteDoubles.reject`. The location is
    /// where it would have been written.
    case nonFiniteValue(CSVLocation, value: String)
    /// A later `CSVWriter.write(_:)` call passed columns different from the first call's.
    case columnsChanged(file: String, expected: [String], found: [String])
    /// `CSVWriter.write(_:)` or `finish()` was called after the writer had finished or failed.
    case writerClosed(file: String)

    /// The location of the error, when one field is at fault.
    public var location: CSVLocation? {
        switch self {
        case .missingHeader(let at), .emptyColumnName(let at), .duplicateColumnName(let at, _),
             .wrongFieldCount(let at, _, _), .invalidUTF8(let at, _, _), .unterminatedQuote(let at),
             .unexpectedQuote(let at), .textAfterClosingQuote(let at), .recordTooLong(let at, _),
             .notANumber(let at, _, _), .integerOutOfRange(let at, _),
             .typeChangedAfterFirstChunk(let at, _, _), .nonFiniteValue(let at, _):
            return at
        case .emptyFile(let file):
            return CSVLocation(file: file, line: 1, column: 1)
        case .unknownDeclaredColumn, .unknownSelectedColumn, .invalidOptions, .cannotOpen, .readFailed, .cannotWrite,
             .columnsChanged, .writerClosed:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .emptyFile(let file):
            return "\(file):1:1: the file is empty — a CSV file must start with a header row naming its columns"
        case .missingHeader(let at):
            return "\(at): the first line is blank, so there is no header row — put the column names on line 1 (delete blank lines above them)"
        case .emptyColumnName(let at):
            return "\(at): \(at.columnPhrase) of the header has no name — name every column (R's write.csv adds an unnamed row-name column; write with row.names = FALSE)"
        case .duplicateColumnName(let at, let first):
            return "\(at): \(at.columnPhrase): the header already uses this name for column \(first) — give each column a distinct name"
        case .wrongFieldCount(let at, let expected, let found):
            if found > expected {
                return "\(at): \(at.columnPhrase): the record has \(found) fields but the header has \(expected) — quote fields that contain the delimiter, or add the missing names to the header"
            }
            return "\(at): \(at.columnPhrase): the record has \(found) field\(found == 1 ? "" : "s") but the header has \(expected) — add the missing fields (leave a field empty for a missing value)"
        case .invalidUTF8(let at, let offset, let byte):
            let hex = "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            if offset < 2 && (byte == 0xFF || byte == 0xFE) {
                return "\(at): \(at.columnPhrase): invalid UTF-8 (byte \(hex) at file offset \(offset)); the file looks like UTF-16 — re-save it as UTF-8"
            }
            return "\(at): \(at.columnPhrase): invalid UTF-8 (byte \(hex) at file offset \(offset)) — re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)"
        case .unterminatedQuote(let at):
            return "\(at): \(at.columnPhrase): the quoted field that starts here is never closed — add the closing quote (write a quote inside a quoted field as \"\")"
        case .unexpectedQuote(let at):
            return "\(at): \(at.columnPhrase): a double quote inside an unquoted field — enclose the whole field in quotes and double the inner quote (\"\")"
        case .textAfterClosingQuote(let at):
            return "\(at): \(at.columnPhrase): text follows the closing quote of a quoted field — put the delimiter right after the closing quote, or double the quotes that belong to the text (\"\")"
        case .recordTooLong(let at, let limit):
            return "\(at): \(at.columnPhrase): the record starting on this line is longer than \(limit) bytes — look for a quote that is never closed, or split the record: longer records are refused"
        case .notANumber(let at, let text, let expected):
            let kind = expected == .int ? "an integer" : "a number"
            return "\(at): \(at.columnPhrase): expected \(kind), found \(quotedForMessage(text)) — correct the value, or empty the cell (or write NA) if the value is missing"
        case .integerOutOfRange(let at, let text):
            return "\(at): \(at.columnPhrase): \(quotedForMessage(text)) does not fit in a 64-bit integer — write it with a decimal point (e.g. 1e20) or correct it"
        case .typeChangedAfterFirstChunk(let at, let text, let inferred):
            let name = at.columnName ?? "column \(at.column)"
            let wider: ColumnType = inferred == .int && looksNumeric(text) ? .double : .string
            return "\(at): \(at.columnPhrase): found \(quotedForMessage(text)) after earlier rows made this column .\(inferred), and those rows cannot be read again — declare the type before reading: options.columnTypes[\(quotedForMessage(name))] = .\(wider)"
        case .unknownDeclaredColumn(let file, let name, let header):
            let listed = header.prefix(20).map { quotedForMessage($0) }.joined(separator: ", ")
            return "\(file):1: CSVReadOptions.columnTypes declares \(quotedForMessage(name)), which is not in the header — check the spelling; the header has \(listed)\(header.count > 20 ? ", …" : "")"
        case .unknownSelectedColumn(let file, let name, let header):
            let listed = header.prefix(20).map { quotedForMessage($0) }.joined(separator: ", ")
            return "\(file):1: CSVReadOptions.columns selects \(quotedForMessage(name)), which is not in the header — check the spelling; the header has \(listed)\(header.count > 20 ? ", …" : "")"
        case .invalidOptions(let what):
            return "invalid CSV options: \(what)"
        case .cannotOpen(let file, let reason):
            return "\(file): cannot open for reading: \(reason) — check the path and permissions"
        case .readFailed(let file, let reason):
            return "\(file): reading failed: \(reason) — check the disk or the device, then retry"
        case .cannotWrite(let file, let reason):
            return "\(file): cannot write: \(reason)"
        case .nonFiniteValue(let at, let value):
            return "\(at): \(at.columnPhrase): cannot write \(value) — store a missing value (nil) instead, or set CSVWriteOptions.nonFiniteDoubles = .tokens(…) to write a marker"
        case .columnsChanged(let file, let expected, let found):
            return "\(file): the table has columns \(found.map { quotedForMessage($0) }.joined(separator: ", ")) but this file was started with \(expected.map { quotedForMessage($0) }.joined(separator: ", ")) — write tables with the same columns in the same order (use Table.select)"
        case .writerClosed(let file):
            return "\(file): the writer has already finished or failed — create a new CSVWriter"
        }
    }
}

/// Whether `text` is a decimal number (used only to word an error message).
private func looksNumeric(_ text: String) -> Bool {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return false }
        return NumberParsing.parseDouble(UnsafePointer(base), buffer.count) != nil
    }
}
