import Foundation
import Testing
@testable import MigrationData

@Suite("CSV streaming")
struct CSVStreamingTests {
    /// A file of `rows` rows with an int, a double, a quoted multi-line text and a code column.
    static func writeSample(rows: Int, to path: String) throws {
        var text = "id,share,note,code\n"
        for row in 0..<rows {
            let note = row % 1000 == 0 ? "\"multi\nline, \"\"quoted\"\"\"" : "n\(row % 7)"
            text += "\(row),\(Double(row) / 8),\(note),\(["SYR", "AFG", "UKR"][row % 3])\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("chunks with a small read window equal one full read, and the window stays small")
    func chunksEqualFullRead() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("big.csv")
        try Self.writeSample(rows: 60_000, to: path)
        let full = try CSVReader.readTable(path: path)
        #expect(full.rowCount == 60_000)
        #expect(full.columnTypes == [.int, .double, .string, .string])

        var options = CSVReadOptions()
        options.readSize = 4096
        let reader = try CSVReader(path: path, options: options)
        var combined = Table()
        var chunks = 0
        var largestWindow = 0
        while let chunk = try reader.nextChunk(maxRows: 7_000) {
            #expect(chunk.rowCount <= 7_000)
            combined = try combined.appendingRows(of: chunk)
            chunks += 1
            largestWindow = max(largestWindow, reader.bufferCapacity)
        }
        #expect(chunks == 9)
        #expect(combined == full)
        // Memory does not grow with the file: the window is the read size (records are short).
        #expect(largestWindow == 4096)
        #expect(try reader.nextChunk() == nil)
    }

    @Test("records one at a time, with line numbers across quoted line breaks")
    func recordByRecord() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("records.csv")
        try Self.writeSample(rows: 2_500, to: path)
        var options = CSVReadOptions()
        options.readSize = 1000
        let reader = try CSVReader(path: path, options: options)
        var count = 0
        var lastLine = 0
        while let record = try reader.nextRecord() {
            if count == 1001 {
                // Rows 0 and 1000 have two-line notes, so row 1001 starts two lines later than
                // row + 2 (header and 1-based lines).
                #expect(record.line == 1001 + 2 + 2)
                #expect(record.fields == ["1001", "125.125", "n0", "UKR"])
            }
            if count == 1000 {
                #expect(record.fields[2] == "multi\nline, \"quoted\"")
            }
            lastLine = record.line
            count += 1
        }
        #expect(count == 2_500)
        #expect(lastLine == 2_500 + 1 + 3)
    }

    @Test("types inferred from the first chunk are kept; a misfit is an error naming the fix")
    func typeChangeAfterFirstChunk() throws {
        let text = "id,value\n1,10\n2,20\n3,2.5\n"
        let reader = try CSVReader(string: text, name: "chunks.csv")
        let first = try #require(try reader.nextChunk(maxRows: 2))
        #expect(first["value"] == .int([10, 20]))
        do {
            _ = try reader.nextChunk(maxRows: 2)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "chunks.csv:4:2: column 2 (\"value\"): found \"2.5\" after earlier rows made this column .int, and those rows cannot be read again — declare the type before reading: options.columnTypes[\"value\"] = .double")
        }
        // Declaring the type avoids it.
        let declared = try CSVReader(string: text, options: CSVReadOptions(columnTypes: ["value": .double]))
        _ = try declared.nextChunk(maxRows: 2)
        #expect(try declared.nextChunk(maxRows: 2)?["value"] == .double([2.5]))
    }

    @Test("a column missing in the first chunk is inferred from a later one")
    func lateInference() throws {
        let reader = try CSVReader(string: "id,oip\n1,\n2,\n3,NA\n4,7\n")
        #expect(try reader.nextChunk(maxRows: 2)?["oip"] == .double([nil, nil]))
        #expect(try reader.nextChunk(maxRows: 2)?["oip"] == .int([nil, 7]))
    }

    @Test("numbers then text inside one chunk restart the chunk, not the file")
    func restartWithinLaterChunk() throws {
        let reader = try CSVReader(string: "a,b\n1,x\n2,y\n3,\n4,NA\n5,7\n6,z\n")
        #expect(try reader.nextChunk(maxRows: 2)?["b"] == .string(["x", "y"]))
        let second = try #require(try reader.nextChunk(maxRows: 10))
        #expect(second["a"] == .int([3, 4, 5, 6]))
        #expect(second["b"] == .string([nil, "NA", "7", "z"]))
    }
}
