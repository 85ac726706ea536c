import Foundation
import Testing
@testable import MigrationData

@Suite("CSV writer and round trips")
struct CSVWriterTests {
    static let awkwardStrings: [String?] = [
        "plain", "comma, inside", "quote \" inside", "\"quoted\"", "line\nbreak", "crlf\r\nbreak", "lone\rcr",
        "", nil, " padded ", "Côte d'Ivoire", "Türkiye", "الجمهورية العربية السورية", "🇸🇾 flag", "NA", "-", "tab\there",
    ]

    static let extremeDoubles: [Double?] = [
        .leastNonzeroMagnitude, 1.7976931348623157e308, -0.0, 0.0, 0.1 + 0.2, 0.1, 1e16, 123.0, -1.5e-300, .leastNormalMagnitude,
        -.greatestFiniteMagnitude, .pi, 2.5e-8, 9_007_199_254_740_992, nil, 1e22, 1e23, 123456789012345680,
    ]

    /// Exact round trips: text such as "-" must come back unchanged, so formula neutralisation
    /// (tested on its own below) is off.
    static var exact: CSVWriteOptions {
        var options = CSVWriteOptions()
        options.neutraliseFormulas = false
        return options
    }

    static var exactSpreadsheet: CSVWriteOptions {
        var options = CSVWriteOptions.spreadsheet
        options.neutraliseFormulas = false
        return options
    }

    static func sampleTable() throws -> Table {
        let count = awkwardStrings.count
        let ints: [Int?] = (0..<count).map { index in
            switch index {
            case 0: return Int.min
            case 1: return Int.max
            case 2: return nil
            default: return index * 1_000_003 - 7
            }
        }
        var doubles = extremeDoubles
        while doubles.count < count { doubles.append(Double(doubles.count) / 3) }
        return try Table([
            (name: "text", column: .string(awkwardStrings)),
            (name: "count", column: .int(ints)),
            (name: "value, \"quoted\" name", column: .double(Array(doubles.prefix(count)))),
        ])
    }

    @Test("write → read round trip with declared types keeps every value and bit")
    func roundTripDeclared() throws {
        let table = try Self.sampleTable()
        let bytes = try CSVWriter.encode(table, options: Self.exact)
        let options = CSVReadOptions(columnTypes: ["text": .string, "count": .int, "value, \"quoted\" name": .double])
        let back = try CSVReader.readTable(bytes: bytes, options: options)
        #expect(bitwiseEqual(back, table))
    }

    @Test("write → read round trip infers the same types")
    func roundTripInferred() throws {
        let table = try Self.sampleTable()
        let back = try CSVReader.readTable(bytes: try CSVWriter.encode(table, options: Self.exact))
        #expect(back.columnTypes == [.string, .int, .double])
        #expect(bitwiseEqual(back, table))
    }

    @Test("extreme doubles are written as shortest round-trip text")
    func doubleText() throws {
        let table = try Table([(name: "x", column: .double([.leastNonzeroMagnitude, 1.7976931348623157e308, -0.0, 0.1 + 0.2, 3, 1e16, nil]))])
        let text = try CSVWriter.string(table)
        #expect(text == "x\n5e-324\n1.7976931348623157e+308\n-0.0\n0.30000000000000004\n3.0\n1e+16\n\n")
        var options = CSVWriteOptions()
        options.integralDoublesAsIntegers = true
        #expect(try CSVWriter.string(table, options: options) == "x\n5e-324\n1.7976931348623157e+308\n-0.0\n0.30000000000000004\n3\n1e+16\n\n")
        let back = try CSVReader.readTable(string: text)
        #expect(bitwiseEqual(back, table))
    }

    @Test("integral doubles written as integers spell Int.description (sign, zero, 2^53 - 1)")
    func integralDoublesAsIntegers() throws {
        let values: [Double] = [0, 7, -7, 10, -100, 123_456_789, -9_007_199_254_740_991, 9_007_199_254_740_991]
        let table = try Table([(name: "x", column: .double(values))])
        var options = CSVWriteOptions()
        options.integralDoublesAsIntegers = true
        let expected = "x\n" + values.map { Int($0).description + "\n" }.joined()
        #expect(try CSVWriter.string(table, options: options) == expected)
    }

    @Test("the one-column table with missing cells round-trips through blank lines")
    func singleColumnMissing() throws {
        let table = try Table([(name: "s", column: .string([nil, "", "a", nil]))])
        let text = try CSVWriter.string(table)
        #expect(text == "s\n\n\"\"\na\n\n")
        #expect(try CSVReader.readTable(string: text) == table)
    }

