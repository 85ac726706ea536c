/// One non-missing value from a table cell. Missing cells are `nil` wherever a
/// `CellValue?` appears.
///
/// Values of different cases are never equal: `.int(3) != .double(3)`. Doubles compare and hash
/// as Swift's `Double` does, so `-0.0 == 0.0` and NaN equals nothing (a NaN join or group key
/// never matches, not even another NaN).
public enum CellValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)

    /// The column type this value belongs to.
    public var type: ColumnType {
        switch self {
        case .int: return .int
        case .double: return .double
        case .string: return .string
        }
    }

    /// The value as a `Double` when it is numeric: exact for `.double`, and for `.int` exact
    /// up to 2^53 in magnitude, rounded to nearest beyond. `nil` for `.string`.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .string: return nil
        }
    }

    /// The text a CSV file shows for this value: `Int.description`, `Double.description`
    /// (shortest round-trip, so `3.0`, `0.1`, `5e-324`), or the string itself.
    public var description: String {
        switch self {
        case .int(let value): return value.description
        case .double(let value): return value.description
        case .string(let value): return value
        }
    }
}
