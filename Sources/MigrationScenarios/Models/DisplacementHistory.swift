/// The observed history the projection models are fitted on, per origin country and year.
///
/// - `stock`: D, the forcibly displaced from the country: refugees + asylum seekers + other people
///   in need of international protection (abroad) + conflict IDPs (IDMC) + UNRWA refugees.
/// - `newDisplacement`: N, flows into displacement: refugee arrivals + new asylum applications +
///   OIP flows (UNHCR) + new conflict internal displacements (IDMC GIDD).
/// - `exits`: X, flows out: returned refugees + returned IDPs + resettlement + naturalisation.
/// - `disaster`: new disaster displacements by hazard group (IDMC GIDD).
/// - `population` (thousands, WPP 2024 estimates and variants), `temperatureAnomaly` (°C vs
///   1991–2020, ERA5), `globalAnomaly` (ERA5 world, same baseline).
/// - `regions`: ISO3 → (UNHCR region, UN region) for aggregation; `names`: ISO3 → name.
public struct DisplacementHistory: Sendable {
    public var stock = CountryYearSeries()
    /// D at mid-year (30 June) where UNHCR has published it for a year after the last end-year
    /// figures (is_midyear = 1 in the panel): the projection starts from it (see ProjectionEngine).
    public var midyearStock = CountryYearSeries()
    public var newDisplacement = CountryYearSeries()
    public var exits = CountryYearSeries()
    public var disaster: [String: CountryYearSeries] = [:]
    public var temperatureAnomaly = CountryYearSeries()
    public var globalAnomaly: [Int: Double] = [:]
    public var regions: [String: (unhcr: String, un: String)] = [:]
    public var names: [String: String] = [:]
    /// Last year with complete (end-year) displacement data: the jump-off of projections.
    public var lastObservedYear: Int = 2024
    public init() {}
}
