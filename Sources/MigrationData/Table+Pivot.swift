extension Table {
    /// Long → wide: one row per distinct combination of `idColumns`, one new column per distinct
    /// value of `namesFrom`, holding that row's `valuesFrom` cell (tidyr's `pivot_wider`, pandas'
    /// `pivot`).
    ///
    ///     // year, coo_iso, refugees  →  coo_iso, 2022, 2023, 2024
    ///     let wide = try long.pivotWider(namesFrom: "year", valuesFrom: "refugees", idColumns: ["coo_iso"])
    ///
    /// New column names are the name cells' text (`CellValue.description`: `2024`, `SYR`), in
    /// order of first appearance; rows are in order of first appearance of their identifiers.
    /// Combinations that do not occur are missing. The new columns have `valuesFrom`'s type.
    /// `idColumns` defaults to every column except `namesFrom` and `valuesFrom`.
    ///
    /// Throws `TableError.unknownColumn`, `.missingPivotName` (a missing name cell),
    /// `.duplicatePivotEntry` (two rows for one identifier and name: aggregate first),
    /// `.pivotNameCollision` (a new name equals an identifier column's name).
    public func pivotWider(namesFrom: String, valuesFrom: String, idColumns: [String]? = nil) throws(TableError) -> Table {
        let nameColumn = try column(namesFrom)
        let valueColumn = try column(valuesFrom)
        let ids = idColumns ?? columnNames.filter { $0 != namesFrom && $0 != valuesFrom }
        var idColumnsData: [Column] = []
        for id in ids {
            idColumnsData.append(try column(id))
        }

        var newNames: [String] = []
        var newNameIndex: [String: Int] = [:]
        var outputRowOf: [[CellValue?]: Int] = [:]
        var firstRows: [Int] = []
        var cells: [(output: Int, name: Int, input: Int)] = []
        cells.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            guard let nameValue = nameColumn[row] else {
                throw .missingPivotName(column: namesFrom, row: row)
            }
            let name = nameValue.description
            let nameIndex: Int
            if let known = newNameIndex[name] {
                nameIndex = known
            } else {
                if ids.contains(name) { throw .pivotNameCollision(name) }
                nameIndex = newNames.count
                newNameIndex[name] = nameIndex
                newNames.append(name)
            }
            let key = idColumnsData.map { $0[row] }
            let output: Int
            if let known = outputRowOf[key] {
                output = known
            } else {
                output = firstRows.count
                outputRowOf[key] = output
                firstRows.append(row)
            }
            cells.append((output, nameIndex, row))
        }

        var sources = [[Int?]](repeating: [Int?](repeating: nil, count: firstRows.count), count: newNames.count)
        for cell in cells {
            if let earlier = sources[cell.name][cell.output] {
                throw .duplicatePivotEntry(firstRow: earlier, secondRow: cell.input, name: newNames[cell.name])
            }
            sources[cell.name][cell.output] = cell.input
        }
        var names = ids
        var result = idColumnsData.map { $0.gathering(firstRows) }
        for (index, name) in newNames.enumerated() {
            names.append(name)
            result.append(valueColumn.gathering(sources[index]))
        }
        return try Table(names: names, columns: result, rowCount: firstRows.count)
    }

    /// Wide → long: each of `columns` becomes rows, with its name in `namesTo` (a `.string`
    /// column) and its cell in `valuesTo` (tidyr's `pivot_longer`, pandas' `melt`).
    ///
    ///     // coo_iso, 2022, 2023  →  coo_iso, year, refugees
    ///     let long = try wide.pivotLonger(["2022", "2023"], namesTo: "year", valuesTo: "refugees")
    ///
    /// The other columns are repeated; rows come out row by row, and within a row in the order
    /// of `columns`. Missing cells are kept. The value column is `.int` when every pivoted column
    /// is `.int`, `.double` when they mix `.int` and `.double`, `.string` when all are strings.
    ///
    /// Throws `TableError.unknownColumn`, `.typeMismatch` (strings mixed with numbers), or
    /// `.duplicateColumnName` (`namesTo`/`valuesTo` equal a kept column's name).
    public func pivotLonger(_ columns: [String], namesTo: String = "name", valuesTo: String = "value") throws(TableError) -> Table {
        var pivoted: [Column] = []
        for name in columns {
            pivoted.append(try column(name))
        }
        let pivotedSet = Set(columns)
        let kept = columnNames.filter { !pivotedSet.contains($0) }
        let types = Set(pivoted.map(\.type))
        let valueType: ColumnType
        if types.isEmpty || types == [.int] {
            valueType = .int
        } else if types == [.string] {
            valueType = .string
        } else if types.contains(.string) {
            let first = columns[pivoted.firstIndex { $0.type == .string } ?? 0]
            throw .typeMismatch(column: first, expected: pivoted[0].type == .string ? .double : pivoted[0].type, found: .string)
        } else {
            valueType = .double
        }

        let width = columns.count
        var sourceRows: [Int] = []
        sourceRows.reserveCapacity(rowCount * width)
        var names: [String?] = []
        names.reserveCapacity(rowCount * width)
        for row in 0..<rowCount {
            for name in columns {
                sourceRows.append(row)
                names.append(name)
            }
        }
        let values: Column
        switch valueType {
        case .int:
            var out: [Int?] = []
            out.reserveCapacity(rowCount * width)
            let arrays = pivoted.map { column -> [Int?] in
                if case .int(let values) = column { return Array(values) }
                return []
            }
            for row in 0..<rowCount {
                for array in arrays { out.append(array[row]) }
            }
            values = .int(out)
        case .double:
            var out: [Double?] = []
            out.reserveCapacity(rowCount * width)
            let arrays = pivoted.map { $0.doubles() ?? [] }
            for row in 0..<rowCount {
                for array in arrays { out.append(array[row]) }
            }
            values = .double(out)
        case .string:
            var out: [String?] = []
            out.reserveCapacity(rowCount * width)
            let arrays = pivoted.map { column -> StringCells in
                if case .string(let values) = column { return values }
                return StringCells([])
            }
            for row in 0..<rowCount {
                for array in arrays { out.append(array[row]) }
            }
            values = .string(out)
        }
        var resultNames = kept
        var result = kept.compactMap { self[$0]?.gathering(sourceRows) }
        resultNames.append(namesTo)
        result.append(.string(names))
        resultNames.append(valuesTo)
        result.append(values)
        return try Table(names: resultNames, columns: result, rowCount: rowCount * width)
    }
}
