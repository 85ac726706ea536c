import Foundation
import BenchmarkTiming
import MigrationKit

/// Times MigrationKit's PPML (two high-dimensional fixed effects, clustered errors) or OLS with
/// HC1 on data written by Benchmarks/regression/compare.py as raw little-endian columns, and
/// prints one JSON line: {"task", "n", "seconds" (best wall time, fit + variance), "coef", "se",
/// "iterations"}.
/// Usage: regression-bench --data DIR [--repeats N]
@main
struct RegressionBenchmark {
    static func main() throws {
        let args = CommandLine.arguments
        guard let i = args.firstIndex(of: "--data"), i + 1 < args.count else {
            FileHandle.standardError.write(Data("usage: regression-bench --data DIR [--repeats N]\n".utf8))
            exit(2)
        }
        let dir = URL(fileURLWithPath: args[i + 1])
        var repeats = 3
        if let r = args.firstIndex(of: "--repeats"), r + 1 < args.count, let v = Int(args[r + 1]), v > 0 { repeats = v }
        let metaData = try Data(contentsOf: dir.appendingPathComponent("meta.json"))
        guard let meta = try JSONSerialization.jsonObject(with: metaData) as? [String: Any],
              let task = meta["task"] as? String, let n = meta["n"] as? Int else {
            throw BenchError.badMeta
        }
        switch task {
        case "ppml":
            let names = (meta["names"] as? [String]) ?? ["ldist", "contig"]
            let flow = try doubles(dir, "flow.f64", n)
            let xs = try names.map { try doubles(dir, "\($0).f64", n) }
            let oy = try codes(dir, "orig_year.i32", n, name: "orig_year")
            let dy = try codes(dir, "dest_year.i32", n, name: "dest_year")
            let pair = try codes(dir, "pair.i32", n, name: "pair")
            var result: RegressionResult? = nil
            // Same thread count as the peers: one OpenBLAS thread → no parallel demeaning either.
            var options = RegressionOptions()
            options.fixedEffectSolver.parallel = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] != "1"
            let seconds = try bestTime(repeats) {
                result = try GeneralizedLinearModel.fit(response: flow, regressors: xs, names: names, family: .poisson,
                                                        fixedEffects: [oy, dy], variance: .cluster(pair), correction: .fixest, options: options)
            }
            emit(task, n, seconds, result)
        case "ols":
            let p = (meta["p"] as? Int) ?? 20
            let names = (meta["names"] as? [String]) ?? (0..<p).map { $0 == 0 ? "Intercept" : "x\($0)" }
            let y = try doubles(dir, "y.f64", n)
            let all = try doubles(dir, "X.f64", n * p)
            let xs = (0..<p).map { Array(all[($0 * n)..<(($0 + 1) * n)]) }
            var result: RegressionResult? = nil
            let seconds = try bestTime(repeats) {
                result = try LinearModel.fit(response: y, regressors: xs, names: names, variance: .hc1, correction: .statsmodels)
            }
            emit(task, n, seconds, result)
        default:
            throw BenchError.badMeta
        }
    }

    enum BenchError: Error { case badMeta, shortFile(String) }

    static func doubles(_ dir: URL, _ file: String, _ count: Int) throws -> [Double] {
        let data = try Data(contentsOf: dir.appendingPathComponent(file))
        guard data.count == count * 8 else { throw BenchError.shortFile(file) }
        return data.withUnsafeBytes { raw in (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) } }
    }

    static func codes(_ dir: URL, _ file: String, _ count: Int, name: String) throws -> FixedEffect {
        let data = try Data(contentsOf: dir.appendingPathComponent(file))
        guard data.count == count * 4 else { throw BenchError.shortFile(file) }
        let values: [Int] = data.withUnsafeBytes { raw in (0..<count).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) } }
        return FixedEffect(name: name, integerLabels: values)
    }


    static func emit(_ task: String, _ n: Int, _ seconds: Double, _ r: RegressionResult?) {
        guard let r else { return }
        let coef = r.coefficients.map { "\"\($0.term)\": \($0.estimate)" }.joined(separator: ", ")
        let se = r.coefficients.map { "\"\($0.term)\": \($0.standardError)" }.joined(separator: ", ")
        print("{\"task\": \"\(task)\", \"n\": \(n), \"seconds\": \(seconds), \"iterations\": \(r.iterations), \"coef\": {\(coef)}, \"se\": {\(se)}, \"kernel\": \"\(BLASRuntime.coreName)\", \"threads\": \(BLASRuntime.threadCount)}")
    }
}
