/// Errors of `Table` operations. Each description reads `what is wrong — what to do`.
public enum TableError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No column has this name.
    case unknownColumn(String, available: [String])
    /// Two columns would have the same name.
    case duplicateColumnName(String)
    /// A column name is the empty string.
    case emptyColumnName
    /// A column's length differs from the table's row count.
    case lengthMismatch(column: String, expected: Int, found: Int)
    /// A column has a different type than the operation needs (join keys of different types,
    /// appending tables whose columns differ in type, a typed row accessor).
    case typeMismatch(column: String, expected: ColumnType, found: ColumnType)
    /// An arithmetic aggregation or a matrix was asked of a `.string` column.
    case notNumeric(column: String, operation: String)
    /// An integer sum does not fit in 64 bits.
    case integerOverflow(column: String, operation: String)
    /// `pivotWider` found two rows (0-based indices) with the same identifiers and name.
    case duplicatePivotEntry(firstRow: Int, secondRow: Int, name: String)
    /// `pivotWider` found a missing value (at 0-based row index `row`) in its names column.
    case missingPivotName(column: String, row: Int)
    /// A value that `pivotWider` would make into a column name is already a column.
    case pivotNameCollision(String)
    /// A missing value (at 0-based row index `row`) where a number is needed, e.g. converting to a
    /// matrix.
    case missingValue(column: String, row: Int)
    /// A row index outside the table.
    case rowOutOfRange(row: Int, rowCount: Int)
    /// Two tables to be appended have different columns.
    case columnsDiffer(expected: [String], found: [String])

    public var description: String {
        switch self {
        case .unknownColumn(let name, let available):
            let listed = available.prefix(20).map { quotedForMessage($0) }.joined(separator: ", ")
            return "no column named \(quotedForMessage(name)) — check the spelling; the table has \(listed)\(available.count > 20 ? ", …" : "")"
        case .duplicateColumnName(let name):
            return "two columns would be named \(quotedForMessage(name)) — rename one (for joins, pass another rightSuffix; for aggregations, pass `as:`)"
        case .emptyColumnName:
            return "a column name is empty — give every column a name"
        case .lengthMismatch(let column, let expected, let found):
            return "column \(quotedForMessage(column)) has \(found) values but the table has \(expected) rows — give every column the same length"
        case .typeMismatch(let column, let expected, let found):
            return "column \(quotedForMessage(column)) is .\(found) where .\(expected) is needed — convert the column first, or declare its type when reading"
        case .notNumeric(let column, let operation):
            return "column \(quotedForMessage(column)) holds strings, so \(operation) is not defined — use a numeric column, or declare it .int/.double when reading"
        case .integerOverflow(let column, let operation):
            return "the \(operation) of integer column \(quotedForMessage(column)) does not fit in 64 bits — convert the column to .double first"
        case .duplicatePivotEntry(let first, let second, let name):
            return "rows at indices \(first) and \(second) have the same identifiers and name \(quotedForMessage(name)) — aggregate them first (grouped(by:aggregating:)) or add an identifier column"
        case .missingPivotName(let column, let row):
            return "the row at index \(row) has no value in names column \(quotedForMessage(column)) — fill or filter out rows with a missing name"
        case .pivotNameCollision(let name):
            return "the new column \(quotedForMessage(name)) would repeat an identifier column's name — rename that column first"
        case .missingValue(let column, let row):
            return "column \(quotedForMessage(column)) is missing a value at row index \(row) — filter out or fill missing values before converting"
        case .rowOutOfRange(let row, let rowCount):
            return "row index \(row) is outside 0..<\(rowCount) — use indices from this table"
        case .columnsDiffer(let expected, let found):
            return "the tables have different columns (\(expected.map { quotedForMessage($0) }.joined(separator: ", ")) vs \(found.map { quotedForMessage($0) }.joined(separator: ", "))) — select the same columns in the same order first"
        }
    }
}
