#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One source CSV file read for an importer: the columns it needs are checked first (a missing
/// one is `ImportError.missingColumn`, not a crash), then the file is read with those columns'
/// types declared, so a stray text value in a count column is a `CSVError.notANumber` naming
/// the line and column. `GravityImporter` also wraps other importers' output tables in one (with
/// the source's name as `path`), for the same typed accessors and errors.
struct SourceFile {
    /// The path as given (error messages use it).
    let path: String
    /// The last path component (report labels use it).
    let name: String
    /// The whole file; the declared columns have the declared types.
    let table: Table

    /// Reads `path` once, requiring `columns` (name, type) in the header. `source` and
    /// `expected` word the error when the file is absent.
    static func read(
        _ path: String, source: String, expected: String, columns: [(String, ColumnType)]
    ) throws(ImportError) -> SourceFile {
        var options = CSVReadOptions()
        for (name, type) in columns { options.columnTypes[name] = type }
        let table: Table
        do {
            table = try CSVReader.readTable(path: path, options: options)
        } catch {
            switch error {
            case .cannotOpen:
                throw .missingSourceFile(path: path, source: source, expected: expected)
            case .unknownDeclaredColumn(_, _, let header):
                // The reader checks the header before any row: name the first missing column in
                // the order the importer asked for them.
                for (name, _) in columns where !header.contains(name) {
                    throw .missingColumn(file: path, column: name, header: header)
                }
                throw .csv(error)
            default:
                throw .csv(error)
            }
        }
        return SourceFile(path: path, name: SourcePath.lastComponent(of: path), table: table)
    }

    var rowCount: Int { table.rowCount }

    /// A declared `.int` column's cells.
    func ints(_ column: String) throws(ImportError) -> [Int?] {
        let found = try typed(column)
        guard case .int(let values) = found else {
            throw .table(.typeMismatch(column: column, expected: .int, found: found.type), while: "reading \(name)")
        }
        return Array(values)
    }

    /// A declared `.double` column's cells (an `.int` column is converted).
    func doubles(_ column: String) throws(ImportError) -> [Double?] {
        let found = try typed(column)
        guard let values = found.doubles() else {
            throw .table(.typeMismatch(column: column, expected: .double, found: found.type), while: "reading \(name)")
        }
        return values
    }

    /// A declared `.string` column's cells.
    func strings(_ column: String) throws(ImportError) -> StringCells {
        let found = try typed(column)
        guard case .string(let values) = found else {
            throw .table(.typeMismatch(column: column, expected: .string, found: found.type), while: "reading \(name)")
        }
        return values
    }

    /// A string key that must be present: throws `invalidValue` for an empty cell.
    func requiredString(_ values: StringCells, row: Int, column: String) throws(ImportError) -> String {
        guard let value = values[row], !value.isEmpty else {
            throw .invalidValue(file: path, row: row + 1, column: column, value: "", reason: "is empty — every row needs this key")
        }
        return value
    }

    /// An integer key that must be present: throws `invalidValue` for an empty cell.
    func requiredInt(_ values: [Int?], row: Int, column: String) throws(ImportError) -> Int {
        guard let value = values[row] else {
            throw .invalidValue(file: path, row: row + 1, column: column, value: "", reason: "is empty — every row needs this key")
        }
        return value
    }

    private func typed(_ column: String) throws(ImportError) -> Column {
        guard let found = table[column] else {
            throw .missingColumn(file: path, column: column, header: table.columnNames)
        }
        return found
    }
}

/// Paths of source files: an importer accepts the source's folder or the file itself.
enum SourcePath {
    /// `path/fileName` when `path` is a folder, else `path` itself.
    static func file(_ path: String, defaultName fileName: String) -> String {
        isDirectory(path) ? joined(path, fileName) : path
    }

    /// `folder/name`, with one slash between them.
    static func joined(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The text after the last slash.
    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Whether `path` names an existing folder.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Whether `code` looks like a country key: three characters, each A–Z or 0–9 (ISO 3166
/// alpha-3, or the documented non-ISO keys such as `AB9`, `XXA`, `UNK`).
func isCountryKeyShaped(_ code: String) -> Bool {
    let bytes = Array(code.utf8)
    return bytes.count == 3 && bytes.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
}

/// A year range for an importer's `years` parameter, in words (`1990–2025`).
func describeYears(_ years: ClosedRange<Int>) -> String {
    "\(years.lowerBound)–\(years.upperBound)"
}

/// A table from named columns of equal length; a failure (which would be a bug) is
/// `ImportError.table`.
func assembleTable(_ columns: [(String, Column)], while operation: String) throws(ImportError) -> Table {
    do {
        return try Table(columns.map { (name: $0.0, column: $0.1) })
    } catch {
        throw .table(error, while: operation)
    }
}
