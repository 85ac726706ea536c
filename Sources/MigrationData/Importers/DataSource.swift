/// The public sources MigrationKit imports, each with its importer, licence and attribution.
///
/// | source | importer | shared folder |
/// |---|---|---|
/// | `unhcr` | `UNHCRImporter.displacementPanel` | `unhcr` |
/// | `idmc` | `IDMCImporter.newDisplacements` | `idmc-displacement` |
/// | `idmc-stocks` | `IDMCStockImporter.idpStocks` | `idmc-displacement` |
/// | `wpp` | `WPPImporter.populationAndMigration` | `population-wpp2024` |
/// | `era5` | `ERA5Importer.temperatureAnomalies` | `climate-country-temperature` |
/// | `ssp` | `SSPImporter.warmingPathways` | `ssp-temperature-pathways` |
/// | `cepii` | `CEPIIImporter.distances` | `gravity-geodist` |
/// | `undesa` | `UNDESAImporter.migrantStocks` | `migrant-stock-undesa` |
/// | `countries` | `CountryRegistry.importTable` | `unhcr` (its `countries.csv`) |
/// | `gravity` | `GravityImporter.migrantStockGravity` | the shared data root (reads `migrant-stock-undesa` and `gravity-geodist`) |
public enum DataSource: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case unhcr, idmc, idmcStocks = "idmc-stocks", wpp, era5, ssp, cepii, undesa, countries, gravity

    /// The name `migkit data import` takes.
    public var description: String { rawValue }

    /// The folder under `../shared/data` that holds the source's files.
    public var sharedFolder: String {
        switch self {
        case .unhcr, .countries: return "unhcr"
        case .idmc, .idmcStocks: return "idmc-displacement"
        case .wpp: return "population-wpp2024"
        case .era5: return "climate-country-temperature"
        case .ssp: return "ssp-temperature-pathways"
        case .cepii: return "gravity-geodist"
        case .undesa: return "migrant-stock-undesa"
        case .gravity: return ""
        }
    }

    /// What the source is, in a few words.
    public var title: String {
        switch self {
        case .unhcr: return "UNHCR Refugee Population Statistics Database (refugees package 2025.12.1)"
        case .countries: return "UNHCR country codes and regions (countries.csv of the refugees package)"
        case .idmc: return "IDMC Global Internal Displacement Database, new displacements by cause"
        case .idmcStocks: return "IDMC Global Internal Displacement Database, IDP stocks at the end of 2024 by cause"
        case .wpp: return "UN DESA World Population Prospects 2024"
        case .era5: return "ERA5 country temperature anomalies, via Our World in Data"
        case .ssp: return "IPCC AR6 WG1 Figure SPM.8a SSP global warming pathways"
        case .cepii: return "CEPII GeoDist bilateral distances"
        case .undesa: return "UN DESA International Migrant Stock 2024, bilateral"
        case .gravity: return "UN DESA International Migrant Stock 2024 (bilateral) with CEPII GeoDist distances"
        }
    }

    /// The licence of the source data.
    public var licence: String {
        switch self {
        case .unhcr, .countries: return "CC BY 4.0"
        case .idmc, .idmcStocks: return "IDMC terms of use (reuse and adaptation with acknowledgement, in line with CC BY 3.0 IGO)"
        case .wpp, .undesa: return "CC BY 3.0 IGO"
        case .era5: return "CC BY 4.0 (Our World in Data); Copernicus/ECMWF licence upstream (free reuse with attribution)"
        case .ssp: return "CC BY 4.0"
        case .cepii: return "Licence Ouverte / Open Licence 2.0 (Etalab)"
        case .gravity: return "CC BY 3.0 IGO (UN DESA) and Licence Ouverte / Open Licence 2.0 (CEPII)"
        }
    }

    /// The attribution the source requires wherever its numbers are used or shipped.
    public var attribution: String {
        switch self {
        case .unhcr, .countries:
            return "UNHCR Refugee Population Statistics Database, https://www.unhcr.org/refugee-statistics/ (CC BY 4.0)"
        case .idmc, .idmcStocks:
            return "Internal Displacement Monitoring Centre (IDMC), GIDD"
        case .wpp:
            return "United Nations, Department of Economic and Social Affairs, Population Division (2024). World Population Prospects 2024."
        case .era5:
            return "Contains modified Copernicus Climate Change Service information (ERA5); processed by Our World in Data (CC BY 4.0)"
        case .ssp:
            return "Fyfe, J.; Fox-Kemper, B.; Kopp, R.; Garner, G. (2021): Summary for Policymakers of the Working Group I Contribution to the IPCC Sixth Assessment Report – data for Figure SPM.8 (v20210809). NERC EDS Centre for Environmental Data Analysis (CC BY 4.0)"
        case .cepii:
            return "CEPII GeoDist (Mayer & Zignago 2011)"
        case .undesa:
            return "United Nations Department of Economic and Social Affairs, Population Division (2024). International Migrant Stock 2024."
        case .gravity:
            return "United Nations Department of Economic and Social Affairs, Population Division (2024). International Migrant Stock 2024; CEPII GeoDist (Mayer & Zignago 2011)"
        }
    }

    /// Whether the source has years to filter (`--years`); CEPII and the country list do not.
    public var hasYears: Bool { self != .cepii && self != .countries }

    /// Runs the source's importer on `path` (the source folder, or the file for one-file
    /// sources).
    ///
    /// - Parameters:
    ///   - path: the source folder, or the file for one-file sources.
    ///   - years: keep only these years; must be `nil` for `cepii` and `countries`.
    ///   - variants: WPP variants to keep; must be `nil` for the other sources.
    /// - Throws: the importer's `ImportError`s, or `.invalidRequest` for a parameter the source
    ///   does not take.
    public func importTable(
        from path: String, years: ClosedRange<Int>? = nil, variants: Set<WPPVariant>? = nil
    ) throws(ImportError) -> ImportResult {
        if years != nil && !hasYears {
            throw .invalidRequest("the \(rawValue) source has no years to select — leave out the year range")
        }
        if variants != nil && self != .wpp {
            throw .invalidRequest("only the wpp source has variants — leave them out for \(rawValue)")
        }
        switch self {
        case .unhcr: return try UNHCRImporter.displacementPanel(from: path, years: years)
        case .idmc: return try IDMCImporter.newDisplacements(from: path, years: years)
        case .idmcStocks: return try IDMCStockImporter.idpStocks(from: path, years: years)
        case .wpp: return try WPPImporter.populationAndMigration(from: path, years: years, variants: variants)
        case .era5: return try ERA5Importer.temperatureAnomalies(from: path, years: years)
        case .ssp: return try SSPImporter.warmingPathways(from: path, years: years)
        case .cepii: return try CEPIIImporter.distances(from: path)
        case .undesa: return try UNDESAImporter.migrantStocks(from: path, years: years)
        case .countries: return try CountryRegistry.importTable(from: path)
        case .gravity:
            guard let years, years.lowerBound == years.upperBound else {
                throw .invalidRequest("the gravity source takes one year — pass --years 2020-2020 (UN DESA years: 1990, 1995, …, 2020, 2024)")
            }
            return try GravityImporter.migrantStockGravity(from: path, year: years.lowerBound)
        }
    }
}
