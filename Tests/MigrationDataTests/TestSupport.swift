import Foundation
import Testing
@testable import MigrationData

/// Paths of the test fixtures and the repository, found from this file's location.
enum TestPaths {
    /// `Tests/MigrationDataTests`.
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// The repository root (two levels above this folder).
    static let repositoryRoot = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/Fixtures/csv/malformed`.
    static let malformed = repositoryRoot.appendingPathComponent("Tests/Fixtures/csv/malformed")

    static func malformed(_ name: String) -> String {
        malformed.appendingPathComponent(name).path
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, seedable generator, so the fuzz tests
/// see the same inputs on every run and machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh folder under the system's temporary folder, removed by `cleanUp()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("MigrationDataTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// The names of the files in the folder (to check that no temporary file was left).
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Reads `path` expecting a `CSVError`; returns it, or `nil` (and records an issue) when the read
/// succeeds.
func expectReadError(
    _ path: String, options: CSVReadOptions = CSVReadOptions(), sourceLocation: SourceLocation = #_sourceLocation
) -> CSVError? {
    do {
        let table = try CSVReader.readTable(path: path, options: options)
        Issue.record("expected an error, read \(table.rowCount) rows", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Table equality that treats NaN as equal to NaN and tells -0.0 from 0.0, for round trips.
func bitwiseEqual(_ a: Table, _ b: Table) -> Bool {
    guard a.columnNames == b.columnNames, a.rowCount == b.rowCount else { return false }
    for (x, y) in zip(a.columns, b.columns) {
        switch (x, y) {
        case (.int(let p), .int(let q)):
            if p != q { return false }
        case (.string(let p), .string(let q)):
            if p != q { return false }
        case (.double(let p), .double(let q)):
            for (u, v) in zip(p, q) {
                switch (u, v) {
                case (nil, nil): continue
                case (let u?, let v?): if u.bitPattern != v.bitPattern && !(u.isNaN && v.isNaN) { return false }
                default: return false
                }
            }
        default:
            return false
        }
    }
    return true
}
