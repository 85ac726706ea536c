import Foundation
import MigrationData
import MigrationModels
import MigrationScenarios

/// The tables and the printed summary of `migkit backtest`, from its forecasts (shared by the
/// command and the merge of backtest shards, so both write the same bytes).
public enum BacktestReport {
    /// backtest_forecasts.csv, backtest_metrics.csv and backtest_pit.csv, in that order.
    /// - Parameters:
    ///   - forecasts: the forecasts, in origin order.
    ///   - history: the observed history the metrics scale by.
    public static func tables(_ forecasts: [BacktestForecast], history: DisplacementHistory) throws -> [(name: String, table: Table)] {
        let metrics = Backtest.metrics(forecasts, history: history)
        let pit = Backtest.pitHistogram(forecasts)
        func col(_ v: [Double]) -> Column { .double(v.map { $0.isFinite ? $0 : nil }) }
        let f = try Table([
            ("origin_year", .int(forecasts.map(\.origin))), ("horizon", .int(forecasts.map(\.horizon))),
            ("geography", .string(forecasts.map(\.geography))), ("observed", col(forecasts.map(\.observed))),
            ("model_p50", col(forecasts.map(\.model.p50))), ("model_mean", col(forecasts.map(\.model.mean))),
            ("model_p025", col(forecasts.map(\.model.p025))), ("model_p10", col(forecasts.map(\.model.p10))),
            ("model_p90", col(forecasts.map(\.model.p90))), ("model_p975", col(forecasts.map(\.model.p975))),
            ("random_walk", col(forecasts.map(\.randomWalk))), ("drift", col(forecasts.map(\.drift))),
            ("log_drift", col(forecasts.map(\.logDrift))),
            ("geography_level", .string(forecasts.map(\.level))),
            ("prw_p025", col(forecasts.map(\.probabilisticRandomWalk.p025))), ("prw_p10", col(forecasts.map(\.probabilisticRandomWalk.p10))),
            ("prw_p50", col(forecasts.map(\.probabilisticRandomWalk.p50))), ("prw_p90", col(forecasts.map(\.probabilisticRandomWalk.p90))),
            ("prw_p975", col(forecasts.map(\.probabilisticRandomWalk.p975))),
        ])
        let m = try Table([
            ("group", .string(metrics.map(\.group))), ("horizon", .int(metrics.map(\.horizon))), ("method", .string(metrics.map(\.method))),
            ("forecasts", .int(metrics.map(\.count))), ("mae", col(metrics.map(\.mae))), ("mape_percent", col(metrics.map(\.mape))),
            ("mase", col(metrics.map(\.mase))), ("wis", col(metrics.map(\.wis))), ("share_within_10_percent", col(metrics.map(\.within10))),
            ("coverage_80", col(metrics.map(\.coverage80))), ("coverage_95", col(metrics.map(\.coverage95))),
        ])
        let p = try Table([
            ("group", .string(pit.map(\.group))), ("method", .string(pit.map(\.method))),
            ("pit_from", col(pit.map(\.lower))), ("pit_to", col(pit.map(\.upper))), ("forecasts", .int(pit.map(\.count))),
            ("observed_share", col(pit.map(\.observedShare))), ("expected_share", col(pit.map(\.expectedShare))),
        ])
        return [("backtest_forecasts.csv", f), ("backtest_metrics.csv", m), ("backtest_pit.csv", p)]
    }

    /// The metrics table `migkit backtest` prints.
    /// - Parameters:
    ///   - forecasts: the forecasts.
    ///   - history: the observed history.
    public static func summaryText(_ forecasts: [BacktestForecast], history: DisplacementHistory) -> String {
        var s = "group      h  method                      WIS (M)  MAPE%   MASE  cover80  cover95\n"
        for m in Backtest.metrics(forecasts, history: history) {
            s += m.group.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " %2d  ", m.horizon)
            s += m.method.padding(toLength: 26, withPad: " ", startingAt: 0)
            s += String(format: "  %7.3f  %5.1f  %5.2f", m.wis / 1e6, m.mape, m.mase)
            s += m.coverage80.isFinite ? String(format: "  %6.0f%%  %6.0f%%", m.coverage80 * 100, m.coverage95 * 100) : ""
            s += "\n"
        }
        return s
    }
}

