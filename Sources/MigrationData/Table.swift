/// A small column table: named, typed columns of equal length (a data frame without an index).
///
/// Members:
/// - `columnNames` (distinct, non-empty, in order), `columns` (one `Column` per name),
///   `rowCount`, `columnCount`;
/// - access: `self[name]`, `column(_:)`, `columnIndex(of:)`, `row(_:)` (a `Table.Row` view);
/// - changes returning new tables: `select(_:)`, `filter(_:)`, `filter(mask:)`, `rows(_:)`,
///   `sorted(by:ascending:)`, `appendingRows(of:)`, `renamingColumn(_:to:)`,
///   `settingColumn(_:_:)`;
/// - relational operations in their own files: `joined(with:on:kind:rightSuffix:)`
///   (`Table+Join.swift`), `grouped(by:aggregating:)` (`Table+GroupBy.swift`),
///   `pivotWider` / `pivotLonger` (`Table+Pivot.swift`), and `matrix(columns:)`
///   (`Table+Matrix.swift`);
/// - plain Swift arrays in and out: `Column(_:)` from `[Double]`, `[Int]` or `[String]`, and
///   `doubles(_:)`, `ints(_:)`, `strings(_:)` (`Table+Arrays.swift`).
///
/// Tables are values (copy-on-write through their arrays); every operation returns a new table
/// and leaves its input untouched. Row order is always defined: operations keep the input order
/// unless they say otherwise.
public struct Table: Sendable, Equatable, CustomStringConvertible {
    /// Column names, in order; distinct and non-empty.
    public private(set) var columnNames: [String]
    /// The columns, parallel to `columnNames`; all have `rowCount` cells.
    public private(set) var columns: [Column]
    /// The number of rows.
    public private(set) var rowCount: Int
    private var indexByName: [String: Int]

    /// A table with no columns and no rows.
    public init() {
        columnNames = []
        columns = []
        rowCount = 0
        indexByName = [:]
    }

    /// A table from named columns, in the given order.
    ///
    /// Throws `TableError.emptyColumnName`, `.duplicateColumnName`, or `.lengthMismatch` when
    /// the columns differ in length.
    public init(_ namedColumns: [(name: String, column: Column)]) throws(TableError) {
        try self.init(names: namedColumns.map(\.name), columns: namedColumns.map(\.column))
    }

    /// A table from parallel arrays of names and columns. Throws as `init(_:)`, or
    /// `.lengthMismatch` when the arrays differ in length.
    public init(names: [String], columns: [Column]) throws(TableError) {
        try self.init(names: names, columns: columns, rowCount: columns.first?.count ?? 0)
    }

    /// As `init(names:columns:)`, with the row count given (it matters when there are no
    /// columns).
    init(names: [String], columns: [Column], rowCount rows: Int) throws(TableError) {
        guard names.count == columns.count else {
            throw .lengthMismatch(column: "(names)", expected: columns.count, found: names.count)
        }
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() {
            if name.isEmpty { throw .emptyColumnName }
            if index[name] != nil { throw .duplicateColumnName(name) }
            index[name] = position
        }
        for (name, column) in zip(names, columns) where column.count != rows {
            throw .lengthMismatch(column: name, expected: rows, found: column.count)
        }
        self.columnNames = names
        self.columns = columns
        self.rowCount = rows
        self.indexByName = index
    }

    /// For callers that have already checked names and lengths (the CSV reader).
    init(validatedNames names: [String], columns: [Column], rowCount: Int) {
        self.columnNames = names
        self.columns = columns
        self.rowCount = rowCount
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() {
            index[name] = position
        }
        self.indexByName = index
    }

    /// The number of columns.
    public var columnCount: Int { columns.count }

    /// The position of the column named `name`.
    public func columnIndex(of name: String) -> Int? { indexByName[name] }

    /// The column named `name`, or `nil`.
    public subscript(name: String) -> Column? {
        indexByName[name].map { columns[$0] }
    }

    /// The column named `name`; throws `TableError.unknownColumn`.
    public func column(_ name: String) throws(TableError) -> Column {
        guard let index = indexByName[name] else {
            throw .unknownColumn(name, available: columnNames)
        }
        return columns[index]
    }

    /// The types of the columns, in order.
    public var columnTypes: [ColumnType] { columns.map(\.type) }

    // MARK: Columns

    /// The table with only the named columns, in the order given. Throws
    /// `TableError.unknownColumn` or `.duplicateColumnName` (a name given twice).
    public func select(_ names: [String]) throws(TableError) -> Table {
        var picked: [Column] = []
        for name in names {
            picked.append(try column(name))
        }
        return try Table(names: names, columns: picked, rowCount: rowCount)
    }

    /// The table with `column` added at the end, or replacing the column of the same name in
    /// place. Throws `TableError.lengthMismatch` when its length is not `rowCount` (an empty
    /// table takes any length), or `.emptyColumnName`.
    public func settingColumn(_ name: String, _ column: Column) throws(TableError) -> Table {
        if name.isEmpty { throw .emptyColumnName }
        if !columns.isEmpty && column.count != rowCount {
            throw .lengthMismatch(column: name, expected: rowCount, found: column.count)
        }
        var result = self
        if let index = indexByName[name] {
            result.columns[index] = column
        } else {
            result.indexByName[name] = columns.count
            result.columnNames.append(name)
            result.columns.append(column)
        }
        result.rowCount = column.count
        return result
    }

