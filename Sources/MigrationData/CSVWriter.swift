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
/// **Atomicity.** Output goes to a new temporary file in the destination's folder
/// (`.NAME.tmp-PID-N`), which `finish()` flushes to disk (`fsync`) and renames over `path` in one
/// step. If anything fails, or the writer is dropped or cancelled before `finish()`, the
/// temporary file is removed and `path` is untouched: readers of `path` see the old file or the
/// complete new one, never a partial file. The new file gets mode 0666 less the umask. `-` writes
/// to standard output directly (no atomicity there).
///
/// A `CSVWriter` owns a file descriptor and is not `Sendable`; use one writer from one task.
public final class CSVWriter {
    /// The destination path, or `-`.
    public let path: String
    public let options: CSVWriteOptions
    /// The header every written table must match.
    public let columnNames: [String]

    private enum State { case open, finished, failed }

    private let descriptor: Int32
    private let temporaryPath: String?
    private var encoder: CSVEncoder
    private var pending: [UInt8] = []
    private var state = State.open
    private static let flushThreshold = 1 << 16

    /// Starts writing `path` (`-`: standard output): creates the temporary file and writes the
    /// byte-order mark (if asked for) and the header. Throws `CSVError.cannotWrite` or
    /// `.invalidOptions`.
    public init(path: String, columnNames: [String], options: CSVWriteOptions = CSVWriteOptions()) throws(CSVError) {
        try options.validate()
        self.path = path
        self.options = options
        self.columnNames = columnNames
        if path == "-" {
            descriptor = POSIX.standardOutput
            temporaryPath = nil
        } else {
            if path.isEmpty || path.hasSuffix("/") || POSIX.isDirectory(path) {
                throw .cannotWrite(file: path, reason: "the path names a folder, not a file")
            }
            let (fd, temporary) = try Self.createTemporary(near: path)
            descriptor = fd
            temporaryPath = temporary
        }
        encoder = CSVEncoder(options: options, name: path)
        pending.reserveCapacity(Self.flushThreshold + 4096)
        encoder.appendPreamble(to: &pending)
        encoder.appendHeader(columnNames, to: &pending)
    }

    deinit {
        if state == .open {
            discard()
        }
    }

    /// Creates `DIR/.NAME.tmp-PID-N` exclusively, trying a few names.
    private static func createTemporary(near path: String) throws(CSVError) -> (Int32, String) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var lastReason = ""
        for attempt in 0..<16 {
            let suffix = String(POSIX.monotonicNanoseconds() &+ UInt64(attempt), radix: 36)
            let temporary = "\(folder).\(base).tmp-\(POSIX.processID())-\(suffix)"
            switch POSIX.createExclusive(temporary) {
            case .success(let fd):
                return (fd, temporary)
            case .failure(let failure):
                lastReason = failure.message
                if !failure.isAlreadyExists {
                    throw .cannotWrite(file: path, reason: "cannot create a temporary file in the folder: \(lastReason)")
                }
            }
        }
        throw .cannotWrite(file: path, reason: lastReason)
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
            guard let temporaryPath else {
                state = .finished
                return
            }
            if case .failure(let failure) = POSIX.sync(descriptor) {
                throw .cannotWrite(file: path, reason: failure.message)
            }
            if case .failure(let failure) = POSIX.close(descriptor) {
                state = .failed
                POSIX.unlink(temporaryPath)
                throw .cannotWrite(file: path, reason: failure.message)
            }
            if case .failure(let failure) = POSIX.rename(temporaryPath, path) {
                state = .failed
                POSIX.unlink(temporaryPath)
                throw .cannotWrite(file: path, reason: failure.message)
            }
            state = .finished
        } catch {
            if state == .open { fail() }
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
        let result = pending.withUnsafeBytes { bytes -> Result<Void, PlatformFailure> in
            guard let base = bytes.baseAddress else { return .success(()) }
            return POSIX.writeAll(descriptor, base, count: bytes.count)
        }
        pending.removeAll(keepingCapacity: true)
        if case .failure(let failure) = result {
            throw .cannotWrite(file: path, reason: failure.message)
        }
    }

    /// Closes and removes the temporary file; the writer is unusable afterwards.
    private func fail() {
        state = .failed
        discard()
    }

    private func discard() {
        pending.removeAll()
        if let temporaryPath {
            _ = POSIX.close(descriptor)
            POSIX.unlink(temporaryPath)
        }
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
