import Foundation
import Testing
@testable import MigrationData

/// Text columns are built as codes into the column's dictionary (`StringInterner`) and become
/// `[String?]` in `finish()`. These tests feed fields straight to `ColumnBuilder` and compare the
/// finished column with the cells written out by hand: missing (empty unquoted, missing tokens)
/// against present (a quoted empty field), repeats, long strings, more distinct strings than the
/// hashed table holds, a pending column that turns to text, and a second builder's rows absorbed
/// with a dictionary of its own (the two-thread path), reused round after round.
@Suite("Column builder: text columns as dictionary codes")
struct ColumnBuilderTextTests {
    /// One field: its text and whether it was quoted.
    struct Field {
        var text: String
        var quoted = false
    }

    /// Appends `field` (placed in a buffer with the slack the reader guarantees, followed by
    /// garbage the builder must not read as part of it).
    @discardableResult
    static func append(_ field: Field, to builder: inout ColumnBuilder) -> ColumnBuilder.Status {
        let bytes = Array(field.text.utf8) + Array(repeating: 0xCD, count: ShortField.slack + 8)
        return bytes.withUnsafeBufferPointer { builder.append($0.baseAddress!, field.text.utf8.count, quoted: field.quoted) }
    }

    static func builder(_ type: ColumnType? = nil) -> ColumnBuilder {
        ColumnBuilder(type: type, mode: type == nil ? .open : .declared, expectedRows: 0,
                      numericMissing: MissingTokens(CSVReadOptions().missingTokens),
                      stringMissing: MissingTokens(CSVReadOptions().stringMissingTokens))
    }

    /// The cells a string column holds for `fields` read in order.
    static func strings(_ column: Column) -> [String?]? {
        if case .string(let cells) = column { return Array(cells) }
        return nil
    }

    /// What the fields mean in a text column with the default options: an empty unquoted field
    /// is missing, a quoted empty one is the empty string, everything else its text.
    static func expected(_ fields: [Field], stringMissing: Set<String> = []) -> [String?] {
        fields.map { field in
            if field.text.isEmpty && !field.quoted { return nil }
            if stringMissing.contains(field.text) { return nil }
            return field.text
        }
    }

    static let mixed: [Field] = [
        Field(text: "Syrian Arab Rep."), Field(text: "Syrian Arab Rep."), Field(text: ""), Field(text: "", quoted: true),
        Field(text: "Venezuela (Bolivarian Republic of)"), Field(text: "Venezuela (Bolivarian Republic of)"),
        Field(text: "Türkiye"), Field(text: "NA"), Field(text: "SYR"), Field(text: "SYR"), Field(text: ""),
        Field(text: "0012"), Field(text: " padded "), Field(text: "Syrian Arab Rep."), Field(text: "a,b", quoted: true),
        Field(text: "exactly sixteen!"), Field(text: "exactly sixteen!"), Field(text: "seventeen bytes!!"),
    ]

    @Test("missing, quoted empty, repeated, short and long strings come back as written")
    func mixedCells() {
        var builder = Self.builder(.string)
        for field in Self.mixed {
            let status = Self.append(field, to: &builder)
            #expect(status == .ok)
        }
        #expect(Self.strings(builder.finish()) == Self.expected(Self.mixed))
    }

    @Test("a string missing token makes a missing cell; a token of numeric columns only stays text")
    func stringMissingTokens() {
        var options = CSVReadOptions()
        options.stringMissingTokens = ["-", "n/a"]
        var builder = ColumnBuilder(type: .string, mode: .declared, expectedRows: 0,
                                    numericMissing: MissingTokens(options.missingTokens),
                                    stringMissing: MissingTokens(options.stringMissingTokens))
        let fields = ["-", "x", "n/a", "NA", "-", "x"].map { Field(text: $0) }
        for field in fields { Self.append(field, to: &builder) }
        #expect(Self.strings(builder.finish()) == Self.expected(fields, stringMissing: ["-", "n/a"]))
    }

