/// One summary column of `Table.grouped(by:aggregating:)`.
///
/// | function | input | result type | missing inputs | group with no non-missing value |
/// |---|---|---|---|---|
/// | `sum` | `.int` / `.double` | same as input | skipped | `0` |
/// | `mean` | `.int` / `.double` | `.double` | skipped | missing |
/// | `min`, `max` | `.int` / `.double` | same as input | skipped | missing |
/// | `count` | — | `.int` | counted (it counts rows) | — |
/// | `countNonMissing` | any | `.int` | not counted | `0` |
///
/// Double sums use Neumaier's compensated summation (Neumaier 1974, the "improved Kahan–Babuška"
/// algorithm; pandas' group-by sums are compensated too), so the result does not depend on
/// cancellation between large and small values. A NaN input makes the sum, mean, min or max NaN.
/// Integer sums are exact and throw `TableError.integerOverflow` past 64 bits.
public struct Aggregation: Sendable, Hashable {
    /// What is computed.
    public enum Function: String, Sendable, Hashable {
        case sum, mean, min, max, count, countNonMissing
    }

    public var function: Function
    /// The input column; `nil` for `count`.
    public var column: String?
    /// The result column's name.
    public var name: String

    public init(function: Function, column: String?, name: String) {
        self.function = function
        self.column = column
        self.name = name
    }

    /// Sum of `column` per group, named `name` (default: the column's own name).
    public static func sum(_ column: String, as name: String? = nil) -> Aggregation {
        Aggregation(function: .sum, column: column, name: name ?? column)
    }

    /// Mean of the non-missing values of `column` per group, named `name` (default: the column's
    /// own name).
    public static func mean(_ column: String, as name: String? = nil) -> Aggregation {
        Aggregation(function: .mean, column: column, name: name ?? column)
    }

    /// Smallest non-missing value of `column` per group (default name `<column>_min`).
    public static func min(_ column: String, as name: String? = nil) -> Aggregation {
        Aggregation(function: .min, column: column, name: name ?? column + "_min")
    }

    /// Largest non-missing value of `column` per group (default name `<column>_max`).
    public static func max(_ column: String, as name: String? = nil) -> Aggregation {
        Aggregation(function: .max, column: column, name: name ?? column + "_max")
    }

    /// Number of rows per group (default name `count`).
    public static func count(as name: String = "count") -> Aggregation {
        Aggregation(function: .count, column: nil, name: name)
    }

    /// Number of non-missing values of `column` per group (default name `<column>_count`).
    public static func countNonMissing(_ column: String, as name: String? = nil) -> Aggregation {
        Aggregation(function: .countNonMissing, column: column, name: name ?? column + "_count")
    }
}

extension Table {
    /// One row per distinct combination of the `keys` columns, with those columns followed by
    /// one column per aggregation (SQL `GROUP BY`, dplyr `group_by |> summarise`, pandas
    /// `groupby().agg`).
    ///
    /// Groups appear in the order of their first row (not sorted; call `sorted(by:)` for that).
    /// A missing key value forms its own group (pandas drops such rows by default; dplyr keeps
    /// them, as here). With no keys the whole table is one group (one row, even when the table is
    /// empty). See `Aggregation` for each function's rules.
    ///
    ///     let totals = try population.grouped(by: ["year"], aggregating: [.sum("refugees"), .count()])
    ///
    /// Throws `TableError.unknownColumn`, `.notNumeric`, `.integerOverflow`, or
    /// `.duplicateColumnName` (e.g. `.sum("x")` and `.mean("x")` both named `x`: pass `as:`).
    public func grouped(by keys: [String], aggregating aggregations: [Aggregation]) throws(TableError) -> Table {
        var keyColumns: [Column] = []
        for key in keys {
            keyColumns.append(try column(key))
        }
        var groupOf: [[CellValue?]: Int] = [:]
        var groupOfRow: [Int] = []
        var firstRows: [Int] = []
        groupOfRow.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            let key = keyColumns.map { $0[row] }
            if let group = groupOf[key] {
                groupOfRow.append(group)
            } else {
                let group = firstRows.count
                groupOf[key] = group
                firstRows.append(row)
                groupOfRow.append(group)
            }
        }
        let groupCount = keys.isEmpty ? 1 : firstRows.count
        if keys.isEmpty {
            groupOfRow = Array(repeating: 0, count: rowCount)
        }

