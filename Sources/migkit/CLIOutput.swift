import Foundation
import MigrationKit

/// Writing tables from the CLI: atomic files, or standard output for "-".
///
/// Rules every command follows through these helpers:
/// - **Compute first, then write.** A command builds every table it will write, then calls
///   `write(_:inputs:)` once: each table goes to its own temporary file, and only when all were
///   written completely are they renamed into place, so a failure (a refused path, a full disk)
///   leaves none of the new files.
/// - **Paths are checked before anything is written.** An output may not be one of the command's
///   inputs (`-o` equal to `--data` would destroy the data) or another output of the same run
///   (`--stats` equal to `-o`), compared after resolving links and `.`/`..`, and by file
///   identity when the file exists. The writer itself refuses folders, links and special files.
/// - **Missing values.** NaN and ±infinity in double columns are written as empty cells (the
///   missing value) rather than stopping the command halfway.
enum CLIOutput {
    /// Writes one table (see the type's rules). `inputs`: the files the command read.
    static func write(_ table: Table, to path: String, inputs: [String] = []) throws {
        try write([(table, path)], inputs: inputs)
    }

    /// Writes every table to its path, all or nothing as far as the file system allows (see the
    /// type's rules); `inputs` are the files the command read.
    ///
    /// `format`: `.csv` and `.csvExcel` write each table to its path (`.csvExcel` with a UTF-8
    /// byte-order mark and CRLF line ends); `.xlsx` writes one workbook instead, at `workbook`
    /// (default: the first path with the extension `.xlsx`), one sheet per table named after its
    /// file (`returns_fit.csv` → sheet `returns_fit`). Returns the files written.
    @discardableResult
    static func write(_ outputs: [(table: Table, path: String)], inputs: [String] = [], format: TableFileFormat = .csv,
                      workbook: String? = nil) throws -> [String] {
        if format == .xlsx {
            guard let first = outputs.first else { return [] }
            let path = workbook ?? xlsxPath(for: first.path)
            if path == "-" {
                throw CLIError.message("--format xlsx writes a workbook file, not standard output — name it with -o FILE.xlsx. Nothing was written.")
            }
            try checkPaths([path], inputs: inputs)
            var taken: Set<String> = []
            var sheets: [(name: String, table: Table)] = []
            for (table, p) in outputs {
                let name = XLSXWriter.sheetName(forFile: p, taken: taken)
                taken.insert(name)
                sheets.append((name, table))
            }
            // `statistic, value` tables (fit statistics) mix numbers and words in `value`.
            do { try XLSXWriter.write(sheets, to: path, numericTextColumns: ["value"]) } catch { throw CLIError.message("\(error). Nothing was written.") }
            return [path]
        }
        try checkPaths(outputs.map(\.path), inputs: inputs)
        var writers: [CSVWriter] = []
        do {
            for (table, path) in outputs {
                let writer = try CSVWriter(path: path, columnNames: table.columnNames, options: format.csvOptions)
                writers.append(writer)
                try writer.write(missingForNonFinite(table))
            }
            // Standard output has no temporary file; finish files first so that a failure there
            // cannot follow text already printed.
            for writer in writers where writer.path != "-" { try writer.finish() }
            for writer in writers where writer.path == "-" { try writer.finish() }
            return outputs.map(\.path)
        } catch {
            for writer in writers { writer.cancel() }
            throw CLIError.message("\(error)")   // CSVError descriptions start with the file
        }
    }

    /// Refuses an output equal to an input or to another output ("-" is standard output and may
    /// repeat).
    static func checkPaths(_ outputs: [String], inputs: [String]) throws {
        let files = outputs.filter { $0 != "-" && $0 != "none" }
        for (k, path) in files.enumerated() {
            for input in inputs where input != "-" && samePath(path, input) {
                throw CLIError.message("\(path): this output is also an input of the command (\(input)) — writing it would destroy the data; choose another output file. Nothing was written.")
            }
            for other in files[..<k] where samePath(path, other) {
                throw CLIError.message("\(path): two outputs of the command would be written to this file (\(other) and \(path)) — give each output its own file. Nothing was written.")
            }
        }
    }

    /// Whether `a` and `b` name the same file: the same existing file (device and inode), or the
    /// same path after resolving links, `.` and `..`.
    static func samePath(_ a: String, _ b: String) -> Bool {
        func canonical(_ p: String) -> String {
            URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path
        }
        let ca = canonical(a), cb = canonical(b)
        if ca == cb { return true }
        // Hard links and other spellings of one existing file: compare device and inode of the
        // link targets (`lstat` does not follow links, so compare canonical paths; the same
        // fields as FileManager's `attributesOfItem`, without its dictionary and casts).
        func identity(_ p: String) -> (UInt64, UInt64)? {
            var st = stat()
            guard lstat(p, &st) == 0 else { return nil }
            return (UInt64(st.st_dev), UInt64(st.st_ino))
        }
        if let ia = identity(ca), let ib = identity(cb) { return ia == ib }
        return false
    }

    /// The table with NaN and ±infinity in double columns replaced by missing cells.
    static func missingForNonFinite(_ table: Table) throws -> Table {
        guard table.columns.contains(where: { if case .double(let v) = $0 { return v.contains { $0.map { !$0.isFinite } ?? false } }; return false }) else {
            return table
        }
        let columns: [(name: String, column: Column)] = zip(table.columnNames, table.columns).map { name, column in
            if case .double(let v) = column { return (name, .double(v.map { $0.flatMap { $0.isFinite ? $0 : nil } })) }
            return (name, column)
        }
        return try Table(columns)
    }

    /// "dir/coef.csv" → "dir/coef.xlsx" (a path without an extension gains ".xlsx").
    static func xlsxPath(for path: String) -> String {
        guard path != "-" else { return path }
        let url = URL(fileURLWithPath: path)
        if url.pathExtension.lowercased() == "xlsx" { return path }
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "\(stem).xlsx" : (folder as NSString).appendingPathComponent("\(stem).xlsx")
    }

    /// "dir/coef.csv" → "dir/coef_fit.csv".
    static func sibling(of path: String, suffix: String) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "csv" : url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent("\(stem)\(suffix).\(ext)").path
    }
}