    @Test("more distinct strings than the hashed table holds keep their values, repeats included")
    func beyondTheHashedTable() {
        var builder = Self.builder(.string)
        var fields: [Field] = []
        let distinct = StringInterner.maximumEntries + 2_000
        for index in 0..<distinct {
            fields.append(Field(text: "id-\(index)"))
            if index % 1_000 == 0 { fields.append(Field(text: "id-\(index)")); fields.append(Field(text: "")) }
        }
        // Early (hashed) and late (unhashed) values again, short and long.
        fields += [Field(text: "id-5"), Field(text: "id-\(distinct - 1)"), Field(text: "id-\(distinct - 1)"),
                   Field(text: "a string longer than sixteen bytes, \(distinct)")]
        for field in fields { Self.append(field, to: &builder) }
        let same = Self.strings(builder.finish()) == Self.expected(fields)
        #expect(same)
    }

    @Test("invalid UTF-8 is reported with its offset, first time and after a valid repeat")
    func invalidUTF8() {
        var builder = Self.builder(.string)
        let good = Array("ok".utf8) + Array(repeating: 0, count: ShortField.slack)
        let bad: [UInt8] = [0x41, 0x42, 0xFF] + Array(repeating: 0, count: ShortField.slack)
        for _ in 0..<2 {
            let goodStatus = good.withUnsafeBufferPointer { builder.append($0.baseAddress!, 2, quoted: false) }
            let badStatus = bad.withUnsafeBufferPointer { builder.append($0.baseAddress!, 3, quoted: false) }
            #expect(goodStatus == .ok)
            #expect(badStatus == .invalidUTF8(offset: 2, byte: 0xFF))
        }
        #expect(Self.strings(builder.finish()) == ["ok", "ok"])
    }

    @Test("a column without a type turns to text: its earlier missing and kept cells are rebuilt")
    func pendingToText() {
        var builder = Self.builder()
        // Missing as numbers, but text in a string column: a quoted empty field, padding, `NA`.
        let fields = [Field(text: ""), Field(text: "", quoted: true), Field(text: " "), Field(text: "NA"), Field(text: ""),
                      Field(text: "AFG"), Field(text: "NA"), Field(text: "", quoted: true), Field(text: "AFG")]
        for field in fields {
            let status = Self.append(field, to: &builder)
            #expect(status == .ok)
        }
        #expect(builder.inferredType == .string)
        #expect(Self.strings(builder.finish()) == Self.expected(fields))
    }

    /// Reads `main` then `side` into two builders (the side one a continuation), absorbs the
    /// second into the first, and compares with reading all fields into one builder.
    static func checkAbsorb(_ main: [Field], _ side: [Field], type: ColumnType? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        var first = Self.builder(type)
        for field in main { Self.append(field, to: &first) }
        var second = first.continuation()
        for field in side { Self.append(field, to: &second) }
        var single = Self.builder(type)
        for field in main + side { Self.append(field, to: &single) }
        #expect(first.canAbsorb(second), sourceLocation: sourceLocation)
        let absorbed = first.absorb(second)
        #expect(absorbed, sourceLocation: sourceLocation)
        #expect(first.inferredType == single.inferredType, sourceLocation: sourceLocation)
        let same = first.finish() == single.finish() // (a Bool: a failure would print every cell)
        #expect(same, sourceLocation: sourceLocation)
    }

    @Test("absorbing a second builder's rows translates its codes, whatever each dictionary holds")
    func absorbWithDifferentDictionaries() {
        let left = [Field(text: "AFG"), Field(text: "SYR"), Field(text: ""), Field(text: "Venezuela (Bolivarian Republic of)")]
        let right = [Field(text: "Türkiye"), Field(text: "SYR"), Field(text: "", quoted: true), Field(text: "SYR"),
                     Field(text: "Venezuela (Bolivarian Republic of)"), Field(text: "Iran (Islamic Rep. of)"), Field(text: "AFG")]
        Self.checkAbsorb(left, right, type: .string)
        Self.checkAbsorb(left, right)
        Self.checkAbsorb(right, left)
        // Pending on one side or both (missing as numbers, some of them text).
        let pending = [Field(text: ""), Field(text: "NA"), Field(text: "", quoted: true), Field(text: " ")]
        Self.checkAbsorb(pending, right)
        Self.checkAbsorb(right, pending)
        Self.checkAbsorb(pending, pending + right)
        Self.checkAbsorb(left + pending, pending)
        // Both sides past the hashed table's capacity.
        let many = (0..<(StringInterner.maximumEntries + 500)).map { Field(text: "v\($0 % (StringInterner.maximumEntries + 100))") }
        Self.checkAbsorb(many, Array(many.reversed()) + left, type: .string)
    }

