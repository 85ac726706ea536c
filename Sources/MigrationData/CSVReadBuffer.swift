/// The bytes the reader is looking at: a window onto a file, refilled with `read(2)` in
/// `readSize` pieces, or a whole in-memory input.
///
/// `bytes[0..<count]` holds the file bytes from absolute offset `fileOffset`. `refill(keepingFrom:)`
/// drops everything before the unfinished record, moves that record to the front, and reads more
/// behind it; the window grows (doubling) only when a single record does not fit, up to
/// `maximumRecordBytes`. Memory use is therefore `readSize` plus the longest record, whatever the
/// file size.
///
/// One byte past the valid bytes, `bytes[count]`, always holds a line feed: a sentinel that lets
/// the tokenizer scan unquoted fields without checking the end of the buffer on every byte. At
/// least 16 more bytes are allocated behind it, so that short fields can be loaded as words (see
/// `ShortField`).
///
/// **Reading ahead.** `readTable` parses each window on two threads; for the next window's
/// `read(2)` not to wait until both are done, the thread that finishes its part builds the next
/// window with `readAhead(keepingFrom:)` in a second allocation of the same size (`spare`, kept
/// from window to window, so its pages are faulted in once), and the reader hands it over with
/// `keepReadAhead`. The next `refill(keepingFrom:)` from the same point swaps the two windows:
/// the same bytes, offsets and end flag as reading then, from the same single `read(2)` call.
/// From another point (the round's second part was read again in order and stopped elsewhere)
/// the descriptor is moved back and the window is read as usual. Only seekable files read ahead.
struct CSVReadBuffer {
    enum Source {
        /// A file descriptor this buffer owns and closes (standard input excepted). `origin` is
        /// the descriptor's offset when reading began, `nil` when it cannot seek (pipes).
        case file(descriptor: Int32, origin: Int?)
        /// All bytes are already in the buffer.
        case memory
    }

    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Valid bytes in `bytes`.
    private(set) var count: Int = 0
    /// Absolute file offset of `bytes[0]`.
    private(set) var fileOffset: Int = 0
    /// No bytes follow `bytes[count - 1]` in the input.
    private(set) var atEnd: Bool = false
    let source: Source
    let readSize: Int
    let maximumRecordBytes: Int
    /// The name used in error messages.
    let name: String
    /// The input's total size in bytes when known (regular files, memory), for estimating how
    /// many rows to reserve room for.
    let totalSize: Int?
    /// The second window that `readAhead` fills (`capacity` bytes plus the slack), `nil` until
    /// `prepareSpare` makes it.
    private var spare: UnsafeMutablePointer<UInt8>? = nil
    /// The capacity `spare` was allocated with.
    private var spareCapacity = 0
    /// A window read ahead into `spare`, for the next `refill`.
    private var pendingReadAhead: ReadAhead? = nil

    /// A buffer reading from an open descriptor, from its current offset on.
    init(descriptor: Int32, name: String, readSize: Int, maximumRecordBytes: Int) {
        self.source = .file(descriptor: descriptor, origin: POSIX.currentOffset(descriptor))
        self.readSize = readSize
        self.maximumRecordBytes = maximumRecordBytes
        self.name = name
        totalSize = POSIX.regularFileSize(descriptor)
        capacity = Swift.max(1, readSize)
        bytes = Self.allocate(capacity)
        bytes[0] = Self.sentinel
    }

    /// The byte kept at `bytes[count]`.
    static let sentinel = UInt8(ascii: "\n")

