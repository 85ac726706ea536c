import Foundation

/// The forecasts of a backtest shard as text that round-trips exactly: one line per forecast,
/// tab-separated — origin, horizon, level, geography, then the 19 numbers (observed; the model's
/// mean, p05, p10, p50, p90, p95, p025, p975; random walk, drift, log drift; the probabilistic
/// random walk's eight) as the 16 hex digits of their IEEE 754 bit patterns (NaN and −0 kept).
package enum BacktestShardCodec {
    static func numbers(_ f: BacktestForecast) -> [Double] {
        let m = f.model, p = f.probabilisticRandomWalk
        return [f.observed, m.mean, m.p05, m.p10, m.p50, m.p90, m.p95, m.p025, m.p975, f.randomWalk, f.drift, f.logDrift,
                p.mean, p.p05, p.p10, p.p50, p.p90, p.p95, p.p025, p.p975]
    }

    package static func encode(_ forecasts: [BacktestForecast]) -> String {
        var s = ""
        for f in forecasts {
            let fields = ["\(f.origin)", "\(f.horizon)", f.level, f.geography] + numbers(f).map { ShardChecksum.hex($0.bitPattern) }
            s += fields.joined(separator: "\t") + "\n"
        }
        return s
    }

    /// Decodes `encode`'s text; errors name `file` and the line.
    package static func decode(_ text: String, file: String) throws -> [BacktestForecast] {
        var out: [BacktestForecast] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            let x = f.dropFirst(4).compactMap { UInt64($0, radix: 16) }.map { Double(bitPattern: $0) }
            guard f.count == 24, x.count == 20, let origin = Int(f[0]), let horizon = Int(f[1]) else {
                throw ShardError(file: file, message: "line \(i + 1): not a backtest forecast (24 tab-separated fields) — the file is damaged; run this shard again")
            }
            func summary(_ o: Int) -> QuantileSummary {
                QuantileSummary(mean: x[o], p05: x[o + 1], p10: x[o + 2], p50: x[o + 3], p90: x[o + 4], p95: x[o + 5], p025: x[o + 6], p975: x[o + 7])
            }
            out.append(BacktestForecast(origin: origin, horizon: horizon, level: String(f[2]), geography: String(f[3]), observed: x[0],
                                        model: summary(1), randomWalk: x[9], drift: x[10], logDrift: x[11], probabilisticRandomWalk: summary(12)))
        }
        return out
    }
}
