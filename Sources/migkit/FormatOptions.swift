import ArgumentParser
import MigrationKit

extension TableFileFormat: ExpressibleByArgument {}

/// `--format csv | csv-excel | xlsx` of the commands that write tables (`project`, `fit`,
/// `backtest`). An unknown value is refused by the parser, before any work, naming the three.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("""
        Output format: csv (RFC 4180, UTF-8), csv-excel (the same with a UTF-8 byte-order mark and \
        CRLF, for Excel) or xlsx (one workbook, a sheet per table, typed numbers).
        """, valueName: "format"))
    var format: TableFileFormat = .csv
}
