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
    /// The stock by type (their sum is `stock`): cross-border = refugees + asylum seekers + other
    /// people in need of international protection (UNHCR); conflict IDPs (IDMC, as published by
    /// UNHCR; country detail from 2009); UNRWA refugees (origin PSE). A component absent in a
    /// year is not reported there (not zero).
    public var crossBorder = CountryYearSeries()
    public var conflictIDPs = CountryYearSeries()
    public var unrwa = CountryYearSeries()
    /// The components of the cross-border stock, kept apart so that a category that starts or
    /// stops being reported (OIP from 2018/2022) is seen as a series break (`SeriesBreaks`).
    public var refugees = CountryYearSeries()
    public var asylumSeekers = CountryYearSeries()
    public var otherInNeed = CountryYearSeries()
    /// New conflict displacements (IDMC GIDD flows) by origin and year.
    public var conflictIDPFlows = CountryYearSeries()
    /// The same components at mid-year (is_midyear = 1), for the jump-off.
    public var midyearCrossBorder = CountryYearSeries()
    public var midyearConflictIDPs = CountryYearSeries()
    public var midyearUNRWA = CountryYearSeries()
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

extension DisplacementHistory {
    /// An origin's stock by type at the projection's start: the mid-year figures of `base + 1`
    /// where UNHCR published a mid-year stock for the origin (a type absent there is 0), else the
    /// end-of-`base` figures. `midyear` says which (the first projected year is then half a step).
    public func jumpOff(_ origin: String, base: Int) -> (crossBorder: Double, conflictIDPs: Double, unrwa: Double, midyear: Bool) {
        if midyearStock[origin, base + 1] != nil {
            return (midyearCrossBorder[origin, base + 1] ?? 0, midyearConflictIDPs[origin, base + 1] ?? 0, midyearUNRWA[origin, base + 1] ?? 0, true)
        }
        return (crossBorder[origin, base] ?? 0, conflictIDPs[origin, base] ?? 0, unrwa[origin, base] ?? 0, false)
    }
}
