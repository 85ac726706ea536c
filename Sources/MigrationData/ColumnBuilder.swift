/// Accumulates one CSV column's fields into typed storage — a `MaskedArray` of `Int` or `Double`
/// (plain values plus a missing-cell bitmap, the storage `Column` keeps), or for text a code per
/// cell into the column's `StringInterner` (0 for a missing cell), which `finish()` hands over as
/// `StringCells` — inferring the type when it is not declared.
///
/// Inference runs as a one-way state machine per column:
///
///     pending (all missing so far) ─→ int ─→ double
///            │                        │        │
///            └──────→ string ←────────┴────────┘ (needs the original text: restart)
///
/// `pending → int/double/string` and `int → double` convert in place (an `Int` becomes the
/// `Double` that `strtod` would give for the same digits: both round to nearest). Going from a
/// numeric state to `.string` needs the original text of the earlier fields, which is gone, so
/// the builder answers `.needsRestart` and the reader re-reads the chunk with the column fixed to
/// `.string`. That happens at most once per column, and only for columns that hold numbers and
/// then text.
struct ColumnBuilder {
    /// Who decides the type.
    enum Mode {
        /// The caller declared it: a value of another kind is an error.
        case declared
        /// An earlier chunk fixed it: a value of another kind is an error (earlier chunks were
        /// returned already).
        case fixedByEarlierChunk
        /// Inferred from this chunk: the type may widen.
        case open
    }

    enum Kind {
        case pending, int, double, string
    }

    /// What happened to one field.
    enum Status: Equatable {
        case ok
        case needsRestart
        case notANumber(ColumnType)
        case integerOutOfRange
        case typeChanged(ColumnType)
        /// Offset of the bad byte within the field, and its value.
        case invalidUTF8(offset: Int, byte: UInt8)
    }

    private(set) var mode: Mode
    private(set) var kind: Kind
    /// Tokens that mean missing in numeric columns and in string columns.
    private let numericMissing: MissingTokens
    private let stringMissing: MissingTokens
    private var ints = MaskedArray<Int>()
    private var doubles = MaskedArray<Double>()
    /// A text column's cells: codes into `interner` (0 = missing). Storing a `String?` per cell
    /// instead costs a retain, 16 bytes and a uniqueness check of a larger array per cell, and
    /// a release when the column is freed; the finished column keeps the codes (`StringCells`).
    private var codes: [UInt32] = []
    /// Rows read while pending.
    private var pendingCount = 0
    /// While pending: rows whose text would not be missing in a string column (quoted empty
    /// fields, padding, numeric missing tokens such as `NA`) and their codes in `interner`, to
    /// rebuild them if the column turns out to be text.
    private var pendingTexts: [(row: Int, code: UInt32)] = []
    private var interner = StringInterner()
    /// The last short (≤ 16 bytes) string field coded, its bytes as words, length and code:
    /// sorted files repeat a value on consecutive rows (UNHCR's country-of-asylum columns do 94%
    /// of the time), and comparing two words with the last value is cheaper than a hash lookup.
    /// `previousCount` is -1 when there is none.
    private var previousWords: (UInt64, UInt64) = (0, 0)
    private var previousCount = -1
    private var previousCode: UInt32 = 0

    /// A short field this column held beside a given code of the text column to its left in
    /// the same record (`plainTextCode(_:_:beside:)`).
    struct BesideField {
        var words: (UInt64, UInt64)
        var count: Int32
        var code: UInt32
    }

    /// Per code (below `besideLimit`) of the text column to the left, the last short field
    /// this column held beside it. Files pair a name with its codes (UNHCR: `coo_name`, `coo`,
    /// `coo_iso`): a code column that changes on every row is then predicted by its left
    /// neighbour, and checking the prediction is two word comparisons instead of a lookup.
    private var beside: [BesideField] = []
    static let besideLimit: UInt32 = 4096

