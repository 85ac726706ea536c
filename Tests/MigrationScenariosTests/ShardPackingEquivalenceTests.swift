import Foundation
import Testing
@testable import MigrationScenarios

/// The shard encoder's one-pass route for whole Doubles (`ShardFile.WholeScan`) and its
/// register-buffered packing must write the bytes the straightforward encoder wrote (format
/// version 2 is unchanged). `ReferenceCellEncoder` is that encoder as it was (commit 3a50384),
/// kept here as the reference: it tests each draw for a whole number with `Int64` conversions,
/// and ORs each code into zeroed bytes through unaligned 8-byte loads and stores.
@Suite("Shard file: the fast cell encoder writes the reference encoder's bytes")
struct ShardPackingEquivalenceTests {
    enum ReferenceCellEncoder {
        static func encode(_ bits: [UInt64], kind: ShardFile.ValueKind) -> [UInt8] {
            var out: [UInt8] = []
            func append(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
            let n = bits.count
            guard let first = bits.first else { out.append(0); append(0); return out }
            var constant = true, nonZero = 0
            for b in bits { constant = constant && b == first; nonZero += b != 0 ? 1 : 0 }
            if constant { out.append(0); append(first); return out }
            let rawSize = n * 8, sparseSize = (n + 7) / 8 + nonZero * 8
            // Packing.init as it was.
            var whole = kind == .double
            if whole {
                for b in bits {
                    let d = Double(bitPattern: b)
                    guard d.magnitude < 9.0e15, Double(Int64(d)).bitPattern == b else { whole = false; break }
                }
            }
            let isSigned = kind == .integer || whole
            func key(_ b: UInt64) -> UInt64 {
                whole ? UInt64(bitPattern: Int64(Double(bitPattern: b))) ^ (1 << 63) : isSigned ? b ^ (1 << 63) : b
            }
            var lo = UInt64.max, hi = UInt64.min, zeros = 0
            for b in bits {
                if !isSigned && b == 0 { zeros += 1; continue }
                lo = min(lo, key(b)); hi = max(hi, key(b))
            }
            var any: UInt64 = 0
            for b in bits where isSigned || b != 0 { any |= key(b) &- lo }
            let shift = any == 0 ? 0 : any.trailingZeroBitCount
            let spread = (hi &- lo) >> UInt64(shift)
            let width = 64 - (spread + (zeros > 0 ? 1 : 0)).leadingZeroBitCount
            let packs = spread < 1 << 56 && width <= 56
            let packedSize = packs ? 16 + (width * n + 7) / 8 : Int.max
            if packs && packedSize < min(rawSize, sparseSize) {
                out.append(3)
                var body = [UInt8](repeating: 0, count: packedSize)
                body[0] = (isSigned ? 1 : 0) | (whole ? 2 : 0) | (zeros > 0 ? 4 : 0)
                body[1] = UInt8(shift); body[2] = UInt8(width)
                withUnsafeBytes(of: lo.littleEndian) { for j in 0..<8 { body[8 + j] = $0[j] } }
                var bit = 0
                for b in bits {
                    let code: UInt64 = zeros > 0 && b == 0 ? 0 : ((key(b) &- lo) >> UInt64(shift)) + (zeros > 0 ? 1 : 0)
                    let c = code << UInt64(bit & 7), at = 16 + (bit >> 3)
                    for j in 0..<min(8, packedSize - at) { body[at + j] |= UInt8(truncatingIfNeeded: c >> UInt64(8 * j)) }
                    bit += width
                }
                out += body
            } else if sparseSize < rawSize {
                out.append(2)
                var bitmap = [UInt8](repeating: 0, count: (n + 7) / 8)
                for (k, b) in bits.enumerated() where b != 0 { bitmap[k >> 3] |= 1 << UInt8(k & 7) }
                out += bitmap
                for b in bits where b != 0 { append(b) }
            } else {
                out.append(1)
                for b in bits { append(b) }
            }
            return out
        }
    }