/// `migkit backtest --shard K/N`: the forecast origins split into N contiguous blocks (each
/// origin fits its own models and runs its own draws, so a block's forecasts are the single
/// run's), and their merge. A shard folder holds backtest_forecasts.tsv (exact bit patterns,
/// `BacktestShardCodec`) and backtest_shard.json (settings, data hash, version, checksum of the
/// forecasts; written last).
public enum BacktestShards {
    /// The backtest's settings (those of `Backtest.run`).
    public struct Settings: Sendable, Equatable {
        public var origins: ClosedRange<Int>
        public var horizon: Int, topOrigins: Int, draws: Int
        public var seed: UInt64
        public var stockModel: StockModel
        public init(origins: ClosedRange<Int>, horizon: Int, topOrigins: Int, draws: Int, seed: UInt64, stockModel: StockModel) {
            self.origins = origins
            self.horizon = horizon
            self.topOrigins = topOrigins
            self.draws = draws
            self.seed = seed
            self.stockModel = stockModel
        }
    }

    /// Whether `folder` is a backtest shard (holds backtest_shard.json or backtest_forecasts.tsv).
    public static func isShard(_ folder: URL) -> Bool {
        ["backtest_shard.json", "backtest_forecasts.tsv"].contains { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }

    /// Runs shard `shard` (origins block K of N) and writes its folder.
    /// - Parameters:
    ///   - settings: the whole backtest's settings.
    ///   - shard: which block of origins.
    ///   - dataDirectory: MigrationKit's data folder.
    ///   - directory: the shard folder.
    ///   - threads: worker threads (0: one per core).
    ///   - version: the software version.
    /// - Returns: the number of forecasts written.
    public static func run(_ settings: Settings, shard: ProjectionShards.Shard, dataDirectory: URL, to directory: URL, threads: Int = 0,
                           version: String = "unknown") throws -> Int {
        let years = Array(settings.origins)
        guard shard.count <= years.count else {
            throw ProjectionRun.RunError(description: "--shard \(shard): more shards than forecast origins (\(years.count)) — use at most \(years.count)")
        }
        let block = shard.draws(of: years.count)
        let mine = years[block.lowerBound]...years[block.upperBound - 1]
        let dataHash = try ProjectionShards.dataHash(dataDirectory)
        let inputs = try ProjectionDataLoader.load(directory: dataDirectory)
        let forecasts = try Backtest.run(inputs, origins: mine, horizon: settings.horizon, topOrigins: settings.topOrigins, draws: settings.draws,
                                         seed: settings.seed, stockModel: settings.stockModel, threads: threads)
        try ProjectionShards.prepareFolder(directory)
        let manifestPath = directory.appendingPathComponent("backtest_shard.json").path
        if FileManager.default.fileExists(atPath: manifestPath) { try FileManager.default.removeItem(atPath: manifestPath) }
        let text = BacktestShardCodec.encode(forecasts)
        try AtomicFile.write(Array(text.utf8), to: directory.appendingPathComponent("backtest_forecasts.tsv").path)
        let manifest: [String: Any] = [
            "format": "migkit-backtest-shard", "format_version": ProjectionShards.formatVersion, "migrationkit_version": version,
            "shard": shard.index, "shards": shard.count, "from": settings.origins.lowerBound, "to": settings.origins.upperBound,
            "origins_from": mine.lowerBound, "origins_to": mine.upperBound,
            "horizon": settings.horizon, "top": settings.topOrigins, "draws": settings.draws, "seed": String(settings.seed),
            "stock_model": settings.stockModel.rawValue, "data_hash": dataHash,
            "forecasts": forecasts.count, "forecasts_hash": ShardChecksum.hex(ShardChecksum.hash(Array(text.utf8))),
        ]
        try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])), to: manifestPath)
        return forecasts.count
    }

    /// Checks that `folders` form one complete backtest made by this migkit from `dataDirectory`
    /// and returns the single run's forecasts (in origin order) with the data they score.
    /// Errors name the shard at fault (missing, repeated, unfinished, corrupt, another run's).
    /// - Parameters:
    ///   - folders: the shard folders, any order.
    ///   - dataDirectory: MigrationKit's data folder.
    ///   - version: the running software version.
    public static func merge(_ folders: [URL], dataDirectory: URL, version: String = "unknown") throws -> (forecasts: [BacktestForecast], inputs: ProjectionInputs) {
        struct Part { let folder: String; let json: [String: Any]; let shard: Int; let shards: Int }
        var parts: [Part] = []
        for url in folders {
            let path = url.appendingPathComponent("backtest_shard.json").path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ProjectionRun.RunError(description: "\(url.path): an unfinished or failed backtest shard (no backtest_shard.json, which a shard writes last) — run this shard again")
            }
            guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], json["format"] as? String == "migkit-backtest-shard",
                  let k = json["shard"] as? Int, let n = json["shards"] as? Int, n >= 1, (1...n).contains(k) else {
                throw ProjectionRun.RunError(description: "\(path): not a valid backtest shard manifest — the file is damaged; run this shard again")
            }
            // Format 1 shards hashed with the earlier checksum: refuse them by version, not by a
            // misleading data-hash or checksum mismatch.
            guard json["format_version"] as? Int == ProjectionShards.formatVersion else {
                throw ProjectionRun.RunError(description: "\(url.path): shard format version \(json["format_version"] ?? "?"); this migkit merges version \(ProjectionShards.formatVersion) — run the shards with this migkit")
            }
            parts.append(Part(folder: url.path, json: json, shard: k, shards: n))
        }
        guard let first = parts.first else { throw ProjectionRun.RunError(description: "merge: no shard folders given") }
        let keys = ["format_version", "migrationkit_version", "shards", "from", "to", "horizon", "top", "draws", "seed", "stock_model", "data_hash"]
        for p in parts.dropFirst() {
            for key in keys where "\(p.json[key] ?? "")" != "\(first.json[key] ?? "")" {
                throw ProjectionRun.RunError(description: "\(p.folder): a shard of a different backtest than \(first.folder) — its \(key) is \(p.json[key] ?? "missing"), not \(first.json[key] ?? "missing"); merge only the shards of one run")
            }
        }
        let byIndex = try ShardSetCheck.complete(parts, shards: first.shards, kind: "backtest shard", shard: \.shard, folder: \.folder) {
            "run migkit backtest … --shard \($0)/\(first.shards) with the same settings, then merge again"
        }
        guard first.json["migrationkit_version"] as? String == version else {
            throw ProjectionRun.RunError(description: "\(first.folder): the shards were made by migkit \(first.json["migrationkit_version"] ?? "?"); this is \(version) — merge with the migkit that ran the shards")
        }
        let dataHash = try ProjectionShards.dataHash(dataDirectory)
        guard dataHash == first.json["data_hash"] as? String else {
            throw ProjectionRun.RunError(description: "\(dataDirectory.path): the data differ from the data the shards were made with — merge with the shards' data folder (--data-dir)")
        }
        var forecasts: [BacktestForecast] = []
        for k in 1...first.shards {
            let p = byIndex[k]!
            let path = (p.folder as NSString).appendingPathComponent("backtest_forecasts.tsv")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ProjectionRun.RunError(description: "\(path): cannot be read — run this shard again")
            }
            guard ShardChecksum.hex(ShardChecksum.hash(Array(data))) == p.json["forecasts_hash"] as? String else {
                throw ProjectionRun.RunError(description: "\(path): checksum error — the file is corrupt; run this shard again")
            }
            let part = try BacktestShardCodec.decode(String(decoding: data, as: UTF8.self), file: path)
            guard part.count == p.json["forecasts"] as? Int else {
                throw ProjectionRun.RunError(description: "\(path): holds \(part.count) forecasts, its manifest says \(p.json["forecasts"] ?? "?") — run this shard again")
            }
            forecasts += part
        }
        return (forecasts, try ProjectionDataLoader.load(directory: dataDirectory))
    }
}
