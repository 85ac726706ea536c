import MigrationData

/// A `Table` (from CSV) is a formula's data source: integer and double columns are numeric,
/// every column can serve as labels (fixed effects, clusters, factors).
extension Table: ModelDataSource {
    public func numericColumn(_ name: String) throws -> [Double?] {
        guard let c = self[name] else {
            throw ModelFrameError.unknownColumn(column: name, formula: nil, position: nil, available: columnNames)
        }
        switch c {
        case .double(let v): return Array(v)
        case .int(let v): return v.map { $0.map(Double.init) }
        case .string(let v):
            let bad = ModelFrameError.firstNonNumber(Array(v))
            throw ModelFrameError.notNumeric(column: name, row: bad?.row, value: bad?.value ?? "")
        }
    }

    public func integerColumn(_ name: String) -> [Int?]? {
        if case .int(let v)? = self[name] { return Array(v) }
        return nil
    }

    /// The stored column (no copy) for `.double`, converted for `.int`; throws as
    /// `numericColumn(_:)` for text.
    public func numericValues(_ name: String) throws -> MaskedArray<Double> {
        if case .double(let v)? = self[name] { return v }
        if case .int(let v)? = self[name] { return v.mapValues(Double.init) }
        return MaskedArray(try numericColumn(name))
    }

    /// The stored column (no copy) when it holds integers.
    public func integerValues(_ name: String) -> MaskedArray<Int>? {
        if case .int(let v)? = self[name] { return v }
        return nil
    }

    public func labelColumn(_ name: String) throws -> [String?] {
        guard let c = self[name] else {
            throw ModelFrameError.unknownColumn(column: name, formula: nil, position: nil, available: columnNames)
        }
        return c.labels()
    }
}
