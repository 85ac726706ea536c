import Dispatch

/// Reads RFC 4180 CSV into typed columns, all at once or in bounded chunks.
///
/// Three ways in:
///
///     // Everything, typed (types inferred unless declared):
///     let table = try CSVReader.readTable(path: "population.csv")
///
///     // Bounded memory, typed chunks (the file is read in 1 MiB pieces):
///     let reader = try CSVReader(path: "big.csv", options: CSVReadOptions(columnTypes: ["year": .int]))
///     while let chunk = try reader.nextChunk(maxRows: 100_000) { … }
///
///     // Bounded memory, one record of text at a time:
///     while let record = try reader.nextRecord() { record.fields … }
///
/// **Format.** RFC 4180 (see `CSVTokenizer`): quoted fields may contain delimiters, quotes
/// written `""`, and line breaks; line ends may be LF, CRLF or CR; a UTF-8 byte-order mark at
/// the start is skipped; the file must be UTF-8. The first record is the header: names must be
/// non-empty and distinct. Every record must have as many fields as the header. A blank line is
/// skipped when the header has two or more columns; with one column it is a record holding one
/// missing value (that is how a one-column file writes a missing cell).
///
/// **Missing values and types.** See `CSVReadOptions` and `ColumnType`. An undeclared column is
/// inferred over all the rows `readTable` reads, or over the first chunk `nextChunk` returns;
/// later chunks keep that type (a value that does not fit throws
/// `CSVError.typeChangedAfterFirstChunk`; declare the type to avoid it). An undeclared column
/// whose values are all missing so far comes back as `.double` and stays open to inference.
///
/// **Errors.** Every problem throws a `CSVError` whose description reads
/// `FILE:LINE:COLUMN: what is wrong — what to do`. After an error the reader is finished: every
/// later call throws the same error. No input bytes can make the reader trap.
///
/// **Speed.** Records of plain cells (numbers, empty numeric cells, unquoted text) are parsed in
/// one pass, each number where it starts, with no tokenizing first (`PlainRecordBatch`); other
/// records go through the tokenizer. The reader scans raw bytes (eight at a time for unquoted
/// fields), parses integers and doubles without building strings (Eisel–Lemire, correctly
/// rounded; see `NumberParsing`),
/// validates UTF-8 once per distinct string per column, and shares equal strings. `readTable`
/// and `readAll` split each read window at a record boundary outside quotes and parse the two
/// parts on two threads (`CSVReadOptions.threads`); `CSVReadOptions.columns` skips the columns
/// a caller does not need. Numbers go straight into `MaskedArray` storage (8 bytes a cell and a
/// bit for missing ones, no conversion pass at the end). Memory: the columns plus the read
/// window (`readSize`) and the longest record, and the fused path's held values (at most 65,536
/// cells per thread); with two threads, a second window (the next one, read ahead by the second
/// thread) and the second thread's rows of one window, copied into the columns by the first
/// thread during the next window. Measured against `pandas.read_csv` in BENCHMARKS.md.
///
/// A `CSVReader` owns a file descriptor and is not `Sendable`; use one reader from one task.
public final class CSVReader {
    /// How a column's type is decided for the next chunk.
    private enum Plan {
        case declared(ColumnType)
        case inferred(ColumnType)
        case open
    }

    /// The name used in error messages: the path, `-` for standard input, or the name given
    /// with in-memory input.
    public let name: String
    /// The column names from the header row, in file order.
    public let header: [String]
    /// The options the reader was created with.
    public let options: CSVReadOptions

    /// The scanning position. Hot loops copy it into a local variable and store it back when
    /// they return, so that the per-record accesses are to a local (no dynamic exclusivity
    /// checks on class properties).
    private var state: ScanState
    private var plans: [Plan]
    private let numericMissing: MissingTokens
    private let stringMissing: MissingTokens
    /// Collapsed copies of quoted fields that contained `""`.
    private var scratch = EscapeScratch()
    private var failure: CSVError?
    private var exhausted = false
    /// The header positions of the columns read (`options.columns`; all by default), in file
    /// order.
    private let selected: [Int]
    /// The second thread's tokenizer and escape buffer in parallel rounds.
    private var sideTokenizer: CSVTokenizer
    private var sideScratch = EscapeScratch()
    /// Parallel rounds whose second part was kept (for tests).
    private(set) var parallelRoundsMerged = 0
    /// Where in a window's unread bytes a parallel round splits them (`splitPoint`), as a
    /// fraction: adjusted after each round so that both threads take as long (the first also
    /// appends the previous round's second part, whose pages it touches first; the second
    /// also reads the next window).
    private(set) var splitFraction = 0.5
    /// Windows read ahead by a parallel round's second thread (`CSVReadBuffer.readAhead`; for
    /// tests).
    private(set) var windowsReadAhead = 0
    /// Whether records may be read by the fused path (`PlainRecordBatch`; tests compare with
    /// `false`, which reads every record through the tokenizer and the builders).
    var readsPlainRecords = true
    /// Records read by the fused path (for tests).
    private(set) var plainRecordsRead = 0

