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

    /// Encodes one cell of `kind`; returns whether it came back and its tag and size.
    func packed(_ values: [UInt64], kind: ShardFile.ValueKind) -> (ok: Bool, bytes: Int, tag: UInt8) {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { ShardFile.encodeCell($0, kind: kind, into: &out) }
        var back = [UInt64](repeating: 0, count: values.count)
        let decoded = out.withUnsafeBytes { raw in
            back.withUnsafeMutableBufferPointer { ShardFile.decode(raw, cells: 1, n: values.count, into: $0.baseAddress!, stride: values.count, start: 0) }
        }
        return (decoded && back == values, out.count, out.first ?? 255)
    }

    @Test("packed cells: whole persons, fixed-point sums, positive Doubles with zeros — bit for bit, in fewer bytes")
    func packing() {
        // Whole persons stored as Doubles: offsets from the minimum in 11 bits (0…1999, 200 draws).
        let whole = (0..<200).map { Double(1_000_000 + ($0 * 7919) % 2000).bitPattern }
        let w = packed(whole, kind: .double)
        #expect(w.ok && w.tag == 3 && w.bytes == 1 + ShardFile.packedHeader + (200 * 11 + 7) / 8)
        // Fixed-point sums (2⁻¹⁶ persons) of whole persons: the 16 zero bits are shifted out.
        let fixed = (0..<200).map { UInt64(bitPattern: Int64(-500 + ($0 * 31) % 1000) << 16) }
        let f = packed(fixed, kind: .integer)
        #expect(f.ok && f.tag == 3 && f.bytes == 1 + ShardFile.packedHeader + (200 * 10 + 7) / 8)
        // Non-integer positive Doubles with zeros (zeros get code 0): fewer than 8 bytes a draw.
        let positive = (0..<200).map { $0 % 10 == 0 ? 0 : (1.5 + Double($0) * 0.37).bitPattern }
        let p = packed(positive, kind: .double)
        #expect(p.ok && p.tag == 3 && p.bytes < 1 + 200 * 8 && p.bytes < 1 + 25 + 180 * 8)
        // −0, negative whole numbers and the extremes of Int64 fixed point still come back.
        #expect(packed([(-0.0).bitPattern, (0.0).bitPattern, (-3.0).bitPattern, (4.0).bitPattern], kind: .double).ok)
        #expect(packed([Int64.min, Int64.max, 0, -1].map { UInt64(bitPattern: $0) }, kind: .integer).ok)
        #expect(packed([Int64.min + 1, Int64.min + 5, Int64.min + 3].map { UInt64(bitPattern: $0) }, kind: .integer).tag == 3)
        // A mangled header or a truncated body is refused.
        var out: [UInt8] = []
        whole.withUnsafeBufferPointer { ShardFile.encodeCell($0, kind: .double, into: &out) }
        var buffer = [UInt64](repeating: 0, count: 200)
        func decodes(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { raw in buffer.withUnsafeMutableBufferPointer { ShardFile.decode(raw, cells: 1, n: 200, into: $0.baseAddress!, stride: 200, start: 0) } }
        }
        #expect(decodes(out))
        #expect(!decodes(Array(out.dropLast())))
        var wide = out
        wide[3] = 60   // width beyond 56 bits
        #expect(!decodes(wide))
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
