import Foundation
import Testing
@testable import MigrationData

/// Reading on two threads (`CSVReadOptions.threads`) must give exactly what reading on one
/// gives: the same table, or the same error at the same file, line and column. Random files of
/// 150–400 KB (large enough for parallel rounds) with quoted fields holding delimiters, quotes
/// and line breaks, CRLF or LF line ends, blank lines, missing tokens, and defects injected
/// anywhere: text or decimals in an integer column, a column missing for half the file, bad
/// field counts, invalid UTF-8, stray quotes, an unterminated quote.
@Suite("CSV reading on two threads")
struct CSVParallelTests {
    enum Outcome: Equatable {
        case table(Table)
        case error(String)
    }

    /// Reads `text` from memory, or from a file in 100,000-byte windows (`file`: several
    /// parallel rounds per file, so line numbers must carry over between them).
    static func read(
        _ text: String, threads: Int, columns: [String]? = nil, types: [String: ColumnType] = [:], file: String? = nil
    ) -> (Outcome, merged: Int) {
        var options = CSVReadOptions()
        options.threads = threads
        options.columns = columns
        options.columnTypes = types
        do {
            // U+FFFD (EF BF BD) marks where a lone 0xFF byte, which is not UTF-8, goes.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            var utf8 = Array(text.utf8)[...]
            while let first = utf8.first {
                if first == 0xEF && utf8.count >= 3 && utf8[utf8.startIndex + 1] == 0xBF && utf8[utf8.startIndex + 2] == 0xBD {
                    bytes.append(0xFF)
                    utf8 = utf8.dropFirst(3)
                } else {
                    bytes.append(first)
                    utf8 = utf8.dropFirst()
                }
            }
            let reader: CSVReader
            if let file {
                FileManager.default.createFile(atPath: file, contents: Data(bytes))
                options.readSize = 100_000
                reader = try CSVReader(path: file, options: options)
            } else {
                reader = try CSVReader(bytes: bytes, name: "random.csv", options: options)
            }
            do {
                let table = try reader.readAll()
                return (.table(table), reader.parallelRoundsMerged)
            } catch {
                return (.error(error.description), reader.parallelRoundsMerged)
            }
        } catch {
            return (.error(error.description), 0)
        }
    }

    /// A random CSV file; `defect` picks what goes wrong (0: nothing) and where.
    static func randomFile(_ generator: inout SplitMix64, defect: Int) -> String {
        let columns = 3 + Int(generator.next() % 4)
        let rows = 6_000 + Int(generator.next() % 6_000)
        let newline = generator.next() % 2 == 0 ? "\n" : "\r\n"
        let kinds = (0..<columns).map { _ in Int(generator.next() % 5) } // 0 int, 1 double, 2 text, 3 quoted text, 4 late numbers
        var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + newline
        let defectRow = Int(generator.next() % UInt64(rows))
        let defectColumn = Int(generator.next() % UInt64(columns))
        for row in 0..<rows {
            var fields: [String] = []
            for column in 0..<columns {
                let r = generator.next()
                var field: String
                switch kinds[column] {
                case 0: field = r % 17 == 0 ? "" : r % 23 == 0 ? "NA" : "\(Int64(bitPattern: r) % 100_000)"
                case 1: field = r % 19 == 0 ? "" : "\(Double(Int64(bitPattern: r) % 1_000_000_000) / 997.0)"
                case 2: field = r % 13 == 0 ? "" : ["AFG", "NA", "Côte d’Ivoire", "x y", "-", "0012"][Int(r % 6)]
                case 3: field = ["\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\(newline)lines\"", "\"\"", "plain"][Int(r % 5)]
                default: field = row < rows / 2 ? (r % 3 == 0 ? "NA" : "") : "\(r % 1000)"
                }
                if row == defectRow && column == defectColumn {
                    switch defect {
                    case 1: field = "oops"                  // text in a numeric column
                    case 2: field = "1.5"                   // a decimal in an integer column
                    case 3: field = "\"bad\"x"              // text after a closing quote
                    case 4: field = "a\"b"                  // a quote in an unquoted field
                    case 5: field = "\u{FFFD}"              // replaced below by an invalid byte
                    case 6: field = field + ",extra"        // one field too many
                    default: break
                    }
                }
                fields.append(field)
            }
            if defect == 7 && row == defectRow { fields.removeLast() } // one field too few
            text += fields.joined(separator: ",") + newline
            if generator.next() % 500 == 0 { text += newline } // blank line
        }
        if defect == 8 { text += "\"never closed" + newline + "1,2" }
        return text
    }

    @Test("36 random files: two threads give the same table or the same error as one")
    func differential() throws {
        var generator = SplitMix64(seed: 18)
        var mergedRounds = 0
        var compared = 0
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let path = folder.path("random.csv")
        for file in 0..<36 {
            let defect = file % 9
            let text = Self.randomFile(&generator, defect: defect)
            let one = Self.read(text, threads: 1)
            let two = Self.read(text, threads: 2)
            mergedRounds += two.merged
            #expect(one.merged == 0)
            let same = one.0 == two.0
            #expect(same, "file \(file), defect \(defect): \(one.0.errorText ?? "table") vs \(two.0.errorText ?? "table")")
            // From a file in small windows: many rounds.
            let oneFile = Self.read(text, threads: 1, file: path)
            let twoFile = Self.read(text, threads: 2, file: path)
            mergedRounds += twoFile.merged
            let sameFile = oneFile.0 == twoFile.0
            #expect(sameFile, "file \(file) from disk, defect \(defect): \(oneFile.0.errorText ?? "table") vs \(twoFile.0.errorText ?? "table")")
            // A subset of the columns: the same as the full table's columns.
            if case .table(let full) = one.0, full.columnCount > 2 {
                let names = [full.columnNames[0], full.columnNames[2]]
                let picked = Self.read(text, threads: 2, columns: names.reversed())
                let expected = Outcome.table(Table(validatedNames: names, columns: [full.columns[0], full.columns[2]], rowCount: full.rowCount))
                let samePicked = picked.0 == expected
                #expect(samePicked, "file \(file): columns \(names)")
                compared += 1
            }
        }
        // The test must exercise the parallel path: most clean files merge several rounds.
        #expect(mergedRounds > 60, "only \(mergedRounds) parallel rounds were merged")
        #expect(compared > 5)
    }