    /// The window onto the input and where the next record starts in it.
    private struct ScanState {
        var buffer: CSVReadBuffer
        var tokenizer: CSVTokenizer
        /// Offset in `buffer.bytes` of the next record.
        var position: Int
        /// Line number of the next record.
        var line: Int
    }

    // MARK: Opening

    /// Opens `path` (or standard input for `-`) and reads the header row.
    ///
    /// Throws `CSVError.cannotOpen`, `.emptyFile`, `.missingHeader`, `.emptyColumnName`,
    /// `.duplicateColumnName`, `.invalidUTF8`, `.unterminatedQuote` and the other format errors
    /// in the header, `.unknownDeclaredColumn`, or `.invalidOptions`.
    public convenience init(path: String, options: CSVReadOptions = CSVReadOptions()) throws(CSVError) {
        try options.validate()
        let buffer: CSVReadBuffer
        if path == "-" {
            buffer = CSVReadBuffer(
                descriptor: POSIX.standardInput, name: "-", readSize: options.readSize,
                maximumRecordBytes: options.maximumRecordBytes)
        } else {
            if POSIX.isDirectory(path) {
                throw .cannotOpen(file: path, reason: "it is a directory")
            }
            switch POSIX.openForReading(path) {
            case .success(let descriptor):
                buffer = CSVReadBuffer(
                    descriptor: descriptor, name: path, readSize: options.readSize,
                    maximumRecordBytes: options.maximumRecordBytes)
            case .failure(let failure):
                throw .cannotOpen(file: path, reason: failure.message)
            }
        }
        try self.init(buffer: buffer, options: options)
    }

    /// Reads CSV from bytes in memory; `name` stands for the file in error messages.
    public convenience init(bytes: [UInt8], name: String = "<memory>", options: CSVReadOptions = CSVReadOptions()) throws(CSVError) {
        try options.validate()
        try self.init(buffer: CSVReadBuffer(copying: bytes, name: name), options: options)
    }

    /// Reads CSV from a string's UTF-8; `name` stands for the file in error messages.
    public convenience init(string: String, name: String = "<string>", options: CSVReadOptions = CSVReadOptions()) throws(CSVError) {
        try options.validate()
        try self.init(buffer: CSVReadBuffer(copying: string.utf8, name: name), options: options)
    }

    private init(buffer: CSVReadBuffer, options: CSVReadOptions) throws(CSVError) {
        var buffer = buffer
        var tokenizer = CSVTokenizer(delimiter: options.delimiter)
        let headerResult: (names: [String], position: Int, line: Int)
        do throws(CSVError) {
            headerResult = try Self.readHeader(buffer: &buffer, tokenizer: &tokenizer)
            for name in options.columnTypes.keys.sorted() where !headerResult.names.contains(name) {
                throw CSVError.unknownDeclaredColumn(file: buffer.name, name: name, header: headerResult.names)
            }
            for name in options.columns ?? [] where !headerResult.names.contains(name) {
                throw CSVError.unknownSelectedColumn(file: buffer.name, name: name, header: headerResult.names)
            }
        } catch {
            buffer.release()
            tokenizer.deallocate()
            throw error
        }
        self.name = buffer.name
        self.header = headerResult.names
        self.options = options
        self.state = ScanState(buffer: buffer, tokenizer: tokenizer, position: headerResult.position, line: headerResult.line)
        self.plans = headerResult.names.map { name in
            options.columnTypes[name].map(Plan.declared) ?? .open
        }
        if let columns = options.columns {
            let wanted = Set(columns)
            selected = headerResult.names.indices.filter { wanted.contains(headerResult.names[$0]) }
        } else {
            selected = Array(headerResult.names.indices)
        }
        sideTokenizer = CSVTokenizer(delimiter: options.delimiter)
        numericMissing = MissingTokens(options.missingTokens)
        stringMissing = MissingTokens(options.stringMissingTokens)
    }

    deinit {
        state.buffer.release()
        state.tokenizer.deallocate()
        scratch.deallocate()
        sideTokenizer.deallocate()
        sideScratch.deallocate()
    }

