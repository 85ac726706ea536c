import Foundation
import MigrationData

/// Tabular data a formula can read: numeric columns (nil = missing) and label columns.
public protocol ModelDataSource {
    var rowCount: Int { get }
    var columnNames: [String] { get }
    /// The column as numbers; nil entries are missing. Throws when the column is not numeric.
    func numericColumn(_ name: String) throws -> [Double?]
    /// The column as labels (numbers formatted as text); nil entries are missing.
    func labelColumn(_ name: String) throws -> [String?]
    /// The column as integers when it holds integers, else nil (the default): fixed effects and
    /// clusters on integer codes then skip formatting and hashing a label per row.
    func integerColumn(_ name: String) -> [Int?]?
    /// `numericColumn(_:)` as a `MaskedArray` (the default wraps it); `Table` hands over its
    /// stored column, so a model frame holds no second copy of the data.
    func numericValues(_ name: String) throws -> MaskedArray<Double>
    /// `integerColumn(_:)` as a `MaskedArray` (the default wraps it); `Table` hands over its
    /// stored column.
    func integerValues(_ name: String) -> MaskedArray<Int>?
}

extension ModelDataSource {
    /// No integer columns: labels are used.
    public func integerColumn(_ name: String) -> [Int?]? { nil }

    /// `numericColumn(name)` with its `nil` cells masked.
    public func numericValues(_ name: String) throws -> MaskedArray<Double> {
        MaskedArray(try numericColumn(name))
    }

    /// `integerColumn(name)` with its `nil` cells masked.
    public func integerValues(_ name: String) -> MaskedArray<Int>? {
        integerColumn(name).map { MaskedArray($0) }
    }
}

/// Plain Swift arrays as a data source: numeric columns and label columns by name.
public struct ColumnDictionary: ModelDataSource, Sendable {
    public var numeric: [String: [Double?]]
    public var labels: [String: [String?]]
    public init(numeric: [String: [Double?]] = [:], labels: [String: [String?]] = [:]) {
        self.numeric = numeric
        self.labels = labels
    }
    public init(numeric: [String: [Double]], labels: [String: [String]] = [:]) {
        self.numeric = numeric.mapValues { $0.map { Optional($0) } }
        self.labels = labels.mapValues { $0.map { Optional($0) } }
    }
    public var rowCount: Int { numeric.values.first?.count ?? labels.values.first?.count ?? 0 }
    public var columnNames: [String] { (Array(numeric.keys) + Array(labels.keys)).sorted() }
    public func numericColumn(_ name: String) throws -> [Double?] {
        if let c = numeric[name] { return c }
        if let text = labels[name] {
            let bad = ModelFrameError.firstNonNumber(text)
            throw ModelFrameError.notNumeric(column: name, row: bad?.row, value: bad?.value ?? "")
        }
        throw ModelFrameError.unknownColumn(column: name, formula: nil, position: nil, available: columnNames)
    }
    public func labelColumn(_ name: String) throws -> [String?] {
        if let c = labels[name] { return c }
        if let c = numeric[name] { return c.map { $0.map(Column.label) } }
        throw ModelFrameError.unknownColumn(column: name, formula: nil, position: nil, available: columnNames)
    }
}

