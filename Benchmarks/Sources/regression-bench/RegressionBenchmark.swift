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
        let data = try BenchmarkData(usage: "regression-bench --data DIR [--repeats N]")
        let meta = data.meta, repeats = data.repeats, task = data.task
        guard let n = meta["n"] as? Int else { throw BenchmarkData.Failure.badMeta }
        switch task {
        case "ppml":
            let names = (meta["names"] as? [String]) ?? ["ldist", "contig"]
            let flow = try data.doubles("flow.f64", n)
            let xs = try names.map { try data.doubles("\($0).f64", n) }
            let oy = try codes(data, "orig_year.i32", n, name: "orig_year")
            let dy = try codes(data, "dest_year.i32", n, name: "dest_year")
            let pair = try codes(data, "pair.i32", n, name: "pair")
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
            let y = try data.doubles("y.f64", n)
            let all = try data.doubles("X.f64", n * p)
            let xs = (0..<p).map { Array(all[($0 * n)..<(($0 + 1) * n)]) }
            var result: RegressionResult? = nil
            let seconds = try bestTime(repeats) {
                result = try LinearModel.fit(response: y, regressors: xs, names: names, variance: .hc1, correction: .statsmodels)
            }
            emit(task, n, seconds, result)
        default:
            throw BenchmarkData.Failure.badMeta
        }
    }

    static func codes(_ data: BenchmarkData, _ file: String, _ count: Int, name: String) throws -> FixedEffect {
        FixedEffect(name: name, integerLabels: try data.ints(file, count))
    }

    static func emit(_ task: String, _ n: Int, _ seconds: Double, _ r: RegressionResult?) {
        guard let r else { return }
        let coef = r.coefficients.map { "\"\($0.term)\": \($0.estimate)" }.joined(separator: ", ")
        let se = r.coefficients.map { "\"\($0.term)\": \($0.standardError)" }.joined(separator: ", ")
        print("{\"task\": \"\(task)\", \"n\": \(n), \"seconds\": \(seconds), \"iterations\": \(r.iterations), \"coef\": {\(coef)}, \"se\": {\(se)}, \"kernel\": \"\(BLASRuntime.coreName)\", \"threads\": \(BLASRuntime.threadCount)}")
    }
}
