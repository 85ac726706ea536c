import BenchmarkTiming
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
        var table = Table()
        let best = try bestTime(BenchmarkData.repeats(default: 5)) { table = try CSVReader.readTable(path: path) }
        let types = table.columnTypes.map(\.rawValue).joined(separator: ",")
        print("{\"rows\": \(table.rowCount), \"columns\": \(table.columnCount), \"seconds\": \(best), \"types\": \"\(types)\"}")
    }
}
