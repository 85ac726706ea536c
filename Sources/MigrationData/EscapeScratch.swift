/// A growable buffer that receives quoted fields with `""` collapsed to `"`. Like the read
/// buffer, it keeps `ShortField.slack` readable bytes behind its capacity.
struct EscapeScratch {
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init() {
        capacity = 256
        bytes = Self.allocate(capacity)
    }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + ShortField.slack)
        bytes.initialize(repeating: 0, count: capacity + ShortField.slack)
        return bytes
    }

    func deallocate() {
        bytes.deallocate()
    }

    /// Copies `length` bytes at `start` with each `""` collapsed; returns the copy and its length.
    mutating func collapse(_ start: UnsafePointer<UInt8>, _ length: Int) -> (UnsafePointer<UInt8>, Int) {
        if length > capacity {
            bytes.deallocate()
            capacity = Swift.max(length, capacity * 2)
            bytes = Self.allocate(capacity)
        }
        var read = 0
        var written = 0
        while read < length {
            let byte = start[read]
            bytes[written] = byte
            written += 1
            read += byte == UInt8(ascii: "\"") ? 2 : 1
        }
        return (UnsafePointer(bytes), written)
    }
}
