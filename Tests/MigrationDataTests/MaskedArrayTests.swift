import Testing
@testable import MigrationData

@Suite("Masked arrays: numeric column storage")
struct MaskedArrayTests {
    /// A pattern of missing cells that crosses several 64-bit mask words.
    static func cells(_ count: Int) -> [Double?] {
        (0..<count).map { (row: Int) -> Double? in
            let missing = row % 7 == 3 || row % 64 == 63
            return missing ? nil : Double(row) * 0.5
        }
    }

    @Test("cells, fillers and counts match the optionals they came from")
    func fromOptionals() {
        let optionals = Self.cells(200)
        let masked = MaskedArray(optionals)
        #expect(masked.count == 200)
        #expect(masked.missingCount == optionals.filter { $0 == nil }.count)
        #expect(masked.hasMissing)
        var same = true
        for row in 0..<200 {
            same = same && masked[row] == optionals[row] && masked.isMissing(at: row) == (optionals[row] == nil)
            // The filler at a missing double cell is NaN; present cells hold the value.
            same = same && (optionals[row] == nil ? masked.values[row].isNaN : masked.values[row] == optionals[row])
        }
        #expect(same)
        // No cell outside the rows: not missing, and no trap (a row is never checked twice).
        #expect(!masked.isMissing(at: -1) && !masked.isMissing(at: -64) && !masked.isMissing(at: 200) && !masked.isMissing(at: Int.min))
        #expect(Array(masked) == optionals)
        let ints = MaskedArray<Int>([1, nil, 3])
        #expect(ints.values == [1, 0, 3])
        #expect(MaskedArray<Int>(values: [4, 5]).missingCount == 0)
    }

    @Test("all-missing arrays of any length, including exact multiples of 64")
    func allMissing() {
        for count in [0, 1, 63, 64, 65, 128, 130] {
            let masked = MaskedArray<Int>(missing: count)
            #expect(masked.count == count)
            #expect(masked.missingCount == count)
            #expect(Array(masked) == [Int?](repeating: nil, count: count))
            var appended = masked
            appended.append(7)
            #expect(appended[count] == 7 && appended.missingCount == count)
        }
    }

    @Test("appending at every offset keeps the mask aligned")
    func appendingAtOffsets() {
        let tail = Self.cells(150)
        for headCount in [0, 1, 5, 63, 64, 65, 100, 128] {
            let head = Self.cells(headCount).reversed().map { $0 }
            var built = MaskedArray(head)
            built.append(contentsOf: MaskedArray(tail))
            #expect(Array(built) == head + tail, "head \(headCount)")
            #expect(built.missingCount == (head + tail).filter { $0 == nil }.count)
            #expect(built == MaskedArray(head + tail))
            var oneByOne = MaskedArray<Double>()
            for cell in head + tail { oneByOne.append(cell) }
            #expect(oneByOne == built)
            var missingRun = MaskedArray(head)
            missingRun.appendMissing(count: 70)
            #expect(Array(missingRun) == head + [Double?](repeating: nil, count: 70))
        }
    }

    @Test("gathering, mapValues and equality")
    func transforms() {
        let ints = MaskedArray<Int>([10, nil, 30, 40, nil])
        #expect(Array(ints.gathering([4, 0, 0, 2])) == [nil, 10, 10, 30])
        #expect(Array(ints.gathering([1, nil, 3] as [Int?])) == [nil, nil, 40])
        let doubles = ints.mapValues(Double.init)
        #expect(Array(doubles) == [10, nil, 30, 40, nil])
        #expect(doubles.values[1].isNaN && doubles.values[4].isNaN)
        // Equality looks at cells, not at the fillers.
        var a = MaskedArray<Int>([1, nil])
        let b = MaskedArray<Int>(values: [1, 99])
        #expect(a != b)
        a.removeAll(keepingCapacity: true)
        #expect(a == MaskedArray<Int>() && a.missingCount == 0)
        #expect(MaskedArray<Int>([nil, 2]) != MaskedArray<Int>([2, nil]))
        #expect(MaskedArray<Int>([1, 2]) != MaskedArray<Int>([1, 2, 3]))
        #expect(ints.appending(MaskedArray<Int>([nil, 6])) == MaskedArray<Int>([10, nil, 30, 40, nil, nil, 6]))
    }

    @Test("column constructors from plain and optional arrays give the same columns")
    func columnConstructors() {
        let plain: [Double] = [1.5, 2.5]
        let optional: [Double?] = [1.5, 2.5]
        #expect(Column.double(plain) == Column.double(optional))
        #expect(Column([1, 2] as [Int]) == Column.int([1, 2] as [Int?]))
        guard case .double(let cells) = Column.double([1.0, nil]) else {
            Issue.record("not a double column")
            return
        }
        #expect(cells.missingCount == 1 && cells.values[0] == 1)
        #expect(Column(missing: .int, count: 3).missingCount == 3)
    }

    @Test("the CSV reader stores numeric columns as values plus mask, with missing tokens masked")
    func readerStorage() throws {
        let table = try CSVReader.readTable(string: "a,b\n1,2.5\n,NA\n3,\n4,-0.0\n")
        guard case .int(let a)? = table["a"], case .double(let b)? = table["b"] else {
            Issue.record("types \(table.columnTypes)")
            return
        }
        #expect(Array(a) == [1, nil, 3, 4])
        #expect(a.values == [1, 0, 3, 4])
        #expect(Array(b) == [2.5, nil, nil, -0.0])
        #expect(b.values[1].isNaN && b.values[2].isNaN && b.values[3].sign == .minus)
        // Two threads, many rows and a few missing cells: the same cells as one thread.
        var text = "x,y\n"
        for row in 0..<40_000 { text += row % 997 == 0 ? ",\n" : "\(row),\(Double(row) / 8)\n" }
        var one = CSVReadOptions()
        one.threads = 1
        one.readSize = 1 << 17
        var two = one
        two.threads = 2
        let sequential = try CSVReader.readTable(string: text, options: one)
        let parallel = try CSVReader.readTable(string: text, options: two)
        let same = sequential == parallel
        #expect(same)
        #expect(sequential.columns[0].missingCount == 41 && sequential.columns[1].missingCount == 41)
    }
}
