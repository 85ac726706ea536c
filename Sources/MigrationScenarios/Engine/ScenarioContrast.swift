/// One cell of a scenario contrast: the scenario minus the reference scenario, computed draw by
/// draw on paired draws (every scenario of a run shares each draw's random numbers, so the
/// difference isolates what the scenario changes), summarised by its 5 %, 50 % and 95 %
/// quantiles and the share of draws in which the difference is positive.
///
/// A 90 % interval [p05, p95] that contains zero means the run cannot tell the scenario from the
/// reference in that cell.
public struct ScenarioContrast: Sendable, Equatable {
    /// The scenario contrasted.
    public let scenario: String
    /// The reference scenario (the run's `reference =`, else its first scenario).
    public let reference: String
    /// World, UNHCR region, UN region or country (the `geography_level` column).
    public let geographyLevel: GeographyLevel
    /// `World`, the region's name or the country's ISO 3166-1 alpha-3 code.
    public let geography: String
    /// What the cell counts (the `category` column).
    public let category: ProjectionCategory
    public let year: Int
    /// Quantiles of the per-draw difference scenario − reference (type 7; t-digest beyond the
    /// exact-draw limit).
    public let p05: Double
    public let p50: Double
    public let p95: Double
    /// Share of draws with a positive difference (ties count one half).
    public let sharePositive: Double

    public init(scenario: String, reference: String, geographyLevel: GeographyLevel, geography: String, category: ProjectionCategory, year: Int,
                p05: Double, p50: Double, p95: Double, sharePositive: Double) {
        self.scenario = scenario
        self.reference = reference
        self.geographyLevel = geographyLevel
        self.geography = geography
        self.category = category
        self.year = year
        self.p05 = p05
        self.p50 = p50
        self.p95 = p95
        self.sharePositive = sharePositive
    }

    /// Whether the 90 % interval of the difference includes zero.
    public var intervalIncludesZero: Bool { p05 <= 0 && p95 >= 0 }
}