        var names = keys
        var result = keyColumns.map { $0.gathering(firstRows) }
        for aggregation in aggregations {
            names.append(aggregation.name)
            result.append(try aggregate(aggregation, groupOfRow: groupOfRow, groupCount: groupCount))
        }
        return try Table(names: names, columns: result, rowCount: groupCount)
    }

    private func aggregate(_ aggregation: Aggregation, groupOfRow: [Int], groupCount: Int) throws(TableError) -> Column {
        if aggregation.function == .count {
            var counts = [Int](repeating: 0, count: groupCount)
            for group in groupOfRow { counts[group] += 1 }
            return .int(counts)
        }
        let name = aggregation.column ?? ""
        let input = try column(name)
        if aggregation.function == .countNonMissing {
            var counts = [Int](repeating: 0, count: groupCount)
            for (row, group) in groupOfRow.enumerated() where !input.isMissing(at: row) {
                counts[group] += 1
            }
            return .int(counts)
        }
        switch input {
        case .string:
            throw .notNumeric(column: name, operation: aggregation.function.rawValue)
        case .int(let values):
            switch aggregation.function {
            case .sum:
                var sums = [Int](repeating: 0, count: groupCount)
                for (row, group) in groupOfRow.enumerated() {
                    guard let value = values[row] else { continue }
                    let (sum, overflow) = sums[group].addingReportingOverflow(value)
                    if overflow { throw .integerOverflow(column: name, operation: "sum") }
                    sums[group] = sum
                }
                return .int(sums)
            case .min, .max:
                var extremes = [Int?](repeating: nil, count: groupCount)
                let wantMin = aggregation.function == .min
                for (row, group) in groupOfRow.enumerated() {
                    guard let value = values[row] else { continue }
                    if let current = extremes[group] {
                        extremes[group] = wantMin ? Swift.min(current, value) : Swift.max(current, value)
                    } else {
                        extremes[group] = value
                    }
                }
                return .int(extremes)
            case .mean:
                return .double(Self.means(values.map { $0.map(Double.init) }, groupOfRow, groupCount))
            case .count, .countNonMissing:
                return .int([])
            }
        case .double(let values):
            switch aggregation.function {
            case .sum:
                return .double(Self.compensatedSums(Array(values), groupOfRow, groupCount).sums.map { Optional($0) })
            case .mean:
                return .double(Self.means(Array(values), groupOfRow, groupCount))
            case .min, .max:
                var extremes = [Double?](repeating: nil, count: groupCount)
                let wantMin = aggregation.function == .min
                for (row, group) in groupOfRow.enumerated() {
                    guard let value = values[row] else { continue }
                    if let current = extremes[group] {
                        if current.isNaN { continue }
                        if value.isNaN {
                            extremes[group] = value
                        } else {
                            extremes[group] = wantMin ? Swift.min(current, value) : Swift.max(current, value)
                        }
                    } else {
                        extremes[group] = value
                    }
                }
                return .double(extremes)
            case .count, .countNonMissing:
                return .double([])
            }
        }
    }

    /// Per-group Neumaier sums of the non-missing values, and their counts.
    private static func compensatedSums(_ values: [Double?], _ groupOfRow: [Int], _ groupCount: Int) -> (sums: [Double], counts: [Int]) {
        var sums = [Double](repeating: 0, count: groupCount)
        var compensations = [Double](repeating: 0, count: groupCount)
        var counts = [Int](repeating: 0, count: groupCount)
        for (row, group) in groupOfRow.enumerated() {
            guard let value = values[row] else { continue }
            let sum = sums[group]
            let total = sum + value
            if Swift.abs(sum) >= Swift.abs(value) {
                compensations[group] += (sum - total) + value
            } else {
                compensations[group] += (value - total) + sum
            }
            sums[group] = total
            counts[group] += 1
        }
        for group in 0..<groupCount where compensations[group].isFinite {
            sums[group] += compensations[group]
        }
        return (sums, counts)
    }

    private static func means(_ values: [Double?], _ groupOfRow: [Int], _ groupCount: Int) -> [Double?] {
        let (sums, counts) = compensatedSums(values, groupOfRow, groupCount)
        return (0..<groupCount).map { counts[$0] == 0 ? nil : sums[$0] / Double(counts[$0]) }
    }
}