/// Errors while evaluating a formula on data.
public enum ModelFrameError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownColumn(column: String, formula: String?, position: Int?, available: [String])
    /// A column the formula needs as numbers holds text; `row` (0-based data row) and `value`
    /// are the first cell that is not a number (nil/empty when none could be singled out).
    case notNumeric(column: String, row: Int?, value: String)
    case nonFinite(term: String, row: Int, value: Double)
    case noObservations(String)
    /// `factor(column)` has more levels than the limit (`ModelFrame.defaultMaximumFactorLevels`
    /// unless raised): its dummy columns would need levels × rows numbers.
    case tooManyLevels(column: String, levels: Int, limit: Int)
    /// The formula's structure cannot be evaluated (e.g. a factor inside a function).
    case unsupportedTerm(term: String, reason: String)

    /// The first non-missing cell of a text column that does not read as a number (row 0-based).
    static func firstNonNumber(_ cells: [String?]) -> (row: Int, value: String)? {
        for (row, cell) in cells.enumerated() {
            guard let cell else { continue }
            if Double(cell.trimmingCharacters(in: .whitespaces)) == nil { return (row, cell) }
        }
        return cells.enumerated().first { $0.element != nil }.map { ($0.offset, $0.element ?? "") }
    }

    public var description: String {
        switch self {
        case let .unknownColumn(column, formula, position, available):
            var s = "unknown column '\(column)'"
            if let f = formula, let p = position {
                s = "formula error at character \(p + 1): unknown column '\(column)'\n  \(f)\n  \(String(repeating: " ", count: p))^"
            }
            let suggestion = closest(column, available)
            s += "\n— the data has \(available.count) columns: \(available.prefix(20).joined(separator: ", "))\(available.count > 20 ? ", …" : "")"
            if let suggestion { s += "; did you mean '\(suggestion)'?" }
            return s
        case let .notNumeric(column, row, value):
            let at = row.map { "line \($0 + 2) (data row \($0 + 1)) holds '\(value)'" } ?? "it holds text"
            return "column '\(column)' is not numeric: \(at), which is not a number — correct or empty that cell (empty cells and NA are missing values), or use the column as a fixed effect after '|' or as factor(\(column))"
        case let .tooManyLevels(column, levels, limit):
            return "factor(\(column)) has \(levels) levels, more than the limit of \(limit) dummy columns — absorb it as a fixed effect after '|' (no dummies are built), or raise the limit (migkit fit --max-factor-levels)"
        case let .unsupportedTerm(term, reason):
            return "term '\(term)' cannot be evaluated: \(reason)"
        case let .nonFinite(term, row, value):
            return "term '\(term)' is \(value) at row \(row + 1) (e.g. log of zero or a negative number) — drop or transform those rows before fitting"
        case .noObservations(let s):
            return "no observations left: \(s) — nothing can be fitted"
        }
    }
}

