import CXLSXWriter
import Foundation

/// Errors of `XLSXWriter` and `TableFileFormat`.
public enum XLSXError: Error, CustomStringConvertible, Equatable {
    /// `--format` is not one of csv, csv-excel, xlsx.
    case unknownFormat(String)
    /// A sheet name is empty, longer than 31 characters, repeated, or holds one of `[]:*?/\`.
    case invalidSheetName(String, reason: String)
    /// A table does not fit a worksheet (1,048,576 rows including the header, 16,384 columns),
    /// or a text cell is longer than Excel's 32,767 characters.
    case tooLarge(sheet: String, reason: String)
    /// The workbook could not be written (the destination, or libxlsxwriter's own error).
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .unknownFormat(let f):
            return "unknown format '\(f)' — use csv, csv-excel (UTF-8 with a byte-order mark and CRLF, for Excel) or xlsx (one workbook)"
        case let .invalidSheetName(name, reason): return "sheet name '\(name)': \(reason)"
        case let .tooLarge(sheet, reason): return "sheet '\(sheet)': \(reason) — write CSV instead (--format csv)"
        case let .cannotWrite(file, reason): return "\(file): \(reason)"
        }
    }
}

/// Writes tables as one Excel 2007+ (.xlsx) workbook with libxlsxwriter (a system library, like
/// OpenBLAS: Debian `libxlsxwriter-dev`).
///
///     try XLSXWriter.write([("World", world), ("projections", table)], to: "reports/workbook.xlsx")
///
/// **Cells.** One sheet per table, in the order given: the header row in bold, frozen, with an
/// autofilter; `.int` and `.double` columns as numbers (never text, so sums and charts work);
/// `.string` columns as text (a text cell is never a formula in a workbook, so no apostrophe is
/// added); missing values, NaN and ±infinity as empty cells.
///
/// **Atomicity.** The destination is checked before anything is built (`AtomicFile`: a folder, a
/// link, a device or an unwritable folder is refused, naming the path). libxlsxwriter writes the
/// workbook into a private temporary folder, whose bytes then go through the `AtomicFile`
/// (renamed over the destination in one step, keeping a replaced file's permissions): on any
/// error no file, and no partial file, appears at the destination.
public enum XLSXWriter {
    /// Excel's limits (ECMA-376; Excel specifications and limits).
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384
    public static let maxTextLength = 32_767

    /// Checks a sheet name against Excel's rules.
    public static func validateSheetName(_ name: String) throws(XLSXError) {
        if name.isEmpty { throw .invalidSheetName(name, reason: "is empty") }
        if name.count > 31 { throw .invalidSheetName(name, reason: "is longer than 31 characters") }
        if let bad = name.first(where: { "[]:*?/\\".contains($0) }) {
            throw .invalidSheetName(name, reason: "holds '\(bad)', which Excel does not allow")
        }
        if name.hasPrefix("'") || name.hasSuffix("'") { throw .invalidSheetName(name, reason: "starts or ends with an apostrophe") }
    }

