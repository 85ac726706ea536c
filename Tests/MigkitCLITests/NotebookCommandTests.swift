import Foundation
import Testing

@Suite("migkit notebook")
struct NotebookCommandTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The committed notebook was made from the shipped data, scenario file and version; when
    /// any of them changes this fails until the notebook is regenerated (see notebooks-export/README.md).
    @Test func committedNotebookIsNotStale() throws {
        let r = try MigkitRunner.run(["notebook", "--check", Self.repoRoot.appendingPathComponent("notebooks-export/default_run.ipynb").path,
                                      "--data-dir", Self.repoRoot.appendingPathComponent("data").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("up to date"))
    }

    @Test func exportedNotebookIsNbformat4WithChartsAndPandasCells() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-nb-\(UUID().uuidString)")
        let p = try MigkitRunner.run(["project", "--data-dir", Self.repoRoot.appendingPathComponent("data").path,
                                      "--draws", "10", "--horizon", "2027", "-o", dir.appendingPathComponent("reports").path])
        #expect(p.status == 0, "\(p.stderr)")
        let nbURL = dir.appendingPathComponent("notebooks-export/run.ipynb")
        let r = try MigkitRunner.run(["notebook", dir.appendingPathComponent("reports").path, "-o", nbURL.path,
                                      "--data-dir", Self.repoRoot.appendingPathComponent("data").path])
        #expect(r.status == 0, "\(r.stderr)")
        let nb = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: nbURL)) as? [String: Any])
        #expect(nb["nbformat"] as? Int == 4)
        #expect(nb["nbformat_minor"] as? Int == 5)
        let cells = try #require(nb["cells"] as? [[String: Any]])
        #expect(Set(cells.compactMap { $0["id"] as? String }).count == cells.count)
        let svgOutputs = cells.flatMap { ($0["outputs"] as? [[String: Any]]) ?? [] }.filter { (($0["data"] as? [String: Any])?["image/svg+xml"]) != nil }
        #expect(svgOutputs.count >= 2)
        let source = cells.map { (($0["source"] as? [String]) ?? []).joined() }.joined(separator: "\n")
        #expect(source.contains("pd.read_csv(f\"{run}/projections.csv\")"))
        #expect(source.contains("run = \"../reports\""))
        #expect(source.contains("import matplotlib"))
        #expect(source.contains("UNHCR Refugee Population Statistics Database"))
    }

    @Test func staleNotebookIsReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-nb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let nb = dir.appendingPathComponent("old.ipynb")
        try #"{"cells": [], "metadata": {"migrationkit": {"fingerprint": "0000000000000000"}}, "nbformat": 4, "nbformat_minor": 5}"#
            .write(to: nb, atomically: true, encoding: .utf8)
        let r = try MigkitRunner.run(["notebook", "--check", nb.path, "--data-dir", Self.repoRoot.appendingPathComponent("data").path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("stale"))
        #expect(r.stderr.contains("migkit notebook reports -o"))
    }
}
