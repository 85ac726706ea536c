import Foundation
import Testing
@testable import MigrationData

/// Deterministic fuzzing: thousands of random byte strings, biased towards CSV's special bytes
/// and broken UTF-8. The reader must only return or throw (a trap would crash the test process),
/// and reading from memory and from a file with a tiny read window must agree exactly.
@Suite("CSV fuzz")
struct CSVFuzzTests {
    /// Bytes that exercise the scanner, the number parser, the missing tokens and UTF-8.
    static let alphabet: [[UInt8]] = [
        [UInt8(ascii: ",")], [UInt8(ascii: ",")], [UInt8(ascii: "\"")], [UInt8(ascii: "\"")], [UInt8(ascii: "\n")],
        [UInt8(ascii: "\n")], [UInt8(ascii: "\r")], Array("\r\n".utf8), [UInt8(ascii: "a")], [UInt8(ascii: "1")],
        [UInt8(ascii: "2")], [UInt8(ascii: ".")], [UInt8(ascii: "-")], [UInt8(ascii: "e")], [UInt8(ascii: " ")],
        Array("NA".utf8), Array("nan".utf8), Array("inf".utf8), Array("99999999999999999999".utf8),
        Array("1e400".utf8), Array("5e-324".utf8), [0xC3, 0xA9], [0xC3], [0xFF], [0xEF, 0xBB, 0xBF], [0x00],
        [0xF0, 0x9F, 0x87, 0xB8], [0xED, 0xA0, 0x80], Array("x,y\n".utf8),
    ]

    static func randomInput(_ generator: inout SplitMix64) -> [UInt8] {
        let pieces = Int(generator.next() % 40)
        var bytes: [UInt8] = []
        if generator.next() % 2 == 0 {
            // Start with a plausible header so that data rows are reached.
            bytes += Array(["a,b\n", "x\n", "a,b,c\r\n", "\u{FEFF}n,s\n"][Int(generator.next() % 4)].utf8)
        }
        for _ in 0..<pieces {
            if generator.next() % 10 == 0 {
                bytes.append(UInt8(truncatingIfNeeded: generator.next()))
            } else {
                bytes += alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
        }
        return bytes
    }

    /// The outcome of one read, comparable across sources.
    enum Outcome: Equatable {
        case table(Table)
        case error(String)

        static func == (a: Outcome, b: Outcome) -> Bool {
            switch (a, b) {
            case (.table(let x), .table(let y)): return bitwiseEqual(x, y)
            case (.error(let x), .error(let y)): return x == y
            default: return false
            }
        }
    }

    static func read(_ body: () throws(CSVError) -> Table) -> Outcome {
        do {
            return .table(try body())
        } catch {
            return .error(error.description)
        }
    }

    @Test("4,000 random inputs: memory and file reads agree and nothing traps")
    func randomInputs() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("fuzz.csv")
        var generator = SplitMix64(seed: 0x4D49_4752_4B49_54)
        var succeeded = 0
        for index in 0..<4_000 {
            let bytes = Self.randomInput(&generator)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            var options = CSVReadOptions()
            options.readSize = 1 + index % 7
            let fromMemory = Self.read { () throws(CSVError) in try CSVReader.readTable(bytes: bytes, name: path) }
            let fromFile = Self.read { () throws(CSVError) in try CSVReader.readTable(path: path, options: options) }
            #expect(fromMemory == fromFile, "input \(index): \(bytes)")
            if case .table = fromMemory { succeeded += 1 }

            // Declared types take other paths through the column builders.
            let declared = CSVReadOptions(columnTypes: ["a": .int, "b": .double, "n": .string])
            _ = Self.read { () throws(CSVError) in try CSVReader.readTable(bytes: bytes, options: declared) }

            // Streaming: records and small chunks.
            if let reader = try? CSVReader(bytes: bytes) {
                while let record = try? reader.nextRecord() {
                    #expect(record.fields.count == reader.header.count)
                }
            }
            if let reader = try? CSVReader(bytes: bytes, options: options) {
                while let chunk = try? reader.nextChunk(maxRows: 2) {
                    #expect(chunk.rowCount <= 2)
                }
            }
        }
        // The generator should produce a fair share of readable files, or the test tests little.
        #expect(succeeded > 200)
    }

    @Test("random tables survive write → read")
    func randomTablesRoundTrip() throws {
        var generator = SplitMix64(seed: 20_240_601)
        let textPieces = ["a", ",", "\"", "\n", "\r\n", " ", "é", "🇺🇦", "NA", "", "0", "-"]
        for _ in 0..<300 {
            let rows = Int(generator.next() % 20)
            var ints: [Int?] = []
            var doubles: [Double?] = []
            var strings: [String?] = []
            for _ in 0..<rows {
                ints.append(generator.next() % 5 == 0 ? nil : Int(bitPattern: UInt(truncatingIfNeeded: generator.next())))
                let bits = generator.next()
                let double = Double(bitPattern: bits)
                doubles.append(generator.next() % 5 == 0 || !double.isFinite ? nil : double)
                if generator.next() % 5 == 0 {
                    strings.append(nil)
                } else {
                    let length = Int(generator.next() % 6)
                    strings.append((0..<length).map { _ in textPieces[Int(generator.next() % UInt64(textPieces.count))] }.joined())
                }
            }
            let table = try Table([(name: "i", column: .int(ints)), (name: "d", column: .double(doubles)), (name: "s", column: .string(strings))])
            let options = CSVReadOptions(columnTypes: ["i": .int, "d": .double, "s": .string])
            var exact = CSVWriteOptions(), exactSpreadsheet = CSVWriteOptions.spreadsheet
            exact.neutraliseFormulas = false
            exactSpreadsheet.neutraliseFormulas = false
            for writeOptions in [exact, exactSpreadsheet] {
                let back = try CSVReader.readTable(bytes: try CSVWriter.encode(table, options: writeOptions), options: options)
                #expect(bitwiseEqual(back, table))
            }
        }
    }
}
