extension Table {
    /// One row of a table, for `filter` predicates and row-wise reading.
    ///
    /// The typed accessors return `nil` for a missing cell and throw `TableError.unknownColumn`
    /// for a name the table does not have, so a misspelt name fails loudly instead of silently
    /// filtering out every row:
    ///
    ///     let syria = try table.filter { try $0.string("coo_iso") == "SYR" }
    public struct Row: Sendable {
        /// The table the row belongs to.
        public let table: Table
        /// The 0-based row index.
        public let index: Int

        /// The cell in column `name`, `nil` when missing.
        public func value(_ name: String) throws(TableError) -> CellValue? {
            try table.column(name)[index]
        }

        /// An `.int` cell. Throws `.typeMismatch` for other column types.
        public func int(_ name: String) throws(TableError) -> Int? {
            let column = try table.column(name)
            guard case .int(let values) = column else {
                throw .typeMismatch(column: name, expected: .int, found: column.type)
            }
            return values[index]
        }

        /// A numeric cell as a `Double` (`.int` cells converted). Throws `.typeMismatch` for a
        /// `.string` column.
        public func double(_ name: String) throws(TableError) -> Double? {
            let column = try table.column(name)
            switch column {
            case .int(let values): return values[index].map(Double.init)
            case .double(let values): return values[index]
            case .string: throw .typeMismatch(column: name, expected: .double, found: .string)
            }
        }

        /// A `.string` cell. Throws `.typeMismatch` for other column types.
        public func string(_ name: String) throws(TableError) -> String? {
            let column = try table.column(name)
            guard case .string(let values) = column else {
                throw .typeMismatch(column: name, expected: .string, found: column.type)
            }
            return values[index]
        }
    }
}
