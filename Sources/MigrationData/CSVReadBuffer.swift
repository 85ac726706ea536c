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
        switch POSIX.read(descriptor, into: bytes + count, count: capacity - count) {
        case .success(let read):
            if read == 0 {
                atEnd = true
            }
            count += read
            bytes[count] = Self.sentinel
            return .refilled(dropped: start)
        case .failure(let failure):
            bytes[count] = Self.sentinel
            return .failed(failure.message)
        }
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
        fileOffset = offset
        count = 0
        bytes[0] = Self.sentinel
        atEnd = false
        return 0
    }
}
