import Foundation
import Testing
@testable import MigrationData

/// Issue 16: `XLSXWriter` (libxlsxwriter) writes a workbook whole or not at all.
@Suite("XLSX writer")
struct XLSXWriterTests {
    static func table() throws -> Table {
        try Table([("name", .string(["Curaçao", "Türkiye", nil])), ("year", .int([2024, 2025, 2026])),
                   ("value", .double([1.5, .nan, nil]))])
    }

    @Test("a workbook is a zip file with one sheet per table; the destination's folder holds nothing else")
    func writesWorkbook() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("out.xlsx")
        try XLSXWriter.write([("first", try Self.table()), ("second", try Self.table())], to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        #expect(try folder.contents() == ["out.xlsx"])
    }

    @Test("a replaced workbook keeps its permissions")
    func keepsPermissions() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("out.xlsx")
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        try XLSXWriter.write([("t", try Self.table())], to: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o640)
    }

    @Test("refused destinations (a folder, a parent that is a file, standard output) leave no file", arguments: ["dir", "file/out.xlsx", "-"])
    func refused(destination: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        try FileManager.default.createDirectory(atPath: folder.path("dir"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.path("file")))
        let path = destination == "-" ? "-" : folder.path(destination)
        #expect(throws: (any Error).self) { try XLSXWriter.write([("t", try Self.table())], to: path) }
        #expect(try folder.contents() == ["dir", "file"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("dir")).isEmpty)
    }

    @Test("sheet names: Excel's rules are checked before anything is written")
    func sheetNames() throws {
        #expect(throws: XLSXError.self) { try XLSXWriter.validateSheetName("") }
        #expect(throws: XLSXError.self) { try XLSXWriter.validateSheetName(String(repeating: "a", count: 32)) }
        #expect(throws: XLSXError.self) { try XLSXWriter.validateSheetName("a/b") }
        try XLSXWriter.validateSheetName("summary_wide")
        #expect(XLSXWriter.sheetName(forFile: "summary_wide.csv") == "summary_wide")
        #expect(XLSXWriter.sheetName(forFile: "dir/a[1].csv") == "a_1_")
        #expect(XLSXWriter.sheetName(forFile: "x.csv", taken: ["X"]) == "x_2")
        #expect(XLSXWriter.sheetName(forFile: String(repeating: "b", count: 40) + ".csv").count == 31)
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        #expect(throws: XLSXError.self) { try XLSXWriter.write([("same", try Self.table()), ("SAME", try Self.table())], to: folder.path("x.xlsx")) }
        #expect(try folder.contents().isEmpty)
    }

    @Test("--format values: csv, csv-excel, xlsx; anything else names them")
    func formats() throws {
        #expect(try TableFileFormat.parse("csv-excel") == .csvExcel)
        #expect(TableFileFormat.csvExcel.csvOptions == .spreadsheet)
        do {
            _ = try TableFileFormat.parse("xls")
            Issue.record("xls accepted")
        } catch {
            #expect(error.description.contains("csv-excel") && error.description.contains("xlsx"))
        }
    }
}

@Suite("XLSX writer: numbers in text columns")
struct XLSXNumericTextTests {
    @Test("plain decimal numbers are recognised; words, NaN, hex and padded text are not")
    func plainNumbers() {
        #expect(XLSXWriter.plainNumber("2693") == 2693)
        #expect(XLSXWriter.plainNumber("-1.5") == -1.5)
        #expect(XLSXWriter.plainNumber("3.2e-07") == 3.2e-07)
        for text in ["lifecycle", "NaN", "inf", "-inf", "0x1F", " 12", "", "1,5", "SSP1-2.6", "e5"] {
            #expect(XLSXWriter.plainNumber(text) == nil, "\(text)")
        }
    }
}
