import Foundation
import BenchmarkTiming
import MigrationKit

/// Times MigrationKit's flow models on data written by Benchmarks/flows/compare.py as raw
/// little-endian files, and prints one JSON line per task:
/// - task "doubly": doubly constrained, exponential-cost spatial interaction fit on an n × n
///   origin–destination matrix (files flow.f64, cost.f64, origin.i32, destination.i32);
///   {"task", "n", "rows", "seconds" (best wall time), "beta", "pseudo_r2", "iterations", "method"}.
/// - task "ipf3": 3-D IPF of a seed (seed.f64, row-major shape from meta.json) to the margins
///   over axes (0, 2) and (1, 2) (margin02.f64, margin12.f64) to a maximum relative deviation of
///   meta.json's "tolerance"; {"task", "shape", "seconds", "iterations", "deviation", "checksum"}.
/// Usage: flows-bench --data DIR [--repeats N] [--method balancing|glm]
@main
struct FlowsBenchmark {
    static func main() throws {
        let data = try BenchmarkData(usage: "flows-bench --data DIR [--repeats N] [--method balancing|glm]")
        let meta = data.meta, repeats = data.repeats
        let method: SpatialInteractionMethod = BenchmarkData.option("--method") == "glm" ? .generalizedLinearModel : .balancingFactors
        switch data.task {
        case "doubly":
            guard let n = meta["n"] as? Int, let rows = meta["rows"] as? Int else { throw BenchmarkData.Failure.badMeta }
            let flow = try data.doubles("flow.f64", rows)
            let cost = try data.doubles("cost.f64", rows)
            let o = try data.ints("origin.i32", rows).map { "o\($0)" }
            let d = try data.ints("destination.i32", rows).map { "d\($0)" }
            let od = try OriginDestinationFlows(origins: o, destinations: d, flows: flow, costs: cost)
            var options = SpatialInteractionOptions()
            options.method = method
            var result: SpatialInteractionResult? = nil
            let seconds = try bestTime(repeats) {
                result = try SpatialInteractionModel.fit(od, SpatialInteractionSpecification(constraint: .doubly, costFunction: .exponential), options: options)
            }
            guard let r = result else { return }
            print("{\"task\": \"doubly\", \"n\": \(n), \"rows\": \(rows), \"seconds\": \(seconds), \"beta\": \(r.costParameter), \"pseudo_r2\": \(r.pseudoRSquared), \"srmse\": \(r.srmse), \"iterations\": \(r.iterations), \"method\": \"\(r.method.rawValue)\", \"kernel\": \"\(BLASRuntime.coreName)\", \"threads\": \(BLASRuntime.threadCount)}")
        case "ipf3":
            guard let shape = meta["shape"] as? [Int], shape.count == 3, let tol = meta["tolerance"] as? Double else { throw BenchmarkData.Failure.badMeta }
            let seed = try ContingencyTable(shape: shape, values: try data.doubles("seed.f64", shape.reduce(1, *)))
            let m02 = try data.doubles("margin02.f64", shape[0] * shape[2])
            let m12 = try data.doubles("margin12.f64", shape[1] * shape[2])
            var options = IPFOptions()
            options.tolerance = tol
            options.maxIterations = 100_000
            var result: IPFResult? = nil
            let seconds = try bestTime(repeats) {
                result = try IterativeProportionalFitting.fit(seed: seed, margins: [TableMargin(axes: [0, 2], totals: m02), TableMargin(axes: [1, 2], totals: m12)], options: options)
            }
            guard let r = result else { return }
            let checksum = r.fitted.values.enumerated().reduce(0.0) { $0 + Double($1.offset % 7) * $1.element }
            print("{\"task\": \"ipf3\", \"shape\": \(shape), \"seconds\": \(seconds), \"iterations\": \(r.iterations), \"deviation\": \(r.maxRelativeDeviation), \"checksum\": \(checksum)}")
        default:
            throw BenchmarkData.Failure.badMeta
        }
    }
}
