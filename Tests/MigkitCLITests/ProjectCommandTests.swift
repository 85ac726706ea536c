import Foundation
import Testing

@Suite("migkit project end to end")
struct ProjectCommandTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-project-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func project(_ extra: [String], out: URL) throws -> MigkitRunner.Result {
        try MigkitRunner.run(["project", "--data-dir", Self.repoRoot.appendingPathComponent("data").path,
                              "--draws", "20", "--horizon", "2030", "-o", out.path] + extra)
    }

    @Test func writesTheReportsAndTheSameBytesOnOneAndTwoThreads() throws {
        let a = try tempDir(), b = try tempDir()
        let r1 = try project(["--threads", "1"], out: a)
        #expect(r1.status == 0, "\(r1.stderr)")
        let r2 = try project(["--threads", "2"], out: b)
        #expect(r2.status == 0, "\(r2.stderr)")
        for f in ["projections.csv", "summary_wide.csv", "coefficients.csv", "diagnostics.csv", "in_sample_fit.csv"] {
            let x = try Data(contentsOf: a.appendingPathComponent(f)), y = try Data(contentsOf: b.appendingPathComponent(f))
            // A Bool, not `x == y` inside #expect: a failing comparison of two multi-megabyte
            // Data values makes Swift Testing compute their diff, which takes hours.
            let same = x == y
            #expect(same, "\(f) differs between 1 and 2 threads")
            #expect(!x.isEmpty)
        }
        let header = try String(contentsOf: a.appendingPathComponent("projections.csv"), encoding: .utf8).split(separator: "\n").first
        #expect(header == "scenario,geography_level,geography,name,category,year,mean,p05,p10,p50,p90,p95,note")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: a.appendingPathComponent("manifest.json"))) as? [String: Any]
        #expect(manifest?["seed"] as? Int == 20261129)
        #expect((manifest?["data_sources"] as? [Any])?.isEmpty == false)
        #expect(r1.stdout.contains("observed in 2024"))
    }

    /// A second run into a folder that holds only the first run's files swaps the folder whole
    /// (no temporary files left, permissions kept); a folder with other files keeps them.
    @Test func runFolderIsReplacedWholeAndOtherFilesAreKept() throws {
        let dir = try tempDir()
        let out = dir.appendingPathComponent("run")
        func run() throws { let r = try MigkitRunner.run(["project", "--data-dir", Self.repoRoot.appendingPathComponent("data").path,
                                                          "--draws", "5", "--horizon", "2026", "-o", out.path]); #expect(r.status == 0, "\(r.stderr)") }
        try run()
        let csv = out.appendingPathComponent("projections.csv").path
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: csv)
        try run()
        let mode = try FileManager.default.attributesOfItem(atPath: csv)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run"])
        try "mine".write(to: out.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try run()
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("notes.txt").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
    }

    @Test func badScenarioFileIsAClearErrorAndWritesNothing() throws {
        let dir = try tempDir()
        let bad = dir.appendingPathComponent("bad.toml")
        try "[[scenario]]\npathway = \"SSP9-9.9\"\n".write(to: bad, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let r = try MigkitRunner.run(["project", bad.path, "--data-dir", Self.repoRoot.appendingPathComponent("data").path, "-o", out.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("scenario[1].pathway: \"SSP9-9.9\" is not one of SSP1-2.6, SSP2-4.5, SSP3-7.0, SSP5-8.5"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func horizonOutsideThePathwaysIsRejected() throws {
        let r = try MigkitRunner.run(["project", "--horizon", "2150"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--horizon 2150 is outside the pathways' years 2025–2100"))
    }
}