    /// A valid, unique sheet name from a file name: "summary_wide.csv" → "summary_wide",
    /// cut to 31 characters, Excel's forbidden characters replaced by `_`.
    public static func sheetName(forFile file: String, taken: Set<String> = []) -> String {
        var stem = (file as NSString).lastPathComponent
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = String(stem[..<dot]) }
        stem = String(stem.map { "[]:*?/\\".contains($0) ? "_" : $0 }).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        if stem.isEmpty { stem = "Sheet" }
        var name = String(stem.prefix(31))
        var k = 2
        while taken.contains(where: { $0.lowercased() == name.lowercased() }) {
            let suffix = "_\(k)"
            name = String(stem.prefix(31 - suffix.count)) + suffix
            k += 1
        }
        return name
    }

    /// The number a text cell spells, if it is a plain finite decimal number (`-1.5`, `2693`,
    /// `3.2e-07`; not `NaN`, `inf`, `0x1F`, ` 12` or an empty cell).
    public static func plainNumber(_ text: String) -> Double? {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".") || (first >= 48 && first <= 57),
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
              let v = Double(text), v.isFinite else { return nil }
        return v
    }

    /// Writes `sheets` as one workbook at `path` (see the type). Throws `XLSXError` or
    /// `CSVError.cannotWrite` (a refused destination); nothing is left at `path` on error.
    ///
    /// `numericTextColumns`: text columns that mix numbers and words (the `value` of a
    /// `statistic, value` table: "2693", "lifecycle"); their cells that are plain numbers
    /// (`plainNumber(_:)`) are stored as numbers, the others as text.
    public static func write(_ sheets: [(name: String, table: Table)], to path: String, numericTextColumns: Set<String> = []) throws {
        // Validate everything before the first byte.
        if path == "-" { throw XLSXError.cannotWrite(file: path, reason: "a workbook cannot be written to standard output — name a .xlsx file") }
        var seen: Set<String> = []
        for (name, table) in sheets {
            try validateSheetName(name)
            guard seen.insert(name.lowercased()).inserted else { throw XLSXError.invalidSheetName(name, reason: "is used twice (sheet names ignore case)") }
            if table.rowCount + 1 > maxRows { throw XLSXError.tooLarge(sheet: name, reason: "\(table.rowCount) rows exceed Excel's \(maxRows - 1) data rows") }
            if table.columnCount > maxColumns { throw XLSXError.tooLarge(sheet: name, reason: "\(table.columnCount) columns exceed Excel's \(maxColumns)") }
        }
        if sheets.isEmpty { throw XLSXError.cannotWrite(file: path, reason: "no table to write") }
        // The destination first: refused paths and unwritable folders fail before any work.
        let destination = try AtomicFile(path: path)
        var finished = false
        defer { if !finished { destination.cancel() } }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-xlsx-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let slot = TemporaryFileRegistry.register(scratch.path)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            TemporaryFileRegistry.unregister(slot)
        }
        let file = scratch.appendingPathComponent("workbook.xlsx").path
        try build(sheets, file: file, tmpdir: scratch.path, destination: path, numericTextColumns: numericTextColumns)
        guard let bytes = FileManager.default.contents(atPath: file) else {
            throw XLSXError.cannotWrite(file: path, reason: "libxlsxwriter produced no file")
        }
        try destination.write([UInt8](bytes))
        try destination.finish()
        finished = true
    }

    /// The workbook, written by libxlsxwriter to `file`.
    static func build(_ sheets: [(name: String, table: Table)], file: String, tmpdir: String, destination: String,
                      numericTextColumns: Set<String>) throws {
        var options = lxw_workbook_options()
        options.constant_memory = 1   // rows are written in order: memory stays flat for large tables
        options.use_zip64 = 1
        // The folder's C string lives as long as the workbook (libxlsxwriter may keep the pointer).
        let dir = strdup(tmpdir)
        defer { free(dir) }
        options.tmpdir = dir
        let workbook = workbook_new_opt(file, &options)
        guard let workbook else { throw XLSXError.cannotWrite(file: destination, reason: "libxlsxwriter could not start the workbook") }
        var closed = false
        defer { if !closed { _ = workbook_close(workbook) } }
        let bold = workbook_add_format(workbook)
        format_set_bold(bold)
        func check(_ error: lxw_error, _ sheet: String) throws {
            guard error == LXW_NO_ERROR else {
                throw XLSXError.cannotWrite(file: destination, reason: "sheet '\(sheet)': \(String(cString: lxw_strerror(error)))")
            }
        }
        for (name, table) in sheets {
            guard let sheet = workbook_add_worksheet(workbook, name) else {
                throw XLSXError.invalidSheetName(name, reason: "refused by libxlsxwriter")
            }
            let columns = table.columns
            let numericText = table.columnNames.map { numericTextColumns.contains($0) }
            // Column widths from the header and the first rows (constant-memory mode wants them
            // before the cells).
            for (c, header) in table.columnNames.enumerated() {
                var width = max(8, header.count + 2)
                if case .string(let values) = columns[c] {
                    for v in values.prefix(200) { width = max(width, min(60, (v?.count ?? 0) + 2)) }
                }
                try check(worksheet_set_column(sheet, lxw_col_t(c), lxw_col_t(c), Double(width), nil), name)
            }
            for (c, header) in table.columnNames.enumerated() {
                guard header.utf16.count <= maxTextLength else { throw XLSXError.tooLarge(sheet: name, reason: "a header is longer than \(maxTextLength) characters") }
                try check(worksheet_write_string(sheet, 0, lxw_col_t(c), header, bold), name)
            }
            for r in 0..<table.rowCount {
                let row = lxw_row_t(r + 1)
                for (c, column) in columns.enumerated() {
                    switch column {
                    case .int(let v):
                        if let x = v[r] { try check(worksheet_write_number(sheet, row, lxw_col_t(c), Double(x), nil), name) }
                    case .double(let v):
                        if let x = v[r], x.isFinite { try check(worksheet_write_number(sheet, row, lxw_col_t(c), x, nil), name) }
                    case .string(let v):
                        if let x = v[r] {
                            guard x.utf16.count <= maxTextLength else {
                                throw XLSXError.tooLarge(sheet: name, reason: "row \(r + 1), column '\(table.columnNames[c])' holds more than \(maxTextLength) characters")
                            }
                            if numericText[c], let number = plainNumber(x) {
                                try check(worksheet_write_number(sheet, row, lxw_col_t(c), number, nil), name)
                            } else {
                                try check(worksheet_write_string(sheet, row, lxw_col_t(c), x, nil), name)
                            }
                        }
                    }
                }
            }
            worksheet_freeze_panes(sheet, 1, 0)
            if table.columnCount > 0 {
                try check(worksheet_autofilter(sheet, 0, 0, lxw_row_t(table.rowCount), lxw_col_t(table.columnCount - 1)), name)
            }
        }
        closed = true
        try check(workbook_close(workbook), "workbook")
    }
}
