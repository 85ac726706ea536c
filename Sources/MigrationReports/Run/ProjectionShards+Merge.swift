import Foundation
import MigrationData
import MigrationModels
import MigrationScenarios

extension ProjectionShards {
    /// One shard folder's manifest (shard.json), read and checked.
    struct ShardManifest {
        let folder: String
        let shard: Int, shards: Int
        let formatVersion: Int
        let version: String
        let seed: String, draws: Int, horizon: Int
        let firstDraw: Int, drawCount: Int
        let scenarioFile: String, scenarioText: String, scenarioHash: String
        let dataHash: String
        let layout: DrawLayout
        let layoutHash: String
        let valuesHash: String

        init(folder: String) throws {
            self.folder = folder
            let path = (folder as NSString).appendingPathComponent("shard.json")
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ProjectionRun.RunError(description: "\(folder): not a shard folder (no such folder)")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ProjectionRun.RunError(description: "\(folder): an unfinished or failed shard (no shard.json, which a shard writes last) — run this shard again")
            }
            guard let object = try? JSONSerialization.jsonObject(with: data), let json = object as? [String: Any] else {
                throw ProjectionRun.RunError(description: "\(path): not valid JSON — the file is damaged; run this shard again")
            }
            func value<T>(_ key: String, _: T.Type) throws -> T {
                guard let v = json[key] as? T else {
                    throw ProjectionRun.RunError(description: "\(path): key \"\(key)\" is missing or has the wrong type — the file is damaged or not a migkit shard; run this shard again")
                }
                return v
            }
            guard try value("format", String.self) == "migkit-projection-shard" else {
                throw ProjectionRun.RunError(description: "\(path): not a projection shard (format \"\(json["format"] ?? "")\")")
            }
            formatVersion = try value("format_version", Int.self)
            version = try value("migrationkit_version", String.self)
            shard = try value("shard", Int.self)
            shards = try value("shards", Int.self)
            seed = try value("seed", String.self)
            draws = try value("draws", Int.self)
            horizon = try value("horizon", Int.self)
            firstDraw = try value("first_draw", Int.self)
            drawCount = try value("draw_count", Int.self)
            scenarioFile = try value("scenario_file", String.self)
            scenarioText = try value("scenario_text", String.self)
            scenarioHash = try value("scenario_hash", String.self)
            dataHash = try value("data_hash", String.self)
            layoutHash = try value("layout_hash", String.self)
            valuesHash = try value("values_hash", String.self)
            let layoutObject = try value("layout", [String: Any].self)
            do {
                layout = try JSONDecoder().decode(DrawLayout.self, from: JSONSerialization.data(withJSONObject: layoutObject))
            } catch let DecodingError.dataCorrupted(context) {   // e.g. an unknown geography level or category
                throw ProjectionRun.RunError(description: "\(path): key \"layout\" cannot be read: \(context.debugDescription) — the file is damaged or not from this migkit; run this shard again")
            } catch {
                throw ProjectionRun.RunError(description: "\(path): key \"layout\" cannot be read — the file is damaged; run this shard again")
            }
            guard formatVersion == ProjectionShards.formatVersion else {
                throw ProjectionRun.RunError(description: "\(folder): shard format version \(formatVersion); this migkit merges version \(ProjectionShards.formatVersion) — run the shards with this migkit")
            }
            guard shards >= 1, (1...shards).contains(shard), draws >= shards,
                  Shard.draws(index: shard, count: shards, of: draws) == firstDraw..<(firstDraw + drawCount),
                  ShardChecksum.hex(ShardChecksum.hash(Array(scenarioText.utf8))) == scenarioHash,
                  ShardChecksum.hex(try ShardFormat.layoutHash(layout)) == layoutHash else {
                throw ProjectionRun.RunError(description: "\(path): the manifest is inconsistent (shard number, draw range or hashes) — the file is damaged; run this shard again")
            }
        }
    }

    /// Reads the shard folders, checks that they form one complete set made with this migkit
    /// (`version`) from the data in `dataDirectory`, and merges them into the single run's
    /// result (write it with `ProjectionRun.write`). Errors name the shard at fault: a missing K
    /// (with the command that completes the set), a repeated K, a shard of another run (and what
    /// differs), a corrupt or unfinished shard.
    /// - Parameters:
    ///   - folders: the shard folders, in any order.
    ///   - dataDirectory: MigrationKit's data folder (the shards' data, checked by hash).
    ///   - threads: worker threads (0: one per core); the bytes do not depend on it.
    ///   - version: the running software version (shards must have been made by the same).
    public static func merge(_ folders: [URL], dataDirectory: URL, threads: Int = 0, version: String = "unknown") throws -> ProjectionRun.Result {
        let started = ContinuousClock.now
        guard !folders.isEmpty else { throw ProjectionRun.RunError(description: "merge: no shard folders given") }
        let manifests = try folders.map { try ShardManifest(folder: $0.path) }
        let first = manifests[0]
        for m in manifests.dropFirst() {
            let checks: [(String, String, String)] = [
                ("migkit version", m.version, first.version), ("seed", m.seed, first.seed), ("draws", String(m.draws), String(first.draws)),
                ("horizon", String(m.horizon), String(first.horizon)), ("number of shards N", String(m.shards), String(first.shards)),
                ("scenario file (hash of its text)", m.scenarioHash, first.scenarioHash), ("data (hash)", m.dataHash, first.dataHash),
                ("scenarios, countries and regions (layout hash)", m.layoutHash, first.layoutHash),
            ]
            for (what, mine, theirs) in checks where mine != theirs {
                throw ProjectionRun.RunError(description: "\(m.folder): a shard of a different run than \(first.folder) — its \(what) is \(mine), not \(theirs); merge only the shards of one run")
            }
        }
        let byIndex = try ShardSetCheck.complete(manifests, shards: first.shards, kind: "shard", shard: \.shard, folder: \.folder) {
            "run migkit project … --shard \($0)/\(first.shards) with the same seed, draws and scenario file, then merge again"
        }
        guard first.version == version else {
            throw ProjectionRun.RunError(description: "\(first.folder): the shards were made by migkit \(first.version); this is \(version) — merge with the migkit that ran the shards")
        }
        let dataHash = try Self.dataHash(dataDirectory)
        guard dataHash == first.dataHash else {
            throw ProjectionRun.RunError(description: "\(dataDirectory.path): the data differ from the data the shards were made with (hash \(dataHash), shards \(first.dataHash)) — merge with the shards' data folder (--data-dir)")
        }
        // The scenario set as the shards ran it (the stored text, with the run's overrides).
        var set = try ScenarioSet.parse(first.scenarioText, file: first.scenarioFile)
        guard let seed = UInt64(first.seed) else { throw ProjectionRun.RunError(description: "\(first.folder)/shard.json: seed \(first.seed) is not a number") }
        set.seed = seed
        set.draws = first.draws
        set.horizon = first.horizon
        let ordered = (1...first.shards).compactMap { byIndex[$0] }
        // Shard format 1 (before the quantile grids and packed values) is refused by the manifest check above.
        let readers = try ordered.map { m -> ShardReader in
            let path = (m.folder as NSString).appendingPathComponent("shard.bin")
            let reader = try ShardReader(path: path, layout: m.layout)
            guard ShardChecksum.hex(reader.trailerHash) == m.valuesHash, reader.firstDraw == m.firstDraw, reader.drawCount == m.drawCount,
                  ShardChecksum.hex(reader.layoutHash) == m.layoutHash else {
                throw ProjectionRun.RunError(description: "\(path): does not belong to \(m.folder)/shard.json (another run's or an older values file) — run this shard again")
            }
            return reader
        }
        let inputs = try ProjectionDataLoader.load(directory: dataDirectory)
        let models = try ProjectionEngine.fit(inputs)
        // The shards say which mode they ran in (shard.bin's preamble, checksummed): all the same.
        let sketchMode = readers[0].mode == 1
        for reader in readers where reader.mode != readers[0].mode {
            throw ProjectionRun.RunError(description: "\(reader.path): holds \(reader.mode == 1 ? "quantile sketches" : "per-draw values") but \(readers[0].path) holds \(sketchMode ? "sketches" : "per-draw values") — the shards come from different migkit runs; run this shard again")
        }
        let output: ProjectionOutput
        do {
            let layout = first.layout.withDraws(0..<first.draws)
            output = sketchMode ? try ProjectionEngine.mergeSketches(readers, layout: layout, threads: threads)
                : try ProjectionEngine.mergeExact(readers, layout: layout, threads: threads)
        } catch { throw ProjectionRun.RunError(description: "\(error)") }
        return try ProjectionRun.assemble(set, scenarioPath: first.scenarioFile, inputs: inputs, models: models, rows: output.rows,
                                          contrasts: output.contrasts, version: version, started: started)
    }
}

extension ProjectionShards.Shard {
    static func draws(index: Int, count: Int, of draws: Int) -> Range<Int> { ((index - 1) * draws / count)..<(index * draws / count) }
}