    /// Same bytes as the reference, and every bit pattern comes back through `decode`.
    func agrees(_ values: [UInt64], kind: ShardFile.ValueKind) -> Bool {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { ShardFile.encodeCell($0, kind: kind, into: &out) }
        guard out == ReferenceCellEncoder.encode(values, kind: kind) else { return false }
        var back = [UInt64](repeating: 0xDEAD_BEEF, count: values.count)
        let decoded = out.withUnsafeBytes { raw in
            back.withUnsafeMutableBufferPointer { ShardFile.decode(raw, cells: 1, n: values.count, into: $0.baseAddress!, stride: values.count, start: 0) }
        }
        return decoded && back == values
    }

    @Test("random cells of whole persons, fixed-point sums and fractional Doubles, at every width and draw count")
    func randomCells() {
        var rng = DrawRandomStream(seed: 20261206, draw: 0, purpose: .other)
        var failures = 0, cases = 0
        let limit = 2_251_799_813_685_248.0   // 2⁵¹: the edge of the one-pass route
        for n in [1, 2, 3, 7, 8, 9, 63, 64, 65, 127, 250, 1001] {
            for magnitude in [1.0, 100.0, 65_536.0, 1e9, 1e12, limit / 2, limit, limit * 2, 8.9e15] {
                for form in 0..<7 {
                    var values: [Double] = []
                    for k in 0..<n {
                        let u = rng.uniform()
                        switch form {
                        case 0: values.append((u * magnitude).rounded())                              // whole, non-negative
                        case 1: values.append(((u - 0.5) * 2 * magnitude).rounded())                  // whole, both signs
                        case 2: values.append(((u * magnitude).rounded() / 64).rounded() * 64)      // common trailing zeros
                        case 3: values.append(k % 3 == 0 ? 0 : (u * magnitude).rounded())           // many zeros
                        case 4: values.append(u * magnitude + 0.25)                                  // fractional
                        case 5: values.append(k == n / 2 ? -0.0 : (u * magnitude).rounded())        // a negative zero among whole numbers
                        default: values.append(k == 0 ? Double.nan : (u * magnitude).rounded())     // NaN or ∞ among whole numbers
                        }
                    }
                    if form == 6 && n % 2 == 0 { values[0] = n % 4 == 0 ? .infinity : -.infinity }
                    cases += 1
                    if !agrees(values.map(\.bitPattern), kind: .double) { failures += 1 }
                    let fixed = values.map { v -> UInt64 in
                        v.isFinite && v.magnitude < 1e17 ? UInt64(bitPattern: Int64(v) << 16) : UInt64(bitPattern: Int64.min + Int64(n))
                    }
                    cases += 1
                    if !agrees(fixed, kind: .integer) { failures += 1 }
                }
            }
        }
        #expect(cases == 12 * 9 * 7 * 2)
        #expect(failures == 0)
    }

    @Test("edge cells: constants, a single distinct draw, the ±2⁵¹ bounds, 56-bit spreads, NaN and ±∞ only")
    func edges() {
        let limit = 2_251_799_813_685_248.0
        let cells: [[Double]] = [
            [5, 5, 5], [0, 0, 1], [-limit, limit], [-limit, limit, 0, 1], [limit, limit - 1], [-limit - 1, 0],
            [0, 1e15], [-3, -2, -1], [0, 0, 0, 0, 0, 0, 0, 0, 7], [1, 2], [2, 4, 8, 16, 1024],
            [.nan, .nan], [.nan, 1], [.infinity, .infinity, 1], [-.infinity, 2], [-.infinity, .infinity],
        ]
        for cell in cells {
            #expect(agrees(cell.map(\.bitPattern), kind: .double), "cell \(cell)")
        }
        #expect(agrees([Int64.min, Int64.max, 0, -1].map { UInt64(bitPattern: $0) }, kind: .integer))
        #expect(agrees([Int64.min + 1, Int64.min + 5, Int64.min + 3].map { UInt64(bitPattern: $0) }, kind: .integer))
        #expect(agrees([0, 1 << 55, 3].map { UInt64(bitPattern: $0) }, kind: .integer))
    }
}