    @Test("a second builder reused round after round (restart) keeps its dictionary right")
    func absorbRoundAfterRound() {
        var main = Self.builder(.string)
        var single = Self.builder(.string)
        var side = main.continuation()
        var generator = SplitMix64(seed: 61)
        for round in 0..<6 {
            var fields: [Field] = []
            for _ in 0..<3_000 {
                let r = generator.next()
                switch r % 7 {
                case 0: fields.append(Field(text: ""))
                case 1: fields.append(Field(text: "", quoted: true))
                case 2: fields.append(Field(text: "unique-\(r)"))
                case 3: fields.append(Field(text: "a long value number \(r % 50) of the column"))
                default: fields.append(Field(text: "C\(r % 300)"))
                }
            }
            let half = fields.count / 2
            for field in fields[..<half] { Self.append(field, to: &main) }
            side.restart(continuing: main)
            for field in fields[half...] { Self.append(field, to: &side) }
            let absorbed = main.absorb(side)
            #expect(absorbed, "round \(round)")
            for field in fields { Self.append(field, to: &single) }
        }
        let same = main.finish() == single.finish()
        #expect(same)
    }

    @Test("files with many distinct strings, different in each half, read the same on one and two threads")
    func readerTwoThreads() throws {
        var generator = SplitMix64(seed: 18)
        var text = "id,name,code,value\n"
        for row in 0..<40_000 {
            let r = generator.next()
            let name = row < 20_000 ? "first half \(r % 70_000)" : "Second \(r % 500)"
            let code = r % 11 == 0 ? "" : r % 13 == 0 ? "\"\"" : "K\(row / 1_000)"
            text += "\(row),\(name),\(code),\(r % 1_000)\n"
        }
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let file = folder.path("codes.csv")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        var tables: [Table] = []
        for threads in [1, 2] {
            var options = CSVReadOptions()
            options.threads = threads
            options.readSize = 150_000
            let reader = try CSVReader(path: file, options: options)
            tables.append(try reader.readAll())
            if threads == 2 { #expect(reader.parallelRoundsMerged > 0) }
        }
        let sameOnTwoThreads = tables[0] == tables[1]
        #expect(sameOnTwoThreads)
        let general = try CSVReader(string: text)
        general.readsPlainRecords = false
        let sameOnGeneralPath = try general.readAll() == tables[0]
        #expect(sameOnGeneralPath)
        let codes = Self.strings(tables[0]["code"]!)!
        #expect(codes.contains(nil) && codes.contains(""))
    }

    @Test("a column of numbers that turns to text is read again as text, on one and two threads")
    func numbersThenText() throws {
        var text = "n,s\n"
        for row in 0..<30_000 { text += "\(row),x\(row % 7)\n" }
        text += "word,x1\n"
        for row in 0..<30_000 { text += "\(row % 3 == 0 ? "" : "\(row)"),x\n" }
        for threads in [1, 2] {
            var options = CSVReadOptions()
            options.threads = threads
            options.readSize = 100_000
            let table = try CSVReader(string: text, options: options).readAll()
            let cells = try #require(Self.strings(table["n"]!))
            #expect(cells.count == 60_001)
            #expect(cells[0] == "0" && cells[29_999] == "29999" && cells[30_000] == "word")
            #expect(cells[30_001] == nil && cells[30_002] == "1")
        }
    }
}
