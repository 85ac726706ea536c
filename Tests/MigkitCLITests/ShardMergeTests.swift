import Foundation
import Testing

/// `migkit project --shard K/N` and `migkit merge`: the merged run is the single run, byte for
/// byte; incomplete, repeated, corrupt and foreign sets are refused naming the shard.
@Suite("migkit project --shard and migkit merge")
struct ShardMergeTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var data: String { repoRoot.appendingPathComponent("data").path }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func shard(_ k: Int, of n: Int, draws: Int, horizon: Int, seed: Int = 20261129, threads: Int = 1, into dir: URL) throws -> MigkitRunner.Result {
        try MigkitRunner.run(["project", "--data-dir", Self.data, "--draws", "\(draws)", "--horizon", "\(horizon)", "--seed", "\(seed)",
                              "--threads", "\(threads)", "--shard", "\(k)/\(n)", "-o", dir.appendingPathComponent("\(k)").path])
    }

    func merge(_ folders: [URL], out: URL) throws -> MigkitRunner.Result {
        try MigkitRunner.run(["merge", "--data-dir", Self.data, "-o", out.path] + folders.map(\.path))
    }

    @Test("four shards of a 400-draw run merge to the single run's bytes (every file, any thread count and order)")
    func fourShardsMergeToTheSingleRun() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let single = dir.appendingPathComponent("single"), shards = dir.appendingPathComponent("shards"), merged = dir.appendingPathComponent("merged")
        let r = try MigkitRunner.run(["project", "--data-dir", Self.data, "--draws", "400", "--horizon", "2030", "-o", single.path])
        #expect(r.status == 0, "\(r.stderr)")
        for k in [3, 1, 4, 2] {
            let s = try shard(k, of: 4, draws: 400, horizon: 2030, threads: k % 2 + 1, into: shards)
            #expect(s.status == 0, "\(s.stderr)")
            #expect(s.stdout.contains("shard \(k)/4: draws \((k - 1) * 100)–\(k * 100 - 1)"))
        }
        let m = try merge([4, 2, 1, 3].map { shards.appendingPathComponent("\($0)") }, out: merged)
        #expect(m.status == 0, "\(m.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: single.path).filter { $0 != "charts" }.sorted()
        #expect(files.contains("projections.csv") && files.contains("contrasts.csv") && files.contains("manifest.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: merged.path).filter { $0 != "charts" }.sorted() == files)
        for f in files {
            let x = try Data(contentsOf: single.appendingPathComponent(f)), y = try Data(contentsOf: merged.appendingPathComponent(f))
            let same = x == y   // a Bool: #expect(x == y) on megabytes would compute a diff for hours
            #expect(same, "\(f) of the merged run differs from the single run")
        }
        let contrasts = try String(contentsOf: merged.appendingPathComponent("contrasts.csv"), encoding: .utf8)
        #expect(contrasts.split(separator: "\n").count > 100)
        // The printed summary is the single run's too (the timing line aside).
        #expect(m.stdout.split(separator: "\n").dropLast() == r.stdout.split(separator: "\n").dropLast())
    }

    @Test("a missing, repeated, unfinished, corrupt or foreign shard is refused naming it; re-running the shard completes the set")
    func incompleteAndDamagedSetsAreRefused() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shards = dir.appendingPathComponent("shards"), out = dir.appendingPathComponent("out")
        for k in 1...4 { #expect(try shard(k, of: 4, draws: 8, horizon: 2026, into: shards).status == 0) }
        let folder = { (k: Int) in shards.appendingPathComponent("\(k)") }

        let missing = try merge([1, 2, 4].map(folder), out: out)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("shard 3/4 is missing"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let twice = try merge([1, 2, 3, 4, 2].map(folder), out: out)
        #expect(twice.status != 0 && twice.stderr.contains("shard 2/4 is given twice"), "\(twice.stderr)")

        // One flipped bit in the middle of shard 2's values.
        let bin = folder(2).appendingPathComponent("shard.bin")
        var bytes = try Data(contentsOf: bin)
        let original = bytes
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: bin)
        let corrupt = try merge([1, 2, 3, 4].map(folder), out: out)
        #expect(corrupt.status != 0 && corrupt.stderr.contains(bin.path) && corrupt.stderr.contains("checksum error"), "\(corrupt.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // Truncated.
        try original.prefix(original.count - 100).write(to: bin)
        let truncated = try merge([1, 2, 3, 4].map(folder), out: out)
        #expect(truncated.status != 0 && truncated.stderr.contains(bin.path), "\(truncated.stderr)")

        // A shard of another run (another seed) in place of shard 3.
        let foreign = dir.appendingPathComponent("foreign")
        #expect(try shard(3, of: 4, draws: 8, horizon: 2026, seed: 7, into: foreign).status == 0)
        let mixed = try merge([folder(1), folder(2), foreign.appendingPathComponent("3"), folder(4)], out: out)
        #expect(mixed.status != 0 && mixed.stderr.contains(foreign.appendingPathComponent("3").path) && mixed.stderr.contains("seed is 7"), "\(mixed.stderr)")

        // An unfinished shard (no shard.json).
        try FileManager.default.removeItem(at: folder(4).appendingPathComponent("shard.json"))
        let unfinished = try merge([1, 2, 3, 4].map(folder), out: out)
        #expect(unfinished.status != 0 && unfinished.stderr.contains(folder(4).path) && unfinished.stderr.contains("no shard.json"), "\(unfinished.stderr)")

        // A shard of the previous format (version 1: unpacked values, t-digests) is refused, naming the version.
        let manifest = folder(1).appendingPathComponent("shard.json")
        let current = try String(contentsOf: manifest, encoding: .utf8)
        #expect(current.contains("\"format_version\" : 2"))
        try current.replacingOccurrences(of: "\"format_version\" : 2", with: "\"format_version\" : 1").write(to: manifest, atomically: true, encoding: .utf8)
        let old = try merge([1, 2, 3, 4].map(folder), out: out)
        #expect(old.status != 0 && old.stderr.contains(folder(1).path) && old.stderr.contains("shard format version 1; this migkit merges version 2"), "\(old.stderr)")
        try current.write(to: manifest, atomically: true, encoding: .utf8)

        // Re-running the failed shards completes the set.
        #expect(try shard(2, of: 4, draws: 8, horizon: 2026, into: shards).status == 0)
        #expect(try shard(4, of: 4, draws: 8, horizon: 2026, into: shards).status == 0)
        let ok = try merge([1, 2, 3, 4].map(folder), out: out)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
    }

    @Test("--shard is validated: K within 1…N, at most one shard per draw")
    func shardOptionIsValidated() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = try MigkitRunner.run(["project", "--data-dir", Self.data, "--draws", "8", "--shard", "5/4", "-o", dir.path])
        #expect(bad.status != 0 && bad.stderr.contains("K must be between 1 and N"), "\(bad.stderr)")
        let text = try MigkitRunner.run(["project", "--data-dir", Self.data, "--draws", "8", "--shard", "two", "-o", dir.path])
        #expect(text.status != 0 && text.stderr.contains("expected K/N"), "\(text.stderr)")
        let many = try MigkitRunner.run(["project", "--data-dir", Self.data, "--draws", "3", "--horizon", "2026", "--shard", "1/4", "-o", dir.path])
        #expect(many.status != 0 && many.stderr.contains("more shards than draws"), "\(many.stderr)")
    }

    @Test("backtest shards over the origin years merge to the single backtest's bytes; a missing or corrupt one is refused")
    func backtestShards() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let settings = ["--data-dir", Self.data, "--from", "2016", "--to", "2019", "--horizon", "2", "--draws", "10", "--top", "3"]
        let single = dir.appendingPathComponent("single"), merged = dir.appendingPathComponent("merged")
        let r = try MigkitRunner.run(["backtest"] + settings + ["-o", single.path])
        #expect(r.status == 0, "\(r.stderr)")
        let folders = (1...3).map { dir.appendingPathComponent("shard\($0)") }
        for (k, folder) in folders.enumerated() {
            let s = try MigkitRunner.run(["backtest"] + settings + ["--shard", "\(k + 1)/3", "-o", folder.path])
            #expect(s.status == 0, "\(s.stderr)")
        }
        let m = try MigkitRunner.run(["merge", "--data-dir", Self.data, "-o", merged.path] + folders.reversed().map(\.path))
        #expect(m.status == 0, "\(m.stderr)")
        #expect(m.stdout == r.stdout)
        for f in ["backtest_forecasts.csv", "backtest_metrics.csv", "backtest_pit.csv"] {
            let x = try Data(contentsOf: single.appendingPathComponent(f)), y = try Data(contentsOf: merged.appendingPathComponent(f))
            let same = x == y
            #expect(same && !x.isEmpty, "\(f) of the merged backtest differs from the single run")
        }
        // A backtest shard of the previous format is refused, naming the version.
        let manifest = folders[0].appendingPathComponent("backtest_shard.json")
        let current = try String(contentsOf: manifest, encoding: .utf8)
        #expect(current.contains("\"format_version\" : 2"))
        try current.replacingOccurrences(of: "\"format_version\" : 2", with: "\"format_version\" : 1").write(to: manifest, atomically: true, encoding: .utf8)
        let old = try MigkitRunner.run(["merge", "--data-dir", Self.data, "-o", dir.appendingPathComponent("m1").path] + folders.map(\.path))
        #expect(old.status != 0 && old.stderr.contains("shard format version 1; this migkit merges version 2"), "\(old.stderr)")
        try current.write(to: manifest, atomically: true, encoding: .utf8)
        let missing = try MigkitRunner.run(["merge", "--data-dir", Self.data, "-o", dir.appendingPathComponent("m2").path, folders[0].path, folders[2].path])
        #expect(missing.status != 0 && missing.stderr.contains("backtest shard 2/3 is missing"), "\(missing.stderr)")
        let tsv = folders[1].appendingPathComponent("backtest_forecasts.tsv")
        var bytes = try Data(contentsOf: tsv)
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == 0x61 ? 0x62 : 0x61
        try bytes.write(to: tsv)
        let corrupt = try MigkitRunner.run(["merge", "--data-dir", Self.data, "-o", dir.appendingPathComponent("m3").path] + folders.map(\.path))
        #expect(corrupt.status != 0 && corrupt.stderr.contains(tsv.path) && corrupt.stderr.contains("checksum error"), "\(corrupt.stderr)")
    }
}