    /// A builder for a column of known type (`mode` `.declared` or `.fixedByEarlierChunk`), or
    /// an open one (`type == nil`).
    init(type: ColumnType?, mode: Mode, expectedRows: Int, numericMissing: MissingTokens, stringMissing: MissingTokens) {
        self.mode = type == nil ? .open : mode
        self.numericMissing = numericMissing
        self.stringMissing = stringMissing
        switch type {
        case nil: kind = .pending
        case .int?: kind = .int; ints.reserveCapacity(expectedRows)
        case .double?: kind = .double; doubles.reserveCapacity(expectedRows)
        case .string?: kind = .string; codes.reserveCapacity(expectedRows)
        }
    }

    /// Rows to reserve room for when a pending column gets its type.
    private var reservedRows = 0

    /// Reserves room for `rows` values in the typed storage (a pending column remembers the
    /// number for when its type is known).
    mutating func reserve(_ rows: Int) {
        reservedRows = rows
        switch kind {
        case .pending: break
        case .int: ints.reserveCapacity(rows)
        case .double: doubles.reserveCapacity(rows)
        case .string: codes.reserveCapacity(rows)
        }
    }

    /// The type so far; `nil` while every value is missing.
    var inferredType: ColumnType? {
        switch kind {
        case .pending: return nil
        case .int: return .int
        case .double: return .double
        case .string: return .string
        }
    }

    /// The finished column; an all-missing open column becomes `.double`.
    func finish() -> Column {
        switch kind {
        case .pending: return .double(MaskedArray(missing: pendingCount))
        case .int: return .int(ints)
        case .double: return .double(doubles)
        case .string: return .string(StringCells(codes: codes, values: interner.values))
        }
    }

    /// Adds one field's content (`count` bytes at `bytes`, quotes removed and unescaped). At
    /// least 16 bytes must be readable at `bytes` (the reader's buffers guarantee it; see
    /// `ShortField`).
    ///
    /// The commonest cases (a plain integer, a string equal to the previous row's) are handled
    /// inline here, so the reader's loop does not call out for them.
    @inline(__always)
    mutating func append(_ bytes: UnsafePointer<UInt8>, _ count: Int, quoted: Bool) -> Status {
        switch kind {
        case .string:
            if repeatsPreviousField(bytes, count) {
                codes.append(previousCode)
                return .ok
            }
            return appendString(bytes, count, quoted: quoted)
        case .int:
            if count > 0 && count <= 18 && !numericMissing.containsFiniteNumber {
                var value = 0
                var index = 0
                while index < count {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    if digit > 9 { break }
                    value = value &* 10 &+ Int(digit)
                    index += 1
                }
                if index == count {
                    ints.append(value)
                    return .ok
                }
            }
            return appendInt(bytes, count)
        case .double:
            if count > 0 && !numericMissing.containsFiniteNumber && !NumberParsing.isPadding(bytes[0])
                && !NumberParsing.isPadding(bytes[count - 1]),
               let value = NumberParsing.parseDouble(bytes, count), value.isFinite {
                doubles.append(value)
                return .ok
            }
            return appendDouble(bytes, count)
        case .pending:
            if count == 0 && !quoted {
                // Missing as a number and as text (what `appendPending` concludes).
                pendingCount += 1
                return .ok
            }
            return appendPending(bytes, count, quoted: quoted)
        }
    }

    /// How the reader's fused path (`PlainRecordBatch`) reads this column: `.double` and `.int`
    /// columns take a plain number as its value and an empty field as a missing cell, as
    /// `append` does, unless a missing token is a finite number (`nil`: the path is not used);
    /// string columns take an unquoted field's code (`plainTextCode`); columns without a type
    /// yet take their fields through `append`.
    var plainRole: PlainRecordBatch.Role? {
        switch kind {
        case .double: return numericMissing.containsFiniteNumber ? nil : .double
        case .int: return numericMissing.containsFiniteNumber ? nil : .int
        case .string: return .string
        case .pending: return .text
        }
    }

