import Foundation
import Testing
@testable import MigrationData

/// The reader's fused path for records of plain cells (`PlainRecordBatch`: each number parsed
/// where it starts, no tokenizing first; text fields handed to the builders once the record is
/// taken) must give exactly what the general path gives
/// (`readsPlainRecords = false`: tokenizer, then `ColumnBuilder.append`) — the same
/// table, bit for bit, or the same error — on files that mix records it takes with records it
/// declines: exponents, leading zeros, more than 19 digits, 8-digit integer parts, padding,
/// signs, missing tokens, empty and quoted cells, text columns with quotes, overflow, integer
/// columns with signs, leading zeros, 19 digits and a late decimal, a column empty for its first
/// rows, a numeric column that turns to text, CRLF and
/// lone CR line ends, a last line without a line end; with every column or some of them read,
/// on one and two threads, from memory and from a file in small windows.
@Suite("CSV plain records (fused path)")
struct CSVPlainRecordsTests {
    /// A random numeric cell in one of many spellings.
    static func cell(_ generator: inout SplitMix64) -> String {
        let value = (Double(generator.next() >> 11) / Double(1 << 53) - 0.5) * pow(10, Double(Int(generator.next() % 12) - 5))
        switch generator.next() % 24 {
        case 0: return "NA"
        case 1: return ""
        case 2: return " \(value)"
        case 3: return "\(value) "
        case 4: return "\"\(value)\""
        case 5: return String(format: "%.3e", value)
        case 6: return String(format: "%.25f", value)
        case 7: return "+" + String(format: "%.6f", abs(value))
        case 8: return String(format: "%.4f", value * 1e9)
        case 9: return "00" + String(format: "%.17g", abs(value))
        case 10: return ".5"
        case 11: return "5."
        case 12: return "-0"
        case 13: return "1e400"
        case 14: return String(generator.next() % 10_000_000)
        case 15: return "0.000" + String(generator.next())
        default: return "\(value)"
        }
    }

    /// A random integer cell in one of many spellings.
    static func intCell(_ generator: inout SplitMix64) -> String {
        switch generator.next() % 16 {
        case 0: return ""
        case 1: return "-\(generator.next() % 1000)"
        case 2: return "+\(generator.next() % 1000)"
        case 3: return "007"
        case 4: return "NA"
        case 5: return " 12"
        case 6: return "123456789012345678"
        case 7: return "1234567890123456789"
        default: return String(generator.next() % 100_000)
        }
    }

    static func file(seed: UInt64, rows: Int) -> String {
        var generator = SplitMix64(seed: seed)
        let ends = ["\n", "\r\n", "\r"]
        let end = ends[Int(seed % 3)]
        var text = "a,b,label,c,d,n,late,e" + end
        let lateText = seed % 4 == 0 // a numeric column turns to text near the end
        let lateDecimal = seed % 3 == 1 // the integer column meets a decimal late
        for row in 0..<rows {
            var cells: [String] = []
            for column in 0..<8 {
                switch column {
                case 2:
                    let pick = generator.next() % 10
                    cells.append(pick == 0 ? "\"x,\"\"y\"\"\"" : pick == 1 ? "" : pick == 2 ? "NA" : "lab\(generator.next() % 100)")
                case 5:
                    if lateDecimal && row == rows - 11 {
                        cells.append("2.5")
                    } else {
                        cells.append(generator.next() % 8 == 0 ? intCell(&generator) : String(generator.next() % 1000))
                    }
                case 6:
                    // Empty (no type yet) for the first rows, then numbers.
                    cells.append(row < 150 ? "" : String(generator.next() % 50))
                case 3 where lateText && row == rows - 7:
                    cells.append("text")
                default:
                    // Mostly plain cells (the fused path's case), sometimes any spelling.
                    cells.append(generator.next() % 10 == 0 ? cell(&generator) : "\(Double(generator.next() >> 11) / Double(1 << 40) - 4096)")
                }
            }
            text += cells.joined(separator: ",")
            if row < rows - 1 || seed % 5 != 0 { text += end }
        }
        return text
    }

