import Foundation
import MigrationKit

/// Reads a CSV file into typed columns N times and prints one JSON line with the best time.
/// Usage: csv-bench FILE [--repeats N]
@main
struct CSVBenchmark {
    static func main() throws {
        let args = CommandLine.arguments
        guard args.count >= 2 else {
            FileHandle.standardError.write(Data("usage: csv-bench FILE [--repeats N]\n".utf8))
            exit(2)
        }
        let path = args[1]
        var repeats = 5
        if let i = args.firstIndex(of: "--repeats"), i + 1 < args.count, let r = Int(args[i + 1]), r > 0 { repeats = r }
        var table = try CSVReader.readTable(path: path)   // warm-up (page cache)
        var best = Double.infinity
        for _ in 0..<repeats {
            let s = DispatchTime.now().uptimeNanoseconds
            table = try CSVReader.readTable(path: path)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - s) / 1e9)
        }
        let types = table.columnTypes.map(\.rawValue).joined(separator: ",")
        print("{\"rows\": \(table.rowCount), \"columns\": \(table.columnCount), \"seconds\": \(best), \"types\": \"\(types)\"}")
    }
}
