import Testing
import Linalg
@testable import MigrationData

@Suite("Table operations")
struct TableTests {
    /// Refugee stocks by origin and year (made-up numbers).
    static func stocks() throws -> Table {
        try Table([
            (name: "coo", column: .string(["SYR", "SYR", "AFG", "AFG", "UKR", nil])),
            (name: "year", column: .int([2022, 2023, 2022, 2023, 2023, 2023])),
            (name: "refugees", column: .int([100, 120, 80, nil, 60, 5])),
            (name: "share", column: .double([0.5, 0.25, 0.125, 1, nil, 2])),
        ])
    }

    @Test("construction checks names and lengths")
    func construction() throws {
        #expect(throws: TableError.duplicateColumnName("a")) {
            try Table([(name: "a", column: .int([1])), (name: "a", column: .int([2]))])
        }
        #expect(throws: TableError.lengthMismatch(column: "b", expected: 1, found: 2)) {
            try Table([(name: "a", column: .int([1])), (name: "b", column: .int([1, 2]))])
        }
        #expect(throws: TableError.emptyColumnName) { try Table([(name: "", column: .int([1]))]) }
        let table = try Self.stocks()
        #expect(table.rowCount == 6)
        #expect(table.columnTypes == [.string, .int, .int, .double])
        #expect(throws: TableError.unknownColumn("refugee", available: ["coo", "year", "refugees", "share"])) {
            try table.column("refugee")
        }
    }

    @Test("plain Swift arrays in and out")
    func arraysInAndOut() throws {
        let table = try Table([
            ("origin", Column(["SYR", "AFG", "UKR"])),
            ("year", Column([2022, 2023, 2024])),
            ("flow", Column([120.5, 40, 12])),
        ])
        #expect(table.columnTypes == [.string, .int, .double])
        #expect(try table.strings("origin") == ["SYR", "AFG", "UKR"])
        #expect(try table.ints("year") == [2022, 2023, 2024])
        #expect(try table.doubles("year") == [2022, 2023, 2024])
        #expect(try table.doubles("flow") == [120.5, 40, 12])
        #expect(try table.strings("year") == ["2022", "2023", "2024"])
        #expect(try table.strings("flow") == ["120.5", "40", "12"])
        // Missing cells and wrong types are errors, never silently dropped or zeroed.
        let stocks = try Self.stocks()
        #expect(throws: TableError.missingValue(column: "refugees", row: 3)) { try stocks.doubles("refugees") }
        #expect(throws: TableError.missingValue(column: "coo", row: 5)) { try stocks.strings("coo") }
        #expect(throws: TableError.notNumeric(column: "coo", operation: "conversion to [Double]")) { try stocks.doubles("coo") }
        #expect(throws: TableError.typeMismatch(column: "share", expected: .int, found: .double)) { try stocks.ints("share") }
    }

    @Test("select and filter")
    func selectAndFilter() throws {
        let table = try Self.stocks()
        let picked = try table.select(["year", "coo"])
        #expect(picked.columnNames == ["year", "coo"])
        let recent = try table.filter { try $0.int("year") == 2023 && $0.string("coo") != nil }
        #expect(recent["coo"] == .string(["SYR", "AFG", "UKR"]))
        let masked = try table.filter(mask: [true, false, false, false, false, true])
        #expect(masked["refugees"] == .int([100, 5]))
        #expect(throws: TableError.typeMismatch(column: "year", expected: .string, found: .int)) {
            _ = try table.filter { try $0.string("year") == "2023" }
        }
        #expect(throws: TableError.unknownColumn("yaer", available: table.columnNames)) {
            _ = try table.filter { try $0.int("yaer") == 2023 }
        }
    }

    @Test("inner and left joins on one and two keys")
    func joins() throws {
        let stocks = try Self.stocks()
        let names = try Table([
            (name: "coo", column: .string(["AFG", "SYR", "SYR", nil])),
            (name: "name", column: .string(["Afghanistan", "Syria", "Syrian Arab Rep.", "Unknown"])),
        ])
        let inner = try stocks.joined(with: names, on: ["coo"])
        // Each SYR row matches two names; the missing key matches nothing.
        #expect(inner["coo"] == .string(["SYR", "SYR", "SYR", "SYR", "AFG", "AFG"]))
        #expect(inner["name"] == .string(["Syria", "Syrian Arab Rep.", "Syria", "Syrian Arab Rep.", "Afghanistan", "Afghanistan"]))
        let left = try stocks.joined(with: names, on: ["coo"], kind: .left)
        #expect(left.rowCount == 8)
        #expect(left["name"] == .string(["Syria", "Syrian Arab Rep.", "Syria", "Syrian Arab Rep.", "Afghanistan", "Afghanistan", nil, nil]))

        let totals = try Table([
            (name: "coo", column: .string(["SYR", "AFG"])),
            (name: "year", column: .int([2023, 2022])),
            (name: "refugees", column: .int([999, 888])),
        ])
        let twoKeys = try stocks.joined(with: totals, on: ["coo", "year"], kind: .left)
        #expect(twoKeys.columnNames == ["coo", "year", "refugees", "share", "refugees_right"])
        #expect(twoKeys["refugees_right"] == .int([nil, 999, 888, nil, nil, nil]))

        let wrongType = try Table([(name: "year", column: .string(["2023"]))])
        #expect(throws: TableError.typeMismatch(column: "year", expected: .int, found: .string)) {
            try stocks.joined(with: wrongType, on: ["year"])
        }
    }

    @Test("group-by with sum, mean, count, min, max")
    func groupBy() throws {
        let grouped = try Self.stocks().grouped(by: ["year"], aggregating: [
            .sum("refugees"), .mean("share", as: "mean_share"), .count(), .countNonMissing("refugees"),
            .min("refugees"), .max("share"),
        ])
        #expect(grouped.columnNames == ["year", "refugees", "mean_share", "count", "refugees_count", "refugees_min", "share_max"])
        #expect(grouped["year"] == .int([2022, 2023]))
        #expect(grouped["refugees"] == .int([180, 185]))
        #expect(grouped["mean_share"] == .double([0.3125, 3.25 / 3]))
        #expect(grouped["count"] == .int([2, 4]))
        #expect(grouped["refugees_count"] == .int([2, 3]))
        #expect(grouped["refugees_min"] == .int([80, 5]))
        #expect(grouped["share_max"] == .double([0.5, 2]))

        // A missing key is a group of its own; no keys gives one row.
        let byOrigin = try Self.stocks().grouped(by: ["coo"], aggregating: [.sum("refugees")])
        #expect(byOrigin["coo"] == .string(["SYR", "AFG", "UKR", nil]))
        #expect(byOrigin["refugees"] == .int([220, 80, 60, 5]))
        let all = try Self.stocks().grouped(by: [], aggregating: [.sum("share"), .count()])
        #expect(all["share"] == .double([3.875]))
        #expect(all["count"] == .int([6]))

        #expect(throws: TableError.notNumeric(column: "coo", operation: "sum")) {
            try Self.stocks().grouped(by: ["year"], aggregating: [.sum("coo")])
        }
        #expect(throws: TableError.duplicateColumnName("share")) {
            try Self.stocks().grouped(by: ["year"], aggregating: [.sum("share"), .mean("share")])
        }
    }

    @Test("compensated double sums do not lose small terms")
    func compensatedSum() throws {
        let table = try Table([
            (name: "g", column: .int([1, 1, 1, 1])),
            (name: "x", column: .double([1e16, 1, -1e16, 1])),
        ])
        #expect(try table.grouped(by: ["g"], aggregating: [.sum("x")])["x"] == .double([2]))
    }

    @Test("integer sums that overflow throw")
    func overflow() throws {
        let table = try Table([(name: "x", column: .int([Int.max, 1]))])
        #expect(throws: TableError.integerOverflow(column: "x", operation: "sum")) {
            try table.grouped(by: [], aggregating: [.sum("x")])
        }
    }

    @Test("pivot long → wide → long")
    func pivots() throws {
        let long = try Self.stocks().filter { try $0.string("coo") != nil }.select(["coo", "year", "refugees"])
        let wide = try long.pivotWider(namesFrom: "year", valuesFrom: "refugees")
        #expect(wide.columnNames == ["coo", "2022", "2023"])
        #expect(wide["coo"] == .string(["SYR", "AFG", "UKR"]))
        #expect(wide["2022"] == .int([100, 80, nil]))
        #expect(wide["2023"] == .int([120, nil, 60]))

        let back = try wide.pivotLonger(["2022", "2023"], namesTo: "year", valuesTo: "refugees")
        #expect(back.columnNames == ["coo", "year", "refugees"])
        #expect(back["coo"] == .string(["SYR", "SYR", "AFG", "AFG", "UKR", "UKR"]))
        #expect(back["year"] == .string(["2022", "2023", "2022", "2023", "2022", "2023"]))
        #expect(back["refugees"] == .int([100, 120, 80, nil, nil, 60]))

        let duplicated = try long.appendingRows(of: try long.rows([0]))
        #expect(throws: TableError.duplicatePivotEntry(firstRow: 0, secondRow: 5, name: "2022")) {
            try duplicated.pivotWider(namesFrom: "year", valuesFrom: "refugees")
        }
        let mixed = try Table([
            (name: "id", column: .int([1])), (name: "a", column: .int([1])), (name: "b", column: .double([0.5])),
        ])
        #expect(try mixed.pivotLonger(["a", "b"])["value"] == .double([1, 0.5]))
    }

    @Test("sorting is stable with missing values last")
    func sorting() throws {
        let sorted = try Self.stocks().sorted(by: ["refugees"])
        #expect(sorted["refugees"] == .int([5, 60, 80, 100, 120, nil]))
        let descending = try Self.stocks().sorted(by: ["year", "coo"], ascending: false)
        #expect(descending["coo"] == .string(["UKR", "SYR", "AFG", nil, "SYR", "AFG"]))
    }

    @Test("setting, renaming and describing columns")
    func settingAndRenaming() throws {
        let table = try Self.stocks()
        let withRate = try table.settingColumn("rate", .double([1, 2, 3, 4, 5, 6]))
        #expect(withRate.columnNames.last == "rate")
        let replaced = try withRate.settingColumn("year", .int([1, 1, 1, 1, 1, 1]))
        #expect(replaced.columnNames == withRate.columnNames)
        #expect(replaced["year"] == .int([1, 1, 1, 1, 1, 1]))
        #expect(throws: TableError.lengthMismatch(column: "x", expected: 6, found: 1)) {
            try table.settingColumn("x", .int([1]))
        }
        let renamed = try table.renamingColumn("coo", to: "origin")
        #expect(renamed.columnNames == ["origin", "year", "refugees", "share"])
        #expect(renamed["origin"] == table["coo"])
        #expect(renamed.columnIndex(of: "coo") == nil)
        #expect(throws: TableError.duplicateColumnName("year")) { try table.renamingColumn("coo", to: "year") }
        let small = try table.select(["coo", "refugees"]).rows([0, 5])
        #expect(small.description == "coo,refugees\nSYR,100\n,5")
        #expect(throws: TableError.rowOutOfRange(row: 6, rowCount: 6)) { try table.rows([6]) }
    }

    @Test("appending rows requires the same columns")
    func appending() throws {
        let table = try Self.stocks()
        #expect(try table.appendingRows(of: table).rowCount == 12)
        #expect(throws: TableError.self) { try table.appendingRows(of: try table.select(["coo"])) }
    }

    @Test("conversion to a column-major Linalg matrix")
    func matrix() throws {
        let table = try Table([
            (name: "a", column: .int([1, 2, 3])),
            (name: "b", column: .double([0.5, 1.5, 2.5])),
            (name: "s", column: .string(["x", "y", "z"])),
        ])
        let matrix = try table.matrix(columns: ["a", "b"])
        #expect(matrix.rows == 3 && matrix.cols == 2)
        #expect(matrix.elements == [1, 2, 3, 0.5, 1.5, 2.5])
        #expect(matrix[2, 1] == 2.5)
        #expect(throws: TableError.notNumeric(column: "s", operation: "conversion to a matrix")) {
            try table.matrix()
        }
        let holes = try Table([(name: "x", column: .double([1, nil]))])
        #expect(throws: TableError.missingValue(column: "x", row: 1)) { try holes.matrix() }
    }
}
