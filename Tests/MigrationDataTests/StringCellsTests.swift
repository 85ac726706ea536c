import Foundation
import Testing
@testable import MigrationData

/// `StringCells` holds a text column either as an array or dictionary-encoded (what the CSV
/// reader builds). Both must behave as the same `[String?]`: cells, counts, equality across
/// the two storages, gathering rows, appending chunks whose dictionaries differ, and a table
/// read from CSV and written back.
@Suite("StringCells: text cells as an array or as codes into a dictionary")
struct StringCellsTests {
    static let cells: [String?] = ["SYR", nil, "Syrian Arab Rep.", "SYR", "", "Venezuela (Bolivarian Republic of)", nil, "Türkiye"]

    /// The same cells coded into a dictionary whose order differs from first appearance.
    static func coded(_ cells: [String?]) -> StringCells {
        var values: [String?] = [nil]
        for cell in cells.compactMap({ $0 }).reversed() where !values.contains(cell) { values.append(cell) }
        let codes = cells.map { cell -> UInt32 in
            guard let cell else { return 0 }
            return UInt32(values.firstIndex(of: cell)!)
        }
        return StringCells(codes: codes, values: values)
    }

    @Test("coded and array storage give the same cells, count and missing count")
    func sameCells() {
        let array = StringCells(Self.cells)
        let coded = Self.coded(Self.cells)
        #expect(Array(array) == Self.cells)
        #expect(Array(coded) == Self.cells)
        #expect(coded.count == Self.cells.count)
        #expect(coded.missingCount == 2 && array.missingCount == 2)
        #expect(coded == array)
        #expect(coded != StringCells(Array(Self.cells.dropLast()) + ["Turkey"]))
        #expect(coded != StringCells(Array(Self.cells.dropLast())))
        #expect(coded[4] == "" && coded[1] == nil)
    }

    @Test("gathering rows keeps the cells (and missing rows for nil indices) in either storage")
    func gathering() {
        let rows = [7, 0, 0, 1, 5]
        let optionalRows: [Int?] = [nil, 2, 1, nil, 7]
        for cells in [StringCells(Self.cells), Self.coded(Self.cells)] {
            #expect(Array(cells.gathering(rows)) == rows.map { Self.cells[$0] })
            #expect(Array(cells.gathering(optionalRows)) == optionalRows.map { $0.flatMap { Self.cells[$0] } })
        }
    }

    @Test("appending joins the cells whatever each side's dictionary holds")
    func appending() {
        let other: [String?] = ["AFG", "SYR", nil, "Türkiye"]
        let pairs: [(StringCells, StringCells)] = [
            (Self.coded(Self.cells), Self.coded(other)),
            (Self.coded(Self.cells), StringCells(other)),
            (StringCells(Self.cells), Self.coded(other)),
            (Self.coded(Self.cells), Self.coded(Self.cells)),
        ]
        for (a, b) in pairs {
            #expect(Array(a + b) == Array(a) + Array(b))
            if case .string(let joined)? = Column.string(a).appending(.string(b)) {
                #expect(Array(joined) == Array(a) + Array(b))
            } else {
                Issue.record("appending two text columns did not give a text column")
            }
        }
    }

    @Test("the CSV reader's text columns are coded, equal the cells written, and write back the same")
    func readerColumns() throws {
        var text = "name,code,n\n"
        for row in 0..<500 {
            let name = row % 7 == 0 ? "" : (row % 5 == 0 ? "\"Bolivia, Plurinational State of\"" : "Country \(row % 13)")
            text += "\(name),C\(row % 3),\(row)\n"
        }
        for threads in [1, 2] {
            var options = CSVReadOptions()
            options.threads = threads
            let table = try CSVReader(string: text, options: options).readAll()
            guard case .string(let names)? = table["name"], case .string(let codes)? = table["code"] else {
                Issue.record("text columns were not read as text")
                return
            }
            let expected: [String?] = (0..<500).map { row in
                row % 7 == 0 ? nil : (row % 5 == 0 ? "Bolivia, Plurinational State of" : "Country \(row % 13)")
            }
            #expect(names.isDictionaryEncoded && codes.isDictionaryEncoded)
            #expect(Array(names) == expected)
            #expect(names == StringCells(expected))
            #expect(Array(codes) == (0..<500).map { "C\($0 % 3)" })
            let written = try CSVWriter.string(table)
            let again = try CSVReader(string: written).readAll()
            #expect(again == table)
            let filtered = try table.filter { try $0.string("code") == "C1" }
            #expect(filtered.rowCount == 167)
            if case .string(let kept)? = filtered["name"] {
                #expect(Array(kept) == stride(from: 1, to: 500, by: 3).map { expected[$0] })
            }
        }
    }
}

/// `ColumnBuilder.plainTextCode(_:_:beside:)` predicts a text field from the text column to its
/// left (a name and its codes); a prediction is used only when the bytes match. Files where
/// the pairing mostly holds but breaks — the same left value beside different right values of
/// the same length, missing cells, long fields, a column that is not paired at all — must read
/// exactly as the general path reads them.
@Suite("Text fields predicted by the column to their left")
struct BesideFieldTests {
    static func file(seed: UInt64, rows: Int) -> String {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let names = ["Afghanistan", "Syrian Arab Rep.", "Iran (Islamic Rep. of)", "Türkiye", "Chad", "Venezuela (Bolivarian Republic of)"]
        let codes = ["AFG", "SYR", "IRN", "TUR", "TCD", "VEN"]
        var text = "name,code,iso,other,n\n"
        for row in 0..<rows {
            let k = next(names.count)
            // Mostly paired; sometimes another code of the same length, or a missing cell.
            let code = next(10) == 0 ? codes[next(codes.count)] : (next(25) == 0 ? "" : codes[k])
            let iso = next(12) == 0 ? "X\(next(10))Y" : (code.isEmpty ? "" : String(code.reversed()))
            let other = ["aaa", "aab", "aba", "baa", "a", "abcdefghijklmnopq"][next(6)]
            text += "\(names[k]),\(code),\(iso),\(other),\(row)\n"
        }
        return text
    }

    @Test("paired columns read by the fused path equal the general path's, 1 and 2 threads, memory and file")
    func pairedColumnsAgree() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        for seed in 1...4 as ClosedRange<UInt64> {
            let text = Self.file(seed: seed, rows: 3_000)
            for threads in [1, 2] {
                for file in [nil, folder.path("f\(seed).csv")] {
                    let general = CSVPlainRecordsTests.read(text, plain: false, threads: threads, columns: nil, file: file)
                    let fused = CSVPlainRecordsTests.read(text, plain: true, threads: threads, columns: nil, file: file)
                    #expect(fused.0 == general.0, "seed \(seed), \(threads) threads, file \(file != nil)")
                    #expect(fused.plainRecords > 2_500, "the fused path read \(fused.plainRecords) records")
                }
            }
        }
    }
}
