import Foundation
import BenchmarkTiming
import MigrationKit

/// Times the Linalg operations of the foundation issue and prints one JSON object per line:
/// {"name": ..., "seconds": best wall time, "repeats": n, "gflops": ... (dgemm only)}.
/// Usage: linalg-bench [--repeats N] [--quick]
@main
struct LinalgBenchmark {
    static func main() throws {
        let args = CommandLine.arguments
        let repeats = BenchmarkData.repeats(default: 5)
        let quick = args.contains("--quick")
        var rng = SplitMix64(seed: 20261129)

        emit(["kernel": BLASRuntime.coreName, "threads": "\(BLASRuntime.threadCount)", "config": BLASRuntime.configuration])

        // dgemm n = 2000
        let n = quick ? 500 : 2000
        let a = try randomMatrix(n, n, &rng), b = try randomMatrix(n, n, &rng)
        var c = try Matrix(rows: n, cols: n)
        let tGemm = try bestTime(repeats) { try BLAS.gemm(1, a, .none, b, .none, 0, &c) }
        emit(["name": "dgemm", "n": "\(n)", "seconds": "\(tGemm)", "gflops": "\(2 * pow(Double(n), 3) / tGemm / 1e9)"])

        // least squares 1,000,000 × 20 (dgels, with its condition check and input copy)
        let m = quick ? 100_000 : 1_000_000, p = 20
        let x = try randomMatrix(m, p, &rng)
        let y = (0..<m).map { _ in rng.nextGaussian() }
        let tLs = try bestTime(repeats) { _ = try x.leastSquares(y, method: .qr) }
        emit(["name": "lstsq_qr", "m": "\(m)", "p": "\(p)", "seconds": "\(tLs)"])
        let tLsd = try bestTime(repeats) { _ = try x.leastSquares(y, method: .svd()) }
        emit(["name": "lstsq_svd", "m": "\(m)", "p": "\(p)", "seconds": "\(tLsd)"])

        // Cholesky solve n = 2000 (factor + solve one right-hand side)
        var spd = try randomMatrix(n, n, &rng).gram()
        for i in 0..<n { spd[i, i] += Double(n) }
        let rhs = (0..<n).map { _ in rng.nextGaussian() }
        let tChol = try bestTime(repeats) { _ = try spd.cholesky().solve(rhs) }
        emit(["name": "cholesky_solve", "n": "\(n)", "seconds": "\(tChol)"])
    }


    static func randomMatrix(_ r: Int, _ c: Int, _ rng: inout SplitMix64) throws -> Matrix {
        var values = [Double](repeating: 0, count: r * c)
        for k in 0..<values.count { values[k] = rng.nextGaussian() }
        return try Matrix(rows: r, cols: c, columnMajor: values)
    }

    static func emit(_ fields: [String: String]) {
        let body = fields.sorted { $0.key < $1.key }.map { k, v in
            Double(v) != nil ? "\"\(k)\": \(v)" : "\"\(k)\": \"\(v)\""
        }.joined(separator: ", ")
        print("{\(body)}")
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014) with Box–Muller normals: fast, deterministic data.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func nextGaussian() -> Double {
        let u1 = max(nextUniform(), 1e-300), u2 = nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
