/// The CSV reader's fused path for records of plain cells: each field is parsed where it starts
/// — numbers straight into values, with no tokenizing pass first — and the values of up to
/// `capacity` (≤ 128) records are appended to the columns together.
///
/// A record is taken when every selected field is, for its column's `Role`:
/// - `.double`: empty (a missing cell) or a finite plain number
///   (`NumberParsing.plainDecimalPrefix`);
/// - `.int`: empty or `[+-]?[0-9]{1,18}` (`NumberParsing.plainIntegerPrefix`);
/// - `.string`: any unquoted field that is valid UTF-8, coded into the column's dictionary
///   where it is read (`ColumnBuilder.plainTextCode`; a missing cell is code 0);
/// - `.text` (columns still without a type): any unquoted field, handed to
///   `ColumnBuilder.append` once the whole record is taken;
/// every other field is unquoted, each field ends at the delimiter, and the last at a line end
/// (LF, CRLF or a lone CR) before the window's end. Anything else — padding, quotes, missing
/// tokens, text in a numeric column, a wrong field count, a record running into the window's
/// end — is declined before anything is stored, and the reader reads that record the general
/// way (tokenizer, then `ColumnBuilder.append` for every field). For a taken record the result
/// is the general path's: the same field boundaries (no field holds a delimiter, quote or line
/// end), and per field the value, missing cell or text `ColumnBuilder.append` stores.
struct PlainRecordBatch {
    /// How a column's fields are read (the numeric roles first: `read` tests for them with one
    /// comparison).
    enum Role: UInt8 {
        case double, int, string, text
    }

    /// Records whose values are held before they are appended: at most 128, and at most
    /// 65,536 cells in all (a file of 10,000 columns holds 6 records, about 1 MB), and no more
    /// than the rows the caller may still read.
    let capacity: Int

    let columns: Int
    private let roles: UnsafeMutablePointer<Role>
    /// Every column is `.double` (`readDoubles` applies when every field is selected).
    private var allDoubles = false
    /// Per column, `capacity` cells: column × capacity + row.
    private let doubles: UnsafeMutablePointer<Double>
    private let ints: UnsafeMutablePointer<Int>
    /// `.string` columns' cells as codes into their builder's dictionary.
    private let codes: UnsafeMutablePointer<UInt32>
    /// Per cell, whether it is missing: set by `read`, cleared by `flush` (all false between
    /// batches, so that `read` stores only the missing cells).
    private let missing: UnsafeMutablePointer<Bool>
    /// The current record's text fields (offsets in the window), per column.
    let textStarts: UnsafeMutablePointer<Int>
    let textEnds: UnsafeMutablePointer<Int>
    /// The `.text` columns' slots, `textSlotCount` of them, in order (most files have none or
    /// one: a column empty so far).
    let textSlots: UnsafeMutablePointer<Int>
    private(set) var textSlotCount = 0
    /// Records held.
    private(set) var count = 0
    /// Some cell held is missing (else `flush` appends each column's values in one piece).
    private var hasMissing = false

    /// A batch for `builders` (one per selected column, `columns` ≥ 1) holding at most
    /// `rowLimit` records, or `nil` when a column has no role (a numeric column whose missing
    /// tokens include a finite number).
    init?(builders: UnsafeMutablePointer<ColumnBuilder>, columns: Int, rowLimit: Int) {
        for slot in 0..<columns where builders[slot].plainRole == nil {
            return nil
        }
        self.columns = columns
        capacity = Swift.max(1, Swift.min(128, 65_536 / Swift.max(1, columns), rowLimit))
        roles = .allocate(capacity: columns)
        doubles = .allocate(capacity: columns * capacity)
        ints = .allocate(capacity: columns * capacity)
        codes = .allocate(capacity: columns * capacity)
        missing = .allocate(capacity: columns * capacity)
        missing.initialize(repeating: false, count: columns * capacity)
        textStarts = .allocate(capacity: columns)
        textEnds = .allocate(capacity: columns)
        textSlots = .allocate(capacity: columns)
        updateRoles(builders)
    }

    func deallocate() {
        roles.deallocate()
        doubles.deallocate()
        ints.deallocate()
        codes.deallocate()
        missing.deallocate()
        textStarts.deallocate()
        textEnds.deallocate()
        textSlots.deallocate()
    }

