/// One record of a CSV file as text, from `CSVReader.nextRecord()`.
///
/// `fields` hold each field's text with the enclosing quotes removed and `""` collapsed to `"`;
/// no missing-value rules apply (an empty field is `""`, `NA` is `"NA"`). Use
/// `CSVReader.nextChunk(maxRows:)` for typed columns.
public struct CSVRecord: Sendable, Hashable {
    /// The 1-based line on which the record starts.
    public internal(set) var line: Int
    /// The fields, as many as the header has columns.
    public internal(set) var fields: [String]

    package init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}