    /// Whether a field's bytes are the previous short text field's (whose code is
    /// `previousCode`): two word comparisons instead of a dictionary lookup.
    @inline(__always)
    private func repeatsPreviousField(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        count > 0 && count <= ShortField.maximumLength && count == previousCount
            && ShortField.words(bytes, count) == previousWords
    }

    /// Makes a short field's words, length and code the previous field's.
    @inline(__always)
    private mutating func notePrevious(_ words: (UInt64, UInt64), _ count: Int, _ code: UInt32) {
        previousWords = words
        previousCount = count
        previousCode = code
    }

    /// The code `append` would store for an unquoted field of a `.string` column (0 for a
    /// missing cell), without storing it; `nil` when the bytes are not valid UTF-8 (the caller
    /// then reads the field through `append`, which reports it). 16 bytes must be readable at
    /// `bytes`.
    ///
    /// `leftCode`: the code of the text column to the left in the same record (`UInt32.max`
    /// when there is none), whose last field beside the same code is tried before the
    /// dictionary; a prediction is used only when the bytes are the same, so the code is the
    /// one the dictionary gives.
    @inline(__always)
    mutating func plainTextCode(_ bytes: UnsafePointer<UInt8>, _ count: Int, beside leftCode: UInt32 = .max) -> UInt32? {
        if repeatsPreviousField(bytes, count) {
            return previousCode
        }
        // `beside` holds at most `besideLimit` entries (`remember`): the count bounds `leftCode`.
        if Int(leftCode) < beside.count {
            let field = beside[Int(leftCode)]
            if count > 0 && count <= ShortField.maximumLength && Int(field.count) == count {
                let words = ShortField.words(bytes, count)
                if words == field.words {
                    notePrevious(words, count, field.code)
                    return field.code
                }
            }
        }
        var invalid: UTF8Validation.InvalidByte? = nil
        guard let code = textCode(bytes, count, quoted: false, invalid: &invalid) else { return nil }
        if leftCode < Self.besideLimit {
            remember(code, count, beside: Int(leftCode))
        }
        return code
    }

    /// Stores the short field just coded (`previousWords`) as the prediction beside `leftCode`,
    /// when its code is a hashed one (those stay valid while the builder lives).
    @inline(never)
    private mutating func remember(_ code: UInt32, _ count: Int, beside leftCode: Int) {
        guard count > 0 && count <= ShortField.maximumLength && Int(code) <= interner.hashedCount && code != 0 else { return }
        if leftCode >= beside.count {
            beside.append(contentsOf: repeatElement(BesideField(words: (0, 0), count: -1, code: 0), count: leftCode + 1 - beside.count))
        }
        beside[leftCode] = BesideField(words: previousWords, count: Int32(count), code: code)
    }

    /// Appends the codes of `.string` cells (`plainTextCode`).
    mutating func appendPlainCodes(_ cells: UnsafeBufferPointer<UInt32>) {
        codes.append(contentsOf: cells)
    }

    /// Appends the values of plain decimal fields to a `.double` column: what `append` does
    /// with those fields, one after the other.
    mutating func appendPlainDoubles(_ values: UnsafeBufferPointer<Double>) {
        doubles.appendValues(values)
    }

    /// Appends the values of plain integer fields to an `.int` column.
    mutating func appendPlainInts(_ values: UnsafeBufferPointer<Int>) {
        ints.appendValues(values)
    }

    /// Appends a missing cell (an empty field) to a `.double` or `.int` column.
    mutating func appendPlainMissing() {
        if kind == .int { ints.appendMissing() } else { doubles.appendMissing() }
    }

    private mutating func appendString(_ bytes: UnsafePointer<UInt8>, _ count: Int, quoted: Bool) -> Status {
        var invalid: UTF8Validation.InvalidByte? = nil
        guard let code = textCode(bytes, count, quoted: quoted, invalid: &invalid) else {
            let bad = invalid ?? UTF8Validation.InvalidByte(offset: 0, byte: 0)
            return .invalidUTF8(offset: bad.offset, byte: bad.byte)
        }
        codes.append(code)
        return .ok
    }

