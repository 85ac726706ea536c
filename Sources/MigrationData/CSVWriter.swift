/// Writes tables as RFC 4180 CSV, atomically.
///
///     try CSVWriter.write(table, to: "out/flows.csv")                        // one table
///     try CSVWriter.write(table, to: "-")                                    // standard output
///     try CSVWriter.write(table, to: "for-excel.csv", options: .spreadsheet) // BOM + CRLF
///
///     // Chunk by chunk (e.g. from CSVReader.nextChunk), with bounded memory:
///     let writer = try CSVWriter(path: "out.csv", columnNames: reader.header)
///     while let chunk = try reader.nextChunk() { try writer.write(chunk) }
///     try writer.finish()
///
/// **Format.** A header row with the column names, then one record per row, columns in the
/// table's order (deterministic: the same table always gives the same bytes). Fields that contain
/// the delimiter, a double quote, CR or LF are enclosed in double quotes with inner quotes
/// doubled; empty strings are written `""`; missing cells are empty fields. Numbers: see
/// `CSVWriteOptions`.
///
/// **Atomicity.** Output goes through an `AtomicFile`: a new temporary file in the destination's
/// folder (`.NAME.tmp-PID-N`), which `finish()` flushes to disk (`fsync`) and renames over `path`
/// in one step. If anything fails, or the writer is dropped or cancelled before `finish()`, the
/// temporary file is removed and `path` is untouched: readers of `path` see the old file or the
/// complete new one, never a partial file. A new file gets mode 0666 less the umask; a file that
/// is replaced keeps its permission bits (a 0600 file stays 0600) and, where the process may set
/// them, its owner and group. `-` writes to standard output directly (no atomicity there).
/// SIGINT and SIGTERM remove the temporary files of unfinished writers (`TemporaryFileRegistry`).
///
/// **What is refused.** `path` must be a regular file or not exist yet: a folder, a symbolic
/// link (it would be replaced by a file, not followed), a device node such as `/dev/null` or
/// `/dev/full`, a FIFO or a socket throws `CSVError.cannotWrite` before anything is written, so
/// the writer never replaces a special file with a regular one. Write errors (a full disk) are
/// reported, naming the file, and the temporary file is removed.
///
/// **Formula injection.** Text cells and header cells that start with `=`, `+`, `-`, `@`, tab or
/// CR are written with a leading `'` so that spreadsheets do not run them as formulas; numeric
/// columns are unchanged. See `CSVWriteOptions.neutraliseFormulas` (on by default).
///
/// A `CSVWriter` owns a file descriptor and is not `Sendable`; use one writer from one task.
public final class CSVWriter {
    /// The destination path, or `-`.
    public let path: String
    public let options: CSVWriteOptions
    /// The header every written table must match.
    public let columnNames: [String]

    private enum State { case open, finished, failed }

    private let file: AtomicFile
    private var encoder: CSVEncoder
    private var pending: [UInt8] = []
    private var state = State.open
    private static let flushThreshold = 1 << 16

    /// Starts writing `path` (`-`: standard output): checks the path and creates the temporary
    /// file (see `AtomicFile`), and buffers the byte-order mark (if asked for) and the header.
    /// Throws `CSVError.cannotWrite` or `.invalidOptions`.
    public init(path: String, columnNames: [String], options: CSVWriteOptions = CSVWriteOptions()) throws(CSVError) {
        try options.validate()
        self.path = path
        self.options = options
        self.columnNames = columnNames
        file = try AtomicFile(path: path)
        encoder = CSVEncoder(options: options, name: path)
        pending.reserveCapacity(Self.flushThreshold + 4096)
        encoder.appendPreamble(to: &pending)
        encoder.appendHeader(columnNames, to: &pending)
    }

    deinit {
        if state == .open { file.cancel() }
    }

    /// Appends the rows of `table`, whose column names must equal `columnNames` (types may be
    /// anything). Throws `CSVError.columnsChanged`, `.nonFiniteValue`, `.cannotWrite` or
    /// `.writerClosed`; after an error the writer has removed its temporary file and is closed.
    public func write(_ table: Table) throws(CSVError) {
        guard state == .open else { throw .writerClosed(file: path) }
        guard table.columnNames == columnNames else {
            fail()
            throw .columnsChanged(file: path, expected: columnNames, found: table.columnNames)
        }
        // Encode in slices so that memory stays near the flush threshold for large tables.
        var row = 0
        do throws(CSVError) {
            while row < table.rowCount {
                let end = Swift.min(table.rowCount, row + 4096)
                try encoder.appendRows(of: table, row..<end, to: &pending)
                row = end
                if pending.count >= Self.flushThreshold {
                    try flush()
                }
            }
        } catch {
            fail()
            throw error
        }
    }

    /// Writes what is buffered, flushes it to disk and renames the temporary file to `path`.
    /// Throws `CSVError.cannotWrite` (the temporary file is removed) or `.writerClosed`.
    public func finish() throws(CSVError) {
        guard state == .open else { throw .writerClosed(file: path) }
        do throws(CSVError) {
            try flush()
            try file.finish()
            state = .finished
        } catch {
            fail()
            throw error
        }
    }

    /// Abandons the output: removes the temporary file and leaves `path` as it was. Does nothing
    /// after `finish()`.
    public func cancel() {
        if state == .open { fail() }
    }

    private func flush() throws(CSVError) {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        try file.write(pending)
    }

    /// Removes the temporary file (if still there); the writer is unusable afterwards.
    private func fail() {
        state = .failed
        pending.removeAll()
        file.cancel()
    }

    // MARK: One-shot helpers

    /// Writes `table` to `path` (`-`: standard output) atomically. Throws as `write(_:)` and
    /// `finish()`.
    public static func write(_ table: Table, to path: String, options: CSVWriteOptions = CSVWriteOptions()) throws(CSVError) {
        let writer = try CSVWriter(path: path, columnNames: table.columnNames, options: options)
        try writer.write(table)
        try writer.finish()
    }

    /// The CSV bytes of `table`. Throws `CSVError.nonFiniteValue` or `.invalidOptions`; error
    /// locations name the file `<memory>`.
    public static func encode(_ table: Table, options: CSVWriteOptions = CSVWriteOptions()) throws(CSVError) -> [UInt8] {
        try options.validate()
        var encoder = CSVEncoder(options: options, name: "<memory>")
        var out: [UInt8] = []
        encoder.appendPreamble(to: &out)
        encoder.appendHeader(table.columnNames, to: &out)
        try encoder.appendRows(of: table, 0..<table.rowCount, to: &out)
        return out
    }

    /// The CSV text of `table` (a byte-order mark, if asked for, is the first character).
    public static func string(_ table: Table, options: CSVWriteOptions = CSVWriteOptions()) throws(CSVError) -> String {
        String(decoding: try encode(table, options: options), as: UTF8.self)
    }
}
