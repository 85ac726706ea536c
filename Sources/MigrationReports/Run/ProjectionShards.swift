import Foundation
import MigrationData
import MigrationModels
import MigrationScenarios

/// A projection split into shards — contiguous blocks of draws run as separate processes (a
/// Slurm array job, say) — and merged back into the single run, byte for byte.
///
/// Each draw's random numbers depend only on (seed, global draw index), and regional totals are
/// summed in fixed point, so shard K of N (draws ⌊(K−1)·D/N⌋ ..< ⌊K·D/N⌋) simulates exactly the
/// draws the single run would. A shard writes, into its own folder:
///
///     shard.bin    per-draw values of every reported cell (see `ShardFile`), checksummed; in
///                  sketch mode a 208-byte quantile grid per cell and block (`QuantileGrid`)
///     shard.json   seed, draws, K/N, scenario text and hash, data hash, versions, layout; written
///                  last, so a folder without it is an unfinished shard
///
/// `merge` checks that the shards form one complete set — the same seed, draws, horizon, scenario
/// file, data, migkit version and N, every K exactly once — then puts each cell's draws back in
/// order and summarises them as the single run does (`ProjectionRun.assemble`): the run folder it
/// writes is the single run's, byte for byte. That is exact mode, for runs of at most
/// `ProjectionEngine.exactDrawLimit` draws; beyond it shards hold a quantile grid per cell (sketch
/// mode: `QuantileGrid`), and the merged quantiles are estimates within the bound
/// `ProjectionEngine.mergeSketches` documents (within about 3.1 % of the draws in rank).
///
///     let shard = try ProjectionShards.Shard("2/4")
///     try ProjectionShards.run(options, shard: shard, to: URL(fileURLWithPath: "shards/2"))
///     let result = try ProjectionShards.merge(shardFolders, dataDirectory: URL(fileURLWithPath: "data"))
///     try ProjectionRun.write(result, to: URL(fileURLWithPath: "reports"))
public enum ProjectionShards {
    /// Version of the shard folder format (shard.json and shard.bin).
    public static let formatVersion = 2

