import Foundation
import MigrationKit

extension CLIOutput {
    /// Writes tables (CSV) and text files (Markdown, LaTeX) together, all or nothing, under the
    /// rules of `CLIOutput` (paths checked first, temporary files renamed into place once every
    /// one is complete).
    /// With `format` `.xlsx` the tables go to one workbook (see `write(_:inputs:format:workbook:)`)
    /// and the text files are written after it.
    static func write(_ outputs: [(table: Table, path: String)], texts: [(text: String, path: String)], inputs: [String] = [],
                      format: TableFileFormat = .csv) throws {
        if texts.isEmpty { try write(outputs, inputs: inputs, format: format); return }
        if format == .xlsx {
            try checkPaths(texts.map(\.path) + [outputs.first.map { xlsxPath(for: $0.path) } ?? "-"], inputs: inputs)
            try write(outputs, inputs: inputs, format: .xlsx)
            return try write([], texts: texts, inputs: inputs)
        }
        try checkPaths(outputs.map(\.path) + texts.map(\.path), inputs: inputs)
        var writers: [CSVWriter] = []
        var files: [AtomicFile] = []
        do {
            for (table, path) in outputs {
                let writer = try CSVWriter(path: path, columnNames: table.columnNames, options: format.csvOptions)
                writers.append(writer)
                try writer.write(missingForNonFinite(table))
            }
            for (text, path) in texts {
                let file = try AtomicFile(path: path)
                files.append(file)
                try file.write(Array(text.utf8))
            }
            for writer in writers where writer.path != "-" { try writer.finish() }
            for file in files where file.path != "-" { try file.finish() }
            for writer in writers where writer.path == "-" { try writer.finish() }
            for file in files where file.path == "-" { try file.finish() }
        } catch {
            for writer in writers { writer.cancel() }
            for file in files { file.cancel() }
            throw CLIError.message("\(error)")
        }
    }

    /// Stacks one table per model under a leading `model` column (1, 2, …); the columns are the
    /// union, in order of first appearance, with missing cells where a model's table lacks one.
    static func stackByModel(_ tables: [Table]) throws -> Table {
        var names: [String] = []
        for t in tables { for n in t.columnNames where !names.contains(n) { names.append(n) } }
        var model: [Int?] = []
        for (k, t) in tables.enumerated() { model += Array(repeating: k + 1, count: t.rowCount) }
        var columns: [(name: String, column: Column)] = [("model", .int(model))]
        for name in names {
            // The column's type from the first table that has it; other types become text.
            let first = tables.compactMap { t in t.columnNames.firstIndex(of: name).map { t.columns[$0] } }.first!
            var column = Column(empty: first.type)
            for t in tables {
                guard let j = t.columnNames.firstIndex(of: name) else {
                    column = try append(column, Column(missing: first.type, count: t.rowCount))
                    continue
                }
                column = try append(column, t.columns[j])
            }
            columns.append((name, column))
        }
        return try Table(columns)
    }

    private static func append(_ a: Column, _ b: Column) throws -> Column {
        switch (a, b) {
        case let (.int(x), .int(y)): return .int(x.appending(y))
        case let (.double(x), .double(y)): return .double(x.appending(y))
        case let (.string(x), .string(y)): return .string(x + y)
        case let (.double(x), .int(y)): return .double(x.appending(y.mapValues(Double.init)))
        default: throw CLIError.message("internal: column types differ between models")
        }
    }
}
