/// Which rows a join keeps.
public enum JoinKind: Sendable, Hashable {
    /// Only left rows that match at least one right row.
    case inner
    /// Every left row; those without a match get missing values in the right table's columns.
    case left
}

extension Table {
    /// Joins `right` onto this table where the `keys` columns are equal (an equi-join, like
    /// SQL `JOIN … USING (keys)`, dplyr's `inner_join`/`left_join`, or pandas' `merge`).
    ///
    /// - Result columns: all of this table's columns, then `right`'s non-key columns; a right
    ///   column whose name is already taken gets `rightSuffix` appended.
    /// - Result rows: for each left row in order, its matching right rows in `right`'s order
    ///   (one output row per match); for `.left`, an unmatched left row appears once with missing
    ///   right values.
    /// - Matching: key cells must be equal and of the same column type in both tables. A
    ///   missing key matches nothing (SQL semantics; pandas matches NaN keys to each other, and
    ///   dplyr's `na_matches = "na"` does too). NaN matches nothing.
    /// - With no keys every left row matches every right row (a cross join).
    ///
    /// Cost: O(left rows + right rows + output rows) with a hash index on `right`.
    ///
    /// Throws `TableError.unknownColumn` for a key missing from either table, `.typeMismatch`
    /// when a key column's types differ, `.duplicateColumnName` when a suffixed name is taken too.
    public func joined(
        with right: Table, on keys: [String], kind: JoinKind = .inner, rightSuffix: String = "_right"
    ) throws(TableError) -> Table {
        var leftKeys: [Column] = []
        var rightKeys: [Column] = []
        for key in keys {
            let leftColumn = try column(key)
            let rightColumn = try right.column(key)
            guard leftColumn.type == rightColumn.type else {
                throw .typeMismatch(column: key, expected: leftColumn.type, found: rightColumn.type)
            }
            leftKeys.append(leftColumn)
            rightKeys.append(rightColumn)
        }

        var index: [[CellValue]: [Int]] = [:]
        for row in 0..<right.rowCount {
            if let key = Self.completeKey(rightKeys, row) {
                index[key, default: []].append(row)
            }
        }

        var leftRows: [Int] = []
        var rightRows: [Int?] = []
        leftRows.reserveCapacity(rowCount)
        rightRows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            let matches = Self.completeKey(leftKeys, row).flatMap { index[$0] } ?? []
            if matches.isEmpty {
                if kind == .left {
                    leftRows.append(row)
                    rightRows.append(nil)
                }
                continue
            }
            for match in matches {
                leftRows.append(row)
                rightRows.append(match)
            }
        }

        var names = columnNames
        var result = columns.map { $0.gathering(leftRows) }
        let keySet = Set(keys)
        for (position, name) in right.columnNames.enumerated() where !keySet.contains(name) {
            names.append(columnIndex(of: name) != nil ? name + rightSuffix : name)
            result.append(right.columns[position].gathering(rightRows))
        }
        return try Table(names: names, columns: result, rowCount: leftRows.count)
    }

    /// The key cells of `row`, or `nil` when any is missing.
    static func completeKey(_ keyColumns: [Column], _ row: Int) -> [CellValue]? {
        var key: [CellValue] = []
        key.reserveCapacity(keyColumns.count)
        for column in keyColumns {
            guard let value = column[row] else { return nil }
            key.append(value)
        }
        return key
    }
}
