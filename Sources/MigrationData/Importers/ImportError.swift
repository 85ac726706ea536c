/// Everything that can go wrong turning a public source file into a canonical table.
///
/// Each description reads `FILE: what is wrong — what to do`. Rows are numbered as *data rows*
/// (1 = the first record after the header); in the shared source files every record is one line,
/// so data row N is line N + 1. Reading errors keep the CSV layer's `FILE:LINE:COLUMN` message.
///
/// The importers never trap on bad input: a missing file, a missing column, a value of the wrong
/// kind, an unknown country code or a duplicated key all end here.
public enum ImportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The CSV layer could not read the file (bad quoting, a non-number in a numeric column, …).
    case csv(CSVError)
    /// A file the importer needs is absent. `expected` says what the folder should hold.
    case missingSourceFile(path: String, source: String, expected: String)
    /// A column the importer needs is not in the file's header.
    case missingColumn(file: String, column: String, header: [String])
    /// A country code that neither the registry nor the importer's documented special codes know.
    case unknownCode(file: String, row: Int, column: String, code: String, hint: String)
    /// A value that is present but unusable (an empty key, an unknown category, a negative count).
    case invalidValue(file: String, row: Int, column: String, value: String, reason: String)
    /// Two rows with the same key where the source promises one row per key.
    case duplicateKey(file: String, row: Int, firstRow: Int, key: String)
    /// A table operation failed while assembling the output (a bug in the importer, not in the
    /// data; the message names the operation).
    case table(TableError, while: String)
    /// The caller's request cannot work (e.g. an empty year range, an unknown variant).
    case invalidRequest(String)

    /// `FILE: what is wrong — what to do` (see the type).
    public var description: String {
        switch self {
        case .csv(let error):
            return error.description
        case .missingSourceFile(let path, let source, let expected):
            return "\(path): the \(source) source file is missing — \(expected)"
        case .missingColumn(let file, let column, let header):
            let listed = header.prefix(20).map { quotedForMessage($0) }.joined(separator: ", ")
            return "\(file): no column \(quotedForMessage(column)) — the importer needs it; the header has \(listed)\(header.count > 20 ? ", …" : "") (check the file against its SOURCE.md)"
        case .unknownCode(let file, let row, let column, let code, let hint):
            return "\(file): data row \(row), column \(quotedForMessage(column)): unknown code \(quotedForMessage(code)) — \(hint)"
        case .invalidValue(let file, let row, let column, let value, let reason):
            return "\(file): data row \(row), column \(quotedForMessage(column)): \(quotedForMessage(value)) \(reason)"
        case .duplicateKey(let file, let row, let firstRow, let key):
            return "\(file): data row \(row) repeats the key \(key) of data row \(firstRow) — the source should have one row per key; remove or merge the duplicate"
        case .table(let error, let operation):
            return "internal error while \(operation): \(error) — please report this with the command you ran"
        case .invalidRequest(let what):
            return "invalid import request: \(what)"
        }
    }
}
