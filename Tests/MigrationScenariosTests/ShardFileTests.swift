import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Shard file: cell encoding and checksum")
struct ShardFileTests {
    /// Encodes and decodes one cell; returns whether every bit pattern came back.
    func roundTrip(_ values: [UInt64]) -> (ok: Bool, bytes: Int, tag: UInt8) {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { ShardFile.encodeCell($0, into: &out) }
        var back = [UInt64](repeating: 0xDEAD_BEEF, count: values.count + 4)
        let decoded = out.withUnsafeBytes { raw in
            back.withUnsafeMutableBufferPointer { ShardFile.decode(raw, cells: 1, n: values.count, into: $0.baseAddress!, stride: values.count, start: 2) }
        }
        let same = decoded && Array(back[2..<(2 + values.count)]) == values && back[0] == 0xDEAD_BEEF && back[values.count + 2] == 0xDEAD_BEEF
        return (same, out.count, out.first ?? 255)
    }

    @Test("constant, sparse and dense cells come back bit for bit (NaN, −0, ±∞ included) in the smallest form")
    func encodings() {
        let constant = [UInt64](repeating: (1234.5).bitPattern, count: 100)
        let c = roundTrip(constant)
        #expect(c.ok && c.tag == 0 && c.bytes == 9)
        var sparse = [UInt64](repeating: 0, count: 100)
        sparse[3] = (7.25).bitPattern; sparse[64] = Double.nan.bitPattern; sparse[99] = (-0.0).bitPattern
        let s = roundTrip(sparse)
        #expect(s.ok && s.tag == 2 && s.bytes == 1 + 13 + 3 * 8)
        let dense = (0..<100).map { Double($0) * 0.1 - 3 }.map(\.bitPattern) + [Double.infinity.bitPattern, (-Double.infinity).bitPattern]
        let d = roundTrip(dense)
        #expect(d.ok && d.tag == 1 && d.bytes == 1 + 102 * 8)
        let fixedPoint = [Int64(-5), 0, 1 << 40, Int64.min, 0, 0].map { UInt64(bitPattern: $0) }
        #expect(roundTrip(fixedPoint).ok)
        #expect(roundTrip([]).ok)
    }

    @Test("decoding refuses truncated or padded bytes and unknown tags")
    func malformed() {
        var out: [UInt8] = []
        [UInt64(1), 2, 3].withUnsafeBufferPointer { ShardFile.encodeCell($0, into: &out) }
        var buffer = [UInt64](repeating: 0, count: 3)
        func decodes(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { raw in buffer.withUnsafeMutableBufferPointer { ShardFile.decode(raw, cells: 1, n: 3, into: $0.baseAddress!, stride: 3, start: 0) } }
        }
        #expect(decodes(out))
        #expect(!decodes(Array(out.dropLast())))
        #expect(!decodes(out + [0]))
        #expect(!decodes([7] + Array(out.dropFirst())))
    }

    @Test("the checksum changes when any single bit of a buffer flips, and with the length")
    func checksum() {
        let bytes = (0..<37).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }
        let h = ShardChecksum.hash(bytes)
        var detected = 0
        for i in bytes.indices {
            for bit in 0..<8 {
                var c = bytes
                c[i] ^= 1 << UInt8(bit)
                if ShardChecksum.hash(c) != h { detected += 1 }
            }
        }
        #expect(detected == bytes.count * 8)
        #expect(ShardChecksum.hash(bytes + [0]) != h)
        #expect(ShardChecksum.hash([]) != ShardChecksum.hash([0]))
        #expect(ShardChecksum.hex(0x2a) == "000000000000002a")
    }
}