    /// The table read, with the doubles' bit patterns (`==` on tables treats 0 and -0 alike),
    /// or the error's description.
    static func read(_ text: String, plain: Bool, threads: Int, columns: [String]?, file: String?) -> (String, plainRecords: Int) {
        var options = CSVReadOptions()
        options.threads = threads
        options.columns = columns
        do {
            let reader: CSVReader
            if let file {
                FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
                options.readSize = 20_000
                reader = try CSVReader(path: file, options: options)
            } else {
                reader = try CSVReader(string: text, name: "plain.csv", options: options)
            }
            reader.readsPlainRecords = plain
            let table: Table
            do {
                table = try reader.readAll()
            } catch {
                return ("error: \(error)", reader.plainRecordsRead)
            }
            var summary = "\(table.rowCount) rows: \(table.columnNames)\n"
            for name in table.columnNames {
                switch try table.column(name) {
                case .double(let cells):
                    summary += "\(name) double \(cells.missingCount) missing: "
                    summary += cells.indices.map { cells.isMissing(at: $0) ? "NA" : String(cells.values[$0].bitPattern, radix: 16) }.joined(separator: " ")
                case .int(let cells):
                    summary += "\(name) int \(cells.missingCount) missing: "
                    summary += cells.indices.map { cells.isMissing(at: $0) ? "NA" : String(cells.values[$0]) }.joined(separator: " ")
                case let other:
                    summary += "\(name) \(other)"
                }
                summary += "\n"
            }
            return (summary, reader.plainRecordsRead)
        } catch {
            return ("error: \(error)", 0)
        }
    }

    @Test("fused and general paths agree on 24 mixed files, five column selections, 1 and 2 threads, memory and file")
    func agreesWithGeneralPath() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        var compared = 0
        var plainRead = 0
        var differing: [String] = []
        for seed in 1...24 as ClosedRange<UInt64> {
            let text = Self.file(seed: seed, rows: 1_500 + Int(seed) * 37)
            for columns in [nil, ["a", "d"], ["label", "c"], ["n", "late"], ["e"]] as [[String]?] {
                for threads in [1, 2] {
                    let path = seed % 2 == 0 ? folder.path("f\(seed).csv") : nil
                    let (general, _) = Self.read(text, plain: false, threads: threads, columns: columns, file: path)
                    let (fused, plain) = Self.read(text, plain: true, threads: threads, columns: columns, file: path)
                    plainRead += plain
                    compared += 1
                    if general != fused { differing.append("seed \(seed), columns \(columns ?? []), threads \(threads)") }
                }
            }
        }
        #expect(compared == 240)
        #expect(plainRead > 20_000)
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test("files of doubles only, read whole (the all-double record path): fused and general paths agree, 1 and 2 threads, memory and file")
    func allDoubleFilesAgree() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        var plainRead = 0
        var differing: [String] = []
        for seed in 1...12 as ClosedRange<UInt64> {
            var generator = SplitMix64(seed: 900 + seed)
            let end = ["\n", "\r\n", "\r"][Int(seed % 3)]
            var text = "a,b,c,d,e" + end
            let rows = 2_000 + Int(seed) * 53
            for row in 0..<rows {
                var cells: [String] = []
                for _ in 0..<5 {
                    // Mostly plain decimals; one cell in 12 empty, one in 24 any spelling
                    // (missing tokens, quotes, padding, exponents, overflow, integers).
                    let pick = generator.next() % 24
                    cells.append(pick < 2 ? "" : pick == 2 ? Self.cell(&generator)
                        : "\(Double(Int64(bitPattern: generator.next()) >> 11) / 1e12)")
                }
                text += cells.joined(separator: ",")
                if row < rows - 1 || seed % 4 != 0 { text += end }
            }
            for threads in [1, 2] {
                let path = seed % 2 == 0 ? folder.path("d\(seed).csv") : nil
                let (general, _) = Self.read(text, plain: false, threads: threads, columns: nil, file: path)
                let (fused, plain) = Self.read(text, plain: true, threads: threads, columns: nil, file: path)
                plainRead += plain
                if general != fused { differing.append("seed \(seed), threads \(threads)") }
            }
        }
        #expect(plainRead > 10_000)
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test("UNHCR population.csv: fused and general paths give the same table, on 1 and 2 threads", .needsSharedData)
    func populationFile() throws {
        try SharedData.require()
        let path = SharedData.path("unhcr/population.csv")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for threads in [1, 2] {
            let (general, generalPlain) = Self.read(text, plain: false, threads: threads, columns: nil, file: nil)
            let (fused, plain) = Self.read(text, plain: true, threads: threads, columns: nil, file: nil)
            #expect(generalPlain == 0)
            #expect(plain > 100_000, "most of the 138,893 records take the fused path")
            let same = general == fused
            #expect(same, "threads \(threads)")
            #expect(general.hasPrefix("138893 rows"))
        }
    }