    /// Skips a byte-order mark and reads the first record as column names.
    private static func readHeader(
        buffer: inout CSVReadBuffer, tokenizer: inout CSVTokenizer
    ) throws(CSVError) -> (names: [String], position: Int, line: Int) {
        // Make sure the first three bytes (a possible BOM) are in the window.
        while buffer.count < 3 && !buffer.atEnd {
            try refill(&buffer, keepingFrom: 0, line: 1)
        }
        var position = 0
        if buffer.count >= 3 && buffer.bytes[0] == 0xEF && buffer.bytes[1] == 0xBB && buffer.bytes[2] == 0xBF {
            position = 3
        }
        if position == buffer.count && buffer.atEnd {
            throw .emptyFile(file: buffer.name)
        }
        while true {
            let outcome = tokenizer.scanRecord(
                UnsafePointer(buffer.bytes), count: buffer.count, position: position, line: 1,
                atEnd: buffer.atEnd, storeLimit: Int.max)
            switch outcome {
            case .record(let fieldCount, let next, let nextLine):
                let spans = tokenizer.spans
                if fieldCount == 1 && !spans[0].quoted && spans[0].start == spans[0].end {
                    throw .missingHeader(CSVLocation(file: buffer.name, line: 1, column: 1))
                }
                var names: [String] = []
                names.reserveCapacity(fieldCount)
                var firstUse: [String: Int] = [:]
                for index in 0..<fieldCount {
                    let span = spans[index]
                    let location = CSVLocation(file: buffer.name, line: span.line, column: index + 1)
                    let name = try fieldText(span, in: buffer, location: location)
                    if name.isEmpty {
                        throw .emptyColumnName(location)
                    }
                    if let first = firstUse[name] {
                        var named = location
                        named.columnName = name
                        throw .duplicateColumnName(named, firstColumn: first)
                    }
                    firstUse[name] = index + 1
                    names.append(name)
                }
                return (names, next, nextLine)
            case .needMoreData:
                let dropped = try refill(&buffer, keepingFrom: position, line: 1)
                position -= dropped
            case .endOfInput:
                throw .emptyFile(file: buffer.name)
            case .unterminatedQuote(let line, let field):
                throw .unterminatedQuote(CSVLocation(file: buffer.name, line: line, column: field))
            case .unexpectedQuote(let line, let field):
                throw .unexpectedQuote(CSVLocation(file: buffer.name, line: line, column: field))
            case .textAfterClosingQuote(let line, let field):
                throw .textAfterClosingQuote(CSVLocation(file: buffer.name, line: line, column: field))
            }
        }
    }

    /// Refills the window keeping bytes from `start`; returns how many bytes were dropped.
    @discardableResult
    private static func refill(_ buffer: inout CSVReadBuffer, keepingFrom start: Int, line: Int) throws(CSVError) -> Int {
        switch buffer.refill(keepingFrom: start) {
        case .refilled(let dropped):
            return dropped
        case .recordTooLong:
            throw .recordTooLong(CSVLocation(file: buffer.name, line: line, column: 1), limit: buffer.maximumRecordBytes)
        case .failed(let reason):
            throw .readFailed(file: buffer.name, reason: reason)
        }
    }

    /// The text of a field (unescaped), validated as UTF-8.
    private static func fieldText(_ span: CSVTokenizer.Span, in buffer: CSVReadBuffer, location: CSVLocation) throws(CSVError) -> String {
        let start = UnsafePointer(buffer.bytes) + span.start
        let length = span.end - span.start
        if let bad = UTF8Validation.firstInvalidByte(start, length) {
            var at = location
            at.line = lineOfByte(span.start + bad, in: span, bytes: UnsafePointer(buffer.bytes))
            throw .invalidUTF8(at, byteOffset: buffer.fileOffset + span.start + bad, byte: start[bad])
        }
        let raw = UnsafeBufferPointer(start: start, count: length)
        if !span.escaped {
            return String(decoding: raw, as: UTF8.self)
        }
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(length)
        var index = 0
        while index < length {
            collapsed.append(raw[index])
            index += raw[index] == UInt8(ascii: "\"") ? 2 : 1
        }
        return String(decoding: collapsed, as: UTF8.self)
    }

