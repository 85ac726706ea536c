import Foundation

/// The data a benchmark reads from the folder a compare.py wrote: `--data DIR [--repeats N]` on the
/// command line, `DIR/meta.json` (with at least a "task"), and raw little-endian columns
/// (`*.f64` doubles, `*.i32` 32-bit integers).
public struct BenchmarkData {
    public enum Failure: Error { case badMeta, shortFile(String) }

    public let directory: URL
    /// `--repeats N` (default 3): timed runs after the warm-up.
    public let repeats: Int
    public let meta: [String: Any]
    public let task: String

    /// Reads the arguments and meta.json; prints `usage` and exits with status 2 when `--data`
    /// is missing.
    public init(usage: String) throws {
        let args = CommandLine.arguments
        guard let i = args.firstIndex(of: "--data"), i + 1 < args.count else {
            FileHandle.standardError.write(Data("usage: \(usage)\n".utf8))
            exit(2)
        }
        directory = URL(fileURLWithPath: args[i + 1])
        repeats = Self.repeats(default: 3)
        let metaData = try Data(contentsOf: directory.appendingPathComponent("meta.json"))
        guard let meta = try JSONSerialization.jsonObject(with: metaData) as? [String: Any], let task = meta["task"] as? String else {
            throw Failure.badMeta
        }
        self.meta = meta
        self.task = task
    }

    /// The value of `--name VALUE`, if given.
    public static func option(_ name: String) -> String? {
        let args = CommandLine.arguments
        guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    /// `--repeats N` when N is a positive integer, else `d`.
    public static func repeats(default d: Int) -> Int {
        guard let text = option("--repeats"), let n = Int(text), n > 0 else { return d }
        return n
    }

    /// `count` little-endian doubles from `file`.
    public func doubles(_ file: String, _ count: Int) throws -> [Double] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        guard data.count == count * 8 else { throw Failure.shortFile(file) }
        return data.withUnsafeBytes { raw in (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) } }
    }

    /// `count` little-endian 32-bit integers from `file`.
    public func ints(_ file: String, _ count: Int) throws -> [Int] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        guard data.count == count * 4 else { throw Failure.shortFile(file) }
        return data.withUnsafeBytes { raw in (0..<count).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) } }
    }
}
