import Foundation
import Testing
@testable import MigrationData

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 15: the writer on hostile destinations and hostile text.
@Suite("CSV writer safety: special files, links, permissions, formula injection")
struct CSVWriterSafetyTests {
    static let table: Table = {
        // swiftlint:disable:next force_try
        try! Table([(name: "label", column: .string(["=HYPERLINK(\"http://x\")", "@SUM(1)", "-cmd|' /C calc'!A0", "+1", "\tx", "\rx", "-1.5", "plain", nil, ""])),
                    (name: "value", column: .double([-1.5, 2, -3, 4, 5, 6, -7, 8, nil, 9]))])
    }()

    @Test("text cells that would start a formula get a leading apostrophe; numeric columns do not")
    func neutralisesFormulas() throws {
        let text = try CSVWriter.string(Self.table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "label,value")
        #expect(lines[1] == "\"'=HYPERLINK(\"\"http://x\"\")\",-1.5")
        #expect(lines[2] == "'@SUM(1),2.0")
        #expect(lines[3] == "'-cmd|' /C calc'!A0,-3.0")
        #expect(lines[4] == "+1,4.0")     // a plain signed number is a number to a spreadsheet, not a formula
        #expect(lines[5] == "'\tx,5.0")
        #expect(lines[6] == "\"'\rx\",6.0")
        #expect(lines[7] == "-1.5,-7.0")   // likewise (diagnostics' value column holds such text)
        #expect(lines[8] == "plain,8.0")
        #expect(lines[9] == ",")
        #expect(lines[10] == "\"\",9.0")
        // Read back, no cell starts a formula.
        let back = try CSVReader.readTable(bytes: Array(text.utf8))
        if case .string(let values)? = back["label"] {
            for value in values.compactMap({ $0 }) {
                #expect(!CSVEncoder.looksLikeFormula(value), "\(value)")
            }
        } else {
            Issue.record("label column not read as text")
        }
    }

    @Test("header cells are neutralised too (state names become column names)")
    func neutralisesHeader() throws {
        let t = try Table([(name: "from", column: .string(["a"])), (name: "=cmd", column: .double([1]))])
        #expect(try CSVWriter.string(t).hasPrefix("from,'=cmd\n"))
    }

    @Test("neutraliseFormulas = false writes text verbatim (exact round trips)")
    func neutralisationCanBeTurnedOff() throws {
        var options = CSVWriteOptions()
        options.neutraliseFormulas = false
        let back = try CSVReader.readTable(bytes: try CSVWriter.encode(Self.table, options: options),
                                           options: CSVReadOptions(columnTypes: ["label": .string]))
        #expect(back["label"] == Self.table["label"])
    }

    @Test("device nodes are refused, never replaced (-o /dev/null, /dev/full)")
    func refusesDevices() throws {
        for device in ["/dev/null", "/dev/full"] where FileManager.default.fileExists(atPath: device) {
            do {
                try CSVWriter.write(Self.table, to: device)
                Issue.record("expected \(device) to be refused")
            } catch {
                #expect(error.description.contains("character device"), "\(error)")
                #expect(error.description.contains("nothing was written"))
            }
            var info = stat()
            #expect(lstat(device, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR, "\(device) is still a device")
        }
    }

    @Test("a FIFO is refused without blocking")
    func refusesFIFO() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let fifo = folder.path("pipe.csv")
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(throws: CSVError.self) { try CSVWriter.write(Self.table, to: fifo) }
        #expect(try folder.contents() == ["pipe.csv"])
    }

    @Test("a symbolic link is refused: neither replaced nor followed")
    func refusesSymlink() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let target = folder.path("target.csv"), link = folder.path("link.csv")
        try "keep\n".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        do {
            try CSVWriter.write(Self.table, to: link)
            Issue.record("expected the link to be refused")
        } catch {
            #expect(error.description.contains("symbolic link"))
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep\n")
        #expect(try folder.contents() == ["link.csv", "target.csv"])
    }

    @Test("replacing a file keeps its permission bits (0600 stays 0600)")
    func keepsPermissions() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("private.csv")
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, 0o600) == 0)
        try CSVWriter.write(Self.table, to: path)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("label,value\n"))
    }

    @Test("a write error says what was left behind, and only what is true")
    func honestFailureMessage() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let bad = try Table([(name: "x", column: .double([1, .nan]))])
        // Non-finite values are rejected before anything reaches the destination.
        #expect(throws: CSVError.self) { try CSVWriter.write(bad, to: folder.path("x.csv")) }
        #expect(try folder.contents() == [])
        let missing = folder.path("no/such/out.csv")
        do {
            try CSVWriter.write(Self.table, to: missing)
        } catch {
            #expect(error.description.contains("nothing was written"))
            #expect(!error.description.contains("no partial file was left"))
        }
    }

    @Test("registered temporary files are tracked until the writer finishes or fails")
    func temporaryRegistry() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let writer = try CSVWriter(path: folder.path("a.csv"), columnNames: ["x"])
        let slot = TemporaryFileRegistry.register("/nonexistent/registry-test")
        #expect(slot != nil)
        TemporaryFileRegistry.unregister(slot)
        writer.cancel()
        #expect(try folder.contents() == [])
    }
}

/// Issue 15: `AtomicFile`, the writer under `CSVWriter`, the HTML report and the notebook.
@Suite("Atomic file")
struct AtomicFileTests {
    @Test("writes, replaces, refuses special files and links, and leaves no temporary file")
    func atomicFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("report.html")
        try AtomicFile.write(Array("<p>one</p>".utf8), to: path)
        #expect(chmod(path, 0o640) == 0)
        try AtomicFile.write(Array("<p>two</p>".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "<p>two</p>")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue == 0o640)
        try FileManager.default.createSymbolicLink(atPath: folder.path("link.svg"), withDestinationPath: path)
        #expect(throws: CSVError.self) { try AtomicFile.write([1], to: folder.path("link.svg")) }
        #expect(throws: CSVError.self) { try AtomicFile.write([1], to: "/dev/null") }
        let cancelled = try AtomicFile(path: folder.path("cancelled.svg"))
        try cancelled.write([1, 2, 3])
        cancelled.cancel()
        #expect(throws: CSVError.writerClosed(file: folder.path("cancelled.svg"))) { try cancelled.finish() }
        #expect(try folder.contents() == ["link.svg", "report.html"])
    }
}
