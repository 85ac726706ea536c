import Foundation
import Testing
@testable import MigrationData

@Suite("CSV reader")
struct CSVReaderTests {
    @Test("RFC 4180: quoted delimiters, doubled quotes, line breaks in quotes, CRLF")
    func rfc4180() throws {
        let text = "name,note\r\n\"Congo, Dem. Rep.\",\"said \"\"hi\"\"\"\r\n\"two\r\nlines\",\"a\nb\"\r\n"
        let table = try CSVReader.readTable(string: text)
        #expect(table.columnNames == ["name", "note"])
        #expect(table["name"] == .string(["Congo, Dem. Rep.", "two\r\nlines"]))
        #expect(table["note"] == .string(["said \"hi\"", "a\nb"]))
    }

    @Test("LF, CRLF and lone CR line ends, with and without a final line end")
    func lineEnds() throws {
        for text in ["a,b\n1,2\n3,4\n", "a,b\r\n1,2\r\n3,4\r\n", "a,b\r1,2\r3,4\r", "a,b\n1,2\n3,4"] {
            let table = try CSVReader.readTable(string: text)
            #expect(table["a"] == .int([1, 3]))
            #expect(table["b"] == .int([2, 4]))
        }
    }

    @Test("a UTF-8 byte-order mark is skipped and not part of the first name")
    func byteOrderMark() throws {
        let table = try CSVReader.readTable(bytes: [0xEF, 0xBB, 0xBF] + Array("year,name\n2024,Türkiye\n".utf8))
        #expect(table.columnNames == ["year", "name"])
        #expect(table["name"] == .string(["Türkiye"]))
    }

    @Test("empty fields are missing; a quoted empty field is an empty string in text columns")
    func emptyAndMissing() throws {
        let table = try CSVReader.readTable(string: "n,s\n1,a\n,\"\"\n3,\n")
        #expect(table["n"] == .int([1, nil, 3]))
        #expect(table["s"] == .string(["a", "", nil]))
    }

    @Test("NA tokens are missing in numeric columns but text in string columns")
    func missingTokens() throws {
        // UNHCR's dec_level uses "NA" as a code; in a numeric column it can only mean missing.
        let text = "dec_level,applied,rate\nFI,10,0.5\nNA,NA,NaN\nAR,-,..\nNA,N/A,nan\n"
        let table = try CSVReader.readTable(string: text)
        #expect(table["dec_level"] == .string(["FI", "NA", "AR", "NA"]))
        #expect(table["applied"] == .int([10, nil, nil, nil]))
        #expect(table["rate"] == .double([0.5, nil, nil, nil]))
    }

    @Test("custom missing tokens, including a numeric sentinel and string tokens")
    func customTokens() throws {
        var options = CSVReadOptions()
        options.missingTokens = ["-999"]
        options.stringMissingTokens = ["unknown"]
        let table = try CSVReader.readTable(string: "x,y,s\n1,2.5,a\n-999,-999,unknown\nNA,3,b\n", options: options)
        // "NA" is no longer a token, so x holds text and becomes a string column.
        #expect(table["x"] == .string(["1", "-999", "NA"]))
        #expect(table["y"] == .double([2.5, nil, 3]))
        #expect(table["s"] == .string(["a", nil, "b"]))
    }

    @Test("type inference: int, double, string, all-missing")
    func inference() throws {
        let text = "i,d,s,m,big,inf\n1,1,x,,1,inf\n-2,2.5,y,NA,99999999999999999999,-Infinity\n+3,1e3,3,,2,1\n"
        let table = try CSVReader.readTable(string: text)
        #expect(table.columnTypes == [.int, .double, .string, .double, .double, .double])
        #expect(table["i"] == .int([1, -2, 3]))
        #expect(table["d"] == .double([1, 2.5, 1000]))
        #expect(table["s"] == .string(["x", "y", "3"]))
        #expect(table["m"] == .double([nil, nil, nil]))
        #expect(table["big"] == .double([1, 1e20, 2]))
        #expect(table["inf"] == .double([.infinity, -.infinity, 1]))
    }

    @Test("numbers then text: the column is re-read as text with its original spelling")
    func numbersThenText() throws {
        var rows = ["code,value"]
        for index in 0..<5000 { rows.append("00\(index % 10),\(index)") }
        rows.append("X1,5000")
        let text = rows.joined(separator: "\n") + "\n"
        for readSize in [1 << 20, 97] {
            let path = try TemporaryFolder()
            defer { path.cleanUp() }
            let file = path.path("codes.csv")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            var options = CSVReadOptions()
            options.readSize = readSize
            let table = try CSVReader.readTable(path: file, options: options)
            guard case .string(let codes) = table["code"] else {
                Issue.record("code should be a string column")
                return
            }
            #expect(codes.first == "000")
            #expect(codes.last == "X1")
            #expect(table["value"]?.type == .int)
            #expect(table.rowCount == 5001)
        }
    }

