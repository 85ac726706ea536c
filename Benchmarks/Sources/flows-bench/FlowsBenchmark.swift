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
        let args = CommandLine.arguments
        guard let i = args.firstIndex(of: "--data"), i + 1 < args.count else {
            FileHandle.standardError.write(Data("usage: flows-bench --data DIR [--repeats N] [--method balancing|glm]\n".utf8))
            exit(2)
        }
        let dir = URL(fileURLWithPath: args[i + 1])
        var repeats = 3
        if let r = args.firstIndex(of: "--repeats"), r + 1 < args.count, let v = Int(args[r + 1]), v > 0 { repeats = v }
        var method = SpatialInteractionMethod.balancingFactors
        if let m = args.firstIndex(of: "--method"), m + 1 < args.count, args[m + 1] == "glm" { method = .generalizedLinearModel }
        let metaData = try Data(contentsOf: dir.appendingPathComponent("meta.json"))
        guard let meta = try JSONSerialization.jsonObject(with: metaData) as? [String: Any], let task = meta["task"] as? String else {
            throw BenchError.badMeta
        }
        switch task {
        case "doubly":
            guard let n = meta["n"] as? Int, let rows = meta["rows"] as? Int else { throw BenchError.badMeta }
            let flow = try doubles(dir, "flow.f64", rows)
            let cost = try doubles(dir, "cost.f64", rows)
            let o = try ints(dir, "origin.i32", rows).map { "o\($0)" }
            let d = try ints(dir, "destination.i32", rows).map { "d\($0)" }
            let data = try OriginDestinationFlows(origins: o, destinations: d, flows: flow, costs: cost)
            var options = SpatialInteractionOptions()
            options.method = method
            var result: SpatialInteractionResult? = nil
            let seconds = try bestTime(repeats) {
                result = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly, costFunction: .exponential), options: options)
            }
            guard let r = result else { return }
            print("{\"task\": \"doubly\", \"n\": \(n), \"rows\": \(rows), \"seconds\": \(seconds), \"beta\": \(r.costParameter), \"pseudo_r2\": \(r.pseudoRSquared), \"srmse\": \(r.srmse), \"iterations\": \(r.iterations), \"method\": \"\(r.method.rawValue)\", \"kernel\": \"\(BLASRuntime.coreName)\", \"threads\": \(BLASRuntime.threadCount)}")
        case "ipf3":
            guard let shape = meta["shape"] as? [Int], shape.count == 3, let tol = meta["tolerance"] as? Double else { throw BenchError.badMeta }
            let seed = try ContingencyTable(shape: shape, values: try doubles(dir, "seed.f64", shape.reduce(1, *)))
            let m02 = try doubles(dir, "margin02.f64", shape[0] * shape[2])
            let m12 = try doubles(dir, "margin12.f64", shape[1] * shape[2])
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
            throw BenchError.badMeta
        }
    }

    enum BenchError: Error { case badMeta, shortFile(String) }

    static func doubles(_ dir: URL, _ file: String, _ count: Int) throws -> [Double] {
        let data = try Data(contentsOf: dir.appendingPathComponent(file))
        guard data.count == count * 8 else { throw BenchError.shortFile(file) }
        return data.withUnsafeBytes { raw in (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) } }
    }

    static func ints(_ dir: URL, _ file: String, _ count: Int) throws -> [Int] {
        let data = try Data(contentsOf: dir.appendingPathComponent(file))
        guard data.count == count * 4 else { throw BenchError.shortFile(file) }
        return data.withUnsafeBytes { raw in (0..<count).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) } }
    }

}