    /// The table with column `name` renamed to `newName`. Throws `.unknownColumn`,
    /// `.duplicateColumnName` or `.emptyColumnName`.
    public func renamingColumn(_ name: String, to newName: String) throws(TableError) -> Table {
        guard let index = indexByName[name] else { throw .unknownColumn(name, available: columnNames) }
        if newName == name { return self }
        if newName.isEmpty { throw .emptyColumnName }
        if indexByName[newName] != nil { throw .duplicateColumnName(newName) }
        var result = self
        result.columnNames[index] = newName
        result.indexByName[name] = nil
        result.indexByName[newName] = index
        return result
    }

    // MARK: Rows

    /// A view of row `index` (0-based); `index` must be in `0..<rowCount`.
    public func row(_ index: Int) -> Row {
        Row(table: self, index: index)
    }

    /// The rows at `indices` (0-based), in that order; repeats allowed. Throws
    /// `TableError.rowOutOfRange`.
    public func rows(_ indices: [Int]) throws(TableError) -> Table {
        for index in indices where index < 0 || index >= rowCount {
            throw .rowOutOfRange(row: index, rowCount: rowCount)
        }
        return gathering(indices)
    }

    /// The rows at `indices`, which the caller has checked.
    func gathering(_ indices: [Int]) -> Table {
        Table(validatedNames: columnNames, columns: columns.map { $0.gathering(indices) }, rowCount: indices.count)
    }

    /// The rows for which `isIncluded` returns true, in order.
    ///
    ///     let recent = try table.filter { try $0.int("year").map { $0 >= 2020 } ?? false }
    public func filter(_ isIncluded: (Row) throws -> Bool) rethrows -> Table {
        var kept: [Int] = []
        for index in 0..<rowCount where try isIncluded(Row(table: self, index: index)) {
            kept.append(index)
        }
        return gathering(kept)
    }

    /// The rows whose entry in `mask` is true. Throws `TableError.lengthMismatch` unless
    /// `mask.count == rowCount`.
    public func filter(mask: [Bool]) throws(TableError) -> Table {
        guard mask.count == rowCount else {
            throw .lengthMismatch(column: "(mask)", expected: rowCount, found: mask.count)
        }
        return gathering(mask.indices.filter { mask[$0] })
    }

    /// This table's rows followed by `other`'s. The columns must have the same names, order and
    /// types (as consecutive chunks from one `CSVReader` do). Throws `TableError.columnsDiffer`
    /// or `.typeMismatch`.
    public func appendingRows(of other: Table) throws(TableError) -> Table {
        if columns.isEmpty && rowCount == 0 { return other }
        guard columnNames == other.columnNames else {
            throw .columnsDiffer(expected: columnNames, found: other.columnNames)
        }
        var combined: [Column] = []
        for (index, column) in columns.enumerated() {
            guard let joined = column.appending(other.columns[index]) else {
                throw .typeMismatch(column: columnNames[index], expected: column.type, found: other.columns[index].type)
            }
            combined.append(joined)
        }
        return Table(validatedNames: columnNames, columns: combined, rowCount: rowCount + other.rowCount)
    }

    /// The rows sorted by the `keys` columns (the first key first), stable, missing values last.
    /// Numbers compare numerically (an `.int` key and a `.double` key may be mixed across
    /// columns, not within one), strings by Unicode scalar values (byte order of their UTF-8);
    /// NaN sorts after every number. Throws `TableError.unknownColumn`.
    public func sorted(by keys: [String], ascending: Bool = true) throws(TableError) -> Table {
        var keyColumns: [Column] = []
        for key in keys {
            keyColumns.append(try column(key))
        }
        let order = (0..<rowCount).sorted { a, b in
            for column in keyColumns {
                let comparison = Self.compare(column[a], column[b])
                if comparison != 0 {
                    // Missing values stay last in both directions.
                    if column.isMissing(at: a) || column.isMissing(at: b) { return comparison < 0 }
                    return ascending ? comparison < 0 : comparison > 0
                }
            }
            return a < b
        }
        return gathering(order)
    }

    /// Three-way comparison of two cells of one column: missing after everything, NaN after
    /// every number.
    static func compare(_ a: CellValue?, _ b: CellValue?) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (.int(let x)?, .int(let y)?): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x)?, .string(let y)?):
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : (x == y ? 0 : 1)
        default:
            let x = a?.doubleValue ?? .nan
            let y = b?.doubleValue ?? .nan
            if x.isNaN || y.isNaN { return x.isNaN ? (y.isNaN ? 0 : 1) : -1 }
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }

    // MARK: Display

    /// The header and up to the first 10 rows as CSV text, then `… (N rows)` when there are
    /// more.
    public var description: String {
        let shown = Swift.min(rowCount, 10)
        var lines = [columnNames.joined(separator: ",")]
        for row in 0..<shown {
            lines.append(columns.map { $0[row]?.description ?? "" }.joined(separator: ","))
        }
        if rowCount > shown {
            lines.append("… (\(rowCount) rows)")
        }
        return lines.joined(separator: "\n")
    }
}
