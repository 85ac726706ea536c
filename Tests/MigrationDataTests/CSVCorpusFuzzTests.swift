import Foundation
import Testing
@testable import MigrationData

/// Corpus-driven mutation fuzzing of the CSV reader and writer (issue 15). The seeds in
/// `Tests/Fixtures/fuzz/csv` are hostile files from the attack; each is mutated deterministically
/// (byte flips, insertions of special bytes, deletions, duplicated slices and splices with another
/// seed). For every input the reader must return a table or throw a `CSVError` — a trap would
/// crash the test process — and whatever it reads must write back out (formula-like text
/// neutralised) and read again without a trap, with no text cell starting a formula.
@Suite("CSV corpus fuzz")
struct CSVCorpusFuzzTests {
    static let corpusFolder = TestPaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/fuzz/csv")

    /// Inputs thrown at the reader per run: seeds × mutations.
    static let mutationsPerSeed = 1_000

    static func seeds() throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpusFolder.path).filter { $0.hasSuffix(".csv") }.sorted()
        return try names.map { Array(try Data(contentsOf: corpusFolder.appendingPathComponent($0))) }
    }

    static let specialBytes: [UInt8] = [0x2C, 0x22, 0x0A, 0x0D, 0x00, 0x3D, 0x40, 0x2D, 0x2B, 0x09, 0xFF, 0xC3, 0xEF, 0x30, 0x2E, 0x65]

    /// One deterministic mutation of `seed` (up to four edits).
    static func mutate(_ seed: [UInt8], other: [UInt8], _ generator: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0..<(1 + Int(generator.next() % 4)) {
            let position = bytes.isEmpty ? 0 : Int(generator.next() % UInt64(bytes.count + 1))
            switch generator.next() % 6 {
            case 0 where !bytes.isEmpty && position < bytes.count:
                bytes[position] ^= UInt8(truncatingIfNeeded: 1 << (generator.next() % 8))
            case 1:
                bytes.insert(specialBytes[Int(generator.next() % UInt64(specialBytes.count))], at: position)
            case 2 where position < bytes.count:
                let end = min(bytes.count, position + 1 + Int(generator.next() % 8))
                bytes.removeSubrange(position..<end)
            case 3 where position < bytes.count:
                let end = min(bytes.count, position + 1 + Int(generator.next() % 16))
                bytes.insert(contentsOf: Array(bytes[position..<end]), at: position)
            case 4 where !other.isEmpty:
                let cut = Int(generator.next() % UInt64(other.count))
                bytes = Array(bytes[..<position]) + Array(other[cut...])
            default:
                bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
            }
        }
        return bytes
    }

    @Test("mutated hostile seeds: read returns or throws, and what is read writes back safely")
    func mutatedCorpus() throws {
        let seeds = try Self.seeds()
        #expect(seeds.count >= 10)
        var generator = SplitMix64(seed: 15)
        var inputs = 0, tables = 0
        for (k, seed) in seeds.enumerated() {
            let other = seeds[(k + 1) % seeds.count]
            for index in 0..<Self.mutationsPerSeed {
                let bytes = index == 0 ? seed : Self.mutate(seed, other: other, &generator)
                inputs += 1
                guard let table = try? CSVReader.readTable(bytes: bytes) else { continue }
                tables += 1
                var options = CSVWriteOptions()
                options.nonFiniteDoubles = .standardTokens
                let written = try CSVWriter.encode(table, options: options)
                let back = try CSVReader.readTable(bytes: written, options: CSVReadOptions(columnTypes: Dictionary(
                    uniqueKeysWithValues: back0Names(table).map { ($0, ColumnType.string) })))
                #expect(back.rowCount == table.rowCount)
                // Cells written from text (string columns) never start a formula; numbers in
                // numeric columns (e.g. -1.0) are written as they are.
                for (original, column) in zip(table.columns, back.columns) {
                    guard case .string = original, case .string(let values) = column else { continue }
                    for value in values.compactMap({ $0 }) {
                        #expect(!CSVEncoder.looksLikeFormula(value), "formula-like cell \(value) from seed \(k) mutation \(index)")
                    }
                }
            }
        }
        #expect(inputs == seeds.count * Self.mutationsPerSeed)
        #expect(tables > inputs / 10, "too few mutations were readable to exercise the writer")
    }

    /// The header as written (neutralised names), to declare every column as text.
    func back0Names(_ table: Table) -> [String] {
        table.columnNames.map { CSVEncoder.looksLikeFormula($0) ? "'" + $0 : $0 }
    }
}
