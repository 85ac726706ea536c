import Foundation
import MigrationKit

/// Times the multiregional cohort-component projection (block form) on the size —
/// 200 regions × 101 single-year ages × 2 sexes × 50 annual steps — with synthetic rates
/// (deterministic), and prints one JSON line: {"task", "regions", "ages", "sexes", "steps",
/// "seconds" (best wall time of the projection, rates built outside the timing),
/// "peak_rss_mib" (VmHWM from /proc/self/status, for the whole process), "final_total"}.
/// Target (issue): under 1 s, memory O(regions² + regions·ages·sexes).
/// Usage: cohort-bench [--regions R] [--ages A] [--steps T] [--repeats N]
@main
struct CohortBenchmark {
    static func main() throws {
        let args = CommandLine.arguments
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]), v > 0 else { return fallback }
            return v
        }
        let regions = option("--regions", 200), ages = option("--ages", 101), steps = option("--steps", 50)
        let repeats = option("--repeats", 3)
        let layout = try PopulationLayout(regions: (0..<regions).map { "region\($0)" }, ageGroups: ages, ageWidth: 1)
        let r = regions, n = layout.count
        // Deterministic synthetic rates: a smooth mortality curve, fertility at ages 15–49,
        // a Rogers–Castro-like migration age profile, destination shares decaying with index distance.
        var survival = [Double](repeating: 0, count: n), out = [Double](repeating: 0, count: n)
        for s in 0..<2 {
            for a in 0..<ages {
                let q = min(0.5, 0.0005 + 0.00003 * exp(0.09 * Double(a)) * (s == 1 ? 1.3 : 1))
                let m = 0.005 + 0.04 * exp(-0.1 * Double(a)) + 0.06 * exp(-0.5 * abs(Double(a) - 23) / 5)
                for i in 0..<r {
                    let k = layout.index(region: i, age: a, sex: s)
                    survival[k] = 1 - q * (1 + 0.1 * Double(i % 7) / 7)
                    out[k] = min(0.5, m * (1 + 0.2 * Double(i % 5) / 5))
                }
            }
        }
        var fertility = [Double](repeating: 0, count: r * ages)
        for a in 15..<min(50, ages) { for i in 0..<r { fertility[i + r * a] = 0.06 * exp(-pow((Double(a) - 29) / 7, 2)) * (1 + 0.3 * Double(i % 3) / 3) } }
        var shares = try Matrix(rows: r, cols: r)
        for i in 0..<r {
            var total = 0.0
            for j in 0..<r where j != i { let w = 1 / (1 + Double(abs(i - j))); shares[i, j] = w; total += w }
            for j in 0..<r where j != i { shares[i, j] /= total }
        }
        let rates = try CohortComponentRates(layout: layout, survival: survival, fertility: fertility,
                                             birthSurvival: [Double](repeating: 0.995, count: r * 2),
                                             outmigration: out, destinationShares: shares)
        var values = [Double](repeating: 0, count: n)
        for k in 0..<n { values[k] = 1000 + Double(k % 97) }
        let initial = try RegionalPopulation(layout: layout, values: values)
        var result: CohortProjectionResult? = nil
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            result = try CohortComponentProjection.project(initial: initial, steps: steps, rates: { _ in rates })
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let json: [String: Any] = [
            "task": "cohort-component projection (block)", "regions": regions, "ages": ages, "sexes": 2, "steps": steps,
            "seconds": best, "peak_rss_mib": peakResidentMiB(), "final_total": result?.final.total ?? 0,
            "max_migration_imbalance": result?.maximumMigrationImbalance ?? 0,
        ]
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// VmHWM (peak resident set size) from /proc/self/status, in MiB; −1 when unavailable.
    static func peakResidentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kib = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
            return kib / 1024
        }
        return -1
    }
}
