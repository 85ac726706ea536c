/// A text column's cells: a random-access collection of `String?` (`nil` = missing cell), stored
/// either as an array or, as the CSV reader builds them, dictionary-encoded — a 4-byte code per
/// cell into the column's distinct values (pandas' `Categorical`, Arrow's dictionary arrays).
///
/// Statistical files repeat a few hundred names over hundreds of thousands of rows. Coded, the
/// column costs 4 bytes a cell instead of 16, nothing per cell when it is built (no `String`
/// copied or retained) and nothing per cell when it is freed: freeing a `[String?]` releases
/// every cell through the runtime's generic value witnesses, about 7 ns each — on UNHCR's
/// `population.csv` (six text columns, 138,893 rows) a fifth of a whole read.
///
/// Reading a cell (`cells[row]`) is an array read either way (two for coded cells). Code that
/// needs an array writes `Array(cells)`; `StringCells(array)` wraps one without copying.
///
/// ```swift
/// if case .string(let names)? = table["coo_name"] {
///     let first: String? = names[0]
///     let distinct = Set(names.compactMap { $0 })
/// }
/// ```
public struct StringCells: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
    private enum Storage: Sendable {
        case array([String?])
        /// Per cell a code into `values` (0 … values.count − 1); `values[0]` is `nil`.
        case coded(codes: [UInt32], values: [String?])
    }

    private let storage: Storage

    /// The cells of `cells`, as they are (no copy).
    public init(_ cells: [String?]) {
        storage = .array(cells)
    }

    /// Cells given as codes into `values`, `values[Int(code)]` each; every code must be below
    /// `values.count` (checked: a bad code traps, as an array index would).
    init(codes: [UInt32], values: [String?]) {
        storage = .coded(codes: codes, values: values)
    }

    /// Whether the cells are stored as codes into a dictionary.
    var isDictionaryEncoded: Bool {
        if case .coded = storage { return true }
        return false
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .array(let cells): return cells.count
        case .coded(let codes, _): return codes.count
        }
    }

    public var count: Int { endIndex }

    /// The cell at `row` (`nil` when missing); `row` must be in `0..<count`.
    public subscript(row: Int) -> String? {
        switch storage {
        case .array(let cells): return cells[row]
        case .coded(let codes, let values): return values[Int(codes[row])]
        }
    }

    public func index(after i: Int) -> Int { i + 1 }
    public func index(before i: Int) -> Int { i - 1 }

    /// The number of missing cells.
    public var missingCount: Int {
        switch storage {
        case .array(let cells): return cells.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
        case .coded(let codes, _): return codes.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        }
    }

    /// The cells at `rows`, in that order (`nil` rows give missing cells); coded cells stay
    /// coded (no `String` copied).
    func gathering(_ rows: [Int?]) -> StringCells {
        switch storage {
        case .array(let cells): return StringCells(rows.map { $0.flatMap { cells[$0] } })
        case .coded(let codes, let values): return StringCells(codes: rows.map { $0.map { codes[$0] } ?? 0 }, values: values)
        }
    }

    /// The cells at `rows`, in that order.
    func gathering(_ rows: [Int]) -> StringCells {
        switch storage {
        case .array(let cells): return StringCells(rows.map { cells[$0] })
        case .coded(let codes, let values): return StringCells(codes: rows.map { codes[$0] }, values: values)
        }
    }

    /// These cells followed by `other`'s.
    public static func + (lhs: StringCells, rhs: StringCells) -> StringCells {
        if case .coded(let a, let values) = lhs.storage, case .coded(let b, let otherValues) = rhs.storage,
           values == otherValues {
            return StringCells(codes: a + b, values: values)
        }
        return StringCells(Array(lhs) + Array(rhs))
    }

    /// Equal cells, in the same order (however each side is stored).
    public static func == (lhs: StringCells, rhs: StringCells) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public var description: String {
        Array(self).description
    }
}
