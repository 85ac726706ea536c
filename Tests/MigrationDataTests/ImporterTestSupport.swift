import Foundation
import Testing
@testable import MigrationData

/// The shared source data beside the repository (`../shared/data`, each folder with a
/// SOURCE.md), and the repository's own `data/` folder.
///
/// Tests that read the shared data carry the `.needsSharedData` trait: when the folder is absent
/// they are skipped with a visible message, unless `CI == "true"`, where they run and fail.
enum SharedData {
    /// `../shared/data`, resolved from this file's location.
    static let root = TestPaths.repositoryRoot.appendingPathComponent("../shared/data").standardizedFileURL
    /// Whether the shared data are present (judged by the UNHCR population file).
    static let available = FileManager.default.fileExists(atPath: root.appendingPathComponent("unhcr/population.csv").path)
    static let onCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// The repository's `data/` folder.
    static let repositoryData = TestPaths.repositoryRoot.appendingPathComponent("data")

    /// `../shared/data/<relative>`.
    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// Fails the test (on CI) when the data are missing; the trait has already skipped it
    /// elsewhere.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(available, "\(root.path) is missing; CI must provide ../shared/data beside the repository", sourceLocation: sourceLocation)
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when ../shared/data is present, or always on CI (`CI=true`).
    static var needsSharedData: Self {
        .enabled(if: SharedData.available || SharedData.onCI,
                 "skipped: ../shared/data is absent beside the repository (set CI=true to make this a failure)")
    }
}

/// The `Int` cells of `column` (empty when the column is missing or not `.int`).
func intCells(_ table: Table, _ column: String) -> [Int?] {
    if case .int(let values)? = table[column] { return Array(values) }
    return []
}

/// The `String` cells of `column` (empty when the column is missing or not `.string`).
func stringCells(_ table: Table, _ column: String) -> [String?] {
    if case .string(let values)? = table[column] { return Array(values) }
    return []
}

/// The `Double` cells of `column` (ints converted; empty when the column is missing or text).
func doubleCells(_ table: Table, _ column: String) -> [Double?] {
    table[column]?.doubles() ?? []
}

/// The single row of `table` where every `(column, value)` matches, or `nil` (also when several
/// match).
func onlyRow(_ table: Table, where conditions: [(String, CellValue)]) -> Int? {
    var found: Int?
    for row in 0..<table.rowCount where conditions.allSatisfy({ table[$0.0]?[row] == $0.1 }) {
        if found != nil { return nil }
        found = row
    }
    return found
}
