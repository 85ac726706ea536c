/// Tables in and out of plain Swift arrays, for research code that has its data in arrays
/// rather than in CSV files:
///
/// ```swift
/// let table = try Table([("origin", Column(["SYR", "AFG"])), ("flow", Column([120.0, 40.0]))])
/// let flows = try table.doubles("flow")     // [120.0, 40.0]
/// let origins = try table.strings("origin") // ["SYR", "AFG"]
/// ```
///
/// The array initialisers make columns without missing cells; the accessors throw on a missing
/// cell rather than drop or zero it (filter or fill first), so the arrays that come out are
/// parallel to the table's rows.
extension Column {
    /// A `.double` column holding `values`, none missing.
    public init(_ values: [Double]) { self = .double(values) }

    /// An `.int` column holding `values`, none missing.
    public init(_ values: [Int]) { self = .int(values) }

    /// A `.string` column holding `values`, none missing.
    public init(_ values: [String]) { self = .string(values.map { $0 }) }
}

extension Table {
    /// The numeric column `name` as doubles (`.int` cells converted, exact up to 2^53), one per
    /// row.
    ///
    /// Throws `TableError.unknownColumn`, `.notNumeric` for a `.string` column, or
    /// `.missingValue` at the first missing cell.
    public func doubles(_ name: String) throws(TableError) -> [Double] {
        guard let values = try column(name).doubleValues() else {
            throw .notNumeric(column: name, operation: "conversion to [Double]")
        }
        return values.hasMissing ? try Self.complete(Array(values), name) : values.values
    }

    /// The `.int` column `name` as integers, one per row.
    ///
    /// Throws `TableError.unknownColumn`, `.typeMismatch` for another column type, or
    /// `.missingValue` at the first missing cell.
    public func ints(_ name: String) throws(TableError) -> [Int] {
        guard case .int(let values) = try column(name) else {
            throw .typeMismatch(column: name, expected: .int, found: try column(name).type)
        }
        return values.hasMissing ? try Self.complete(Array(values), name) : values.values
    }

    /// The column `name` as text, one per row: strings as stored, integers in decimal, doubles
    /// as labels (integral values without ".0", so a year column reads "2020") — the form used
    /// for grouping keys and fixed effects.
    ///
    /// Throws `TableError.unknownColumn` or `.missingValue` at the first missing cell.
    public func strings(_ name: String) throws(TableError) -> [String] {
        try Self.complete(column(name).labels(), name)
    }

    private static func complete<T>(_ values: [T?], _ name: String) throws(TableError) -> [T] {
        var out: [T] = []
        out.reserveCapacity(values.count)
        for (row, value) in values.enumerated() {
            guard let value else { throw .missingValue(column: name, row: row) }
            out.append(value)
        }
        return out
    }
}