    /// `capacity` bytes plus `ShortField.slack` (sentinel and word loads), all zeroed.
    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + ShortField.slack)
        bytes.initialize(repeating: 0, count: capacity + ShortField.slack)
        return bytes
    }

    /// A buffer over a copy of `input`.
    init<Input: Collection>(copying input: Input, name: String) where Input.Element == UInt8 {
        self.source = .memory
        self.readSize = Swift.max(1, input.count)
        self.maximumRecordBytes = Int.max
        self.name = name
        totalSize = input.count
        capacity = Swift.max(1, input.count)
        bytes = Self.allocate(capacity)
        var index = 0
        for byte in input where index < capacity {
            bytes[index] = byte
            index += 1
        }
        count = index
        bytes[count] = Self.sentinel
        atEnd = true
    }

    /// Frees the memory and closes the file; the owner calls this once from its `deinit`.
    func release() {
        bytes.deallocate()
        spare?.deallocate()
        if case .file(let descriptor, _) = source, descriptor != POSIX.standardInput {
            _ = POSIX.close(descriptor)
        }
    }

    /// Keeps `bytes[keepingFrom..<count]`, moved to the front, and reads more after it. Returns
    /// the number of bytes dropped from the front (callers subtract it from their positions).
    /// At the end of the input it sets `atEnd` instead. Throws `.recordTooLong` (located by the
    /// caller) through `tooLong`, or `.readFailed`.
    mutating func refill(keepingFrom start: Int) -> RefillResult {
        guard case .file(let descriptor, _) = source, !atEnd else {
            atEnd = true
            return .refilled(dropped: 0)
        }
        if let next = pendingReadAhead {
            pendingReadAhead = nil
            if next.start == start, let spare {
                return adopt(next, spare: spare)
            }
            if !dropReadAhead(next) {
                return .failed("cannot go back in the input to read it again")
            }
        }
        let kept = count - start
        if start > 0 {
            if kept > 0 {
                bytes.update(from: bytes + start, count: kept)
            }
            count = kept
            fileOffset += start
        }
        if count == capacity {
            // One record fills the whole window: grow it.
            if capacity >= maximumRecordBytes {
                bytes[count] = Self.sentinel
                return .recordTooLong
            }
            let newCapacity = Swift.min(maximumRecordBytes, Swift.max(capacity * 2, capacity + readSize))
            let newBytes = Self.allocate(newCapacity)
            newBytes.update(from: bytes, count: count)
            bytes.deallocate()
            bytes = newBytes
            capacity = newCapacity
        }
        return applyRead(POSIX.read(descriptor, into: bytes + count, count: capacity - count), dropped: start)
    }

    /// The window after one `read(2)` behind its `count` kept bytes: the bytes read counted (at
    /// the end of the input when none), the sentinel behind them; a failed read keeps the
    /// window as it was.
    private mutating func applyRead(_ result: Result<Int, PlatformFailure>, dropped: Int) -> RefillResult {
        switch result {
        case .success(let read):
            if read == 0 {
                atEnd = true
            }
            count += read
            bytes[count] = Self.sentinel
            return .refilled(dropped: dropped)
        case .failure(let failure):
            bytes[count] = Self.sentinel
            return .failed(failure.message)
        }
    }

    /// Whether `readAhead` can build the next window: reading from a seekable descriptor that
    /// has not ended, with a spare window of the current capacity and no window read ahead yet.
    var canReadAhead: Bool {
        guard case .file(_, _?) = source, !atEnd, pendingReadAhead == nil else { return false }
        return spare != nil && spareCapacity == capacity
    }

    /// Makes (or remakes, after the window grew) the spare window for `readAhead`.
    mutating func prepareSpare() {
        guard case .file(_, _?) = source, spareCapacity != capacity, pendingReadAhead == nil else { return }
        spare?.deallocate()
        spare = Self.allocate(capacity)
        spareCapacity = capacity
    }

    /// The next window, built in the spare by `readAhead`, for `keepReadAhead`.
    struct ReadAhead {
        /// The `keepingFrom` it was built for.
        let start: Int
        /// What the `read(2)` call gave: bytes read (0 at the end of the input), or the failure.
        let read: Result<Int, PlatformFailure>
    }

    /// Builds in the spare window what `refill(keepingFrom: start)` would make of this one:
    /// `bytes[start..<count]` at the front and one `read(2)` of the input behind it. Changes
    /// nothing in this window, so other threads may go on scanning it meanwhile; no other read
    /// of the descriptor may run at the same time, and the result must be given to
    /// `keepReadAhead` before the next refill. `nil` (nothing read) when `canReadAhead` is false
    /// or the kept bytes fill the window (the refill must grow it).
    func readAhead(keepingFrom start: Int) -> ReadAhead? {
        guard canReadAhead, let spare, case .file(let descriptor, _) = source else { return nil }
        let kept = count - start
        guard kept < capacity else { return nil }
        if kept > 0 {
            spare.update(from: bytes + start, count: kept)
        }
        let read = POSIX.read(descriptor, into: spare + kept, count: capacity - kept)
        spare[kept + ((try? read.get()) ?? 0)] = Self.sentinel
        return ReadAhead(start: start, read: read)
    }

    /// Keeps a window `readAhead` built from this one (unchanged since) for the next refill.
    mutating func keepReadAhead(_ next: ReadAhead) {
        pendingReadAhead = next
    }

    /// Takes the window read ahead from `next.start`, as `refill(keepingFrom: next.start)`
    /// would have made it; this window becomes the spare.
    private mutating func adopt(_ next: ReadAhead, spare: UnsafeMutablePointer<UInt8>) -> RefillResult {
        count -= next.start
        self.spare = bytes
        bytes = spare
        fileOffset += next.start
        return applyRead(next.read, dropped: next.start)
    }

    /// Gives up a window read ahead: moves the descriptor back to where it was before that read.
    /// `false` when it cannot seek (not reached: only seekable files read ahead).
    private mutating func dropReadAhead(_ next: ReadAhead) -> Bool {
        guard case .success(let read) = next.read, read > 0 else { return true }
        guard case .file(let descriptor, let origin?) = source else { return false }
        return POSIX.seek(descriptor, to: origin + fileOffset + count)
    }

    enum RefillResult {
        case refilled(dropped: Int)
        case recordTooLong
        case failed(String)
    }

    /// Positions the window so that input offset `offset` (counted from where reading began) is
    /// at `bytes[position]`, and returns that position; `nil` when the input cannot go back that
    /// far (a pipe).
    mutating func rewind(toAbsoluteOffset offset: Int) -> Int? {
        if offset >= fileOffset && offset <= fileOffset + count {
            return offset - fileOffset
        }
        guard case .file(let descriptor, let origin?) = source else { return nil }
        guard POSIX.seek(descriptor, to: origin + offset) else { return nil }
        pendingReadAhead = nil
        fileOffset = offset
        count = 0
        bytes[0] = Self.sentinel
        atEnd = false
        return 0
    }
}
