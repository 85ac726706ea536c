import Foundation
import MigrationData

/// The binary file of a projection shard (`shard.bin`): the per-draw values of every reported
/// cell for the shard's draws, from which `ShardMerge` recomputes the single run's quantiles
/// exactly. Version 2, little-endian (version 1 files are refused, naming the version):
///
///     preamble   16 bytes   "MIGKSHRD", format version (UInt32), mode (UInt32: 0 exact, 1 sketch)
///     chunks     one per scenario × (country | aggregate) [× block in sketch mode], in the order
///                the workers finished
///     index      40 bytes per chunk: kind (UInt32: 0 country, 1 aggregate, 2–4 sketches),
///                scenario, item (country or aggregate index), block (UInt32 each), offset,
///                length, hash (UInt64 each)
///     trailer    64 bytes: index offset, chunk count, first draw, draw count, layout hash,
///                index hash, format version, trailer hash (UInt64 each)
///
/// A chunk is its cells (category × year) in order, each a tag byte and its draws: 0 = every
/// draw the same 8-byte value (one value follows); 1 = all draws (n × 8 bytes); 2 = sparse
/// (a bitmap of the draws whose value is not all-zero bits, ⌈n/8⌉ bytes, then those values);
/// 3 = packed (`Packing`: a 16-byte header, then each draw's offset from the cell's minimum in
/// `width` bits — whole numbers as integers, fixed-point sums without their common zero bits,
/// other Doubles as bit patterns, which share their sign, exponent and leading mantissa bits).
/// The encoder picks the smallest form; every form is lossless, so the merge sees the engine's
/// values bit for bit. Country values are the engine's Doubles, aggregates its fixed-point Int64
/// sums. In sketch mode a chunk is one block's `QuantileGrid` per cell, 208 bytes each (count,
/// 47 Float32 order statistics, sum, positive draws).
///
/// **Integrity.** Every byte is covered by a checksum: chunks by their index entry, the index by
/// the trailer, preamble and trailer by the trailer hash, and the chunks must tile the space
/// between preamble and index exactly. The checksum is `ShardChecksum` (64-bit, detects any
/// single corrupted 8-byte word with certainty; not cryptographic — it guards against truncated
/// copies and bit rot, not against tampering).
#if _endian(big)
#error("shard files are little-endian and written by copying memory: port ShardFile before building on a big-endian machine")
#endif
package enum ShardFile {
    package static let magic = Array("MIGKSHRD".utf8)
    package static let formatVersion: UInt32 = 2
    static let preambleSize = 16, entrySize = 40, trailerSize = 64

    /// Chunk kinds: per-draw values (exact mode, preamble mode 0) or quantile grids (sketch mode, 1).
    package enum Kind: UInt32, Sendable, Hashable { case country = 0, aggregate = 1, countrySketch = 2, aggregateSketch = 3, contrastSketch = 4 }

    package struct Entry: Sendable {
        let kind: Kind, scenario: Int, item: Int, block: Int, offset: UInt64, length: UInt64, hash: UInt64
        init(kind: Kind, scenario: Int, item: Int, block: Int = 0, offset: UInt64, length: UInt64, hash: UInt64) {
            self.kind = kind; self.scenario = scenario; self.item = item; self.block = block
            self.offset = offset; self.length = length; self.hash = hash
        }
    }

    /// How a cell's 8-byte values are read when packing them: raw bit patterns (Doubles; a cell
    /// of whole numbers is packed as integers) or signed integers (the fixed-point aggregates).
    package enum ValueKind: Sendable { case double, integer }

    /// Encodes one cell's `n` draws (8-byte bit patterns) in the smallest of four forms: 0 every
    /// draw the same, 1 all draws raw, 2 sparse (a bitmap and the non-zero values), 3 packed
    /// (see `packedHeader`): each draw's offset from the cell's minimum, shifted right by the
    /// offsets' common trailing zero bits, in `width` bits.
    ///
    /// Cells of whole Doubles within ±2⁵¹ (the engine's country values are whole persons) take a
    /// one-pass route (`WholeScan`) that decides the same form and writes the same bytes as the
    /// general one.
    static func encodeCell(_ bits: UnsafeBufferPointer<UInt64>, kind: ValueKind = .double, into out: inout [UInt8]) {
        let n = bits.count
        guard let first = bits.first else { out.append(0); append(0, to: &out); return }
        // What the choice needs: from the one-pass scan of whole Doubles, else from a count and
        // the general `Packing`.
        let constant: Bool, nonZero: Int, packing: Packing?, whole: Bool
        if kind == .double, let scan = WholeScan(bits) {
            (constant, nonZero, packing, whole) = (scan.constant, scan.nonZero, scan.packing, true)
        } else {
            var same = true, count = 0
            for b in bits { same = same && b == first; count += b != 0 ? 1 : 0 }
            (constant, nonZero, packing, whole) = (same, count, same ? nil : Packing(bits, kind: kind), false)
        }
        if constant { out.append(0); append(first, to: &out); return }
        let rawSize = n * 8, sparseSize = (n + 7) / 8 + nonZero * 8
        if let packing, case let packedSize = packedHeader + (packing.width * n + 7) / 8, packedSize < min(rawSize, sparseSize) {
            writePacked(packing, bits, size: packedSize, withinMagicRange: whole, into: &out)
        } else {
            encodeUnpacked(bits, nonZero: nonZero, into: &out)
        }
    }


    /// Appends tag 3 and the packed cell (`size` bytes after the tag).
    private static func writePacked(_ packing: Packing, _ bits: UnsafeBufferPointer<UInt64>, size: Int, withinMagicRange: Bool = false,
                                    into out: inout [UInt8]) {
        out.append(3)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: size))
        out.withUnsafeMutableBytes { packing.write(bits, into: UnsafeMutableRawBufferPointer(rebasing: $0[start...]), withinMagicRange: withinMagicRange) }
    }

    /// Appends the sparse (tag 2) or raw (tag 1) form, whichever is smaller.
    private static func encodeUnpacked(_ bits: UnsafeBufferPointer<UInt64>, nonZero: Int, into out: inout [UInt8]) {
        let n = bits.count
        if (n + 7) / 8 + nonZero * 8 < n * 8 {
            out.append(2)
            var bitmap = [UInt8](repeating: 0, count: (n + 7) / 8)
            for (k, b) in bits.enumerated() where b != 0 { bitmap[k >> 3] |= 1 << UInt8(k & 7) }
            out += bitmap
            for b in bits where b != 0 { append(b, to: &out) }
        } else {
            out.append(1)
            out.append(contentsOf: UnsafeRawBufferPointer(bits))   // little-endian machines only (see above)
        }
    }

    /// One pass over a cell of Doubles that finds, when every draw is a whole number within
    /// ±2⁵¹ (and not −0), everything `encodeCell` needs: whether the draws are all equal, how many
    /// are non-zero, and the `Packing` the general route would choose (whole Doubles: keys are the
    /// integers with the sign bit flipped, base the minimum's key, shift the common trailing zero
    /// bits of the offsets, width the bits of the largest offset).
    ///
    /// Each draw d is converted by the rounding constant M = 1.5·2⁵² (for |d| ≤ 2⁵¹ the bits of
    /// d + M are bits(M) + d as integers, and (d + M) − M is d exactly when d is whole), so the
    /// loop has no branches or libm calls and vectorises. The offsets' common trailing zeros are
    /// those of the OR of every key XOR the first key (the lowest set bit of x ⊕ y is that of
    /// x − y, and the smallest 2-adic valuation of the differences from any one draw is that of the
    /// differences from the minimum).
    struct WholeScan {
        let constant: Bool, nonZero: Int, packing: Packing
        static let magic = 6_755_399_441_055_744.0   // 1.5 · 2⁵²
        static let limit = 2_251_799_813_685_248.0    // 2⁵¹

        init?(_ bits: UnsafeBufferPointer<UInt64>) {
            guard let base = bits.baseAddress, let first = bits.first else { return nil }
            let M = WholeScan.magic
            let m0 = (Double(bitPattern: first) + M).bitPattern
            // Two lanes of two draws (SIMD2: SSE2 on the baseline x86-64 target), then the tail.
            typealias U = SIMD2<UInt64>
            typealias D = SIMD2<Double>
            let Mv = D(repeating: M), firstV = U(repeating: first), m0V = U(repeating: m0)
            var bad = U(repeating: 0), diff = U(repeating: 0), anyV = U(repeating: 0), zeroV = SIMD2<Int64>(repeating: 0)
            var loV = D(repeating: .infinity), hiV = D(repeating: -.infinity)
            let raw = UnsafeRawPointer(base)
            let pairs = bits.count / 2
            for j in 0..<pairs {
                let b = raw.loadUnaligned(fromByteOffset: j * 16, as: U.self)
                let d = unsafeBitCast(b, to: D.self)
                let t = d + Mv
                let back = unsafeBitCast(t - Mv, to: U.self)
                let isNaN = unsafeBitCast(d .!= d, to: U.self)
                bad |= (back ^ b) | isNaN
                diff |= b ^ firstV
                anyV |= unsafeBitCast(t, to: U.self) ^ m0V
                zeroV &-= unsafeBitCast(d .== D(repeating: 0), to: SIMD2<Int64>.self)   // −1 per +0 (−0 is refused above)
                loV = loV.replacing(with: d, where: d .< loV)
                hiV = hiV.replacing(with: d, where: d .> hiV)
            }
            var notWhole = bad[0] | bad[1], differs = diff[0] | diff[1], any = anyV[0] | anyV[1]
            var zeros = Int(zeroV[0] &+ zeroV[1])
            var lo = min(loV[0], loV[1]), hi = max(hiV[0], hiV[1])
            for i in (pairs * 2)..<bits.count {
                let b = base[i], d = Double(bitPattern: b)
                let t = d + M
                notWhole |= ((t - M).bitPattern ^ b) | (d.isNaN ? 1 : 0)   // NaN + M − M can keep a NaN's bits
                differs |= b ^ first
                any |= t.bitPattern ^ m0
                zeros &+= d == 0 ? 1 : 0
                lo = d < lo ? d : lo
                hi = d > hi ? d : hi
            }
            // NaN fails the exactness test, ±∞ and |d| > 2⁵¹ the bounds.
            guard notWhole == 0, lo >= -WholeScan.limit, hi <= WholeScan.limit else { return nil }
            constant = differs == 0
            nonZero = bits.count - zeros
            let loKey = UInt64(bitPattern: Int64(lo)) ^ Packing.signBit, hiKey = UInt64(bitPattern: Int64(hi)) ^ Packing.signBit
            let shift = any == 0 ? 0 : any.trailingZeroBitCount
            let spread = (hiKey &- loKey) >> UInt64(shift)
            packing = Packing(signed: true, wholeDoubles: true, zeroEscape: false, shift: shift, width: 64 - spread.leadingZeroBitCount, base: loKey)
        }
    }

    /// Bytes after the tag of a packed cell: flags (bit 0: the keys are signed, bit 1: Doubles
    /// packed as whole numbers, bit 2: all-zero-bits draws have code 0 and the others code + 1),
    /// shift, width (1 byte each), 5 zero bytes, base (UInt64).
    static let packedHeader = 16

    /// A cell's packing: key(v) = v's bit pattern, or its integer (whole Doubles, aggregates) with
    /// the sign bit flipped so that unsigned order is numeric order; code = (key − base) ≫ shift
    /// (+ 1 with the zero escape). Exact: `decode` inverts it bit for bit.
    struct Packing {
        let signed: Bool, wholeDoubles: Bool, zeroEscape: Bool
        let shift: Int, width: Int, base: UInt64
        static let signBit: UInt64 = 1 << 63

        /// nil when the offsets need more than 56 bits (the raw form is then as small).
        init?(_ bits: UnsafeBufferPointer<UInt64>, kind: ValueKind) {
            var whole = kind == .double
            if whole {
                for b in bits {
                    let d = Double(bitPattern: b)
                    guard d.magnitude < 9.0e15, Double(Int64(d)).bitPattern == b else { whole = false; break }
                }
            }
            let isSigned = kind == .integer || whole
            let trial = Packing(signed: isSigned, wholeDoubles: whole, zeroEscape: false, shift: 0, width: 0, base: 0)
            // Raw Double bit patterns: zeros sit far below the positive values, so they get code 0.
            var lo = UInt64.max, hi = UInt64.min, zeros = 0
            for b in bits {
                if !isSigned && b == 0 { zeros += 1; continue }
                let k = trial.key(b)
                lo = Swift.min(lo, k); hi = Swift.max(hi, k)
            }
            var any: UInt64 = 0
            for b in bits where isSigned || b != 0 { any |= trial.key(b) &- lo }
            let shift = any == 0 ? 0 : any.trailingZeroBitCount
            let spread = (hi &- lo) >> UInt64(shift)
            guard spread < 1 << 56 else { return nil }
            let width = 64 - (spread + (zeros > 0 ? 1 : 0)).leadingZeroBitCount
            guard width <= 56 else { return nil }
            self.init(signed: isSigned, wholeDoubles: whole, zeroEscape: zeros > 0, shift: shift, width: width, base: lo)
        }

        /// The value's key (see the type's description).
        @inline(__always) func key(_ b: UInt64) -> UInt64 {
            wholeDoubles ? UInt64(bitPattern: Int64(Double(bitPattern: b))) ^ Packing.signBit : signed ? b ^ Packing.signBit : b
        }

        init(signed: Bool, wholeDoubles: Bool, zeroEscape: Bool, shift: Int, width: Int, base: UInt64) {
            self.signed = signed; self.wholeDoubles = wholeDoubles; self.zeroEscape = zeroEscape
            self.shift = shift; self.width = width; self.base = base
        }

        func code(_ b: UInt64) -> UInt64 {
            if zeroEscape && b == 0 { return 0 }
            let k = key(b)
            return ((k &- base) >> UInt64(shift)) + (zeroEscape ? 1 : 0)
        }

        func value(_ code: UInt64) -> UInt64 {
            if zeroEscape && code == 0 { return 0 }
            let k = base &+ ((code &- (zeroEscape ? 1 : 0)) << UInt64(shift))
            return wholeDoubles ? Double(Int64(bitPattern: k ^ Packing.signBit)).bitPattern : signed ? k ^ Packing.signBit : k
        }

        /// Writes the header and the codes (little-endian bit order) into `out` (exactly its size).
        /// `withinMagicRange`: every draw is a whole Double within ±2⁵¹ (`WholeScan` found so).
        func write(_ bits: UnsafeBufferPointer<UInt64>, into out: UnsafeMutableRawBufferPointer, withinMagicRange: Bool = false) {
            out[0] = (signed ? 1 : 0) | (wholeDoubles ? 2 : 0) | (zeroEscape ? 4 : 0)
            out[1] = UInt8(shift); out[2] = UInt8(width)
            out.storeBytes(of: base.littleEndian, toByteOffset: 8, as: UInt64.self)
            let body = UnsafeMutableRawBufferPointer(rebasing: out[ShardFile.packedHeader...])
            let s = UInt64(shift), escape: UInt64 = zeroEscape ? 1 : 0, base = self.base
            // One loop per key form, so that each has no per-draw branch on the form.
            if wholeDoubles {
                // Whole Doubles within ±2⁵¹: the key offset is bits(d + M) − bits(lo + M).
                if withinMagicRange {
                    let M = WholeScan.magic, mlo = (Double(Int64(bitPattern: base ^ Packing.signBit)) + M).bitPattern
                    Packing.pack(bits, width: width, into: body) { b in ((Double(bitPattern: b) + M).bitPattern &- mlo) &>> s }
                } else {
                    Packing.pack(bits, width: width, into: body) { b in
                        ((UInt64(bitPattern: Int64(Double(bitPattern: b))) ^ Packing.signBit) &- base) &>> s
                    }
                }
            } else if signed {
                Packing.pack(bits, width: width, into: body) { b in ((b ^ Packing.signBit) &- base) &>> s }
            } else {
                Packing.pack(bits, width: width, into: body) { b in
                    zeroEscape && b == 0 ? 0 : ((b &- base) &>> s) &+ escape
                }
            }
        }

        /// Writes code(b) of every draw at bit k·width of `out` (little-endian bit order, the last
        /// byte's unused bits zero), 64 bits at a time from a register; `out` holds exactly
        /// ⌈n·width/8⌉ bytes. Codes must fit in `width` bits (≤ 56).
        @inline(__always)
        static func pack(_ bits: UnsafeBufferPointer<UInt64>, width: Int, into out: UnsafeMutableRawBufferPointer,
                         code: (UInt64) -> UInt64) {
            guard width > 0 else { return }
            var word: UInt64 = 0, used: UInt64 = 0, at = 0
            // Narrow codes (≤ 28 bits, as whole persons' are) go two at a time as one code of twice
            // the width: half the steps of the loop-carried shift-and-flush chain, same bits.
            let paired = width <= 28
            let pairs = paired ? bits.count / 2 : 0
            /// Appends code `c` of `w` bits; flushes each full 64-bit word.
            @inline(__always) func put(_ c: UInt64, _ w: UInt64) {
                word |= c &<< used
                used += w
                if used >= 64 {
                    out.storeBytes(of: word.littleEndian, toByteOffset: at, as: UInt64.self)
                    at += 8
                    used -= 64
                    word = used == 0 ? 0 : c &>> (w - used)
                }
            }
            if let base = bits.baseAddress {
                let double = UInt64(2 * width)
                for j in 0..<pairs { put(code(base[2 * j]) | code(base[2 * j + 1]) &<< UInt64(width), double) }
            }
            // The odd last code of a paired run, or every code: at the single width.
            for b in bits[(pairs * 2)...] { put(code(b), UInt64(width)) }
            var k = 0
            while at < out.count && k < 8 {
                out[at] = UInt8(truncatingIfNeeded: word >> UInt64(8 * k))
                at += 1
                k += 1
            }
        }

        /// Reads `n` codes of `width` bits (little-endian bit order) from `body` (exactly
        /// ⌈n·width/8⌉ bytes) and writes value(code) of draw k to `target[k]`: one unaligned 8-byte
        /// load per code while 8 bytes remain (a code of ≤ 56 bits at bit offset < 8 fits), the
        /// last codes assembled byte by byte.
        @inline(__always)
        static func unpack(_ body: UnsafeRawBufferPointer, n: Int, width: Int, into target: UnsafeMutablePointer<UInt64>,
                           value: (UInt64) -> UInt64) {
            let mask: UInt64 = width == 0 ? 0 : (1 << UInt64(width)) - 1
            let end = body.count
            var k = 0, bit = 0
            if let base = body.baseAddress {
                // Narrow codes (≤ 28 bits): one 8-byte load holds two (bit offset < 8, 2·28 + 7 < 64).
                if width <= 28 {
                    let w = UInt64(width)
                    while k + 1 < n && (bit >> 3) + 8 <= end {
                        let word = UInt64(littleEndian: (base + (bit >> 3)).loadUnaligned(as: UInt64.self)) &>> UInt64(bit & 7)
                        target[k] = value(word & mask)
                        target[k + 1] = value((word &>> w) & mask)
                        k += 2
                        bit += 2 * width
                    }
                }
                while k < n && (bit >> 3) + 8 <= end {
                    let w = UInt64(littleEndian: (base + (bit >> 3)).loadUnaligned(as: UInt64.self))
                    target[k] = value((w &>> UInt64(bit & 7)) & mask)
                    k += 1
                    bit += width
                }
            }
            while k < n {
                var w: UInt64 = 0
                let at = bit >> 3
                for j in 0..<Swift.max(0, Swift.min(8, end - at)) { w |= UInt64(body[at + j]) << UInt64(8 * j) }
                target[k] = value((w &>> UInt64(bit & 7)) & mask)
                k += 1
                bit += width
            }
        }
    }

    static func append(_ v: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    /// Decodes `cells` cells of `n` draws from `bytes`, writing cell c's draw k to
    /// `out[c * stride + start + k]`. Returns false when the bytes do not hold exactly that.
    static func decode(_ bytes: UnsafeRawBufferPointer, cells: Int, n: Int, into out: UnsafeMutablePointer<UInt64>,
                       stride: Int, start: Int) -> Bool {
        var p = 0
        for c in 0..<cells {
            guard decodeCell(bytes, at: &p, n: n, into: out + c * stride + start) else { return false }
        }
        return p == bytes.count
    }

    /// Decodes the cell that starts at byte `p` of `bytes` (its `n` draws into `target[0..<n]`)
    /// and moves `p` past it. Returns false when the bytes there are not a cell of `n` draws.
    static func decodeCell(_ bytes: UnsafeRawBufferPointer, at p: inout Int, n: Int, into target: UnsafeMutablePointer<UInt64>) -> Bool {
        func word(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        guard p >= 0, p < bytes.count else { return false }
        let tag = bytes[p]
        p += 1
        switch tag {
        case 0:
            guard p + 8 <= bytes.count else { return false }
            let v = word(p)
            p += 8
            for k in 0..<n { target[k] = v }
        case 1:
            guard p + 8 * n <= bytes.count else { return false }
            if n > 0 { UnsafeMutableRawPointer(target).copyMemory(from: bytes.baseAddress! + p, byteCount: 8 * n) }
            p += 8 * n
        case 2:
            let mapBytes = (n + 7) / 8
            guard p + mapBytes <= bytes.count else { return false }
            let map = p
            p += mapBytes
            for k in 0..<n {
                if bytes[map + (k >> 3)] & (1 << UInt8(k & 7)) != 0 {
                    guard p + 8 <= bytes.count else { return false }
                    target[k] = word(p)
                    p += 8
                } else {
                    target[k] = 0
                }
            }
        case 3:
            guard p + packedHeader <= bytes.count else { return false }
            let flags = bytes[p], shift = Int(bytes[p + 1]), width = Int(bytes[p + 2])
            guard flags < 8, shift < 64, (1...56).contains(width) || width == 0 else { return false }
            let packing = Packing(signed: flags & 1 != 0, wholeDoubles: flags & 2 != 0, zeroEscape: flags & 4 != 0,
                                  shift: shift, width: width, base: word(p + 8))
            p += packedHeader
            let size = (width * n + 7) / 8
            guard p + size <= bytes.count else { return false }
            let body = UnsafeRawBufferPointer(rebasing: bytes[p..<(p + size)])
            let shiftBits = UInt64(shift), base = packing.base
            // One loop per key form (no per-draw branch on the form); see `Packing.value`.
            if packing.zeroEscape {
                Packing.unpack(body, n: n, width: width, into: target) { c in packing.value(c) }
            } else if packing.wholeDoubles {
                Packing.unpack(body, n: n, width: width, into: target) { c in
                    Double(Int64(bitPattern: (base &+ (c &<< shiftBits)) ^ Packing.signBit)).bitPattern
                }
            } else if packing.signed {
                Packing.unpack(body, n: n, width: width, into: target) { c in (base &+ (c &<< shiftBits)) ^ Packing.signBit }
            } else {
                Packing.unpack(body, n: n, width: width, into: target) { c in base &+ (c &<< shiftBits) }
            }
            p += size
        default:
            return false
        }
        return true
    }
}

/// The checksum of shard files: a 64-bit hash over 8-byte little-endian words (the tail padded
/// with zeros), in four interleaved lanes — word i goes to lane i mod 4 while whole groups of
/// four remain, the rest to lane 0 — each lane h ← ((h ⊕ w) · 1099511628211) ⊕ (… ≫ 29), the
/// lanes seeded apart with the length and combined by the same step. Each step is a bijection of
/// h for a fixed word and of w for a fixed h, so a change confined to one word always changes the
/// hash. Four independent multiply chains keep the multiplier busy (one chain ran at about
/// 1 GB/s; four take 0.5 % of a shard's CPU instead of 2 %). Not cryptographic — it guards against truncated copies and bit
/// rot, not against tampering.
package enum ShardChecksum {
    @inline(__always) static func step(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = (h ^ w) &* 0x0000_0100_0000_01B3
        return x ^ (x >> 29)
    }

    package static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        let start = seed ^ UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var h0 = start, h1 = start ^ 0x5555_5555_5555_5555, h2 = start ^ 0xAAAA_AAAA_AAAA_AAAA, h3 = ~start
        let words = bytes.count / 8, groups = words / 4
        if let base = bytes.baseAddress {
            for g in 0..<groups {
                let p = base + g * 32
                h0 = step(h0, UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
                h1 = step(h1, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
                h2 = step(h2, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
                h3 = step(h3, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
            }
            for i in (groups * 4)..<words { h0 = step(h0, UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))) }
        }
        if bytes.count % 8 != 0 {
            var tail: UInt64 = 0
            for (j, b) in bytes[(words * 8)...].enumerated() { tail |= UInt64(b) << UInt64(8 * j) }
            h0 = step(h0, tail)
        }
        return step(step(step(h0, h1), h2), h3)
    }

    package static func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { hash($0) } }
    package static func hex(_ h: UInt64) -> String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Writes `shard.bin` as the engine runs (a `DrawCollector`): each chunk is encoded by the worker
/// that simulated it and appended under a lock, through `AtomicFile` (a temporary file renamed
/// into place by `finish()`, so a killed shard leaves no partial file).
package final class ShardWriter: ShardBinaryWriter, @unchecked Sendable {
    private let sink: ShardFileAppender
    package var path: String { sink.path }
    package var layout: DrawLayout? { sink.currentLayout }

    package init(path: String) throws {
        sink = try ShardFileAppender(path: path, mode: 0)
    }

    package func begin(_ layout: DrawLayout) throws {
        guard layout.blocks == 1 else {
            throw ShardError(file: path, message: "a shard in exact mode runs one block of at most \(ProjectionEngine.exactDrawLimit) draws; this one needs \(layout.blocks)")
        }
        sink.currentLayout = layout
    }

    package func country(scenario: Int, country: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Double>) {
        let cells = values.count / max(1, n)
        var out: [UInt8] = []
        out.reserveCapacity(cells * 9)
        values.withMemoryRebound(to: UInt64.self) { bits in
            for c in 0..<cells { ShardFile.encodeCell(UnsafeBufferPointer(rebasing: bits[(c * n)..<((c + 1) * n)]), into: &out) }
        }
        sink.append(out, kind: .country, scenario: scenario, item: country)
    }

    package func aggregates(scenario: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Int64>) {
        guard let layout = sink.currentLayout else { return }
        values.withMemoryRebound(to: UInt64.self) { bits in
            for a in layout.aggregates.indices {
                let from = layout.aggregateOffset(a), cells = layout.aggregateCells(a)
                var out: [UInt8] = []
                out.reserveCapacity(cells * 9)
                for c in from..<(from + cells) {
                    ShardFile.encodeCell(UnsafeBufferPointer(rebasing: bits[(c * n)..<((c + 1) * n)]), kind: .integer, into: &out)
                }
                sink.append(out, kind: .aggregate, scenario: scenario, item: a)
            }
        }
    }

    /// Writes the index and trailer and renames the file into place; returns the trailer hash
    /// (which the shard manifest records). Throws the first write error of the run.
    package func finish() throws -> UInt64 { try sink.finish() }

    /// Removes the temporary file (after an error).
    package func cancel() { sink.cancel() }
}

extension ShardFile {
    /// The hash of the preamble and the trailer's first 56 bytes.
    static func trailerHash(_ trailer56: [UInt8], mode: UInt32 = 0) -> UInt64 {
        ShardChecksum.hash(preamble(mode: mode) + trailer56.prefix(56))
    }

    static func preamble(mode: UInt32) -> [UInt8] {
        var preamble = magic
        withUnsafeBytes(of: formatVersion.littleEndian) { preamble += $0 }
        withUnsafeBytes(of: mode.littleEndian) { preamble += $0 }
        return preamble
    }

    /// Index and trailer of `entries` (chunks ending at `end`), sorted canonically.
    static func indexAndTrailer(_ entries: [Entry], end: UInt64, mode: UInt32, layout: DrawLayout) throws -> (bytes: [UInt8], hash: UInt64) {
        let sorted = entries.sorted { ($0.kind.rawValue, $0.scenario, $0.item, $0.block) < ($1.kind.rawValue, $1.scenario, $1.item, $1.block) }
        var index: [UInt8] = []
        for e in sorted {
            for v in [UInt32(e.kind.rawValue), UInt32(e.scenario), UInt32(e.item), UInt32(e.block)] { withUnsafeBytes(of: v.littleEndian) { index += $0 } }
            for v in [e.offset, e.length, e.hash] { append(v, to: &index) }
        }
        var trailer: [UInt8] = []
        for v in [end, UInt64(sorted.count), UInt64(layout.firstDraw), UInt64(layout.drawCount), try ShardFormat.layoutHash(layout),
                  ShardChecksum.hash(index), UInt64(formatVersion)] { append(v, to: &trailer) }
        let h = trailerHash(trailer, mode: mode)
        append(h, to: &trailer)
        return (index + trailer, h)
    }

    /// Appends a cell's grid: count (UInt32), the M + 1 points (Float32), sum and positive count
    /// (Double bits), little-endian (`QuantileGrid.cellBytes`).
    static func encodeGrid(_ grid: QuantileGrid, into out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(clamping: grid.count).littleEndian) { out += $0 }
        for p in grid.points { withUnsafeBytes(of: p.bitPattern.littleEndian) { out += $0 } }
        append(grid.sum.bitPattern, to: &out)
        append(grid.positive.bitPattern, to: &out)
    }

    /// Decodes `cells` grids into flat arrays; nil unless the bytes hold exactly that (and each
    /// grid's points are sorted).
    static func decodeGrids(_ bytes: UnsafeRawBufferPointer, cells: Int) -> QuantileGridChunk? {
        guard bytes.count == cells * QuantileGrid.cellBytes else { return nil }
        let P = QuantileGrid.pointCount
        var chunk = QuantileGridChunk()
        chunk.counts = [Int](repeating: 0, count: cells)
        chunk.sums = [Double](repeating: 0, count: cells)
        chunk.positives = [Double](repeating: 0, count: cells)
        chunk.points = [Float](repeating: 0, count: cells * P)
        let sorted = chunk.points.withUnsafeMutableBufferPointer { points -> Bool in
            for c in 0..<cells {
                let base = c * QuantileGrid.cellBytes
                let count = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self)))
                for j in 0..<P {
                    points[c * P + j] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 4 + 4 * j, as: UInt32.self)))
                }
                if count > 0 { for j in 0..<(P - 1) where !(points[c * P + j] <= points[c * P + j + 1]) { return false } }
                let tail = base + 4 + 4 * P
                chunk.counts[c] = count
                chunk.sums[c] = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: tail, as: UInt64.self)))
                chunk.positives[c] = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: tail + 8, as: UInt64.self)))
            }
            return true
        }
        return sorted ? chunk : nil
    }
}

/// The canonical encodings shards are compared by.
package enum ShardFormat {
    /// JSON of the layout with sorted keys (the same bytes for the same layout).
    package static func layoutJSON(_ layout: DrawLayout) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(layout)
    }

    /// The hash of the layout without its draw range and block count (equal for every shard of a
    /// run: shards of unequal size may run different numbers of blocks).
    package static func layoutHash(_ layout: DrawLayout) throws -> UInt64 {
        let runWide = DrawLayout(scenarios: layout.scenarios, referenceIndex: layout.referenceIndex, years: layout.years, countries: layout.countries,
                                 countryCategories: layout.countryCategories, aggregates: layout.aggregates, draws: 0..<0, blocks: 0)
        return ShardChecksum.hash(Array(try layoutJSON(runWide)))
    }
}

/// A shard file that cannot be used, naming it and what is wrong.
package struct ShardError: Error, CustomStringConvertible {
    package let file: String
    package let message: String
    package init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    package var description: String { "\(file): \(message)" }
}
