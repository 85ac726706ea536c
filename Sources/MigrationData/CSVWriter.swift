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

    private let descriptor: Int32
    private let temporaryPath: String?
    /// The slot of `temporaryPath` in `TemporaryFileRegistry`.
    private let registration: Int?
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
            registration = nil
        } else {
            if path.isEmpty || path.hasSuffix("/") || POSIX.isDirectory(path) {
                throw .cannotWrite(file: path, reason: "the path names a folder, not a file — give a file name")
            }
            var existing: (mode: UInt32, owner: UInt32, group: UInt32)? = nil
            switch POSIX.pathKind(path) {
            case .absent: break
            case .regular(let mode, let owner, let group): existing = (mode, owner, group)
            case .directory:
                throw .cannotWrite(file: path, reason: "the path names a folder, not a file — give a file name")
            case .symbolicLink:
                throw .cannotWrite(file: path, reason: "the path is a symbolic link, which would be replaced by a file — write to the link's target or another name; nothing was written")
            case .special(let kind):
                throw .cannotWrite(file: path, reason: "the path is \(kind), not a regular file, and output is only written to regular files (use '-' for standard output); nothing was written")
            }
            let (fd, temporary) = try Self.createTemporary(near: path)
            if let existing, case .failure(let failure) = POSIX.copyAttributes(to: fd, mode: existing.mode, owner: existing.owner, group: existing.group) {
                _ = POSIX.close(fd)
                POSIX.unlink(temporary)
                throw .cannotWrite(file: path, reason: "cannot give the new file the permissions of the old one: \(failure.message); \(path) is unchanged")
            }
            descriptor = fd
            temporaryPath = temporary
            registration = TemporaryFileRegistry.register(temporary)
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
                    throw .cannotWrite(file: path, reason: "cannot create a temporary file in the folder: \(lastReason) — check that the folder exists and is writable; nothing was written")
                }
            }
        }
        throw .cannotWrite(file: path, reason: "\(lastReason) — no free temporary name in the folder; nothing was written")
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
                let removed = POSIX.unlink(temporaryPath)
                TemporaryFileRegistry.unregister(registration)
                throw .cannotWrite(file: path, reason: failure.message + outcome(removed: removed))
            }
            if case .failure(let failure) = POSIX.rename(temporaryPath, path) {
                state = .failed
                let removed = POSIX.unlink(temporaryPath)
                TemporaryFileRegistry.unregister(registration)
                throw .cannotWrite(file: path, reason: failure.message + outcome(removed: removed))
            }
            TemporaryFileRegistry.unregister(registration)
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
            if temporaryPath == nil {
                throw .cannotWrite(file: path, reason: failure.message + " (standard output may hold part of the table)")
            }
            // The caller's catch discards the temporary file (`fail()`); say what remains.
            let removed = discardTemporary()
            throw .cannotWrite(file: path, reason: failure.message + outcome(removed: removed))
        }
    }

    /// The end of a write error's reason: whether the destination is untouched and the partial
    /// temporary file gone (said only when true).
    private func outcome(removed: Bool) -> String {
        guard let temporaryPath else { return "" }
        return removed
            ? "; the partial output was removed and \(path) is unchanged"
            : "; \(path) is unchanged, but the partial temporary file \(temporaryPath) could not be removed — delete it"
    }

    /// Closes and removes the temporary file; the writer is unusable afterwards.
    private func fail() {
        state = .failed
        discard()
    }

    private func discard() {
        pending.removeAll()
        _ = discardTemporary()
    }

    /// Closes and removes the temporary file once; returns whether it is gone.
    private var temporaryDiscarded = false
    private func discardTemporary() -> Bool {
        guard let temporaryPath else { return true }
        if temporaryDiscarded { return true }
        temporaryDiscarded = true
        _ = POSIX.close(descriptor)
        let removed = POSIX.unlink(temporaryPath)
        TemporaryFileRegistry.unregister(registration)
        return removed
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
