/// The derived tables shipped in the repository's `data/` folder: what each holds, where it
/// comes from, its licence and attribution, the years it covers and the exact command that
/// regenerates it from `../shared/data`.
///
/// Most files are the output of one importer (`DataSource.importTable`) written by `CSVWriter`
/// with default options, so regenerating it gives the same bytes; `Entry.derive(sharedData:)`
/// runs that import (the tests compare it with the shipped file). A few are compiled by hand
/// from published values (`Entry.compilation`, e.g. the climate responses): they have no
/// importer, and their loaders validate them instead. `data/README.md` documents the columns.
public enum DataCatalog {
    /// One shipped file.
    public struct Entry: Sendable, Hashable {
        /// The file name inside `data/`.
        public internal(set) var file: String
        /// What one row holds, in a sentence.
        public internal(set) var summary: String
        /// The importer that derives it; `nil` for a table compiled by hand (see `compilation`).
        public internal(set) var source: DataSource?
        /// For a table compiled by hand from published values: where they come from, the
        /// licence and the attribution; `nil` for an imported table.
        public internal(set) var compilation: Compilation?
        /// The years kept (`--years`); `nil` keeps all the source has.
        public internal(set) var years: ClosedRange<Int>?
        /// The WPP variants kept (`--variants`); `nil` keeps all.
        public internal(set) var variants: [WPPVariant]?
        /// The years the file covers, in words (with caveats such as a mid-year last year).
        public internal(set) var coverage: String

        /// The provenance of a hand-compiled table.
        public struct Compilation: Sendable, Hashable {
            /// What the values are and where they come from, in a few words.
            public internal(set) var title: String
            /// The table's licence.
            public internal(set) var licence: String
            /// The attribution to give wherever the table is used.
            public internal(set) var attribution: String
            /// The library function that reads and validates it.
            public internal(set) var validator: String
        }

        init(file: String, summary: String, source: DataSource, years: ClosedRange<Int>?,
             variants: [WPPVariant]? = nil, coverage: String) {
            self.file = file; self.summary = summary; self.source = source; self.compilation = nil
            self.years = years; self.variants = variants; self.coverage = coverage
        }

        init(file: String, summary: String, compilation: Compilation, coverage: String) {
            self.file = file; self.summary = summary; self.source = nil; self.compilation = compilation
            self.years = nil; self.variants = nil; self.coverage = coverage
        }

        /// What the source is, in a few words.
        public var title: String { source?.title ?? compilation?.title ?? "" }
        /// The source's licence.
        public var licence: String { source?.licence ?? compilation?.licence ?? "" }
        /// The attribution the source requires.
        public var attribution: String { source?.attribution ?? compilation?.attribution ?? "" }

        /// The command that regenerates the file, run from the repository root; for a table
        /// compiled by hand, how to change it.
        public var command: String {
            guard let source else {
                return "compiled by hand: edit data/\(file) (every row sourced), then check it with \(compilation?.validator ?? "its loader")"
            }
            let folder = source.sharedFolder.isEmpty ? "../shared/data" : "../shared/data/\(source.sharedFolder)"
            var parts = ["migkit data import", source.rawValue, "--from \(folder)"]
            if let years { parts.append("--years \(years.lowerBound)-\(years.upperBound)") }
            if let variants { parts.append("--variants \(variants.map(\.rawValue).joined(separator: ","))") }
            parts.append("-o data/\(file)")
            return parts.joined(separator: " ")
        }

        /// Runs the import that produced the file, from `sharedData` (the folder holding the
        /// source folders, `../shared/data`). Throws the importer's `ImportError`s, or
        /// `.invalidRequest` for a table compiled by hand (it has no importer).
        public func derive(sharedData: String) throws(ImportError) -> ImportResult {
            guard let source else {
                throw .invalidRequest("data/\(file) is compiled by hand from published values; it has no importer to rerun")
            }
            return try source.importTable(
                from: source.sharedFolder.isEmpty ? sharedData : SourcePath.joined(sharedData, source.sharedFolder), years: years,
                variants: variants.map(Set.init))
        }
    }

