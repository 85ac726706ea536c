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
}
