/// The element type of a table column, and of a CSV column when reading.
///
/// Every type allows missing values (`nil`). When a CSV column's type is not declared, the reader
/// infers the narrowest type that holds every value in it:
///
/// - `.int` when every non-missing value is a decimal integer (`-12`, `+7`, `007`) that fits in
///   64 bits;
/// - `.double` when every non-missing value is a decimal number (`1.5`, `.5`, `5.`, `1e-3`,
///   `-0.0`) or an infinity (`inf`, `Infinity`, any case, with a sign), or when *every* value is
///   missing;
/// - `.string` otherwise.
///
/// Hexadecimal floats, thousands separators and decimal commas are text.
public enum ColumnType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 64-bit signed integers.
    case int
    /// IEEE 754 binary64.
    case double
    /// UTF-8 text.
    case string

    public var description: String { rawValue }
}