    @Test("defects in the second half: the error names the same line and column with one and two threads")
    func errorsInSecondHalf() {
        var lines = ["a,b,c"]
        for i in 0..<20_000 { lines.append("\(i),\(Double(i) / 8),x\(i % 7)") }
        let clean = lines.joined(separator: "\n") + "\n"
        let cases: [(String, String)] = [
            ("15000,oops,x1", "text in a double column"),
            ("15000,1.5,x1,4", "too many fields"),
            ("15000,1.5", "too few fields"),
            ("15000,\"1.5\"z,x", "text after a closing quote"),
        ]
        for (bad, what) in cases {
            var modified = lines
            modified[15_001] = bad
            let text = modified.joined(separator: "\n") + "\n"
            let one = Self.read(text, threads: 1, types: ["b": .double])
            let two = Self.read(text, threads: 2, types: ["b": .double])
            #expect(one.0.errorText?.contains("random.csv:15002:") == true, "\(what): \(one.0.errorText ?? "no error")")
            #expect(one.0 == two.0, "\(what)")
        }
        let fine = Self.read(clean, threads: 2)
        #expect(fine.merged > 0)
        if case .table(let table) = fine.0 { #expect(table.rowCount == 20_000) } else { Issue.record("clean file failed") }
    }

    @Test("an unselected column is neither parsed nor stored; an unknown selected column is an error naming the header")
    func columnSelection() throws {
        var options = CSVReadOptions()
        options.columns = ["c", "a"]
        let table = try CSVReader.readTable(string: "a,b,c\n1,not a number,x\n2,\"q\"\"\",y\n", options: options)
        #expect(table.columnNames == ["a", "c"])
        #expect(table["a"] == .int([1, 2]))
        options.columns = ["a", "zz"]
        #expect(throws: CSVError.self) { try CSVReader.readTable(string: "a,b\n1,2\n", options: options) }
        do {
            _ = try CSVReader.readTable(string: "a,b\n1,2\n", name: "f.csv", options: options)
        } catch {
            #expect(error.description.hasPrefix("f.csv:1: CSVReadOptions.columns selects \"zz\""), "\(error)")
        }
        // Still every record must have the header's field count.
        options.columns = ["a"]
        #expect(throws: CSVError.self) { try CSVReader.readTable(string: "a,b\n1,2\n3\n", options: options) }
    }

    @Test("split points lie at record starts outside quotes")
    func splitPoints() {
        let text = Array("a,b\n\"x\ny\",1\n\"p\r\nq\",2\r\nlast,3\r\n".utf8)
        text.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            for from in [0, 4] {
                for fraction in [0.0, 0.3, 0.5, 0.7, 1.0] {
                    if let split = CSVReader.splitPoint(base, from: from, to: buffer.count, fraction: fraction) {
                        // Every split lies just after a line end outside quotes: after "b\n", "1\n" or "2\r\n",
                        // at or after the fraction of the bytes.
                        let valid = [4, 12, 22].contains(split) && split >= from + Int(Double(buffer.count - from) * fraction)
                        #expect(valid, "split \(split) from \(from) at \(fraction)")
                    }
                }
            }
            #expect(CSVReader.splitPoint(base, from: 4, to: buffer.count, fraction: 0.0) == 12)
            #expect(CSVReader.splitPoint(base, from: 4, to: buffer.count, fraction: 1.0) == nil)
        }
    }

    @Test("the split moves halfway toward the fraction where both threads would take as long, within 0.3…0.7")
    func balancedFractions() {
        // Equal rates: toward the middle.
        #expect(CSVReader.balancedFraction(0.5, firstBytes: 100, firstNanoseconds: 10, secondBytes: 100, secondNanoseconds: 10) == 0.5)
        #expect(CSVReader.balancedFraction(0.6, firstBytes: 100, firstNanoseconds: 10, secondBytes: 100, secondNanoseconds: 10) == 0.55)
        // The first part read at half the second's rate: balanced at 1/3, halfway from 0.5.
        let slower = CSVReader.balancedFraction(0.5, firstBytes: 100, firstNanoseconds: 20, secondBytes: 100, secondNanoseconds: 10)
        #expect(abs(slower - (0.5 + 1.0 / 3) / 2) < 1e-12)
        // Extremes are clamped; missing measurements keep the fraction.
        #expect(CSVReader.balancedFraction(0.3, firstBytes: 1, firstNanoseconds: 1_000_000, secondBytes: 1_000_000, secondNanoseconds: 1) == 0.3)
        #expect(CSVReader.balancedFraction(0.7, firstBytes: 1_000_000, firstNanoseconds: 1, secondBytes: 1, secondNanoseconds: 1_000_000) == 0.7)
        #expect(CSVReader.balancedFraction(0.42, firstBytes: 0, firstNanoseconds: 5, secondBytes: 100, secondNanoseconds: 5) == 0.42)
        #expect(CSVReader.balancedFraction(0.42, firstBytes: 10, firstNanoseconds: 5, secondBytes: 100, secondNanoseconds: 0) == 0.42)
    }
}

extension CSVParallelTests.Outcome {
    var errorText: String? {
        if case .error(let text) = self { return text }
        return nil
    }
}