    /// Shard K of N (1 ≤ K ≤ N).
    public struct Shard: Sendable, Equatable, CustomStringConvertible {
        /// K, from 1.
        public let index: Int
        /// N, the number of shards.
        public let count: Int
        /// Shard `index` of `count`; throws unless 1 ≤ index ≤ count.
        public init(index: Int, count: Int) throws {
            guard count >= 1, (1...count).contains(index) else {
                throw ProjectionRun.RunError(description: "--shard \(index)/\(count): K must be between 1 and N (shards are numbered 1…N)")
            }
            self.index = index
            self.count = count
        }
        /// Parses "K/N".
        public init(_ text: String) throws {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
                throw ProjectionRun.RunError(description: "--shard \(text): expected K/N, for example 2/4 (the second of four shards)")
            }
            try self.init(index: k, count: n)
        }
        public var description: String { "\(index)/\(count)" }
        /// The shard's draws of a run of `draws` draws: ⌊(K−1)·D/N⌋ ..< ⌊K·D/N⌋.
        public func draws(of draws: Int) -> Range<Int> { ((index - 1) * draws / count)..<(index * draws / count) }
    }

    /// What a shard run wrote.
    public struct ShardResult: Sendable {
        public let shard: Shard
        /// The global draw indices the shard ran.
        public let draws: Range<Int>
        /// The size of shard.bin.
        public let bytes: Int
        /// Wall time of the whole shard run (loading, fitting, projecting, writing).
        public let seconds: Double
    }

    /// Loads data/, fits the models and runs shard `shard` of the projection `options`
    /// describes, writing shard.bin and then shard.json into `directory` (created if needed; an
    /// earlier shard there is replaced, its shard.json removed first).
    /// - Parameters:
    ///   - options: the run, as for `ProjectionRun.execute`.
    ///   - shard: which share of the draws.
    ///   - directory: the shard folder.
    ///   - progress: receives the phase and fraction done.
    public static func run(_ options: ProjectionRun.Options, shard: Shard, to directory: URL,
                           progress: (@Sendable (ProjectionRun.Phase, Double) -> Void)? = nil) throws -> ShardResult {
        try run(options, shard: shard, to: directory, exactLimit: ProjectionEngine.exactDrawLimit, progress: progress)
    }

    /// `run` with the exact-mode limit (tests use a small one to reach sketch mode cheaply):
    /// runs of more draws keep quantile grids, in blocks of at most `exactLimit` draws.
    package static func run(_ options: ProjectionRun.Options, shard: Shard, to directory: URL, exactLimit: Int,
                            progress: (@Sendable (ProjectionRun.Phase, Double) -> Void)? = nil) throws -> ShardResult {
        let started = ContinuousClock.now   // monotonic: a VM's wall clock can step backwards
        progress?(.loading, 0)
        let scenarioPath = options.scenarioPath
        let set = try options.scenarioSet()
        guard shard.count <= set.draws else {
            throw ProjectionRun.RunError(description: "--shard \(shard): more shards than draws (\(set.draws)) — use at most \(set.draws) shards")
        }
        let dataHash = try Self.dataHash(options.dataDirectory)
        let inputs = try ProjectionDataLoader.load(directory: options.dataDirectory)
        progress?(.fitting, 0)
        let models = try ProjectionEngine.fit(inputs)
        progress?(.projecting, 0)
        try prepareFolder(directory)
        let manifestPath = directory.appendingPathComponent("shard.json").path
        if FileManager.default.fileExists(atPath: manifestPath) { try FileManager.default.removeItem(atPath: manifestPath) }
        let binPath = directory.appendingPathComponent("shard.bin").path
        let range = shard.draws(of: set.draws)
        // Exact mode (per-draw values) within the exact-quantile limit, quantile grids beyond it.
        let exact = set.draws <= exactLimit
        let writer: any ShardBinaryWriter = exact ? try ShardWriter(path: binPath) : try ShardSketchWriter(path: binPath)
        do {
            try ProjectionEngine.projectShard(set, models: models, inputs: inputs, drawRange: range, collector: writer,
                                              threads: options.threads, blockSize: exactLimit,
                                              progress: progress.map { p in { @Sendable f in p(.projecting, f) } })
        } catch {
            writer.cancel()
            throw ProjectionRun.RunError(description: "\(scenarioPath): \(error)")
        }
        progress?(.writing, 0)
        let trailer = try writer.finish()
        guard let layout = writer.layout else { throw ProjectionRun.RunError(description: "\(binPath): the engine produced no values") }
        let manifest: [String: Any] = [
            "format": "migkit-projection-shard", "format_version": formatVersion,
            "migrationkit_version": options.version,
            "shard": shard.index, "shards": shard.count,
            "seed": String(set.seed), "draws": set.draws, "horizon": set.horizon,
            "first_draw": range.lowerBound, "draw_count": range.count,
            "scenario_file": scenarioPath, "scenario_text": set.text,
            "scenario_hash": ShardChecksum.hex(ShardChecksum.hash(Array(set.text.utf8))),
            "data_hash": dataHash,
            "layout": try JSONSerialization.jsonObject(with: ShardFormat.layoutJSON(layout.withDraws(0..<set.draws))),
            "layout_hash": ShardChecksum.hex(try ShardFormat.layoutHash(layout)),
            "values_file": "shard.bin", "values_hash": ShardChecksum.hex(trailer), "mode": exact ? "exact" : "sketch",
        ]
        let json = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(Array(json), to: manifestPath)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: binPath)[.size] as? Int) ?? 0
        return ShardResult(shard: shard, draws: range, bytes: bytes, seconds: ProjectionRun.seconds(since: started))
    }

    /// Creates the shard folder, refusing a file or a link in its place.
    static func prepareFolder(_ directory: URL) throws {
        var st = stat()
        if lstat(directory.path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw ProjectionRun.RunError(description: "\(directory.path): exists and is not a folder (a file or a link) — choose a shard folder with -o")
            }
            return
        }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ProjectionRun.RunError(description: "\(directory.path): cannot create the shard folder — \(error.localizedDescription)")
        }
    }

    /// The hash of the data a projection reads: the data folder's top-level CSV files, by name
    /// and content (scenario files are hashed separately).
    public static func dataHash(_ directory: URL) throws -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
        guard !names.isEmpty else { throw ProjectionRun.RunError(description: "\(directory.path): no data files (*.csv) — give MigrationKit's data folder with --data-dir") }
        var digest: [UInt8] = []
        for name in names {
            let path = directory.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ProjectionRun.RunError(description: "\(path): cannot be read")
            }
            digest += Array(name.utf8) + [0]
            ShardFileBytes.append(data.withUnsafeBytes { ShardChecksum.hash($0) }, to: &digest)
        }
        return ShardChecksum.hex(ShardChecksum.hash(digest))
    }
}

/// Little-endian helpers for the manifest digests.
enum ShardFileBytes {
    static func append(_ v: UInt64, to out: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
}
