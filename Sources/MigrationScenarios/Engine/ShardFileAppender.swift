import Foundation
import MigrationData

/// A shard writer: a `DrawCollector` that writes `shard.bin` (exact mode `ShardWriter`, sketch
/// mode `ShardSketchWriter`).
package protocol ShardBinaryWriter: DrawCollector {
    /// The run's layout, once the engine has begun.
    var layout: DrawLayout? { get }
    /// Writes the index and trailer and renames the file into place; returns the trailer hash.
    func finish() throws -> UInt64
    /// Removes the temporary file (after an error).
    func cancel()
}

/// The file side of a shard writer (`ShardWriter`, `ShardSketchWriter`): appends checksummed
/// chunks to `shard.bin` under a lock as the engine's workers produce them, remembers the first
/// write error, and on `finish` writes the index and trailer (`ShardFile.indexAndTrailer`) and
/// renames the file into place (`AtomicFile`: the shard appears whole or not at all). The bytes
/// go out in 8 MiB blocks through direct I/O where the file system allows it
/// (`DirectFileWriter`).
final class ShardFileAppender: @unchecked Sendable {
    let path: String
    private let file: AtomicFile
    private let writer: DirectFileWriter
    private let mode: UInt32
    private let lock = NSLock()
    private var offset = UInt64(ShardFile.preambleSize)
    private var entries: [ShardFile.Entry] = []
    private var failure: Error?
    private var layout: DrawLayout?

    /// Opens the temporary file and writes the preamble of `mode` (0 exact, 1 sketch).
    init(path: String, mode: UInt32) throws {
        self.path = path
        self.mode = mode
        file = try AtomicFile(path: path)
        writer = DirectFileWriter(descriptor: file.packageDescriptor, path: path)
        do {
            try writer.write(ShardFile.preamble(mode: mode))
        } catch {
            file.cancel()
            throw error
        }
    }

    /// The run's layout (set once by the engine's `begin`).
    var currentLayout: DrawLayout? {
        get { lock.lock(); defer { lock.unlock() }; return layout }
        set { lock.lock(); layout = newValue; lock.unlock() }
    }

    /// Appends one chunk (after an earlier write error: nothing).
    func append(_ bytes: [UInt8], kind: ShardFile.Kind, scenario: Int, item: Int, block: Int = 0) {
        let h = ShardChecksum.hash(bytes)
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        do {
            try writer.write(bytes)
            entries.append(ShardFile.Entry(kind: kind, scenario: scenario, item: item, block: block, offset: offset,
                                           length: UInt64(bytes.count), hash: h))
            offset += UInt64(bytes.count)
        } catch {
            failure = error
        }
    }

    /// Writes the index and trailer and renames the file into place; returns the trailer hash
    /// (which the shard manifest records). Throws the first write error of the run.
    func finish() throws -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        if let failure { file.cancel(); throw failure }
        guard let layout else { throw ShardError(file: path, message: "the engine produced no values") }
        let tail = try ShardFile.indexAndTrailer(entries, end: offset, mode: mode, layout: layout)
        do {
            try writer.write(tail.bytes)
            try writer.finish()
        } catch {
            file.cancel()
            throw error
        }
        try file.finish()
        return tail.hash
    }

    /// Removes the temporary file (after an error).
    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        file.cancel()
    }
}
