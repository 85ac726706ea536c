/// One typed column of a `Table`: integers, doubles or strings, each cell possibly missing.
///
/// Numeric columns are `MaskedArray`s: the values in one contiguous `[Int]` or `[Double]`
/// (8 bytes a cell, as pandas stores them) plus a bitmap of the missing cells, built directly by
/// the CSV reader. Text columns are `StringCells`, a collection of `String?` (dictionary-encoded
/// when the CSV reader builds them).
///
/// Members:
/// - `type`: the element type; `count`: the number of cells (missing included);
/// - `subscript(row)`: one cell as a `CellValue?`;
/// - `missingCount`, `isMissing(at:)`;
/// - `doubleValues()`: a numeric column as a `MaskedArray<Double>` (integers converted);
///   `doubles()`: the same as `[Double?]`;
/// - `.int(_:)`, `.double(_:)`, `.string(_:)` build a column from `[Int?]`/`[Int]`,
///   `[Double?]`/`[Double]` or `[String?]`; `init(_:)` from a plain `[Double]`, `[Int]` or
///   `[String]` (`Table+Arrays.swift`).
///
/// Reading a numeric column:
///
/// ```swift
/// if case .double(let cells)? = table["flow"] {
///     if !cells.hasMissing { total = cells.values.reduce(0, +) }   // plain [Double]
///     let first: Double? = cells[0]                               // nil when missing
/// }
/// ```
///
/// A NaN stored in a `.double` column is a value, not a missing cell; the CSV reader turns
/// `NaN` text into a missing cell by default (see `CSVReadOptions.missingTokens`).
public enum Column: Sendable, Equatable {
    case int(MaskedArray<Int>)
    case double(MaskedArray<Double>)
    case string(StringCells)

    /// A `.string` column of `cells`, `nil` ones missing.
    public static func string(_ cells: [String?]) -> Column { .string(StringCells(cells)) }

    /// An `.int` column of `cells`, `nil` ones missing.
    public static func int(_ cells: [Int?]) -> Column { .int(MaskedArray(cells)) }

    /// An `.int` column of `values`, none missing.
    public static func int(_ values: [Int]) -> Column { .int(MaskedArray(values: values)) }

    /// A `.double` column of `cells`, `nil` ones missing.
    public static func double(_ cells: [Double?]) -> Column { .double(MaskedArray(cells)) }

    /// A `.double` column of `values`, none missing.
    public static func double(_ values: [Double]) -> Column { .double(MaskedArray(values: values)) }

    /// An empty column of `type`.
    public init(empty type: ColumnType) {
        switch type {
        case .int: self = .int(MaskedArray<Int>())
        case .double: self = .double(MaskedArray<Double>())
        case .string: self = .string(StringCells([]))
        }
    }

    /// A column of `count` missing cells of `type`.
    public init(missing type: ColumnType, count: Int) {
        let count = Swift.max(0, count)
        switch type {
        case .int: self = .int(MaskedArray<Int>(missing: count))
        case .double: self = .double(MaskedArray<Double>(missing: count))
        case .string: self = .string(StringCells([String?](repeating: nil, count: count)))
        }
    }

    /// The element type.
    public var type: ColumnType {
        switch self {
        case .int: return .int
        case .double: return .double
        case .string: return .string
        }
    }

    /// The number of cells, missing ones included.
    public var count: Int {
        switch self {
        case .int(let values): return values.count
        case .double(let values): return values.count
        case .string(let values): return values.count
        }
    }

    /// The cell at `row` (0-based), `nil` when missing. `row` must be in `0..<count`, as for an
    /// array subscript.
    public subscript(row: Int) -> CellValue? {
        switch self {
        case .int(let values): return values[row].map(CellValue.int)
        case .double(let values): return values[row].map(CellValue.double)
        case .string(let values): return values[row].map(CellValue.string)
        }
    }

    /// Whether the cell at `row` is missing.
    public func isMissing(at row: Int) -> Bool {
        switch self {
        case .int(let values): return values.isMissing(at: row)
        case .double(let values): return values.isMissing(at: row)
        case .string(let values): return values[row] == nil
        }
    }

    /// The number of missing cells.
    public var missingCount: Int {
        switch self {
        case .int(let values): return values.missingCount
        case .double(let values): return values.missingCount
        case .string(let values): return values.missingCount
        }
    }

    /// The cells as labels (for grouping, fixed effects, keys): text as stored, integers in
    /// decimal, doubles by `Column.label(_:)` so that 2020 and 2020.0 are the same label.
    public func labels() -> [String?] {
        switch self {
        case .string(let values): return Array(values)
        case .int(let values): return Self.integerLabels(values)
        case .double(let values): return values.map { $0.map(Column.label) }
        }
    }

    /// Integers as text. Codes in a range of at most 4n + 1024 values (ids, years, region
    /// numbers) format each distinct value once.
    static func integerLabels(_ values: MaskedArray<Int>) -> [String?] {
        var low = Int.max, high = Int.min
        for row in 0..<values.count where !values.isMissing(at: row) {
            low = Swift.min(low, values.values[row])
            high = Swift.max(high, values.values[row])
        }
        guard low <= high, !high.subtractingReportingOverflow(low).overflow, high - low <= 4 * values.count + 1024 else {
            return values.map { $0.map(String.init) }
        }
        var formatted = [String?](repeating: nil, count: high - low + 1)
        return values.map { value in
            guard let value else { return nil }
            if let text = formatted[value - low] { return text }
            let text = String(value)
            formatted[value - low] = text
            return text
        }
    }

    /// A double as a label: integral values without ".0" (below 10¹⁵), others as `description`.
    package static func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    /// The cells as doubles: `.double` as stored, `.int` converted (exact up to 2^53), `nil` for
    /// a `.string` column.
    public func doubles() -> [Double?]? {
        doubleValues().map(Array.init)
    }

    /// The cells as a `MaskedArray` of doubles: `.double` as stored (no copy), `.int` converted
    /// (exact up to 2^53), `nil` for a `.string` column.
    public func doubleValues() -> MaskedArray<Double>? {
        switch self {
        case .int(let values): return values.mapValues(Double.init)
        case .double(let values): return values
        case .string: return nil
        }
    }

    /// A column holding the cells at `rows`, in that order; an index of `nil` gives a missing
    /// cell (used by left joins and pivots). Every non-nil index must be in `0..<count`.
    package func gathering(_ rows: [Int?]) -> Column {
        switch self {
        case .int(let values): return .int(values.gathering(rows))
        case .double(let values): return .double(values.gathering(rows))
        case .string(let values): return .string(values.gathering(rows))
        }
    }

    /// A column holding the cells at `rows`, in that order. Every index must be in `0..<count`.
    package func gathering(_ rows: [Int]) -> Column {
        switch self {
        case .int(let values): return .int(values.gathering(rows))
        case .double(let values): return .double(values.gathering(rows))
        case .string(let values): return .string(values.gathering(rows))
        }
    }

    /// This column followed by `other`; `nil` when the types differ.
    public func appending(_ other: Column) -> Column? {
        switch (self, other) {
        case (.int(let a), .int(let b)): return .int(a.appending(b))
        case (.double(let a), .double(let b)): return .double(a.appending(b))
        case (.string(let a), .string(let b)): return .string(a + b)
        default: return nil
        }
    }
}
