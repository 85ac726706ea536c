import BenchmarkTiming
import Foundation
import MigrationKit

/// Reads a CSV file into typed columns N times and prints one JSON line with the best time.
/// Usage: csv-bench FILE [--repeats N] [--threads T] [--columns a,b] [--read-size BYTES]
///   --repeats 0: read once without a warm-up (for whole-process timing by the caller).
@main
struct CSVBenchmark {
    static func main() throws {
        let args = CommandLine.arguments
        guard args.count >= 2 else {
            FileHandle.standardError.write(Data("usage: csv-bench FILE [--repeats N] [--threads T] [--columns a,b]\n".utf8))
            exit(2)
        }
        let path = args[1]
        var options = CSVReadOptions()
        if let threads = BenchmarkData.option("--threads").flatMap(Int.init) { options.threads = threads }
        if let size = BenchmarkData.option("--read-size").flatMap(Int.init) { options.readSize = size }
        if let columns = BenchmarkData.option("--columns") { options.columns = columns.split(separator: ",").map(String.init) }
        var table = Table()
        let seconds: Double
        if BenchmarkData.option("--repeats") == "0" {
            let start = DispatchTime.now().uptimeNanoseconds
            table = try CSVReader.readTable(path: path, options: options)
            seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } else {
            seconds = try bestTime(BenchmarkData.repeats(default: 5)) { table = try CSVReader.readTable(path: path, options: options) }
        }
        let types = table.columnTypes.map(\.rawValue).joined(separator: ",")
        print("{\"rows\": \(table.rowCount), \"columns\": \(table.columnCount), \"seconds\": \(seconds), \"threads\": \(options.threads), \"types\": \"\(types)\"}")
    }
}
