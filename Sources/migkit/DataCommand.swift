import ArgumentParser
import Foundation
import MigrationKit

/// `migkit data`: the shipped data tables and the importers that derive them.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "List the shipped data tables, or import a public source into a canonical table.",
        discussion: """
            The data/ folder holds compact tables derived from public sources (UNHCR, IDMC, UN WPP, \
            ERA5, IPCC AR6); `migkit data list` shows them with their licences and the command that \
            regenerates each. `migkit data import` turns a source folder into a canonical CSV table \
            keyed by ISO 3166 alpha-3.

            Examples:
              migkit data list
              migkit data import unhcr --from ../shared/data/unhcr \\
                --years 1990-2025 -o data/displacement_panel.csv
            """,
        subcommands: [DataList.self, DataImport.self]
    )
}

/// `migkit data list`: the files in data/, with source, licence, years and derivation command.
struct DataList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the shipped data tables: source, licence, attribution, years, and how to regenerate each.",
        discussion: """
            Prints one block per file of data/ (text), or one row per file (--format csv). With \
            --data-dir, each file's size is shown, or "missing" when it is absent.

            Examples:
              migkit data list
              migkit data list --format csv > catalog.csv
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv }

    @Option(name: .long, help: ArgumentHelp("Output format: text or csv.", valueName: "format"))
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("The data folder whose files to check (sizes in the text output; default: $MIGKIT_DATA, else data/ in the current folder).", valueName: "dir"))
    var dataDir: String?

    func run() throws {
        // Listing works without data (files are then reported missing): no error when none is found.
        let dataDir = dataDir ?? ((try? DataDirectory.resolve(nil))?.path ?? "data")
        switch format {
        case .csv:
            let table: Table
            do { table = try DataCatalog.table() } catch { throw CLIError.message("\(error)") }
            try CLIOutput.write(table, to: "-")
        case .text:
            var out = ""
            for entry in DataCatalog.entries {
                let path = URL(fileURLWithPath: dataDir).appendingPathComponent(entry.file).path
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).flatMap { $0 }
                out += "\(entry.file)  (\(size.map(DataList.formatSize) ?? "missing in \(dataDir)/"))\n"
                out += "  \(entry.summary)\n"
                out += "  years:       \(entry.coverage)\n"
                out += "  source:      \(entry.title)\n"
                out += "  licence:     \(entry.licence)\n"
                out += "  attribution: \(entry.attribution)\n"
                out += "  derived by:  \(entry.command)\n\n"
            }
            print(out, terminator: "")
        }
    }

    /// 12,345 bytes → "12.3 kB".
    static func formatSize(_ bytes: Int) -> String {
        if bytes < 1_000 { return "\(bytes) B" }
        if bytes < 1_000_000 { return String(format: "%.1f kB", Double(bytes) / 1_000) }
        return String(format: "%.2f MB", Double(bytes) / 1_000_000)
    }
}

/// `migkit data import SOURCE --from PATH -o FILE`: runs one importer and writes its table.
struct DataImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a public source (unhcr, idmc, idmc-stocks, wpp, era5, ssp, cepii, undesa, countries, gravity) into a canonical CSV table.",
        discussion: """
            --from names the source's folder in ../shared/data (for one-file sources the \
            file itself also works):
              unhcr      unhcr                         origin × year displacement panel
              idmc       idmc-displacement             country × year × cause
              idmc-stocks idmc-displacement            country × year × cause (IDP stocks)
              wpp        population-wpp2024            country × year × variant
              era5       climate-country-temperature   country × year
              ssp        ssp-temperature-pathways      scenario × year
              cepii      gravity-geodist               origin × destination
              undesa     migrant-stock-undesa          origin × destination × year
              countries  unhcr                         ISO3, UNHCR code, regions
              gravity    (the data root itself)        origin × destination, one year: UN DESA
                                                       stocks with CEPII distances (--years Y-Y)

            The table is written atomically ('-' for standard output); a summary of the rows read, \
            the explicit Unknown/Various/stateless keys kept and the rows left out goes to standard \
            error. The columns are documented in data/README.md and on each importer.

            Examples:
              migkit data import unhcr --from ../shared/data/unhcr \\
                --years 1990-2025 -o data/displacement_panel.csv
              migkit data import wpp --from ../shared/data/population-wpp2024 \\
                --years 1990-2100 --variants estimate,medium,low,high \\
                -o data/population_wpp2024.csv
              migkit data import era5 --from ../shared/data/climate-country-temperature -o -
            """
    )

    @Argument(help: ArgumentHelp("The source: \(DataSource.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "source"))
    var source: String

    @Option(name: .long, help: ArgumentHelp("The source folder (or, for one-file sources, the file).", valueName: "path"))
    var from: String

    @Option(name: [.short, .long], help: ArgumentHelp("The output CSV ('-' for standard output).", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Keep only these years: FROM-TO or one year (not for cepii, countries).", valueName: "range"))
    var years: String?

    @Option(name: .long, help: ArgumentHelp("wpp only: the variants to keep, comma-separated (\(WPPVariant.allCases.map(\.rawValue).joined(separator: ", "))); default all.", valueName: "list"))
    var variants: String?

    @Flag(name: .long, help: "Do not print the import summary on standard error.")
    var quiet = false

    func validate() throws {
        let parsed = try DataImport.parseSource(source)
        if let years {
            _ = try DataImport.parseYears(years)
            guard parsed.hasYears else { throw ValidationError("--years does not apply to the \(parsed) source (it has no years).") }
        }
        if let variants {
            guard parsed == .wpp else { throw ValidationError("--variants applies only to the wpp source.") }
            _ = try DataImport.parseVariants(variants)
        }
        guard !from.isEmpty else { throw ValidationError("--from needs a path.") }
        guard !output.isEmpty else { throw ValidationError("-o/--output needs a file name, or '-' for standard output.") }
    }

    static func parseSource(_ text: String) throws -> DataSource {
        guard let source = DataSource(rawValue: text.lowercased()) else {
            throw ValidationError("unknown source '\(text)'; choose one of \(DataSource.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return source
    }

    /// "1990-2025" → 1990...2025; "2024" → 2024...2024.
    static func parseYears(_ text: String) throws -> ClosedRange<Int> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...2).contains(parts.count), let first = Int(parts[0]), let last = Int(parts[parts.count - 1]) else {
            throw ValidationError("--years must be FROM-TO (e.g. 1990-2025) or one year, got '\(text)'.")
        }
        guard first <= last else { throw ValidationError("--years \(text): the first year is after the last.") }
        return first...last
    }

    static func parseVariants(_ text: String) throws -> Set<WPPVariant> {
        var variants: Set<WPPVariant> = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let variant = WPPVariant(rawValue: name) else {
                throw ValidationError("unknown WPP variant '\(name)'; choose from \(WPPVariant.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            variants.insert(variant)
        }
        guard !variants.isEmpty else { throw ValidationError("--variants needs at least one variant.") }
        return variants
    }

    func run() throws {
        let dataSource = try DataImport.parseSource(source)
        let yearRange = try years.map(DataImport.parseYears)
        let variantSet = try variants.map(DataImport.parseVariants)
        let result: ImportResult
        do {
            result = try dataSource.importTable(from: from, years: yearRange, variants: variantSet)
        } catch {
            throw CLIError.message("\(error)")
        }
        try CLIOutput.write(result.table, to: output, inputs: [from])
        if !quiet {
            FileHandle.standardError.write(Data("\(result.report)\n".utf8))
        }
    }
}
