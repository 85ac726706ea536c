/// A file replaced atomically: bytes go to a temporary sibling, which `finish()` flushes to disk
/// and renames over the destination in one step. `CSVWriter` writes through it; the CLI and the
/// report writer use it for other text files (HTML, SVG, notebooks).
///
///     let file = try AtomicFile(path: "out/report.html")
///     try file.write(Array(html.utf8))
///     try file.finish()
///
///     try AtomicFile.write(Array(svg.utf8), to: "out/chart.svg")   // the same, in one call
///
/// **Atomicity.** The temporary file is `DIR/.NAME.tmp-PID-N`, created exclusively. If anything
/// fails, or the file is cancelled or dropped before `finish()`, the temporary file is removed and
/// `path` is untouched: readers see the old file or the complete new one. SIGINT and SIGTERM
/// remove the temporary files of unfinished writes (`TemporaryFileRegistry`); SIGKILL cannot be
/// caught and may leave one, never a partial destination.
///
/// **What is refused.** `path` must be a regular file or not exist yet. A folder, a symbolic
/// link (it would be replaced by a file, not followed), a device node such as `/dev/null` or
/// `/dev/full`, a FIFO or a socket throws `CSVError.cannotWrite` before anything is written.
///
/// **Permissions.** A new file gets mode 0666 less the umask; a replaced file keeps its permission
/// bits and, where the process may set them, its owner and group.
///
/// **Standard output.** `-` writes to standard output directly (no atomicity, no refusal).
///
/// Errors say what was left behind only when it is true. Not `Sendable`: one task per file.
public final class AtomicFile {
    /// The destination path, or `-`.
    public let path: String

    private enum State { case open, finished, failed }

    private let descriptor: Int32
    /// The open temporary file's descriptor, for writers in this package that write at explicit
    /// offsets (`pwrite`, direct I/O: the shard writer). They must not close it; `finish` and
    /// `cancel` still own it.
    package var packageDescriptor: Int32 { descriptor }
    private let temporaryPath: String?
    /// The slot of `temporaryPath` in `TemporaryFileRegistry`.
    private let registration: Int?
    private var state = State.open

    /// Checks `path` (see the type's documentation) and creates the temporary file. Throws
    /// `CSVError.cannotWrite`.
    public init(path: String) throws(CSVError) {
        self.path = path
        if path == "-" {
            descriptor = POSIX.standardOutput
            temporaryPath = nil
            registration = nil
            return
        }
        if path.isEmpty {
            throw .cannotWrite(file: path, reason: "the output path is empty — give a file name, or '-' for standard output")
        }
        if path.hasSuffix("/") || POSIX.isDirectory(path) {
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

    deinit {
        if state == .open { _ = discard() }
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

    /// Appends `bytes`. Throws `CSVError.cannotWrite` (the temporary file is then removed and the
    /// file closed) or `.writerClosed`.
    public func write(_ bytes: [UInt8]) throws(CSVError) {
        guard state == .open else { throw .writerClosed(file: path) }
        let result = bytes.withUnsafeBytes { buffer -> Result<Void, PlatformFailure> in
            guard let base = buffer.baseAddress else { return .success(()) }
            return POSIX.writeAll(descriptor, base, count: buffer.count)
        }
        if case .failure(let failure) = result {
            state = .failed
            if temporaryPath == nil {
                throw .cannotWrite(file: path, reason: failure.message + " (standard output may hold part of the output)")
            }
            throw .cannotWrite(file: path, reason: failure.message + outcome(removed: discard()))
        }
    }

    /// Flushes the file to disk and renames it to `path`. Throws `CSVError.cannotWrite` (the
    /// temporary file is removed) or `.writerClosed`.
    public func finish() throws(CSVError) {
        guard state == .open else { throw .writerClosed(file: path) }
        guard let temporaryPath else {
            state = .finished
            return
        }
        if case .failure(let failure) = POSIX.sync(descriptor) {
            state = .failed
            throw .cannotWrite(file: path, reason: failure.message + outcome(removed: discard()))
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
    }

    /// Abandons the file: removes the temporary file and leaves `path` as it was. Does nothing
    /// after `finish()` or a failure.
    public func cancel() {
        guard state == .open else { return }
        state = .failed
        _ = discard()
    }

    /// Writes `bytes` to `path` atomically in one call (see the type's documentation).
    public static func write(_ bytes: [UInt8], to path: String) throws(CSVError) {
        let file = try AtomicFile(path: path)
        try file.write(bytes)
        try file.finish()
    }

    /// Closes and removes the temporary file; returns whether it is gone.
    private func discard() -> Bool {
        guard let temporaryPath else { return true }
        _ = POSIX.close(descriptor)
        let removed = POSIX.unlink(temporaryPath)
        TemporaryFileRegistry.unregister(registration)
        return removed
    }

    /// The end of an error's reason: whether `path` is untouched and the partial temporary file
    /// gone (said only when true).
    private func outcome(removed: Bool) -> String {
        guard let temporaryPath else { return "" }
        return removed
            ? "; the partial output was removed and \(path) is unchanged"
            : "; \(path) is unchanged, but the partial temporary file \(temporaryPath) could not be removed — delete it"
    }
}