    /// Takes the columns' current types (a column without a type yet is read as text, which
    /// `ColumnBuilder.append` handles whatever the type turns out to be). Call with no records
    /// held.
    mutating func updateRoles(_ builders: UnsafeMutablePointer<ColumnBuilder>) {
        allDoubles = true
        textSlotCount = 0
        for slot in 0..<columns {
            roles[slot] = builders[slot].plainRole ?? .text
            if roles[slot] != .double { allDoubles = false }
            if roles[slot] == .text {
                textSlots[textSlotCount] = slot
                textSlotCount += 1
            }
        }
    }

    /// Appends the held records' numeric and `.string` cells to the builders, column by column.
    mutating func flush(into builders: UnsafeMutablePointer<ColumnBuilder>) {
        for slot in 0..<columns {
            let role = roles[slot]
            if role == .text { continue }
            let base = slot &* capacity
            if role == .string {
                builders[slot].appendPlainCodes(UnsafeBufferPointer(start: codes + base, count: count))
                continue
            }
            if !hasMissing {
                if role == .double {
                    builders[slot].appendPlainDoubles(UnsafeBufferPointer(start: doubles + base, count: count))
                } else {
                    builders[slot].appendPlainInts(UnsafeBufferPointer(start: ints + base, count: count))
                }
                continue
            }
            var row = 0
            while row < count {
                var end = row
                while end < count && !missing[base &+ end] { end &+= 1 }
                if end > row {
                    if role == .double {
                        builders[slot].appendPlainDoubles(UnsafeBufferPointer(start: doubles + (base &+ row), count: end &- row))
                    } else {
                        builders[slot].appendPlainInts(UnsafeBufferPointer(start: ints + (base &+ row), count: end &- row))
                    }
                }
                if end < count {
                    builders[slot].appendPlainMissing()
                    end &+= 1
                }
                row = end
            }
            // The whole column's flags: a declined record may have set one past `count`.
            (missing + base).update(repeating: false, count: capacity)
        }
        count = 0
        hasMissing = false
    }

    /// Reads an integer cell (or an empty one) at `bytes` into `cell`: its length, or `nil`
    /// when the field is neither. Kept out of `read`, whose registers are the number loop's.
    @inline(never)
    private mutating func readInteger(_ bytes: UnsafePointer<UInt8>, cell: Int, delimiter: UInt8) -> Int? {
        if let number = NumberParsing.plainIntegerPrefix(bytes) {
            ints[cell] = number.value
            return number.length
        }
        guard isEmptyField(bytes[0], delimiter) else { return nil }
        missing[cell] = true
        hasMissing = true
        return 0
    }

