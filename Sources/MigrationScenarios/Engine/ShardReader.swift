import Foundation

/// Reads a `shard.bin` (see `ShardFile`): checks its structure and checksums when opened (the
/// preamble, trailer and index; that the chunks tile the file and that every scenario × country
/// and scenario × aggregate is present exactly once), and each chunk's checksum when it is read.
/// Errors name the file and the part that is wrong.
package final class ShardReader: @unchecked Sendable {
    package let path: String
    package let firstDraw: Int
    package let drawCount: Int
    package let layoutHash: UInt64
    package let trailerHash: UInt64
    /// 0: per-draw values (exact), 1: quantile grids (sketch mode).
    package let mode: UInt32
    private let descriptor: Int32
    /// A second descriptor with direct I/O for the chunks (-1 where the file system refuses it):
    /// the merge reads each byte once, so the page cache only costs (allocating and filling it).
    private var directDescriptor: Int32 = -1
    private let layout: DrawLayout
    /// Blocks of draws the shard ran (sketch mode keeps each block's grids; 1 in exact mode).
    package let blocks: Int
    private struct Key: Hashable { let kind: ShardFile.Kind, scenario: Int, item: Int, block: Int }
    private var entries: [Key: ShardFile.Entry] = [:]

    package init(path: String, layout: DrawLayout) throws {
        self.path = path
        self.layout = layout
        blocks = max(1, layout.blocks)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ShardError(file: path, message: "cannot be opened — \(String(cString: strerror(errno)))") }
        descriptor = fd
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ShardError(file: path, message: "is not a regular file")
        }
        let size = Int(st.st_size)
        func fail(_ m: String) -> ShardError {
            close(fd)
            return ShardError(file: path, message: m + " — the file is damaged or incomplete; run this shard again")
        }
        guard size >= ShardFile.preambleSize + ShardFile.trailerSize else { throw fail("too short to be a shard file (\(size) bytes)") }
        let preamble = ShardReader.read(fd, at: 0, count: ShardFile.preambleSize)
        guard let preamble, Array(preamble.prefix(8)) == ShardFile.magic else { throw fail("not a MigrationKit shard file (no MIGKSHRD header)") }
        guard let trailer = ShardReader.read(fd, at: UInt64(size - ShardFile.trailerSize), count: ShardFile.trailerSize) else {
            throw fail("cannot read the trailer")
        }
        let t = (0..<8).map { i in trailer.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) } }
        let version = preamble.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) }
        let mode = preamble.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) }
        guard version == ShardFile.formatVersion, t[6] == UInt64(ShardFile.formatVersion) else {
            throw fail("shard format version \(version), this migkit reads version \(ShardFile.formatVersion)")
        }
        guard mode <= 1, ShardFile.trailerHash(Array(trailer.prefix(56)), mode: mode) == t[7] else { throw fail("checksum error in the header or trailer") }
        let indexOffset = t[0], count = t[1]
        guard count <= UInt64(size / ShardFile.entrySize), indexOffset >= UInt64(ShardFile.preambleSize), indexOffset <= UInt64(size),
              indexOffset + count * UInt64(ShardFile.entrySize) + UInt64(ShardFile.trailerSize) == UInt64(size) else {
            throw fail("the index does not fit the file size (\(size) bytes)")
        }
        guard let index = ShardReader.read(fd, at: indexOffset, count: Int(count) * ShardFile.entrySize) else { throw fail("cannot read the index") }
        guard ShardChecksum.hash(index) == t[5] else { throw fail("checksum error in the index") }
        // Bounded before any size is computed from them (a crafted trailer cannot overflow them).
        guard t[2] < 1 << 40, t[3] < 1 << 40 else { throw fail("the trailer's draw range (\(t[2]) + \(t[3]) draws) is out of range") }
        firstDraw = Int(t[2])
        drawCount = Int(t[3])
        layoutHash = t[4]
        trailerHash = t[7]
        self.mode = mode
        var spans: [(UInt64, UInt64)] = []
        for i in 0..<Int(count) {
            let e = index.withUnsafeBytes { b -> (UInt32, UInt32, UInt32, UInt64, UInt64, UInt64, UInt32) in
                let base = i * ShardFile.entrySize
                return (UInt32(littleEndian: b.loadUnaligned(fromByteOffset: base, as: UInt32.self)),
                        UInt32(littleEndian: b.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self)),
                        UInt32(littleEndian: b.loadUnaligned(fromByteOffset: base + 8, as: UInt32.self)),
                        UInt64(littleEndian: b.loadUnaligned(fromByteOffset: base + 16, as: UInt64.self)),
                        UInt64(littleEndian: b.loadUnaligned(fromByteOffset: base + 24, as: UInt64.self)),
                        UInt64(littleEndian: b.loadUnaligned(fromByteOffset: base + 32, as: UInt64.self)),
                        UInt32(littleEndian: b.loadUnaligned(fromByteOffset: base + 12, as: UInt32.self)))
            }
            guard let kind = ShardFile.Kind(rawValue: e.0), Int(e.1) < layout.scenarios.count else { throw fail("index entry \(i) is invalid") }
            let s = Int(e.1), item = Int(e.2), block = Int(e.6)
            let entry = ShardFile.Entry(kind: kind, scenario: s, item: item, block: block, offset: e.3, length: e.4, hash: e.5)
            let isCountry = kind == .country || kind == .countrySketch
            let key = Key(kind: kind, scenario: s, item: item, block: block)
            guard (kind.rawValue >= 2) == (mode == 1), item < (isCountry ? layout.countries.count : layout.aggregates.count),
                  block < (mode == 1 ? blocks : 1), entries[key] == nil else { throw fail("index entry \(i) is invalid or repeated") }
            entries[key] = entry
            spans.append((e.3, e.4))
        }
        let S = layout.scenarios.count
        let contrasted = S > 1 ? S - 1 : 0
        let expected = mode == 0 ? S * (layout.countries.count + layout.aggregates.count)
            : blocks * (S * (layout.countries.count + layout.aggregates.count) + contrasted * layout.aggregates.count)
        let contrastsComplete = mode == 0 || (0..<S).allSatisfy { s in
            s == layout.referenceIndex || S == 1 || (0..<blocks).allSatisfy { b in
                layout.aggregates.indices.allSatisfy { entries[Key(kind: .contrastSketch, scenario: s, item: $0, block: b)] != nil }
            }
        }
        guard entries.count == expected, contrastsComplete else { throw fail("cells are missing from the index") }
        spans.sort { $0.0 < $1.0 }
        var at = UInt64(ShardFile.preambleSize)
        for (offset, length) in spans {
            guard offset == at else { throw fail("the chunks do not tile the file") }
            at += length
        }
        guard at == indexOffset else { throw fail("the chunks do not tile the file") }
        let direct = open(path, O_RDONLY | O_CLOEXEC)
        if direct >= 0 && !DirectFileWriter.setDirect(direct, true) {
            close(direct)
        } else {
            directDescriptor = direct
        }
    }

    deinit {
        close(descriptor)
        if directDescriptor >= 0 { close(directDescriptor) }
    }

    /// A reusable, page-aligned buffer for one thread's chunk reads (direct I/O reads whole
    /// aligned blocks into it).
    package final class ReadBuffer: @unchecked Sendable {
        private(set) var base: UnsafeMutableRawPointer?
        private(set) var capacity = 0
        private let minimumCapacity: Int
        /// `minimumCapacity`: the least it allocates (1 MiB: chunks of per-draw values; small
        /// sketch chunks ask for less).
        package init(minimumCapacity: Int = 1 << 20) { self.minimumCapacity = minimumCapacity }
        deinit { base?.deallocate() }
        func reserve(_ count: Int) -> UnsafeMutableRawPointer {
            if count > capacity || base == nil {
                base?.deallocate()
                capacity = max(count, minimumCapacity, 1)
                base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: DirectFileWriter.alignment)
            }
            return base!
        }
    }

    /// Reads bytes offset..<offset+length into `buffer`; returns a pointer to them, or nil when
    /// the file is shorter. Direct I/O reads the enclosing aligned blocks; a file system that
    /// refuses the read (EINVAL) is read the ordinary way, as are all reads with `direct` false.
    private func read(at offset: UInt64, length: Int, into buffer: ReadBuffer, direct: Bool) -> UnsafeRawBufferPointer? {
        let align = UInt64(DirectFileWriter.alignment)
        if direct && directDescriptor >= 0 {
            let start = offset / align * align
            let end = (offset + UInt64(length) + align - 1) / align * align
            let p = buffer.reserve(Int(end - start))
            switch ShardReader.readAtLeast(directDescriptor, into: p, asking: Int(end - start), needing: Int(offset - start) + length, at: start) {
            case .read: return UnsafeRawBufferPointer(start: p + Int(offset - start), count: length)
            case .failed: return nil
            case .refused: break
            }
        }
        let p = buffer.reserve(length)
        guard case .read = ShardReader.readAtLeast(descriptor, into: p, asking: length, needing: length, at: offset) else { return nil }
        return UnsafeRawBufferPointer(start: p, count: length)
    }

    static func read(_ fd: Int32, at offset: UInt64, count: Int) -> [UInt8]? {
        // Uninitialised storage, filled by pread (a zeroing pass per chunk was 6 % of a merge).
        var ok = true
        let out = [UInt8](unsafeUninitializedCapacity: count) { b, initialized in
            ok = count == 0 || ShardReader.readAtLeast(fd, into: UnsafeMutableRawPointer(b.baseAddress!), asking: count, needing: count, at: offset) == .read
            initialized = ok ? count : 0
        }
        return ok ? out : nil
    }

    enum ReadOutcome { case read, failed, refused }

    /// Reads (`pread`) from `offset` into `p`, asking for up to `asking` bytes, until at least `needing`
    /// have arrived (retrying short and interrupted reads): `.failed` at an error or the file's
    /// end before that, `.refused` when the descriptor refuses the read (EINVAL: direct I/O the
    /// file system does not support).
    static func readAtLeast(_ fd: Int32, into p: UnsafeMutableRawPointer, asking: Int, needing: Int, at offset: UInt64) -> ReadOutcome {
        var done = 0
        while done < needing {
            let r = pread(fd, p + done, asking - done, off_t(offset) + off_t(done))
            if r < 0 && errno == EINTR { continue }
            if r < 0 && errno == EINVAL { return .refused }
            if r <= 0 { return .failed }
            done += r
        }
        return .read
    }

    /// Decodes the chunk of scenario `scenario`, country or aggregate `item`, into
    /// `out[cell * stride + start + k]` for its `cells` cells and this shard's draws k (the
    /// whole chunk at once; the merge decodes cell by cell from `chunkBytes`).
    package func read(_ kind: ShardFile.Kind, scenario: Int, item: Int, cells: Int, into out: UnsafeMutablePointer<UInt64>,
                      stride: Int, start: Int) throws {
        let buffer = ReadBuffer()
        let bytes = try chunk(kind, scenario: scenario, item: item, buffer: buffer)
        let ok = withExtendedLifetime(buffer) { ShardFile.decode(bytes, cells: cells, n: drawCount, into: out, stride: stride, start: start) }
        guard ok else { throw decodeFailure(cells: cells) }
    }

    /// The bytes of the chunk of scenario `scenario`, country or aggregate `item`, checksum
    /// verified, in `buffer` (valid until the buffer's next use; keep `buffer` alive meanwhile).
    /// Decode them cell by cell with `ShardFile.decodeCell`.
    package func chunkBytes(_ kind: ShardFile.Kind, scenario: Int, item: Int, buffer: ReadBuffer) throws -> UnsafeRawBufferPointer {
        try chunk(kind, scenario: scenario, item: item, buffer: buffer)
    }

    /// The error for a chunk that does not decode to `cells` cells of this shard's draws.
    package func decodeFailure(cells: Int) -> ShardError {
        ShardError(file: path, message: "a chunk does not decode to \(cells) cells of \(drawCount) draws — the file is damaged; run this shard again")
    }

    /// The grids of a sketch-mode chunk (one block of draws).
    package func grids(_ kind: ShardFile.Kind, scenario: Int, item: Int, block: Int, cells: Int) throws -> QuantileGridChunk {
        // Sketch chunks are small (208 bytes a cell) and many: read through the page cache (a
        // direct read per chunk waited for the device each time: the 100-shard merge took 15 s
        // instead of 7.5 s), into a buffer of the chunk's size.
        let buffer = ReadBuffer(minimumCapacity: 0)
        let bytes = try chunk(kind, scenario: scenario, item: item, block: block, buffer: buffer, direct: false)
        // `bytes` points into `buffer`: keep it alive until decoded.
        guard let out = withExtendedLifetime(buffer, { ShardFile.decodeGrids(bytes, cells: cells) }) else {
            throw ShardError(file: path, message: "a chunk does not decode to \(cells) quantile grids — the file is damaged; run this shard again")
        }
        return out
    }

    /// A chunk's bytes (in `buffer`, valid until its next use), checksum verified.
    private func chunk(_ kind: ShardFile.Kind, scenario: Int, item: Int, block: Int = 0, buffer: ReadBuffer,
                       direct: Bool = true) throws -> UnsafeRawBufferPointer {
        let entry = entries[Key(kind: kind, scenario: scenario, item: item, block: block)]
        guard let entry, let bytes = read(at: entry.offset, length: Int(entry.length), into: buffer, direct: direct) else {
            throw ShardError(file: path, message: "cannot read a chunk — the file is damaged or was truncated; run this shard again")
        }
        guard ShardChecksum.hash(bytes) == entry.hash else {
            throw ShardError(file: path, message: "checksum error in the values of scenario \(layout.scenarios[scenario]), \(kind == .country || kind == .countrySketch ? "country " + layout.countries[item] : layout.aggregates[item].level.rawValue + " " + layout.aggregates[item].name) (bytes \(entry.offset)–\(entry.offset + entry.length)) — the file is corrupt; run this shard again")
        }
        return bytes
    }
}
