import Foundation
import MigrationKit

/// Reading inputs from the CLI: messages that name the file, the line and the bad value.
enum CLIInput {
    /// "FILE: column `NAME` must be numeric, but line L holds 'VALUE' — …", naming the first
    /// cell of a text column that is not a number (the header is line 1).
    static func notNumeric(_ path: String, _ column: String, _ table: Table) -> CLIError {
        let labels = table[column]?.labels() ?? []
        for (row, cell) in labels.enumerated() {
            guard let cell, Double(cell.trimmingCharacters(in: .whitespaces)) == nil else { continue }
            return .message("\(path): column `\(column)` must be numeric, but line \(row + 2) holds '\(cell)' — correct that cell, or leave it empty (or NA) if the value is missing")
        }
        return .message("\(path): column `\(column)` must be numeric (it holds text)")
    }

    /// Read options that parse only the `wanted` columns of `path` (`CSVReadOptions.columns`),
    /// or every column when `wanted` is nil, names a column the header lacks, the header cannot
    /// be read, or `path` is standard input: such runs then fail exactly as after a full read
    /// (the messages list the file's columns). A command on a wide file then pays only for
    /// parsing the fields it uses.
    static func readOptions(selecting wanted: [String]?, in path: String) -> CSVReadOptions {
        var options = CSVReadOptions()
        var probe = CSVReadOptions()
        probe.readSize = 1 << 16   // the header only (the buffer grows for a longer one)
        guard let wanted, path != "-", let header = try? CSVReader(path: path, options: probe).header else { return options }
        let available = Set(header)
        guard wanted.allSatisfy(available.contains) else { return options }
        var seen = Set<String>()
        options.columns = wanted.filter { seen.insert($0).inserted }
        return options
    }
}