    @Test("pending column: NA tokens then text keep their text")
    func pendingThenText() throws {
        let table = try CSVReader.readTable(string: "level\nNA\n\n\"\"\nAR\n")
        #expect(table["level"] == .string(["NA", nil, "", "AR"]))
    }

    @Test("spaces around numbers are ignored; around text they are kept")
    func padding() throws {
        let table = try CSVReader.readTable(string: "n,s\n 1 , a \n\t2,b\n")
        #expect(table["n"] == .int([1, 2]))
        #expect(table["s"] == .string([" a ", "b"]))
    }

    @Test("blank lines are skipped with several columns and are missing values with one")
    func blankLines() throws {
        let wide = try CSVReader.readTable(string: "a,b\n1,2\n\n3,4\n\n")
        #expect(wide["a"] == .int([1, 3]))
        let single = try CSVReader.readTable(string: "a\n1\n\n3\n")
        #expect(single["a"] == .int([1, nil, 3]))
    }

    @Test("declared types override inference")
    func declaredTypes() throws {
        let options = CSVReadOptions(columnTypes: ["code": .string, "n": .double])
        let table = try CSVReader.readTable(string: "code,n\n007,1\n042,2\n", options: options)
        #expect(table["code"] == .string(["007", "042"]))
        #expect(table["n"] == .double([1, 2]))
    }

    @Test("a header-only file gives an empty table with declared or default types")
    func headerOnly() throws {
        let table = try CSVReader.readTable(string: "a,b\n", options: CSVReadOptions(columnTypes: ["b": .string]))
        #expect(table.rowCount == 0)
        #expect(table.columnTypes == [.double, .string])
    }

    @Test("semicolon and tab delimiters")
    func otherDelimiters() throws {
        var options = CSVReadOptions()
        options.delimiter = UInt8(ascii: ";")
        let table = try CSVReader.readTable(string: "a;b\n1;\"x;y\"\n", options: options)
        #expect(table["b"] == .string(["x;y"]))
        options.delimiter = UInt8(ascii: "\t")
        let tabbed = try CSVReader.readTable(string: "a\tb\n1\t2\n", options: options)
        #expect(tabbed["b"] == .int([2]))
    }

    @Test("invalid options are rejected")
    func invalidOptions() {
        var options = CSVReadOptions()
        options.delimiter = UInt8(ascii: "\"")
        #expect(throws: CSVError.self) { try CSVReader.readTable(string: "a\n1\n", options: options) }
    }

    @Test("records as text")
    func records() throws {
        let reader = try CSVReader(string: "a,b\n1,\"x\"\"y\"\n\n2,\n", name: "r.csv")
        #expect(reader.header == ["a", "b"])
        #expect(try reader.nextRecord() == CSVRecord(line: 2, fields: ["1", "x\"y"]))
        #expect(try reader.nextRecord() == CSVRecord(line: 4, fields: ["2", ""]))
        #expect(try reader.nextRecord() == nil)
        #expect(try reader.nextRecord() == nil)
    }

    @Test("invalid UTF-8 inside an escaped quoted field is located in the file")
    func invalidUTF8InEscapedField() throws {
        let bytes = Array("a,b\n1,\"x\"\"\n".utf8) + [0xFF] + Array("\"\n".utf8)
        do {
            _ = try CSVReader.readTable(bytes: bytes, name: "e.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "e.csv:3:2: column 2 (\"b\"): invalid UTF-8 (byte 0xFF at file offset 11) — re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)")
        }
    }

    @Test("a record longer than the limit is an error, not unbounded memory")
    func recordTooLong() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let file = folder.path("long.csv")
        try ("a,b\n1,\"" + String(repeating: "x", count: 10_000) + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        var options = CSVReadOptions()
        options.readSize = 256
        options.maximumRecordBytes = 4096
        let error = try #require(expectReadError(file, options: options))
        #expect(error == .recordTooLong(CSVLocation(file: file, line: 2, column: 1), limit: 4096))
    }

    @Test("reading a folder fails with a clear message")
    func readingAFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let error = try #require(expectReadError(folder.url.path))
        #expect(error == .cannotOpen(file: folder.url.path, reason: "it is a directory"))
    }
}