    /// The line of byte `offset`, which lies inside the field `span`.
    private static func lineOfByte(_ offset: Int, in span: CSVTokenizer.Span, bytes: UnsafePointer<UInt8>) -> Int {
        var line = span.line
        var index = span.start
        while index < offset {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
            } else if byte == UInt8(ascii: "\r") {
                if index + 1 < offset && bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                line += 1
            }
            index += 1
        }
        return line
    }

    /// The read window's current size in bytes (for tests of bounded memory).
    var bufferCapacity: Int { state.buffer.capacity }

    // MARK: Reading everything

    /// Reads the whole file at `path` (`-`: standard input) into a table.
    ///
    /// Undeclared column types are inferred over all rows. The file is read in
    /// `options.readSize` pieces; if a column holds numbers and then text, the file is read again
    /// from the start with that column as `.string` (standard input is buffered in memory for
    /// this). Throws any `CSVError` of the reading process.
    public static func readTable(path: String, options: CSVReadOptions = CSVReadOptions()) throws(CSVError) -> Table {
        if path == "-" {
            try options.validate()
            var bytes: [UInt8] = []
            let piece = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
            defer { piece.deallocate() }
            while true {
                switch POSIX.read(POSIX.standardInput, into: piece, count: 1 << 16) {
                case .success(let count):
                    if count == 0 {
                        return try CSVReader(bytes: bytes, name: "-", options: options).readAll()
                    }
                    bytes.append(contentsOf: UnsafeBufferPointer(start: piece, count: count))
                case .failure(let failure):
                    throw .readFailed(file: "-", reason: failure.message)
                }
            }
        }
        return try CSVReader(path: path, options: options).readAll()
    }

    /// Reads CSV bytes into a table; `name` stands for the file in error messages.
    public static func readTable(bytes: [UInt8], name: String = "<memory>", options: CSVReadOptions = CSVReadOptions()) throws(CSVError) -> Table {
        try CSVReader(bytes: bytes, name: name, options: options).readAll()
    }

    /// Reads CSV text into a table; `name` stands for the file in error messages.
    public static func readTable(string: String, name: String = "<string>", options: CSVReadOptions = CSVReadOptions()) throws(CSVError) -> Table {
        try CSVReader(string: string, name: name, options: options).readAll()
    }

    /// Every remaining row as one table (an empty table with the header's columns when no rows
    /// remain).
    public func readAll() throws(CSVError) -> Table {
        if let table = try nextChunk(maxRows: Int.max) {
            return table
        }
        let columns = selected.map { column -> Column in
            switch plans[column] {
            case .declared(let type), .inferred(let type): return Column(empty: type)
            case .open: return Column(empty: .double)
            }
        }
        return Table(validatedNames: selected.map { header[$0] }, columns: columns, rowCount: 0)
    }

    // MARK: Streaming

    /// The next record as text, or `nil` at the end of the file. Checks the field count and
    /// UTF-8; applies no missing-value or type rules.
    public func nextRecord() throws(CSVError) -> CSVRecord? {
        if let failure { throw failure }
        do throws(CSVError) {
            let startLine: Int
            switch Self.scanDataRecord(&state, name: name, header: header, mayRefill: true) {
            case .record(let line): startLine = line
            case .end, .needsRefill: return nil
            case .failed(let error): throw error
            }
            var fields: [String] = []
            fields.reserveCapacity(header.count)
            let spans = state.tokenizer.spans
            for index in 0..<header.count {
                fields.append(try Self.fieldText(
                    spans[index], in: state.buffer,
                    location: Self.location(name, header, line: spans[index].line, column: index)))
            }
            return CSVRecord(line: startLine, fields: fields)
        } catch {
            failure = error
            throw error
        }
    }

    /// The next at most `maxRows` rows as a typed table, or `nil` when no rows remain.
    ///
    /// Undeclared columns are inferred from the first chunk that has a non-missing value in
    /// them and keep that type afterwards. Memory is bounded by the chunk's columns plus
    /// `options.readSize` plus the longest record. Throws any `CSVError` of the reading
    /// process; `CSVError.typeChangedAfterFirstChunk` when a later chunk does not fit an inferred
    /// type.
    public func nextChunk(maxRows: Int = 65_536) throws(CSVError) -> Table? {
        if let failure { throw failure }
        do throws(CSVError) {
            return try readChunk(maxRows: Swift.max(1, maxRows))
        } catch {
            failure = error
            throw error
        }
    }

    private func readChunk(maxRows: Int) throws(CSVError) -> Table? {
        if exhausted { return nil }
        var state = self.state
        var scratch = self.scratch
        defer {
            self.state = state
            self.scratch = scratch
        }
        let name = self.name
        let header = self.header
        let selected = self.selected
        let columnCount = selected.count
        let startOffset = state.buffer.fileOffset + state.position
        let startLine = state.line
        var forcedToString = Set<Int>()
        let numericMissing = self.numericMissing
        let stringMissing = self.stringMissing
        let builders = UnsafeMutablePointer<ColumnBuilder>.allocate(capacity: columnCount)
        var initialized = 0
        defer {
            builders.deinitialize(count: initialized)
            builders.deallocate()
        }
        // Whole files are parsed on two threads, window by window (see `parallelRound`), the
        // second thread into one of two sets of `sideBuilders` (reused from round to round): a
        // round's merged set is appended to `builders` by the first thread at the start of the
        // next round (`unabsorbed` until then) while the second thread fills the other set.
        let parallel = maxRows == Int.max && options.threads > 1 && columnCount > 0
        let sideBuilders = UnsafeMutablePointer<ColumnBuilder>.allocate(capacity: parallel ? 2 * columnCount : 0)
        var sideInitialized = 0
        defer {
            sideBuilders.deinitialize(count: sideInitialized)
            sideBuilders.deallocate()
        }
        var unabsorbed: UnsafeMutablePointer<ColumnBuilder>? = nil

        attempt: while true {
            unabsorbed = nil
            builders.deinitialize(count: initialized)
            initialized = 0
            for (slot, column) in selected.enumerated() {
                let builder: ColumnBuilder
                switch plans[column] {
                case .declared(let type):
                    builder = ColumnBuilder(type: type, mode: .declared, expectedRows: Swift.min(maxRows, 1024),
                        numericMissing: numericMissing, stringMissing: stringMissing)
                case .inferred(let type):
                    builder = ColumnBuilder(type: type, mode: .fixedByEarlierChunk, expectedRows: Swift.min(maxRows, 1024),
                        numericMissing: numericMissing, stringMissing: stringMissing)
                case .open:
                    builder = ColumnBuilder(
                        type: forcedToString.contains(column) ? .string : nil, mode: .open,
                        expectedRows: Swift.min(maxRows, 1024),
                        numericMissing: numericMissing, stringMissing: stringMissing)
                }
                (builders + slot).initialize(to: builder)
                initialized += 1
            }

            var rows = 0
            var reserved = false
            while rows < maxRows && !exhausted {
                if rows >= 64 && !reserved {
                    reserveEstimatedRows(builders, rows: rows, state: state, startOffset: startOffset, maxRows: maxRows)
                    reserved = true
                }
                var outcome: RecordsOutcome
                if parallel && reserved && state.buffer.count - state.position >= Self.minimumParallelBytes {
                    if sideInitialized == 0 {
                        for slot in 0..<2 * columnCount {
                            (sideBuilders + slot).initialize(to: builders[slot % columnCount].continuation())
                        }
                        sideInitialized = 2 * columnCount
                    }
                    // The set not waiting to be appended, starting where `builders` will be.
                    let set = unabsorbed == sideBuilders ? sideBuilders + columnCount : sideBuilders
                    for slot in 0..<columnCount {
                        set[slot].restart(continuing: builders[slot], absorbing: unabsorbed.map { $0[slot] })
                    }
                    outcome = parallelRound(
                        &state, &scratch, builders: builders, sideBuilders: set, unabsorbed: &unabsorbed,
                        selected: selected, rows: &rows)
                } else {
                    Self.absorb(&unabsorbed, into: builders, columnCount: columnCount)
                    outcome = selected.withUnsafeBufferPointer { selectedColumns in
                        Self.appendRecords(
                            &state, &scratch, builders: builders, selected: selectedColumns, name: name, header: header,
                            limit: Int.max, maxRows: reserved ? maxRows : Swift.min(maxRows, 64), rows: &rows,
                            plainRecords: readsPlainRecords, plainCount: &plainRecordsRead)
                    }
                }
                switch outcome {
                case .stopped:
                    continue
                case .needsRefill:
                    let dropped = try Self.refill(&state.buffer, keepingFrom: state.position, line: state.line)
                    state.position -= dropped
                case .end:
                    exhausted = true
                case .failed(let error):
                    throw error
                case .fieldFailed(let slot, let status, let span, let start, let length):
                    Self.absorb(&unabsorbed, into: builders, columnCount: columnCount) // none: a failed round merges nothing
                    let column = selected[slot]
                    if case .needsRestart = status {
                        forcedToString.insert(column)
                        guard let restart = state.buffer.rewind(toAbsoluteOffset: startOffset) else {
                            let text = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
                            throw .typeChangedAfterFirstChunk(
                                Self.location(name, header, line: span.line, column: column), text: text,
                                inferred: builders[slot].inferredType ?? .double)
                        }
                        state.position = restart
                        state.line = startLine
                        exhausted = false
                        continue attempt
                    }
                    throw error(
                        for: status, span: span, column: column, bytes: UnsafePointer(state.buffer.bytes),
                        start: start, length: length, fileOffset: state.buffer.fileOffset)
                }
            }

            Self.absorb(&unabsorbed, into: builders, columnCount: columnCount)
            if rows == 0 { return nil }
            var columns: [Column] = []
            columns.reserveCapacity(columnCount)
            for (slot, column) in selected.enumerated() {
                columns.append(builders[slot].finish())
                if case .open = plans[column], let type = builders[slot].inferredType {
                    plans[column] = .inferred(type)
                }
            }
            return Table(validatedNames: selected.map { header[$0] }, columns: columns, rowCount: rows)
        }
    }

    /// The least unread bytes in the window for which a parallel round is worth its
    /// synchronisation.
    static let minimumParallelBytes = 64 << 10

    /// How a run of records ended.
    private enum RecordsOutcome {
        /// `limit` or `maxRows` reached.
        case stopped
        /// The next record continues past the window.
        case needsRefill
        /// No records are left.
        case end
        case failed(CSVError)
        /// The builder in `slot` refused a field (or needs the chunk read again).
        case fieldFailed(slot: Int, status: ColumnBuilder.Status, span: CSVTokenizer.Span, start: UnsafePointer<UInt8>, length: Int)
    }

    /// Reads records from the window into `builders` (one per selected column) until the
    /// position reaches `limit`, `rows` reaches `maxRows`, or the window or the input ends. Never
    /// refills: the caller does, so that it can start a parallel round on the fresh window.
    private static func appendRecords(
        _ state: inout ScanState, _ scratch: inout EscapeScratch, builders: UnsafeMutablePointer<ColumnBuilder>,
        selected: UnsafeBufferPointer<Int>, name: String, header: [String], limit: Int, maxRows: Int, rows: inout Int,
        plainRecords allowPlain: Bool, plainCount: inout Int
    ) -> RecordsOutcome {
        // Records of plain cells go through the fused path (`PlainRecordBatch`); a record it
        // declines is read the general way, after the held records' values are appended.
        let fieldCount = header.count
        var batch = allowPlain && selected.count > 0 && !canContinueNumber(state.tokenizer.delimiter)
            ? PlainRecordBatch(builders: builders, columns: selected.count, rowLimit: maxRows - rows) : nil
        var plainRecords = 0
        defer {
            if batch != nil {
                batch!.flush(into: builders)
                batch!.deallocate()
            }
            plainCount += plainRecords
        }
        var declined = 0
        while rows < maxRows && state.position < limit {
            if batch != nil {
                let bytes = UnsafePointer(state.buffer.bytes)
                if let next = batch!.read(
                    bytes, from: state.position, count: state.buffer.count, fieldCount: fieldCount,
                    selected: selected, tokenizer: state.tokenizer, builders: builders) {
                    let line = state.line
                    state.position = next
                    state.line += 1
                    for index in 0..<batch!.textSlotCount {
                        let slot = batch!.textSlots[index]
                        let start = batch!.textStarts[slot]
                        let length = batch!.textEnds[slot] - start
                        let status = builders[slot].append(bytes + start, length, quoted: false)
                        if case .ok = status { continue }
                        let span = CSVTokenizer.Span(start: start, end: start + length, line: line, quoted: false, escaped: false)
                        return .fieldFailed(slot: slot, status: status, span: span, start: bytes + start, length: length)
                    }
                    if batch!.commit() { batch!.flush(into: builders) }
                    rows += 1
                    plainRecords += 1
                    continue
                }
                batch!.flush(into: builders)
                declined += 1
                if declined > 16 && declined * 2 > plainRecords {
                    // Mostly other records (quotes, padding, missing tokens): stop trying.
                    batch!.deallocate()
                    batch = nil
                }
            }
            switch scanDataRecord(&state, name: name, header: header, mayRefill: false) {
            case .record:
                break
            case .end:
                return .end
            case .needsRefill:
                return .needsRefill
            case .failed(let error):
                return .failed(error)
            }
            let bytes = UnsafePointer(state.buffer.bytes)
            let spans = state.tokenizer.spans
            for slot in 0..<selected.count {
                let span = spans[selected[slot]]
                var start = bytes + span.start
                var length = span.end - span.start
                if span.escaped {
                    (start, length) = scratch.collapse(start, length)
                }
                let status = builders[slot].append(start, length, quoted: span.quoted)
                if case .ok = status { continue }
                return .fieldFailed(slot: slot, status: status, span: span, start: start, length: length)
            }
            rows += 1
            // The record may have given a column its type, or widened one.
            batch?.updateRoles(builders)
        }
        return .stopped
    }

    /// Whether `byte` can continue a number (`NumberParsing.plainDecimalPrefix`,
    /// `plainIntegerPrefix`), so that it could not end one as a delimiter.
    static func canContinueNumber(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || (byte | 0x20) == UInt8(ascii: "e")
    }

    /// One window read on two threads: the unread bytes are split at a record boundary near
    /// their middle (`splitPoint`, which follows the quotes from the record start); this thread
    /// first appends the previous round's second part (`unabsorbed`, with `ColumnBuilder.absorb`)
    /// and then reads the first part into `builders`, while a second thread reads the rest into
    /// `sideBuilders` (continuations of `builders`) and then the next window ahead
    /// (`CSVReadBuffer.readAhead`, taken by the caller's refill). A merged second part becomes
    /// `unabsorbed`, appended at the start of the next round or by `absorb(_:into:columnCount:)`
    /// before any other use of `builders`: neither the copy nor the read waits for both threads.
    /// The second part starts on an unknown line, so when it fails in any way (a format error, a
    /// type change) its work is dropped and the caller reads it again in order, which reports the
    /// error at the right place. Either way the result is that of reading the records one by one.
    private func parallelRound(
        _ state: inout ScanState, _ scratch: inout EscapeScratch, builders: UnsafeMutablePointer<ColumnBuilder>,
        sideBuilders: UnsafeMutablePointer<ColumnBuilder>, unabsorbed: inout UnsafeMutablePointer<ColumnBuilder>?,
        selected: [Int], rows: inout Int
    ) -> RecordsOutcome {
        let bytes = UnsafePointer(state.buffer.bytes)
        let name = self.name
        let header = self.header
        let plain = readsPlainRecords
        let columnCount = selected.count
        guard let split = Self.splitPoint(bytes, from: state.position, to: state.buffer.count, fraction: splitFraction) else {
            Self.absorb(&unabsorbed, into: builders, columnCount: columnCount)
            return selected.withUnsafeBufferPointer { selectedColumns in
                Self.appendRecords(
                    &state, &scratch, builders: builders, selected: selectedColumns, name: name, header: header,
                    limit: Int.max, maxRows: Int.max, rows: &rows, plainRecords: plain,
                    plainCount: &plainRecordsRead)
            }
        }
        state.buffer.prepareSpare()
        let readsAhead = state.buffer.canReadAhead
        let side = ParallelPart(
            state: ScanState(buffer: state.buffer, tokenizer: sideTokenizer, position: split, line: 1),
            scratch: sideScratch, builders: sideBuilders)
        let roundStart = state.position
        let first = ParallelPart(state: state, scratch: scratch, builders: builders)
        first.previous = unabsorbed
        unabsorbed = nil
        let work: @Sendable (Int) -> Void = { part in
            let start = DispatchTime.now().uptimeNanoseconds
            defer { (part == 0 ? first : side).nanoseconds = DispatchTime.now().uptimeNanoseconds &- start }
            selected.withUnsafeBufferPointer { selectedColumns in
                if part == 0 {
                    Self.absorb(&first.previous, into: first.builders, columnCount: columnCount)
                    var rows = 0
                    first.outcome = Self.appendRecords(
                        &first.state, &first.scratch, builders: first.builders, selected: selectedColumns,
                        name: name, header: header, limit: split, maxRows: Int.max, rows: &rows, plainRecords: plain,
                        plainCount: &first.plainRecords)
                    first.rows = rows
                } else {
                    var rows = 0
                    side.outcome = Self.appendRecords(
                        &side.state, &side.scratch, builders: side.builders, selected: selectedColumns,
                        name: name, header: header, limit: Int.max, maxRows: Int.max, rows: &rows, plainRecords: plain,
                        plainCount: &side.plainRecords)
                    side.rows = rows
                    if readsAhead, case .needsRefill? = side.outcome {
                        side.readAhead = side.state.buffer.readAhead(keepingFrom: side.state.position)
                    }
                }
            }
        }
        DispatchQueue.concurrentPerform(iterations: 2, execute: work)
        // The tokenizers' span storage may have grown: keep the current pointers.
        sideTokenizer = side.state.tokenizer
        sideScratch = side.scratch
        state = first.state
        scratch = first.scratch
        if let next = side.readAhead {
            // The descriptor has moved on: the next refill takes this window (or gives it back).
            state.buffer.keepReadAhead(next)
            windowsReadAhead += 1
        }
        rows += first.rows
        plainRecordsRead += first.plainRecords
        splitFraction = Self.balancedFraction(
            splitFraction, firstBytes: split - roundStart, firstNanoseconds: first.nanoseconds,
            secondBytes: side.state.position - split, secondNanoseconds: side.nanoseconds)
        guard case .stopped? = first.outcome, state.position == split else {
            return first.outcome ?? .stopped
        }
        let sideOutcome = side.outcome ?? .stopped
        switch sideOutcome {
        case .needsRefill, .end:
            break
        case .stopped, .failed, .fieldFailed:
            return .stopped // read the second part again, in order
        }
        // Every column must merge; check first, so that a refusal leaves the builders untouched.
        for slot in 0..<columnCount where !builders[slot].canAbsorb(side.builders[slot]) {
            return .stopped
        }
        unabsorbed = sideBuilders
        rows += side.rows
        plainRecordsRead += side.plainRecords
        parallelRoundsMerged += 1
        state.position = side.state.position
        state.line += side.state.line - 1
        return sideOutcome
    }

    /// Appends a merged second part that waits to be appended (see `parallelRound`), if any.
    private static func absorb(
        _ unabsorbed: inout UnsafeMutablePointer<ColumnBuilder>?, into builders: UnsafeMutablePointer<ColumnBuilder>,
        columnCount: Int
    ) {
        guard let part = unabsorbed else { return }
        for slot in 0..<columnCount { _ = builders[slot].absorb(part[slot]) }
        unabsorbed = nil
    }

    /// The split fraction for the next round: each part's bytes per nanosecond in this one give
    /// the fraction at which both would have taken as long; the result moves halfway there (one
    /// slow round on a busy machine does not swing it) and stays within 0.3…0.7.
    static func balancedFraction(
        _ fraction: Double, firstBytes: Int, firstNanoseconds: UInt64, secondBytes: Int, secondNanoseconds: UInt64
    ) -> Double {
        guard firstBytes > 0, secondBytes > 0, firstNanoseconds > 0, secondNanoseconds > 0 else { return fraction }
        let firstRate = Double(firstBytes) / Double(firstNanoseconds)
        let secondRate = Double(secondBytes) / Double(secondNanoseconds)
        let balanced = firstRate / (firstRate + secondRate)
        return Swift.min(0.7, Swift.max(0.3, (fraction + balanced) / 2))
    }

    /// The first record boundary at or after `fraction` (0…1, the middle by default) of
    /// `bytes[from..<to]` that lies outside quotes, or `nil` when there is none before `to - 1`.
    /// `from` must be a record start. Quote
    /// parity decides: in RFC 4180 text every quote opens or closes a quoted field, or is half of
    /// a `""` pair inside one (a malformed file makes the first part fail, and everything is then
    /// read in order).
    static func splitPoint(_ bytes: UnsafePointer<UInt8>, from: Int, to: Int, fraction: Double = 0.5) -> Int? {
        let middle = from + Int(Double(to - from) * Swift.min(1, Swift.max(0, fraction)))
        var inQuotes = false
        var position = from
        while let offset = POSIX.firstIndex(of: UInt8(ascii: "\""), in: bytes + position, count: middle - position) {
            inQuotes.toggle()
            position += offset + 1
        }
        var index = middle
        while index < to - 1 {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes && (byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")) {
                if byte == UInt8(ascii: "\r") && bytes[index + 1] == UInt8(ascii: "\n") {
                    index += 1
                }
                return index + 1 < to ? index + 1 : nil
            }
            index += 1
        }
        return nil
    }

    /// What one thread of a parallel round works on (one writer, read after the join).
    private final class ParallelPart: @unchecked Sendable {
        var state: ScanState
        var scratch: EscapeScratch
        let builders: UnsafeMutablePointer<ColumnBuilder>
        var outcome: RecordsOutcome?
        var rows = 0
        var plainRecords = 0
        /// How long its thread worked on it.
        var nanoseconds: UInt64 = 0
        /// The first part's: the previous round's merged second part, appended before reading.
        var previous: UnsafeMutablePointer<ColumnBuilder>?
        /// The second part's: the next window, read after the part.
        var readAhead: CSVReadBuffer.ReadAhead?
        init(state: ScanState, scratch: EscapeScratch, builders: UnsafeMutablePointer<ColumnBuilder>) {
            self.state = state
            self.scratch = scratch
            self.builders = builders
        }
    }

    /// Reserves room in every column for the rows this chunk will probably hold, estimated from
    /// the bytes per row so far, to save the copies of repeated array growth. The estimate is
    /// padded by 25%: memory reserved but never written costs no physical pages.
    private func reserveEstimatedRows(
        _ builders: UnsafeMutablePointer<ColumnBuilder>, rows: Int, state: ScanState, startOffset: Int, maxRows: Int
    ) {
        let used = state.buffer.fileOffset + state.position - startOffset
        guard let total = state.buffer.totalSize, used > 0, total > startOffset + used else { return }
        let estimate = Double(rows) * Double(total - startOffset) / Double(used) * 1.25 + 64
        let rowsToReserve = Int(Swift.min(Double(maxRows), Swift.min(estimate, 1e9)))
        for column in 0..<selected.count {
            builders[column].reserve(rowsToReserve)
        }
    }

    /// What scanning for the next data record found.
    private enum ScanResult {
        /// A record starting on this line; its spans are in `state.tokenizer.spans`.
        case record(Int)
        case end
        /// The record continues past the window (only when refilling was not allowed).
        case needsRefill
        case failed(CSVError)
    }

    /// Scans to the next record that is not a skipped blank line and checks its field count.
    /// Refills the window itself when `mayRefill`, else answers `.needsRefill`.
    private static func scanDataRecord(
        _ state: inout ScanState, name: String, header: [String], mayRefill: Bool
    ) -> ScanResult {
        let columnCount = header.count
        while true {
            let outcome = state.tokenizer.scanRecord(
                UnsafePointer(state.buffer.bytes), count: state.buffer.count, position: state.position,
                line: state.line, atEnd: state.buffer.atEnd, storeLimit: columnCount + 1)
            switch outcome {
            case .record(let fieldCount, let next, let nextLine):
                let recordLine = state.line
                let spans = state.tokenizer.spans
                if fieldCount == 1 && columnCount > 1 && !spans[0].quoted && spans[0].start == spans[0].end {
                    state.position = next
                    state.line = nextLine
                    continue
                }
                if fieldCount > columnCount {
                    return .failed(.wrongFieldCount(
                        location(name, header, line: spans[columnCount].line, column: columnCount),
                        expected: columnCount, found: fieldCount))
                }
                if fieldCount < columnCount {
                    let last = spans[fieldCount - 1]
                    let endLine = lineOfByte(last.end, in: last, bytes: UnsafePointer(state.buffer.bytes))
                    return .failed(.wrongFieldCount(
                        location(name, header, line: endLine, column: fieldCount), expected: columnCount, found: fieldCount))
                }
                state.position = next
                state.line = nextLine
                return .record(recordLine)
            case .needMoreData:
                guard mayRefill else { return .needsRefill }
                do throws(CSVError) {
                    let dropped = try refill(&state.buffer, keepingFrom: state.position, line: state.line)
                    state.position -= dropped
                } catch {
                    return .failed(error)
                }
            case .endOfInput:
                return .end
            case .unterminatedQuote(let line, let field):
                return .failed(.unterminatedQuote(location(name, header, line: line, column: field - 1)))
            case .unexpectedQuote(let line, let field):
                return .failed(.unexpectedQuote(location(name, header, line: line, column: field - 1)))
            case .textAfterClosingQuote(let line, let field):
                return .failed(.textAfterClosingQuote(location(name, header, line: line, column: field - 1)))
            }
        }
    }

    /// A location for the 0-based `column`, named when the header has it.
    private static func location(_ name: String, _ header: [String], line: Int, column: Int) -> CSVLocation {
        CSVLocation(file: name, line: line, column: column + 1, columnName: column < header.count ? header[column] : nil)
    }

    /// The `CSVError` for a failed field.
    private func error(
        for status: ColumnBuilder.Status, span: CSVTokenizer.Span, column: Int,
        bytes: UnsafePointer<UInt8>, start: UnsafePointer<UInt8>, length: Int, fileOffset: Int
    ) -> CSVError {
        let at = Self.location(name, header, line: span.line, column: column)
        let text = String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        switch status {
        case .ok, .needsRestart:
            return .invalidOptions("internal: no error for status \(status)")
        case .notANumber(let type):
            return .notANumber(at, text: text, expected: type)
        case .integerOutOfRange:
            return .integerOutOfRange(at, text: text)
        case .typeChanged(let type):
            return .typeChangedAfterFirstChunk(at, text: text, inferred: type)
        case .invalidUTF8(let offset, let byte):
            // Map an offset in the collapsed copy back to the file.
            var original = span.start
            if span.escaped {
                var collapsed = 0
                while collapsed < offset && original < span.end {
                    original += bytes[original] == UInt8(ascii: "\"") ? 2 : 1
                    collapsed += 1
                }
            } else {
                original += offset
            }
            var located = at
            located.line = Self.lineOfByte(original, in: span, bytes: bytes)
            return .invalidUTF8(located, byteOffset: fileOffset + original, byte: byte)
        }
    }
}
