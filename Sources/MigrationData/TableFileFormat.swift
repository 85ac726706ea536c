/// How a command writes its tables (`--format` of `migkit project`, `fit` and `backtest`).
///
/// - `csv`: RFC 4180 UTF-8 CSV with LF line ends (the default; what scripts and pandas read).
/// - `csvExcel`: the same CSV with a UTF-8 byte-order mark and CRLF line ends
///   (`CSVWriteOptions.spreadsheet`), so that Excel on Windows opens "Türkiye" as Türkiye, not
///   "TÃ¼rkiye".
/// - `xlsx`: one Excel 2007+ workbook with a sheet per table (`XLSXWriter`): typed numbers,
///   a frozen header row and an autofilter.
public enum TableFileFormat: String, Sendable, CaseIterable {
    case csv
    case csvExcel = "csv-excel"
    case xlsx

    /// The CSV writing options of the two CSV formats (`xlsx` writes no CSV of its own).
    public var csvOptions: CSVWriteOptions {
        self == .csvExcel ? .spreadsheet : CSVWriteOptions()
    }

    /// Parses `--format`; throws `XLSXError.unknownFormat` naming the accepted values.
    public static func parse(_ text: String) throws(XLSXError) -> TableFileFormat {
        guard let format = TableFileFormat(rawValue: text) else { throw .unknownFormat(text) }
        return format
    }
}
