/// How `CSVWriter` formats a table.
///
/// **Numbers.** Integers are written in decimal. Doubles are written with Swift's
/// `Double.description`, the shortest text that reads back to the same double (`0.1`,
/// `0.30000000000000004`, `5e-324`, `1.7976931348623157e+308`, `-0.0`). A double with an
/// integer value keeps its `.0` by default (`3.0`), so reading the file back infers `.double`
/// again and a `.double` column does not come back as `.int`; set `integralDoublesAsIntegers`
/// to write `3` instead (smaller files, friendlier to people; `-0.0` keeps its `.0`, and values
/// of magnitude 2^53 or more keep the exponent form).
///
/// **Non-finite doubles.** NaN and ±infinity are not numbers a CSV reader can agree on, so by
/// default they are an error (`CSVError.nonFiniteValue`, naming the line and column); store
/// `nil` for "missing" instead. `.tokens(nan:positiveInfinity:negativeInfinity:)` writes markers
/// instead; `.standardTokens` writes `NaN`, `Inf`, `-Inf`, which `CSVReader` reads back as missing
/// (NaN is a default missing token) and ±infinity.
///
/// **Missing and empty.** A missing cell is an empty field. An empty *string* is written `""`
/// so that it reads back as an empty string, not as missing.
///
/// **Formula injection (OWASP "CSV injection").** A spreadsheet treats a cell that starts with
/// `=`, `+`, `-` or `@` (and, in some programs, a tab or carriage return) as a formula, so a
/// label such as `=HYPERLINK(...)` or `-cmd|...` read from hostile input would run when the file
/// is opened. With `neutraliseFormulas` (the default) every *text* cell — a `.string` column's
/// values and every header cell — that starts with one of those characters is written with a
/// leading apostrophe (`'=HYPERLINK(...)`, `'-cmd|...`), which spreadsheets show as text; a text
/// cell that is a plain signed decimal number (`-1.5`, `+2e3`) is a number to a spreadsheet, not
/// a formula, and is left as it is. Numbers in
/// `.int` and `.double` columns (e.g. `-1.5`) and non-finite tokens are never changed. Reading
/// the file back gives the text with the apostrophe; turn the option off for exact round trips
/// of text that starts with those characters.
///
/// **Spreadsheets.** `CSVWriteOptions.spreadsheet` adds a UTF-8 byte-order mark and CRLF line
/// ends, which Excel on Windows needs to open UTF-8 text (country names such as "Côte d'Ivoire"
/// or "Türkiye") without garbling it.
public struct CSVWriteOptions: Sendable, Equatable {
    /// The bytes that end each record.
    public enum LineEnding: String, Sendable, Equatable {
        /// `\n`, the Unix convention (the default).
        case lf
        /// `\r\n`, RFC 4180's and Windows' convention.
        case crlf
    }

    /// What to do with NaN and infinite doubles.
    public enum NonFiniteDoubles: Sendable, Equatable {
        /// Throw `CSVError.nonFiniteValue` (the default).
        case reject
        /// Write these markers (quoted if they contain special characters).
        case tokens(nan: String, positiveInfinity: String, negativeInfinity: String)

        /// `NaN`, `Inf`, `-Inf`.
        public static let standardTokens = NonFiniteDoubles.tokens(nan: "NaN", positiveInfinity: "Inf", negativeInfinity: "-Inf")
    }

    /// The field separator, one ASCII byte other than `"`, CR or LF. Default `,`.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var lineEnding: LineEnding = .lf
    /// Start the file with the UTF-8 byte-order mark EF BB BF.
    public var byteOrderMark = false
    public var nonFiniteDoubles: NonFiniteDoubles = .reject
    /// Write integer-valued doubles without `.0` (see the type's documentation).
    public var integralDoublesAsIntegers = false
    /// Prefix `'` to text cells (and header cells) starting with `=`, `+`, `-`, `@`, tab or CR
    /// (see the type's documentation). Default true.
    public var neutraliseFormulas = true

    /// LF line ends, no byte-order mark, `,` delimiter, non-finite doubles rejected, `3.0` kept,
    /// formula-like text neutralised.
    public init() {}

    /// For spreadsheet users on Windows: UTF-8 byte-order mark and CRLF line ends.
    public static var spreadsheet: CSVWriteOptions {
        var options = CSVWriteOptions()
        options.byteOrderMark = true
        options.lineEnding = .crlf
        return options
    }

    func validate() throws(CSVError) {
        if delimiter == UInt8(ascii: "\"") || delimiter == UInt8(ascii: "\n") || delimiter == UInt8(ascii: "\r") || delimiter >= 0x80 {
            throw .invalidOptions("the delimiter must be an ASCII byte other than a double quote, CR or LF — use , ; or a tab")
        }
    }
}