    @Test("quoting follows RFC 4180")
    func quoting() throws {
        let table = try Table([
            (name: "a", column: .string(["x,y", "say \"hi\"", "two\nlines", "", nil, "plain"])),
            (name: "b", column: .int([1, 2, 3, 4, 5, 6])),
        ])
        #expect(try CSVWriter.string(table) == "a,b\n\"x,y\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\n\"\",4\n,5\nplain,6\n")
    }

    @Test("spreadsheet mode: UTF-8 byte-order mark and CRLF, read back unchanged")
    func spreadsheetMode() throws {
        let table = try Self.sampleTable()
        let bytes = try CSVWriter.encode(table, options: Self.exactSpreadsheet)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("text,count,\"value, \"\"quoted\"\" name\"\r\n"))
        #expect(text.hasSuffix("\r\n"))
        let back = try CSVReader.readTable(bytes: bytes)
        #expect(bitwiseEqual(back, table))
    }

    @Test("NaN and infinity are rejected with a location, or written as tokens")
    func nonFinite() throws {
        let table = try Table([
            (name: "s", column: .string(["a\nb", "c"])),
            (name: "rate", column: .double([1, .nan])),
        ])
        do {
            _ = try CSVWriter.encode(table)
            Issue.record("expected an error")
        } catch {
            // The first record spans lines 2–3, so the second starts on line 4.
            #expect(error.description == "<memory>:4:2: column 2 (\"rate\"): cannot write NaN — store a missing value (nil) instead, or set CSVWriteOptions.nonFiniteDoubles = .tokens(…) to write a marker")
        }
        var options = CSVWriteOptions()
        options.nonFiniteDoubles = .standardTokens
        let infinities = try Table([(name: "x", column: .double([.infinity, -.infinity, .nan, 2]))])
        let text = try CSVWriter.string(infinities, options: options)
        #expect(text == "x\nInf\n-Inf\nNaN\n2.0\n")
        // NaN is a default missing token; the infinities come back.
        #expect(try CSVReader.readTable(string: text)["x"] == .double([.infinity, -.infinity, nil, 2]))
    }

    @Test("writing a file is atomic: complete file, no temporary left, old file kept on failure")
    func atomicFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("out.csv")
        let table = try Self.sampleTable()
        try CSVWriter.write(table, to: path, options: Self.exact)
        #expect(try folder.contents() == ["out.csv"])
        #expect(bitwiseEqual(try CSVReader.readTable(path: path), table))

        // A failing write (NaN rejected mid-way) leaves the previous file untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let bad = try Table([(name: "x", column: .double(Array(repeating: 1.0, count: 100_000) + [.nan]))])
        #expect(throws: CSVError.self) { try CSVWriter.write(bad, to: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try folder.contents() == ["out.csv"])

        // A writer dropped before finish() removes its temporary file.
        do {
            let writer = try CSVWriter(path: folder.path("dropped.csv"), columnNames: ["x"])
            try writer.write(try Table([(name: "x", column: .int([1]))]))
        }
        #expect(try folder.contents() == ["out.csv"])
    }

    @Test("chunked writing with a fixed header")
    func chunkedWriting() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("chunks.csv")
        let writer = try CSVWriter(path: path, columnNames: ["i", "s"])
        for chunk in 0..<3 {
            try writer.write(try Table([(name: "i", column: .int([chunk])), (name: "s", column: .string(["c\(chunk)"]))]))
        }
        let wrongColumns = try Table([(name: "s", column: .string(["x"])), (name: "i", column: .int([1]))])
        #expect(throws: CSVError.columnsChanged(file: path, expected: ["i", "s"], found: ["s", "i"])) {
            try writer.write(wrongColumns)
        }
        // The failed write closed the writer and removed its temporary file.
        #expect(throws: CSVError.writerClosed(file: path)) { try writer.finish() }
        #expect(try folder.contents() == [])

        let good = try CSVWriter(path: path, columnNames: ["i"])
        try good.write(try Table([(name: "i", column: .int([1, 2]))]))
        try good.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "i\n1\n2\n")
    }

    @Test("writing into a missing folder or onto a folder fails cleanly")
    func badDestinations() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let table = try Table([(name: "x", column: .int([1]))])
        let missing = folder.path("no/such/dir/out.csv")
        do {
            try CSVWriter.write(table, to: missing)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("\(missing): cannot write: cannot create a temporary file in the folder: No such file or directory"))
        }
        #expect(throws: CSVError.cannotWrite(file: folder.url.path, reason: "the path names a folder, not a file — give a file name")) {
            try CSVWriter.write(table, to: folder.url.path)
        }
        #expect(try folder.contents() == [])
    }

    @Test("column order is the table's and output is deterministic")
    func deterministic() throws {
        let table = try Table([(name: "z", column: .int([1])), (name: "a", column: .int([2]))])
        let first = try CSVWriter.encode(table)
        #expect(first == Array("z,a\n1,2\n".utf8))
        #expect(try CSVWriter.encode(table) == first)
    }
}
