import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Direct-I/O file writer: exact lengths and bytes, with and without O_DIRECT")
struct DirectFileWriterTests {
    /// Writes `pieces` (byte counts) through a `DirectFileWriter` into a new file in `folder`;
    /// returns whether the file holds exactly the bytes written, and whether direct I/O stayed on.
    func roundTrip(_ pieces: [Int], folder: String, tryDirect: Bool) throws -> (same: Bool, direct: Bool) {
        let path = folder + "/direct-\(UUID().uuidString).bin"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        #expect(fd >= 0)
        defer { unlink(path) }
        var expected: [UInt8] = []
        let writer = DirectFileWriter(descriptor: fd, path: path, tryDirect: tryDirect)
        var seed: UInt8 = 1
        for count in pieces {
            let piece = (0..<count).map { i -> UInt8 in UInt8(truncatingIfNeeded: i &* 31 &+ Int(seed)) }
            seed &+= 7
            try writer.write(piece)
            expected += piece
        }
        #expect(writer.length == expected.count)
        try writer.finish()
        let direct = writer.direct
        close(fd)
        let back = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return (back == expected, direct)
    }

    @Test("lengths around the 4 KiB block and the 8 MiB staging buffer come back byte for byte")
    func lengths() throws {
        let folder = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        let block = DirectFileWriter.alignment, staging = DirectFileWriter.stagingBytes
        let cases: [[Int]] = [[], [1], [block - 1], [block], [block + 1], [16, 40, 3], [staging - 1], [staging], [staging + 1],
                              [staging / 3, staging / 3, staging / 3 + 5, 17], [2 * staging + block + 9]]
        var failures = 0
        for pieces in cases {
            for tryDirect in [true, false] where try !roundTrip(pieces, folder: folder, tryDirect: tryDirect).same { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test("on tmpfs (which refuses O_DIRECT before Linux 6.6) the same bytes arrive, directly or not")
    func refused() throws {
        // /dev/shm is tmpfs on Linux: older kernels refuse O_DIRECT there (the writer then writes
        // the ordinary way), newer ones accept it.
        guard FileManager.default.isWritableFile(atPath: "/dev/shm") else {
            print("skipped: no writable /dev/shm on this machine")
            return
        }
        let result = try roundTrip([DirectFileWriter.stagingBytes + 123, 4000], folder: "/dev/shm", tryDirect: true)
        #expect(result.same)
    }
}
