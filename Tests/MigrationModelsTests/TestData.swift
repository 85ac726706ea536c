import Foundation
import Testing
@testable import MigrationModels

/// Locations and tiny loaders for test data (numeric CSV files with a header).
enum TestData {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sharedData = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    static let fixtures = repoRoot.appendingPathComponent("Tests/Fixtures")

    /// true when ../shared/data exists; otherwise records a visible skip (or a failure under CI=true).
    static func sharedDataAvailable() -> Bool {
        if FileManager.default.fileExists(atPath: sharedData.path) { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("../shared/data is missing under CI=true")
        } else {
            print("SKIP: ../shared/data not found beside the clone; tests on the real data are skipped")
        }
        return false
    }

    /// Reads a simple CSV (no quoted fields) into columns keyed by header name.
    static func numericCSV(_ url: URL) throws -> [String: [Double]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        guard !lines.isEmpty else { return [:] }
        let header = lines.removeFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var cols = [[Double]](repeating: [], count: header.count)
        for line in lines where !line.isEmpty {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            for j in 0..<header.count { cols[j].append(j < f.count ? Double(f[j].trimmingCharacters(in: .whitespaces)) ?? .nan : .nan) }
        }
        return Dictionary(uniqueKeysWithValues: zip(header, cols))
    }
}