    @Test("a wide file (3,000 columns: 21 records per batch) and chunks of 7 rows: fused and general paths agree")
    func wideFileAndSmallChunks() throws {
        var generator = SplitMix64(seed: 3000)
        var text = (0..<3_000).map { "c\($0)" }.joined(separator: ",") + "\n"
        for _ in 0..<60 {
            text += (0..<3_000).map { _ in
                generator.next() % 50 == 0 ? "" : "\(Double(generator.next() % 1_000_000) / 1024)"
            }.joined(separator: ",") + "\n"
        }
        let (general, _) = Self.read(text, plain: false, threads: 1, columns: nil, file: nil)
        let (fused, plain) = Self.read(text, plain: true, threads: 1, columns: nil, file: nil)
        #expect(plain > 0)
        let same = general == fused
        #expect(same)

        var small = "x,n,s\n"
        for row in 0..<200 { small += row % 13 == 0 ? ",,\n" : "\(Double(row) / 3),\(row),t\(row % 5)\n" }
        func chunks(plain: Bool) throws -> ([Table], Int) {
            let reader = try CSVReader(string: small)
            reader.readsPlainRecords = plain
            var tables: [Table] = []
            while let chunk = try reader.nextChunk(maxRows: 7) { tables.append(chunk) }
            return (tables, reader.plainRecordsRead)
        }
        let (generalChunks, _) = try chunks(plain: false)
        let (fusedChunks, fusedPlain) = try chunks(plain: true)
        #expect(generalChunks.count == 29)
        let sameChunks = generalChunks == fusedChunks
        #expect(sameChunks)
        #expect(fusedPlain > 100)
    }

    @Test("text columns coded on the fused path: repeats, long values, string missing tokens, invalid UTF-8 — as the general path")
    func textColumnsAgreeWithGeneralPath() throws {
        var generator = SplitMix64(seed: 1_861)
        let values = ["SYR", "Syrian Arab Rep.", "Venezuela (Bolivarian Republic of)", "-", "n/a", "", "exactly sixteen!",
                      "Türkiye", "x"]
        for defect in [false, true] {
            var bytes = Array("id,name,code,count\n".utf8)
            for row in 0..<5_000 {
                let name = values[Int(generator.next() % UInt64(values.count))]
                let code = row % 97 == 0 ? "\"q,\"" : "C\(generator.next() % 40)"
                bytes += Array("\(row),\(name),".utf8)
                if defect && row == 3_210 { bytes += [0x41, 0xFF] } else { bytes += Array(code.utf8) }
                bytes += Array(",\(generator.next() % 3)\n".utf8)
            }
            for threads in [1, 2] {
                var outcomes: [String] = []
                for plain in [false, true] {
                    var options = CSVReadOptions()
                    options.threads = threads
                    options.stringMissingTokens = ["-", "n/a"]
                    let reader = try CSVReader(bytes: bytes, name: "text.csv", options: options)
                    reader.readsPlainRecords = plain
                    do {
                        let table = try reader.readAll()
                        outcomes.append("\(table.columnTypes) \(try table.column("name")) \(try table.column("code"))")
                    } catch {
                        outcomes.append("error: \(error)")
                    }
                    if plain { #expect(reader.plainRecordsRead > 2_000) }
                }
                #expect(outcomes[0] == outcomes[1], "defect \(defect), threads \(threads)")
                #expect(outcomes[0].hasPrefix("error: text.csv:3212:3") == defect, "\(outcomes[0].prefix(120))")
            }
        }
    }

    @Test("plain records are read by the fused path (a test that could not fail otherwise)")
    func fusedPathIsTaken() throws {
        // A file of plain numbers only: the fused and the general path must agree, and the
        // fused one must be used — a wrong value stored by it would show in the first test.
        var text = "x,y\n"
        for row in 0..<1_000 { text += "\(Double(row) / 7),-\(row).25\n" }
        let reader = try CSVReader(string: text)
        let table = try reader.readAll()
        let x = try table.doubles("x")
        let y = try table.doubles("y")
        var exact = x.count == 1_000 && y.count == 1_000
        for row in 0..<1_000 where exact {
            let seventh = Double(row) / 7
            let quarter = -(Double(row) + 0.25)
            exact = x[row].bitPattern == seventh.bitPattern && y[row].bitPattern == quarter.bitPattern
        }
        #expect(exact)
        // Every record, the first ones too (columns without a type yet take their fields
        // through `ColumnBuilder.append`, which fixes the types).
        #expect(reader.plainRecordsRead == 1_000)
    }
}