    /// A text field's code: 0 for a missing cell (an empty unquoted field, a string missing
    /// token), else its code in the dictionary, remembered as the previous value when short;
    /// `nil` when the bytes are not valid UTF-8, with the first bad one in `invalid`.
    @inline(never)
    private mutating func textCode(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, quoted: Bool, invalid: inout UTF8Validation.InvalidByte?
    ) -> UInt32? {
        if count == 0 && !quoted {
            return 0
        }
        if !stringMissing.isEmpty && stringMissing.contains(bytes, count) {
            return 0
        }
        guard let code = interner.code(bytes, count, invalid: &invalid) else { return nil }
        if count <= ShortField.maximumLength {
            notePrevious(ShortField.words(bytes, count), count, code)
        }
        return code
    }

    private mutating func appendInt(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Status {
        var start = bytes
        var length = count
        if length == 0 || NumberParsing.isPadding(bytes[0]) || NumberParsing.isPadding(bytes[count - 1]) {
            Self.trim(&start, &length)
        }
        if length == 0 {
            ints.appendMissing()
            return .ok
        }
        if numericMissing.containsFiniteNumber && numericMissing.contains(start, length) {
            ints.appendMissing()
            return .ok
        }
        let parsed = NumberParsing.parseInt(start, length)
        if case .value(let value) = parsed {
            ints.append(value)
            return .ok
        }
        if parsed == .invalid && numericMissing.contains(start, length) {
            ints.appendMissing()
            return .ok
        }
        switch mode {
        case .open:
            if let value = NumberParsing.parseDouble(start, length) {
                doubles = ints.mapValues(Double.init)
                doubles.append(value)
                ints = MaskedArray()
                kind = .double
                return .ok
            }
            return .needsRestart
        case .declared:
            if let bad = UTF8Validation.firstInvalidByte(bytes, count) {
                return .invalidUTF8(offset: bad, byte: bytes[bad])
            }
            return parsed == .overflow ? .integerOutOfRange : .notANumber(.int)
        case .fixedByEarlierChunk:
            if let bad = UTF8Validation.firstInvalidByte(bytes, count) {
                return .invalidUTF8(offset: bad, byte: bytes[bad])
            }
            return .typeChanged(.int)
        }
    }

    private mutating func appendDouble(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Status {
        var start = bytes
        var length = count
        if length == 0 || NumberParsing.isPadding(bytes[0]) || NumberParsing.isPadding(bytes[count - 1]) {
            Self.trim(&start, &length)
        }
        if length == 0 {
            doubles.appendMissing()
            return .ok
        }
        if numericMissing.containsFiniteNumber && numericMissing.contains(start, length) {
            doubles.appendMissing()
            return .ok
        }
        if let value = NumberParsing.parseDouble(start, length) {
            // `NaN`, `inf`: a missing token when listed, else the value.
            if !value.isFinite && numericMissing.contains(start, length) {
                doubles.appendMissing()
            } else {
                doubles.append(value)
            }
            return .ok
        }
        if numericMissing.contains(start, length) {
            doubles.appendMissing()
            return .ok
        }
        switch mode {
        case .open:
            return .needsRestart
        case .declared, .fixedByEarlierChunk:
            if let bad = UTF8Validation.firstInvalidByte(bytes, count) {
                return .invalidUTF8(offset: bad, byte: bytes[bad])
            }
            return mode == .declared ? .notANumber(.double) : .typeChanged(.double)
        }
    }

    @inline(never)
    private mutating func appendPending(_ bytes: UnsafePointer<UInt8>, _ count: Int, quoted: Bool) -> Status {
        var start = bytes
        var length = count
        Self.trim(&start, &length)
        var missingAsNumber = length == 0
            || (numericMissing.containsFiniteNumber && numericMissing.contains(start, length))
        if !missingAsNumber {
            switch NumberParsing.parseInt(start, length) {
            case .value(let value):
                ints.reserveCapacity(Swift.max(reservedRows, pendingCount + 1))
                ints.appendMissing(count: pendingCount)
                ints.append(value)
                pendingTexts = []
                kind = .int
                return .ok
            case .overflow, .invalid:
                if let value = NumberParsing.parseDouble(start, length),
                   value.isFinite || !numericMissing.contains(start, length) {
                    doubles.reserveCapacity(Swift.max(reservedRows, pendingCount + 1))
                    doubles.appendMissing(count: pendingCount)
                    doubles.append(value)
                    pendingTexts = []
                    kind = .double
                    return .ok
                }
            }
            missingAsNumber = numericMissing.contains(start, length)
        }
        if missingAsNumber {
            // Still all missing; remember the text in case the column turns out to be strings.
            let missingAsText = (count == 0 && !quoted) || (!stringMissing.isEmpty && stringMissing.contains(bytes, count))
            if !missingAsText {
                // Padding, a quoted empty field or a token: valid UTF-8 by construction (a token
                // is a `String`; `String(decoding:)` is the fallback that cannot fail).
                var invalid: UTF8Validation.InvalidByte? = nil
                let code = interner.code(bytes, count, invalid: &invalid)
                    ?? interner.code(appending: String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
                pendingTexts.append((row: pendingCount, code: code))
            }
            pendingCount += 1
            return .ok
        }
        // Text: the column is strings. Rebuild the rows seen so far.
        becomeText(reserving: pendingCount + 1)
        return appendString(bytes, count, quoted: quoted)
    }

    /// A builder for the rows that follow this builder's, with the same missing-value tokens
    /// and starting at this builder's current type (or pending) and mode: what a second thread
    /// fills while this one reads the rows before (see `absorb`).
    func continuation() -> ColumnBuilder {
        ColumnBuilder(type: inferredType, mode: mode, expectedRows: 0,
                      numericMissing: numericMissing, stringMissing: stringMissing)
    }

    /// Empties this builder, keeping its storage and interned strings, and makes it what
    /// `main.continuation()` would be: the second thread's builders are reused window after
    /// window instead of growing fresh arrays (and page-faulting them in) every time.
    ///
    /// `absorbing`: a builder that `main` is still to absorb (`absorb`, which must succeed)
    /// before the rows this one reads: this one starts at the type `main` will then have.
    mutating func restart(continuing main: ColumnBuilder, absorbing next: ColumnBuilder? = nil) {
        kind = next.map { Self.kindAfterAbsorbing(main.kind, $0.kind) } ?? main.kind
        mode = kind == .pending ? .open : main.mode
        ints.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        codes.removeAll(keepingCapacity: true)
        interner.removeUnhashed()
        pendingCount = 0
        pendingTexts = []
        reservedRows = 0
        notePrevious((0, 0), -1, 0)
    }

    /// The kind a builder of kind `kind` has after absorbing one of kind `next` (`canAbsorb`):
    /// the wider of the two (pending < int < double; string only with string or pending).
    static func kindAfterAbsorbing(_ kind: Kind, _ next: Kind) -> Kind {
        switch (kind, next) {
        case (.pending, _): return next
        case (_, .pending): return kind
        case (.int, .double), (.double, .int): return .double
        default: return kind
        }
    }

    /// Whether `absorb(next)` succeeds.
    func canAbsorb(_ next: ColumnBuilder) -> Bool {
        switch (kind, next.kind) {
        case (.int, .string), (.double, .string), (.string, .int), (.string, .double): return false
        case (.int, .double): return mode == .open
        default: return true
        }
    }

    /// Appends the rows of `next`, a `continuation()` of this builder that read the rows after
    /// this one's, widening the type as reading them in one pass would have. Returns `false`,
    /// changing nothing, when that is impossible without the original text: one side turned to
    /// text after the other stored numbers (reading the rows again in order settles it, with a
    /// restart or an error at the right line).
    mutating func absorb(_ next: ColumnBuilder) -> Bool {
        guard canAbsorb(next) else { return false }
        switch (kind, next.kind) {
        case (.int, .int):
            ints.append(contentsOf: next.ints)
        case (.double, .double):
            doubles.append(contentsOf: next.doubles)
        case (.string, .string):
            appendCodes(next.codes, of: next.interner)
        case (.int, .double):
            // `next` widened on a value of its own: so would this builder have (open mode only).
            var widened = ints.mapValues(Double.init)
            widened.reserveCapacity(Swift.max(ints.values.capacity, ints.count + next.doubles.count))
            widened.append(contentsOf: next.doubles)
            doubles = widened
            ints = MaskedArray()
            kind = .double
        case (.double, .int):
            doubles.append(contentsOf: next.ints.mapValues(Double.init))
        case (.int, .pending):
            ints.appendMissing(count: next.pendingCount)
        case (.double, .pending):
            doubles.appendMissing(count: next.pendingCount)
        case (.string, .pending):
            appendPendingTexts(of: next)
        case (.pending, .pending):
            let base = pendingCount
            for (row, code) in next.pendingTexts {
                pendingTexts.append((row: base + row, code: interner.code(for: code, of: next.interner)))
            }
            pendingCount += next.pendingCount
        case (.pending, .int):
            ints.reserveCapacity(Swift.max(reservedRows, pendingCount + next.ints.count))
            ints.appendMissing(count: pendingCount)
            ints.append(contentsOf: next.ints)
            pendingTexts = []
            kind = .int
        case (.pending, .double):
            doubles.reserveCapacity(Swift.max(reservedRows, pendingCount + next.doubles.count))
            doubles.appendMissing(count: pendingCount)
            doubles.append(contentsOf: next.doubles)
            pendingTexts = []
            kind = .double
        case (.pending, .string):
            becomeText(reserving: pendingCount + next.codes.count)
            appendCodes(next.codes, of: next.interner)
        case (.int, .string), (.double, .string), (.string, .int), (.string, .double):
            return false
        }
        return true
    }

    /// A pending column becomes `.string`: its rows so far become codes (missing, or the
    /// pending texts), with room for `rows` cells (at least the reserved rows).
    private mutating func becomeText(reserving rows: Int) {
        codes.reserveCapacity(Swift.max(reservedRows, rows))
        codes.append(contentsOf: repeatElement(0, count: pendingCount))
        for (row, code) in pendingTexts { codes[row] = code }
        pendingTexts = []
        kind = .string
    }

    /// Appends cells given as codes of another builder's dictionary, translated to this one's:
    /// each distinct code is looked up once (by its stored bytes), then every cell is a table
    /// read. No `String` is built or retained per cell. (No exact `reserveCapacity` here: called
    /// once per parallel round, it would reallocate every round once the reserved rows run out.)
    private mutating func appendCodes(_ cells: [UInt32], of other: StringInterner) {
        var translated = [UInt32](repeating: 0, count: other.values.count)
        for code in cells {
            if code == 0 {
                codes.append(0)
                continue
            }
            var mine = translated[Int(code)]
            if mine == 0 {
                mine = interner.code(for: code, of: other)
                translated[Int(code)] = mine
            }
            codes.append(mine)
        }
    }

    /// Appends `next`'s pending rows (missing, or the texts it kept) to a `.string` column.
    private mutating func appendPendingTexts(of next: ColumnBuilder) {
        let base = codes.count
        codes.append(contentsOf: repeatElement(0, count: next.pendingCount))
        for (row, code) in next.pendingTexts {
            codes[base + row] = interner.code(for: code, of: next.interner)
        }
    }

    /// Removes spaces and tabs at both ends.
    @inline(__always)
    static func trim(_ start: inout UnsafePointer<UInt8>, _ length: inout Int) {
        while length > 0 && NumberParsing.isPadding(start[length - 1]) {
            length -= 1
        }
        while length > 0 && NumberParsing.isPadding(start[0]) {
            start += 1
            length -= 1
        }
    }
}
