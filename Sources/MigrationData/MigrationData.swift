// MigrationData: CSV reading and writing, column tables, importers for the public sources.
//
// CSV:    CSVReader (+ CSVReadOptions, CSVRecord), CSVWriter (+ CSVWriteOptions), CSVError,
//         CSVLocation. Internals: CSVTokenizer (RFC 4180 scanner), CSVReadBuffer (chunked file
//         window), ColumnBuilder (typed columns with inference), NumberParsing, UTF8Validation,
//         StringInterner, MissingTokens, EscapeScratch, CSVEncoder, Platform (POSIX calls).
// Tables: Table (+Row, +Join, +GroupBy with Aggregation, +Pivot, +Matrix), Column, ColumnType,
//         CellValue, TableError.
import Linalg
