import Foundation
import Testing
@testable import MigrationData

/// Each malformed fixture must fail with exactly this `FILE:LINE:COLUMN: message`.
@Suite("Malformed CSV corpus")
struct CSVMalformedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let columnTypes: [String: ColumnType]
        let line: Int
        let column: Int
        /// The description after `PATH:LINE:COLUMN: `.
        let message: String

        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "too_many_fields.csv", columnTypes: [:], line: 3, column: 4,
             message: "column 4: the record has 4 fields but the header has 3 — quote fields that contain the delimiter, or add the missing names to the header"),
        Case(file: "too_few_fields.csv", columnTypes: [:], line: 2, column: 3,
             message: "column 3 (\"refugees\"): the record has 2 fields but the header has 3 — add the missing fields (leave a field empty for a missing value)"),
        Case(file: "invalid_utf8_latin1.csv", columnTypes: [:], line: 2, column: 2,
             message: "column 2 (\"name\"): invalid UTF-8 (byte 0xF4 at file offset 16) — re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)"),
        Case(file: "unterminated_quote.csv", columnTypes: [:], line: 2, column: 2,
             message: "column 2 (\"name\"): the quoted field that starts here is never closed — add the closing quote (write a quote inside a quoted field as \"\")"),
        Case(file: "text_in_int_column.csv", columnTypes: ["refugees": .int], line: 3, column: 2,
             message: "column 2 (\"refugees\"): expected an integer, found \"about 200\" — correct the value, or empty the cell (or write NA) if the value is missing"),
        Case(file: "text_in_double_column.csv", columnTypes: ["rate": .double], line: 3, column: 2,
             message: "column 2 (\"rate\"): expected a number, found \"n.a.\" — correct the value, or empty the cell (or write NA) if the value is missing"),
        Case(file: "duplicate_header.csv", columnTypes: [:], line: 1, column: 3,
             message: "column 3 (\"year\"): the header already uses this name for column 1 — give each column a distinct name"),
        Case(file: "empty.csv", columnTypes: [:], line: 1, column: 1,
             message: "the file is empty — a CSV file must start with a header row naming its columns"),
        Case(file: "bom_only.csv", columnTypes: [:], line: 1, column: 1,
             message: "the file is empty — a CSV file must start with a header row naming its columns"),
        Case(file: "blank_first_line.csv", columnTypes: [:], line: 1, column: 1,
             message: "the first line is blank, so there is no header row — put the column names on line 1 (delete blank lines above them)"),
        Case(file: "empty_column_name.csv", columnTypes: [:], line: 1, column: 1,
             message: "column 1 of the header has no name — name every column (R's write.csv adds an unnamed row-name column; write with row.names = FALSE)"),
        Case(file: "quote_in_unquoted_field.csv", columnTypes: [:], line: 2, column: 2,
             message: "column 2 (\"size\"): a double quote inside an unquoted field — enclose the whole field in quotes and double the inner quote (\"\")"),
        Case(file: "text_after_closing_quote.csv", columnTypes: [:], line: 2, column: 1,
             message: "column 1 (\"name\"): text follows the closing quote of a quoted field — put the delimiter right after the closing quote, or double the quotes that belong to the text (\"\")"),
        Case(file: "integer_out_of_range.csv", columnTypes: ["id": .int], line: 2, column: 1,
             message: "column 1 (\"id\"): \"99999999999999999999\" does not fit in a 64-bit integer — write it with a decimal point (e.g. 1e20) or correct it"),
        Case(file: "utf16le.csv", columnTypes: [:], line: 1, column: 1,
             message: "column 1: invalid UTF-8 (byte 0xFF at file offset 0); the file looks like UTF-16 — re-save it as UTF-8"),
        Case(file: "newline_in_quotes_then_extra_field.csv", columnTypes: [:], line: 3, column: 4,
             message: "column 4: the record has 4 fields but the header has 3 — quote fields that contain the delimiter, or add the missing names to the header"),
        Case(file: "crlf_too_few_fields.csv", columnTypes: [:], line: 3, column: 2,
             message: "column 2 (\"value\"): the record has 1 field but the header has 2 — add the missing fields (leave a field empty for a missing value)"),
        Case(file: "truncated_utf8_in_quotes.csv", columnTypes: [:], line: 2, column: 2,
             message: "column 2 (\"name\"): invalid UTF-8 (byte 0xC3 at file offset 14) — re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)"),
    ]

    @Test("reports the exact line, column and message", arguments: cases)
    func exactError(_ expected: Case) throws {
        let path = TestPaths.malformed(expected.file)
        let error = try #require(expectReadError(path, options: CSVReadOptions(columnTypes: expected.columnTypes)))
        #expect(error.location?.line == expected.line)
        #expect(error.location?.column == expected.column)
        #expect(error.description == "\(path):\(expected.line):\(expected.column): \(expected.message)")
    }

    @Test("the same errors come out of a reader with a tiny read size", arguments: cases)
    func sameErrorWithTinyBuffer(_ expected: Case) throws {
        let path = TestPaths.malformed(expected.file)
        var options = CSVReadOptions(columnTypes: expected.columnTypes)
        options.readSize = 2
        let error = try #require(expectReadError(path, options: options))
        #expect(error.description == "\(path):\(expected.line):\(expected.column): \(expected.message)")
    }

    @Test("every fixture in the folder has a case")
    func corpusIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestPaths.malformed.path)
            .filter { $0.hasSuffix(".csv") }
        #expect(Set(files) == Set(Self.cases.map(\.file)))
    }

    @Test("a missing file names the path and the reason")
    func missingFile() throws {
        let path = TestPaths.malformed("no_such_file.csv")
        let error = try #require(expectReadError(path))
        #expect(error == .cannotOpen(file: path, reason: "No such file or directory"))
        #expect(error.description == "\(path): cannot open for reading: No such file or directory — check the path and permissions")
    }

    @Test("a declared column that is not in the header")
    func unknownDeclaredColumn() throws {
        let path = TestPaths.malformed("too_few_fields.csv")
        let error = try #require(expectReadError(path, options: CSVReadOptions(columnTypes: ["refugee": .int])))
        #expect(error.description == "\(path):1: CSVReadOptions.columnTypes declares \"refugee\", which is not in the header — check the spelling; the header has \"year\", \"country\", \"refugees\"")
    }

    @Test("after an error the reader keeps throwing it")
    func errorIsSticky() throws {
        let reader = try CSVReader(string: "a,b\n1,2\n3\n4,5\n", name: "sticky.csv")
        #expect(try reader.nextRecord()?.fields == ["1", "2"])
        var first: CSVError?
        do { _ = try reader.nextRecord() } catch { first = error }
        #expect(first?.description.hasPrefix("sticky.csv:3:2:") == true)
        var second: CSVError?
        do { _ = try reader.nextRecord() } catch { second = error }
        #expect(second == first)
    }
}
