import Linalg

extension Table {
    /// The numeric columns `names` (default: every column) as a `rowCount × names.count`
    /// `Matrix`, column j holding column `names[j]` (column-major, so each table column is copied
    /// once, contiguously). `.int` cells are converted to `Double` (exact up to 2^53).
    ///
    /// Use it to build a design matrix: `try table.matrix(columns: ["log_distance", "log_pop"])`.
    /// Missing cells are not silently dropped or zeroed: filter or fill them first.
    ///
    /// Throws `TableError.unknownColumn`, `.notNumeric` (a `.string` column), `.missingValue`
    /// (the first missing cell, column by column), or the `LinalgError` of `Matrix.init`.
    public func matrix(columns names: [String]? = nil) throws -> Matrix {
        let names = names ?? columnNames
        var elements: [Double] = []
        elements.reserveCapacity(rowCount * names.count)
        for name in names {
            guard let values = try column(name).doubles() else {
                throw TableError.notNumeric(column: name, operation: "conversion to a matrix")
            }
            for (row, value) in values.enumerated() {
                guard let value else { throw TableError.missingValue(column: name, row: row) }
                elements.append(value)
            }
        }
        return try Matrix(rows: rowCount, cols: names.count, columnMajor: elements)
    }
}
