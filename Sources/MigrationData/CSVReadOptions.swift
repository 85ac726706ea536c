/// How `CSVReader` reads a file: delimiter, missing-value tokens, declared column types and
/// buffer sizes.
///
/// **Missing values.** An empty field is always missing, except that a *quoted* empty field
/// (`""`) in a `.string` column is the empty string (so writing and reading back keeps `""` and
/// missing apart). Numeric (`.int`, `.double`) columns also treat the `missingTokens` as missing;
/// `.string` columns treat only `stringMissingTokens` (none by default) as missing. The split
/// matters for real files: UNHCR's asylum tables use `NA` as a *code* in text columns
/// (`dec_level` and `app_type` = NA), and `NA` is Namibia's ISO 3166 alpha-2 code, so turning
/// `NA` into missing in text would lose data, while in a numeric column it can only mean missing.
/// Spaces and tabs around a number, or around a token in a numeric column, are ignored.
///
/// Default `missingTokens`: `NA`, `N/A`, `n/a`, `NaN`, `nan`, `-NaN`, `-nan`, `NULL`, `null`,
/// `None`, `#N/A`, `<NA>`, `-` and `..` (besides the empty field). These are pandas'
/// defaults, minus the rare `1.#IND`-style spellings, plus `-` (a dash for "not available" in
/// UNHCR and other statistical office tables) and `..` (World Bank and UN data portals). None of
/// them is a number, so the reader only compares against them when a field fails to parse, which
/// keeps the fast path fast. A token that *is* a number (e.g. a `-999` sentinel) also works; the
/// reader then checks the tokens before parsing each field.
///
/// **Types.** `columnTypes` declares types by header name; other columns are inferred (see
/// `ColumnType`). Declaring types is faster only marginally, but it makes a value of the wrong
/// kind an error with a location instead of a silent change of type.
public struct CSVReadOptions: Sendable, Equatable {
    /// The field separator, one ASCII byte other than `"`, CR or LF. Default `,`; use `;` for
    /// files from spreadsheets in locales with a decimal comma, or a tab.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Tokens that mean "missing" in numeric columns (the empty field always does).
    public var missingTokens: Set<String> = CSVReadOptions.defaultMissingTokens
    /// Tokens that mean "missing" in string columns (the unquoted empty field always does).
    public var stringMissingTokens: Set<String> = []
    /// Declared column types, by header name. Every name must be in the header.
    public var columnTypes: [String: ColumnType] = [:]
    /// The columns to read, by header name (`nil`: all). The table holds only these, in file
    /// order; the other fields are still split off and counted (every record must have as many
    /// fields as the header), but not parsed, validated or stored — like pandas' `usecols`.
    /// Every name must be in the header.
    public var columns: [String]? = nil
    /// Parse a large file on this many threads (default: up to 2, one per processor): the read
    /// window is split at a record boundary outside quotes and the halves are parsed at once.
    /// Results and errors are the same as with 1. Only `readTable`/`readAll` use it.
    public var threads: Int = CSVReadOptions.defaultThreads
    /// Bytes requested from the file per `read` call (default 1 MiB); the buffer holds this much
    /// plus the unfinished record (twice that when `readTable` reads on two threads: the next
    /// window is read while the current one is parsed). At least 1.
    public var readSize: Int = 1 << 20
    /// The longest single record accepted (default 256 MiB); longer ones throw
    /// `CSVError.recordTooLong` instead of growing the buffer until memory runs out.
    public var maximumRecordBytes: Int = 1 << 28

    /// The default numeric missing-value tokens (see the type's documentation).
    public static let defaultMissingTokens: Set<String> = [
        "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None", "#N/A", "<NA>",
        "-", "..",
    ]

    /// Up to 2 threads, one per active processor.
    public static let defaultThreads: Int = Swift.max(1, Swift.min(2, POSIX.activeProcessorCount))

    /// Options with every default.
    public init() {}

    /// Options with the given column types and the other defaults.
    public init(columnTypes: [String: ColumnType]) {
        self.columnTypes = columnTypes
    }

    /// Throws `CSVError.invalidOptions` when the options cannot work.
    func validate() throws(CSVError) {
        if delimiter == UInt8(ascii: "\"") || delimiter == UInt8(ascii: "\n") || delimiter == UInt8(ascii: "\r") {
            throw .invalidOptions("the delimiter cannot be a double quote, CR or LF — use , ; or a tab")
        }
        if delimiter >= 0x80 {
            throw .invalidOptions("the delimiter must be an ASCII byte — use , ; or a tab")
        }
        if readSize < 1 {
            throw .invalidOptions("readSize must be at least 1 — the default is 1 MiB (1 << 20)")
        }
        if threads < 1 {
            throw .invalidOptions("threads must be at least 1 — the default is \(CSVReadOptions.defaultThreads)")
        }
        if maximumRecordBytes < 1 {
            throw .invalidOptions("maximumRecordBytes must be at least 1 — the default is 256 MiB (1 << 28)")
        }
    }
}
