import Foundation
import Testing

/// A fresh folder for one hostile-input test, with helpers to write inputs and list what a
/// command left behind.
struct ScratchFolder {
    let url: URL

    init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name`; returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    /// Every name in the folder, hidden temporary files included.
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Runs migkit expecting a failure: non-zero status, a message on standard error containing
/// every string of `mentions`, and no trap (a trap prints a backtrace or "Fatal error").
@discardableResult
func expectCleanFailure(_ arguments: [String], mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> MigkitRunner.Result {
    let r = try MigkitRunner.run(arguments)
    #expect(r.status != 0, "expected a failure: \(arguments)", sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace") && !r.stderr.contains("crashed"),
            "trapped: \(r.stderr)", sourceLocation: sourceLocation)
    for text in mentions {
        #expect(r.stderr.contains(text), "stderr lacks \"\(text)\": \(r.stderr)", sourceLocation: sourceLocation)
    }
    return r
}