    /// Whether a field starting with `byte` is empty.
    @inline(__always)
    private func isEmptyField(_ byte: UInt8, _ delimiter: UInt8) -> Bool {
        byte == delimiter || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Counts the record just read (`read` returned a position) as held; true when the batch
    /// is full.
    @inline(__always)
    mutating func commit() -> Bool {
        count &+= 1
        return count == capacity
    }

    /// Reads the record at `start` into the next row (numbers, codes of `.string` fields) and
    /// `textStarts`/`textEnds` (`.text` fields), and returns where the next record starts; `nil`
    /// when the record is not one this path takes (see the type's documentation). Stores no
    /// cells in the builders (coding a `.string` field may add its text to the column's
    /// dictionary, which changes no value: a declined record is read again the general way).
    @inline(__always)
    mutating func read(
        _ bytes: UnsafePointer<UInt8>, from start: Int, count limit: Int, fieldCount: Int,
        selected: UnsafeBufferPointer<Int>, tokenizer: CSVTokenizer, builders: UnsafeMutablePointer<ColumnBuilder>
    ) -> Int? {
        let delimiter = tokenizer.delimiter
        if allDoubles && selected.count == fieldCount {
            return readDoubles(bytes, from: start, count: limit, fieldCount: fieldCount, delimiter: delimiter)
        }
        var p = start
        var slot = 0
        var field = 0
        // The code of the last `.string` field of this record (`ColumnBuilder.plainTextCode`'s
        // prediction key).
        var leftCode = UInt32.max
        while true {
            if slot < selected.count && selected[slot] == field {
                let role = roles[slot]
                if role.rawValue <= Role.int.rawValue {
                    let cell = slot &* capacity &+ count
                    if role == .double {
                        guard let end = readDouble(bytes, at: p, cell: cell, delimiter: delimiter) else { return nil }
                        p = end
                    } else if bytes[p] &- UInt8(ascii: "0") <= 9 {
                        // Unsigned digits (most counts in statistical files are short): what
                        // `plainIntegerPrefix` gives, without the call and its word arithmetic.
                        // A non-digit follows within the window (its line-feed sentinel).
                        var value = Int(bytes[p] &- UInt8(ascii: "0"))
                        var end = p &+ 1
                        while true {
                            let digit = bytes[end] &- UInt8(ascii: "0")
                            if digit > 9 { break }
                            value = value &* 10 &+ Int(digit)
                            end &+= 1
                        }
                        guard end &- p <= 18 else { return nil }
                        ints[cell] = value
                        p = end
                    } else {
                        guard let length = readInteger(bytes + p, cell: cell, delimiter: delimiter) else { return nil }
                        p &+= length
                    }
                } else if role == .string {
                    let end = tokenizer.endOfUnquotedField(bytes, from: p)
                    guard let code = builders[slot].plainTextCode(bytes + p, end &- p, beside: leftCode) else { return nil }
                    codes[slot &* capacity &+ count] = code
                    leftCode = code
                    p = end
                } else {
                    textStarts[slot] = p
                    p = tokenizer.endOfUnquotedField(bytes, from: p)
                    textEnds[slot] = p
                }
                slot &+= 1
            } else {
                p = tokenizer.endOfUnquotedField(bytes, from: p)
            }
            guard p < limit else { return nil }
            let terminator = bytes[p]
            field &+= 1
            if field < fieldCount {
                guard terminator == delimiter else { return nil }
                p &+= 1
                continue
            }
            return Self.nextRecord(bytes, lineEndAt: p, count: limit)
        }
    }

    /// `read` for a record whose fields are all selected and all `.double` (a float-heavy file
    /// read whole): the same checks and results, without the per-field column lookups. The
    /// field-end checks are `read`'s, written out in both: one shared helper made
    /// population.csv's reads 6–8 % slower through `read` (release build, pinned, 3 alternations).
    @inline(never)
    private mutating func readDoubles(
        _ bytes: UnsafePointer<UInt8>, from start: Int, count limit: Int, fieldCount: Int, delimiter: UInt8
    ) -> Int? {
        var p = start
        var cell = count
        var field = 0
        while true {
            guard let end = readDouble(bytes, at: p, cell: cell, delimiter: delimiter) else { return nil }
            p = end
            guard p < limit else { return nil }
            let terminator = bytes[p]
            field &+= 1
            cell &+= capacity
            if field < fieldCount {
                guard terminator == delimiter else { return nil }
                p &+= 1
                continue
            }
            return Self.nextRecord(bytes, lineEndAt: p, count: limit)
        }
    }

    /// Reads a `.double` cell at `p` — a plain number, or an empty field (a missing cell) —
    /// into `cell`: the position after it, or `nil` when the field is neither.
    @inline(__always)
    private mutating func readDouble(_ bytes: UnsafePointer<UInt8>, at p: Int, cell: Int, delimiter: UInt8) -> Int? {
        if let number = NumberParsing.plainDecimalPrefix(bytes + p) {
            doubles[cell] = number.value
            return p &+ number.length
        }
        guard isEmptyField(bytes[p], delimiter) else { return nil }
        missing[cell] = true
        hasMissing = true
        return p
    }

    /// Where the next record starts when the record's last field ends at `p` (`p < limit`):
    /// after an LF, a CRLF or a lone CR; `nil` for any other byte, or a CR whose next byte is
    /// not in the window yet.
    @inline(__always)
    private static func nextRecord(_ bytes: UnsafePointer<UInt8>, lineEndAt p: Int, count limit: Int) -> Int? {
        let terminator = bytes[p]
        if terminator == UInt8(ascii: "\n") {
            return p &+ 1
        }
        guard terminator == UInt8(ascii: "\r") && p &+ 1 < limit else { return nil }
        return bytes[p &+ 1] == UInt8(ascii: "\n") ? p &+ 2 : p &+ 1
    }
}
