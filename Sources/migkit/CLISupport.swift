import ArgumentParser
import Foundation
import MigrationKit

/// An error the CLI prints as is (already names the file, line or key and what to do).
enum CLIError: Error, CustomStringConvertible {
    case message(String)
    var description: String {
        switch self { case .message(let m): return m }
    }
}

/// Writing tables from the CLI: atomic files, or standard output for "-".
enum CLIOutput {
    static func write(_ table: Table, to path: String) throws {
        do {
            try CSVWriter.write(table, to: path)
        } catch {
            throw CLIError.message("\(error)")   // CSVError descriptions start with the file
        }
    }

    /// "dir/coef.csv" → "dir/coef_fit.csv".
    static func sibling(of path: String, suffix: String) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "csv" : url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent("\(stem)\(suffix).\(ext)").path
    }
}
