/// One fixed-effect dimension: every observation's group, coded 0..<levelCount.
///
/// Built from any labels (country codes, years, ...) by order of first appearance; an
/// interaction such as origin×year (`origin^year` in formulas) is a fixed effect whose levels
/// are the observed pairs.
///
/// Members: `name`, `codes` (one per observation), `levelCount`, `levelLabels` (one per level).
public struct FixedEffect: Sendable, Equatable {
    public let name: String
    package let codes: [Int32]
    public let levelCount: Int
    public let levelLabels: [String]

    /// Factorizes labels by order of first appearance.
    ///
    /// A label equal to the previous row's takes its code without a lookup (sorted data repeat
    /// labels in runs); others go through an open-addressing table keyed by an FNV-1a hash of
    /// the label's UTF-8 bytes (cheaper than `Dictionary`'s seeded SipHash for short labels),
    /// with the level's text compared on a hit.
    public init(name: String, labels: [String]) {
        var codes = [Int32](repeating: 0, count: labels.count)
        var levels: [String] = []
        var hashes: [UInt64] = []
        var capacity = 1024
        var slots = [Int32](repeating: -1, count: capacity)
        func hash(_ label: String) -> UInt64 {
            var label = label
            return label.withUTF8 { bytes in
                var h: UInt64 = 0xCBF2_9CE4_8422_2325
                for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                return h ^ (h >> 29)
            }
        }
        var previous: (label: String, code: Int32)? = nil
        for (i, label) in labels.enumerated() {
            if let previous, previous.label == label {
                codes[i] = previous.code
                continue
            }
            let h = hash(label)
            var slot = Int(truncatingIfNeeded: h) & (capacity - 1)
            var code: Int32 = -1
            while slots[slot] >= 0 {
                let candidate = slots[slot]
                if hashes[Int(candidate)] == h && levels[Int(candidate)] == label { code = candidate; break }
                slot = (slot + 1) & (capacity - 1)
            }
            if code < 0 {
                code = Int32(truncatingIfNeeded: levels.count)
                levels.append(label)
                hashes.append(h)
                slots[slot] = code
                if levels.count * 2 > capacity {
                    // Grow: rehash every level into a table twice the size.
                    capacity *= 2
                    slots = [Int32](repeating: -1, count: capacity)
                    for (level, levelHash) in hashes.enumerated() {
                        var s = Int(truncatingIfNeeded: levelHash) & (capacity - 1)
                        while slots[s] >= 0 { s = (s + 1) & (capacity - 1) }
                        slots[s] = Int32(truncatingIfNeeded: level)
                    }
                }
            }
            codes[i] = code
            previous = (label, code)
        }
        self.name = name
        self.codes = codes
        self.levelCount = levels.count
        self.levelLabels = levels
    }

    /// Factorizes integer labels (e.g. years or ids) by order of first appearance, labelled
    /// with their decimal text (the same levels as `init(name:labels:)` on that text). Codes
    /// within a range of at most 4n + 1024 values go through a lookup table, others through a
    /// dictionary; no text is formatted per row.
    public init(name: String, integerLabels: [Int]) {
        let n = integerLabels.count
        var codes: [Int32]
        var levels: [Int] = []
        // The range in one pass.
        let (low, high) = integerLabels.withUnsafeBufferPointer { v -> (Int, Int) in
            guard n > 0 else { return (0, -1) }
            var lo = v[0], hi = v[0]
            for i in 1..<n { lo = Swift.min(lo, v[i]); hi = Swift.max(hi, v[i]) }
            return (lo, hi)
        }
        if n > 0, high.subtractingReportingOverflow(low).overflow == false, high - low <= 4 * n + 1024 {
            var table = [Int32](repeating: -1, count: high - low + 1)
            // Every code is written by the loop: no zero-filling pass first.
            codes = integerLabels.withUnsafeBufferPointer { v in
                [Int32](unsafeUninitializedCapacity: n) { c, initialized in
                    table.withUnsafeMutableBufferPointer { tb in
                        for i in 0..<n {
                            let slot = v[i] &- low
                            var code = tb[slot]
                            if code < 0 {
                                code = Int32(truncatingIfNeeded: levels.count)
                                tb[slot] = code
                                levels.append(v[i])
                            }
                            c.initializeElement(at: i, to: code)
                        }
                    }
                    initialized = n
                }
            }
        } else {
            codes = [Int32](repeating: 0, count: n)
            var index: [Int: Int32] = [:]
            for (i, value) in integerLabels.enumerated() {
                if let c = index[value] {
                    codes[i] = c
                } else {
                    let c = Int32(truncatingIfNeeded: levels.count)
                    index[value] = c
                    levels.append(value)
                    codes[i] = c
                }
            }
        }
        self.init(name: name, codes: codes, levelCount: levels.count, levelLabels: levels.map(String.init))
    }

    init(name: String, codes: [Int32], levelCount: Int, levelLabels: [String]) {
        self.name = name
        self.codes = codes
        self.levelCount = levelCount
        self.levelLabels = levelLabels
    }

    /// The interaction a×b: one level per observed (a, b) pair, named "a^b", labelled "la^lb".
    public static func interaction(_ a: FixedEffect, _ b: FixedEffect) throws -> FixedEffect {
        guard a.codes.count == b.codes.count else {
            throw RegressionError.invalidInput("fixed effects \(a.name) and \(b.name) have \(a.codes.count) and \(b.codes.count) observations")
        }
        var index: [Int64: Int32] = [:]
        var codes = [Int32](repeating: 0, count: a.codes.count)
        var labels: [String] = []
        for i in 0..<a.codes.count {
            let key = Int64(a.codes[i]) << 32 | Int64(UInt32(bitPattern: b.codes[i]))
            if let c = index[key] {
                codes[i] = c
            } else {
                let c = Int32(truncatingIfNeeded: labels.count)
                index[key] = c
                labels.append(a.levelLabels[Int(a.codes[i])] + "^" + b.levelLabels[Int(b.codes[i])])
                codes[i] = c
            }
        }
        return FixedEffect(name: a.name + "^" + b.name, codes: codes, levelCount: labels.count, levelLabels: labels)
    }

    /// The fixed effect restricted to `rows` (in that order), with levels re-coded densely and
    /// levels that no longer occur removed.
    package func subset(_ rows: [Int]) -> FixedEffect {
        var newCode = [Int32](repeating: -1, count: levelCount)
        var labels: [String] = []
        var codes = [Int32](repeating: 0, count: rows.count)
        for (k, i) in rows.enumerated() {
            let old = Int(self.codes[i])
            if newCode[old] < 0 {
                newCode[old] = Int32(truncatingIfNeeded: labels.count)
                labels.append(levelLabels[old])
            }
            codes[k] = newCode[old]
        }
        return FixedEffect(name: name, codes: codes, levelCount: labels.count, levelLabels: labels)
    }

    /// Observations per level.
    public var levelSizes: [Int] {
        var sizes = [Int](repeating: 0, count: levelCount)
        for c in codes { sizes[Int(c)] += 1 }
        return sizes
    }
}
