/// The check both merges (`ProjectionShards.merge`, `BacktestShards.merge`) make before reading
/// anything: the given shard folders hold every shard K = 1…N of one run exactly once.
enum ShardSetCheck {
    /// The parts by shard index. Throws, naming the folders, when a shard is given twice, and,
    /// naming the missing shards (`kind` "shard" or "backtest shard") and the given ones, when
    /// some are missing; `rerun(k)` says how to produce missing shard k.
    static func complete<Part>(_ parts: [Part], shards: Int, kind: String, shard: (Part) -> Int, folder: (Part) -> String,
                               rerun: (Int) -> String) throws -> [Int: Part] {
        var byIndex: [Int: Part] = [:]
        for p in parts {
            if let other = byIndex[shard(p)] {
                throw ProjectionRun.RunError(description: "\(folder(p)): shard \(shard(p))/\(shards) is given twice (also \(folder(other))) — give each shard once")
            }
            byIndex[shard(p)] = p
        }
        let missing = (1...max(1, shards)).filter { byIndex[$0] == nil }
        guard let first = missing.first else { return byIndex }
        let list = missing.map { "\($0)/\(shards)" }.joined(separator: ", ")
        let given = byIndex.keys.sorted().map { "\($0)/\(shards)" }.joined(separator: ", ")
        throw ProjectionRun.RunError(description: "\(kind)\(missing.count > 1 ? "s" : "") \(list) \(missing.count > 1 ? "are" : "is") missing (given: \(given)) — \(rerun(first))")
    }
}
