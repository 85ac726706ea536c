import Foundation
import Testing
@testable import MigrationData

/// Reading the next window ahead (`CSVReadBuffer.readAhead` and `keepReadAhead`, used by
/// two-thread reads) must give exactly the window that `refill` gives: the same bytes, offset, count and
/// end flag, the same failure, and through the reader the same table or error as one thread.
@Suite("CSV read window: reading ahead")
struct CSVReadAheadTests {
    /// Two buffers over the same input: one refilled with `refill`, the other with
    /// `readAhead` + `keepReadAhead` + `refill`, keeping the same (random) unfinished part each time.
    static func compareWindows(input: [UInt8], readSize: Int, seed: UInt64) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("input.bin")
        FileManager.default.createFile(atPath: path, contents: Data(input))
        let plainDescriptor = try POSIX.openForReading(path).get()
        let aheadDescriptor = try POSIX.openForReading(path).get()
        var plain = CSVReadBuffer(descriptor: plainDescriptor, name: "input.bin", readSize: readSize, maximumRecordBytes: 1 << 20)
        var ahead = CSVReadBuffer(descriptor: aheadDescriptor, name: "input.bin", readSize: readSize, maximumRecordBytes: 1 << 20)
        defer {
            plain.release()
            ahead.release()
        }
        var generator = SplitMix64(seed: seed)
        var windowsReadAhead = 0
        var steps = 0
        while !plain.atEnd && steps < 100_000 {
            steps += 1
            // Keep nothing, everything, or a random part (sometimes all of a full window: it must grow).
            let choice = generator.next() % 4
            let start = choice == 0 ? plain.count : choice == 1 ? 0 : Int(generator.next() % UInt64(plain.count + 1))
            // Now and then the window is read ahead from another point than the refill's (the
            // refill must give that window back and read as usual).
            let aheadStart = generator.next() % 8 == 0 ? Int(generator.next() % UInt64(plain.count + 1)) : start
            ahead.prepareSpare()
            let expected = plain.refill(keepingFrom: start)
            if let next = ahead.readAhead(keepingFrom: aheadStart) {
                windowsReadAhead += 1
                ahead.keepReadAhead(next)
            } else {
                #expect(ahead.count - aheadStart == ahead.capacity, "read ahead declined at step \(steps)")
            }
            let got = ahead.refill(keepingFrom: start)
            #expect(Self.describe(expected) == Self.describe(got), "step \(steps)")
            #expect(plain.count == ahead.count && plain.fileOffset == ahead.fileOffset && plain.atEnd == ahead.atEnd,
                    "step \(steps): count \(plain.count)/\(ahead.count), offset \(plain.fileOffset)/\(ahead.fileOffset)")
            #expect(plain.capacity == ahead.capacity)
            let same = Array(UnsafeBufferPointer(start: plain.bytes, count: plain.count + 1))
                == Array(UnsafeBufferPointer(start: ahead.bytes, count: ahead.count + 1))
            #expect(same, "step \(steps): window bytes differ")
            if !same { return }
        }
        #expect(plain.atEnd && ahead.atEnd)
        #expect(windowsReadAhead > 0)
    }

    static func describe(_ result: CSVReadBuffer.RefillResult) -> String {
        switch result {
        case .refilled(let dropped): return "refilled \(dropped)"
        case .recordTooLong: return "too long"
        case .failed(let reason): return "failed \(reason)"
        }
    }

    @Test("windows read ahead equal refilled ones, for window sizes from 1 byte to more than the input")
    func sameWindowsAsRefill() throws {
        var generator = SplitMix64(seed: 62)
        let input = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for (index, readSize) in [1, 7, 4_096, 65_536, 100_000].enumerated() {
            try Self.compareWindows(input: input, readSize: readSize, seed: UInt64(index))
        }
        try Self.compareWindows(input: [], readSize: 16, seed: 9)
    }

    @Test("a failed read ahead leaves the window as a failed refill does, with the same message")
    func failedRead() throws {
        // Reading a directory's descriptor fails (EISDIR) once the buffer tries.
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let plainDescriptor = try POSIX.openForReading(folder.url.path).get()
        let aheadDescriptor = try POSIX.openForReading(folder.url.path).get()
        var plain = CSVReadBuffer(descriptor: plainDescriptor, name: "dir", readSize: 64, maximumRecordBytes: 1 << 20)
        var ahead = CSVReadBuffer(descriptor: aheadDescriptor, name: "dir", readSize: 64, maximumRecordBytes: 1 << 20)
        defer {
            plain.release()
            ahead.release()
        }
        ahead.prepareSpare()
        let expected = plain.refill(keepingFrom: 0)
        guard let next = ahead.readAhead(keepingFrom: 0) else {
            Issue.record("no read ahead")
            return
        }
        ahead.keepReadAhead(next)
        let got = ahead.refill(keepingFrom: 0)
        #expect(Self.describe(expected).hasPrefix("failed "))
        #expect(Self.describe(expected) == Self.describe(got))
        #expect(plain.count == ahead.count && plain.fileOffset == ahead.fileOffset && plain.atEnd == ahead.atEnd)
        #expect(ahead.bytes[ahead.count] == CSVReadBuffer.sentinel)
    }

    /// A file whose records are cut by window ends in every way: quoted fields with LF and CRLF
    /// inside, CRLF line ends (a window may end between CR and LF), blank lines, missing cells,
    /// and a few records longer than the window (it grows, and reading ahead goes on at the new
    /// size).
    static func awkwardFile(_ generator: inout SplitMix64, rows: Int, crlf: Bool) -> String {
        let newline = crlf ? "\r\n" : "\n"
        var text = "id,x,note,y" + newline
        for row in 0..<rows {
            let r = generator.next()
            let x = r % 29 == 0 ? "" : "\(Double(Int64(bitPattern: r) % 10_000_000) / 113.0)"
            var note: String
            switch r % 7 {
            case 0: note = "\"line\(newline)break\""
            case 1: note = "\"cr\rlf\r\n\""
            case 2: note = "\"quote \"\"inside\"\"\""
            case 3: note = ""
            default: note = "n\(r % 100)"
            }
            if row % 4_000 == 1_999 {
                note = "\"" + String(repeating: "long,\(newline)", count: 15_000) + "\"" // ~100 KB
            }
            text += "\(row),\(x),\(note),\(r % 1000)" + newline
            if r % 331 == 0 { text += newline }
        }
        return text
    }

    @Test("two threads reading windows ahead give the one-thread table, at window sizes that cut records everywhere")
    func readerSameTable() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("awkward.csv")
        var generator = SplitMix64(seed: 2026)
        var windowsReadAhead = 0
        for (index, readSize) in [65_537, 70_001, 131_072].enumerated() {
            let text = Self.awkwardFile(&generator, rows: 20_000, crlf: index != 1)
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            var options = CSVReadOptions()
            options.readSize = readSize
            options.threads = 1
            let one = try CSVReader(path: path, options: options).readAll()
            options.threads = 2
            let reader = try CSVReader(path: path, options: options)
            let two = try reader.readAll()
            #expect(one == two, "window \(readSize)")
            #expect(one.rowCount == 20_000)
            #expect(reader.parallelRoundsMerged > 0)
            windowsReadAhead += reader.windowsReadAhead
        }
        #expect(windowsReadAhead > 20, "only \(windowsReadAhead) windows were read ahead")
    }

    @Test("an error after windows read ahead names the same line and column as one thread")
    func readerSameError() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("awkward.csv")
        var generator = SplitMix64(seed: 7)
        let lines = Self.awkwardFile(&generator, rows: 6_000, crlf: true).components(separatedBy: "\r\n")
        // Text in the numeric column near the end (after many windows), then a field too many.
        for (defect, replacement) in [(0, "5990,oops,n1,3"), (1, "5990,1.5,n1,3,4")] {
            var modified = lines
            let index = modified.lastIndex { $0.hasPrefix("5990,") }!
            modified[index] = replacement
            FileManager.default.createFile(atPath: path, contents: Data(modified.joined(separator: "\r\n").utf8))
            var options = CSVReadOptions()
            options.readSize = 70_001
            options.columnTypes = ["x": .double]
            options.threads = 1
            var oneError = ""
            do { _ = try CSVReader(path: path, options: options).readAll() } catch { oneError = error.description }
            options.threads = 2
            var twoError = ""
            let reader = try CSVReader(path: path, options: options)
            do { _ = try reader.readAll() } catch { twoError = error.description }
            #expect(!oneError.isEmpty, "defect \(defect)")
            #expect(oneError == twoError, "defect \(defect)")
            #expect(reader.windowsReadAhead > 0, "defect \(defect)")
        }
    }
}
