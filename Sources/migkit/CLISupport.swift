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