    /// The shipped files, in the order `migkit data list` prints them.
    public static let entries: [Entry] = [
        Entry(file: "displacement_panel.csv",
              summary: "Forcibly displaced stocks (refugees, asylum seekers, OIP, conflict IDPs, UNRWA refugees) and flows in and out of displacement, by origin country and year",
              source: .unhcr, years: 1990...2025,
              coverage: "1990–2025 (2025 is mid-year, is_midyear = 1)"),
        Entry(file: "population_wpp2024.csv",
              summary: "Population and net migration by country, year and variant (estimates; medium, low and high projections)",
              source: .wpp, years: 1990...2100, variants: [.estimate, .medium, .low, .high],
              coverage: "1990–2023 estimates, 2024–2100 projections"),
        Entry(file: "temperature_era5.csv",
              summary: "Annual temperature anomaly (°C vs 1991–2020) by country and year, and for the world (WLD)",
              source: .era5, years: nil,
              coverage: "1940–2024"),
        Entry(file: "ssp_warming_ar6.csv",
              summary: "Global warming above 1850–1900 (CMIP6 mean, 5th and 95th percentiles) by SSP scenario and year",
              source: .ssp, years: nil,
              coverage: "historical 1950–2014; SSP1-1.9, SSP1-2.6, SSP2-4.5, SSP3-7.0, SSP5-8.5 2015–2099"),
        Entry(file: "new_displacements_idmc.csv",
              summary: "New internal displacements by country, year and cause (conflict, or the disaster hazard and its group)",
              source: .idmc, years: nil,
              coverage: "2008–2023"),
        Entry(file: "idmc_idp_stocks_2024.csv",
              summary: "People living in internal displacement at the end of 2024 by country and cause (conflict, disaster), summed over sex and age",
              source: .idmcStocks, years: nil,
              coverage: "end of 2024"),
        Entry(file: "climate_response.csv",
              summary: "Relative change in displacement risk per °C of global warming, by disaster hazard and for conflict: central value and range from the literature, each row sourced",
              compilation: Entry.Compilation(
                title: "MigrationKit's own compilation of published values (Kam et al. 2021, Geiger et al. 2021, IPCC AR6 WGI, Mach et al. 2019, Burke et al. 2015, …)",
                licence: "CC BY 4.0 (our compilation; the cited values belong to their publications)",
                attribution: "MigrationKit climate-response table, compiled from the publications cited in each row",
                validator: "ClimateResponseTable.load(path:)"),
              coverage: "—"),
        Entry(file: "ar6_assessed_warming.csv",
              summary: "AR6 WGI assessed global surface temperature change above 1850–1900 (best estimate, very likely range) by SSP for 2021–2040, 2041–2060 and 2081–2100",
              compilation: Entry.Compilation(
                title: "IPCC AR6 WGI Summary for Policymakers, Table SPM.1, transcribed",
                licence: "IPCC material, reproduced with attribution for non-commercial use (IPCC copyright policy)",
                attribution: "IPCC (2021). Summary for Policymakers. In: Climate Change 2021: The Physical Science Basis, WGI contribution to AR6, Table SPM.1",
                validator: "AssessedWarming.load(path:)"),
              coverage: "2021–2040, 2041–2060, 2081–2100"),
        Entry(file: "migrant_stock_gravity_2020.csv",
              summary: "Bilateral migrant stocks (UN DESA, 2020) with CEPII distance, contiguity, common official language and colonial ties: a gravity model's data",
              source: .gravity, years: 2020...2020,
              coverage: "2020 (mid-year)"),
        Entry(file: "countries.csv",
              summary: "Country keys: ISO3, UNHCR code, name, kind, UNHCR region, UN region and subregion",
              source: .countries, years: nil,
              coverage: "—"),
    ]

    /// The entry for `file`, or `nil`.
    public static func entry(file: String) -> Entry? {
        entries.first { $0.file == file }
    }

    /// The catalog as a table (`file`, `source`, `coverage`, `licence`, `attribution`,
    /// `summary`, `command`), for `migkit data list --format csv`. Throws only
    /// `ImportError.table`, which would be a bug.
    public static func table() throws(ImportError) -> Table {
        try assembleTable([
            ("file", .string(entries.map(\.file))),
            ("source", .string(entries.map { $0.source?.rawValue ?? "compiled" })),
            ("coverage", .string(entries.map(\.coverage))),
            ("licence", .string(entries.map(\.licence))),
            ("attribution", .string(entries.map(\.attribution))),
            ("summary", .string(entries.map(\.summary))),
            ("command", .string(entries.map(\.command))),
        ], while: "building the data catalog table")
    }
}