/// Closest name by edit distance (≤ 1/3 of its length), for "did you mean".
func closest(_ name: String, _ candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where b.count > 0 {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
    let a = Array(name.lowercased())
    let scored = candidates.map { ($0, distance(a, Array($0.lowercased()))) }.min { $0.1 < $1.1 }
    guard let best = scored, best.1 <= max(1, name.count / 3) else { return nil }
    return best.0
}

/// The numbers a model is fitted on, evaluated from a formula and a data source.
///
/// Rows with a missing value in any variable the model uses are dropped and counted by
/// variable (as R's `na.omit`); a non-finite value produced by a transformation (log of 0) is an
/// error naming the term and row, never silently dropped.
///
/// **Limits.** A `factor(x)` term becomes one dummy column per level (levels × rows numbers), so
/// it is refused above `maximumFactorLevels` levels (default `defaultMaximumFactorLevels`,
/// 1,000) with `ModelFrameError.tooManyLevels`; absorb such a variable as a fixed effect after
/// `|` instead, which builds no dummies. Data without rows, or without a row free of missing
/// values, throws `ModelFrameError.noObservations`.
public struct ModelFrame: Sendable {
    /// The default largest number of levels of a `factor()` term (see the type's documentation).
    public static let defaultMaximumFactorLevels = 1_000

    public let formula: Formula
    public let response: [Double]
    public let regressors: [[Double]]
    public let termNames: [String]
    public let fixedEffects: [FixedEffect]
    public let weights: [Double]?
    public let offset: [Double]?
    /// Cluster groupings by variable name, on the kept rows.
    public let clusters: [String: FixedEffect]
    /// Rows of the data used (0-based).
    public let rows: [Int]
    /// Rows dropped for missing values, with the first variable found missing.
    public let missingRows: [(row: Int, variable: String)]

    public init(formula: Formula, data: some ModelDataSource, weights: String? = nil, offset: String? = nil,
                clusters: [String] = [], maximumFactorLevels: Int = ModelFrame.defaultMaximumFactorLevels) throws {
        let n = data.rowCount
        guard n > 0 else { throw ModelFrameError.noObservations("the data has no rows") }
        let available = data.columnNames
        let availableSet = Set(available)
        /// Character offset of `name` as a whole token in the formula (not inside a longer name).
        func locate(_ name: String) -> Int? {
            let chars = Array(formula.source), target = Array(name)
            func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." }
            guard !target.isEmpty, chars.count >= target.count else { return nil }
            for start in 0...(chars.count - target.count) where Array(chars[start..<(start + target.count)]) == target {
                let before = start == 0 ? nil : chars[start - 1]
                let after = start + target.count < chars.count ? chars[start + target.count] : nil
                if !(before.map(isNameChar) ?? false) && !(after.map(isNameChar) ?? false) { return start }
            }
            return nil
        }
        /// Throws `unknownColumn`, pointing into the formula, unless the data has `name`.
        func requireColumn(_ name: String) throws {
            guard availableSet.contains(name) else {
                throw ModelFrameError.unknownColumn(column: name, formula: formula.source, position: locate(name), available: available)
            }
        }
        // Missingness over every variable used.
        var missing = [String?](repeating: nil, count: n)
        // Label columns: a concrete element type (a generic body tests `== nil` through the
        // type's value witnesses, a call per cell); numeric columns: their missing-cell bitmap.
        func markMissing(_ col: [String?], _ name: String) {
            for i in 0..<min(n, col.count) where col[i] == nil && missing[i] == nil { missing[i] = name }
        }
        func markMissing<T>(_ col: MaskedArray<T>, _ name: String) {
            guard col.hasMissing else { return }
            for i in 0..<min(n, col.count) where col.isMissing(at: i) && missing[i] == nil { missing[i] = name }
        }
        var numericCache: [String: MaskedArray<Double>] = [:]
        var labelCache: [String: [String?]] = [:]
        func num(_ name: String) throws -> MaskedArray<Double> {
            if let c = numericCache[name] { return c }
            try requireColumn(name)
            let c = try data.numericValues(name); numericCache[name] = c; markMissing(c, name); return c
        }
        func lab(_ name: String) throws -> [String?] {
            if let c = labelCache[name] { return c }
            try requireColumn(name)
            let c = try data.labelColumn(name); labelCache[name] = c; markMissing(c, name); return c
        }
        func collect(_ e: FormulaExpression) throws {
            switch e {
            case .variable(let v): _ = try num(v)
            case .factor(let v): _ = try lab(v)
            case .call(_, let inner), .power(let inner, _): try collect(inner)
            case .product(let es): try es.forEach(collect)
            }
        }
        try collect(formula.response)
        for t in formula.terms { try collect(t) }
        // Fixed effects and clusters on integer columns are coded from the integers.
        var integerCache: [String: MaskedArray<Int>] = [:]
        func groups(_ name: String) throws {
            if labelCache[name] != nil || integerCache[name] != nil { return }
            try requireColumn(name)
            if let c = data.integerValues(name) { integerCache[name] = c; markMissing(c, name) } else { _ = try lab(name) }
        }
        func groupEffect(_ name: String, _ rows: [Int]) throws -> FixedEffect {
            if let c = integerCache[name] { return FixedEffect(name: name, integerLabels: rows.map { c[$0] ?? 0 }) }
            let l = try lab(name)
            return FixedEffect(name: name, labels: rows.map { l[$0] ?? "" })
        }
        for fe in formula.fixedEffects { for v in fe { try groups(v) } }
        var weightCol: MaskedArray<Double>? = nil, offsetCol: MaskedArray<Double>? = nil
        if let w = weights { weightCol = try num(w) }
        if let o = offset { offsetCol = try num(o) }
        for c in clusters { try groups(c) }
        let rows = (0..<n).filter { missing[$0] == nil }
        self.missingRows = (0..<n).compactMap { i in missing[i].map { (i, $0) } }
        guard !rows.isEmpty else {
            throw ModelFrameError.noObservations("every row has a missing value (first: '\(missing.compactMap { $0 }.first ?? "?")')")
        }

        func evaluate(_ e: FormulaExpression) throws -> [[Double]] {
            switch e {
            case .variable(let v):
                let c = try num(v)
                return [rows.map { c[$0] ?? .nan }]
            case .factor:
                // Expanded into dummies only as a term of its own (the parser refuses the rest).
                throw ModelFrameError.unsupportedTerm(term: e.description, reason: "factor() must be a term of its own, not inside a function, I() or a product")
            case let .call(f, inner):
                let x = try evaluate(inner)
                let fn: (Double) -> Double
                switch f {
                case "log": fn = { Foundation.log($0) }
                case "log1p": fn = { Foundation.log1p($0) }
                case "exp": fn = { Foundation.exp($0) }
                case "sqrt": fn = { $0.squareRoot() }
                default: fn = { Swift.abs($0) }
                }
                return [x[0].map(fn)]
            case let .power(inner, p):
                let x = try evaluate(inner)
                return x.map { $0.map { Foundation.pow($0, p) } }
            case .product(let es):
                var acc = [Double](repeating: 1, count: rows.count)
                for part in es {
                    let x = try evaluate(part)
                    for i in 0..<acc.count { acc[i] *= x[0][i] }
                }
                return [acc]
            }
        }
        func checkFinite(_ values: [Double], _ term: String) throws {
            for (k, v) in values.enumerated() where !v.isFinite { throw ModelFrameError.nonFinite(term: term, row: rows[k], value: v) }
        }
        let y = try evaluate(formula.response)[0]
        try checkFinite(y, formula.response.description)
        var xs: [[Double]] = []
        var names: [String] = []
        if formula.intercept { xs.append([Double](repeating: 1, count: rows.count)); names.append("Intercept") }
        for t in formula.terms {
            if case .factor(let v) = t {
                let l = try lab(v)
                let distinct = Set(rows.compactMap { l[$0] })
                guard distinct.count <= maximumFactorLevels else {   // before sorting or building anything
                    throw ModelFrameError.tooManyLevels(column: v, levels: distinct.count, limit: maximumFactorLevels)
                }
                let levels = distinct.sorted()
                for level in levels.dropFirst(formula.intercept || !formula.fixedEffects.isEmpty ? 1 : 0) {
                    xs.append(rows.map { l[$0] == level ? 1 : 0 })
                    names.append("factor(\(v))\(level)")
                }
                continue
            }
            let col = try evaluate(t)[0]
            try checkFinite(col, t.description)
            xs.append(col)
            names.append(t.description)
        }
        var fes: [FixedEffect] = []
        for parts in formula.fixedEffects {
            var fe: FixedEffect? = nil
            for v in parts {
                let single = try groupEffect(v, rows)
                fe = try fe.map { try FixedEffect.interaction($0, single) } ?? single
            }
            if let fe { fes.append(fe) }
        }
        var cl: [String: FixedEffect] = [:]
        for c in clusters {
            cl[c] = try groupEffect(c, rows)
        }
        self.formula = formula
        self.response = y
        self.regressors = xs
        self.termNames = names
        self.fixedEffects = fes
        self.weights = weightCol.map { w in rows.map { w[$0] ?? .nan } }
        self.offset = offsetCol.map { o in rows.map { o[$0] ?? .nan } }
        self.clusters = cl
        self.rows = rows
    }
}
