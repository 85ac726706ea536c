/// Population by country and year under the WPP 2024 variants (thousands): estimates up to the
/// last estimate year, then the low, medium or high fertility variant; the zero-migration
/// variant is approximated as medium minus the cumulative projected net migration after the
/// last estimate year (no second-order effects of the migrants' births and deaths).
public struct PopulationPathways: Sendable {
    public var estimates = CountryYearSeries()
    public var variants: [PopulationVariant: CountryYearSeries] = [:]
    public var netMigration = CountryYearSeries()
    public var lastEstimateYear = 2023

    public init() {}

    public init(estimates: CountryYearSeries, low: CountryYearSeries, medium: CountryYearSeries, high: CountryYearSeries,
                netMigration: CountryYearSeries, lastEstimateYear: Int) {
        self.estimates = estimates
        self.netMigration = netMigration
        self.lastEstimateYear = lastEstimateYear
        var zm = CountryYearSeries()
        for c in medium.countries {
            var cumulative = 0.0
            for y in medium.years(c) where y > lastEstimateYear {
                cumulative += netMigration[c, y] ?? 0
                if let m = medium[c, y] { zm[c, y] = max(1e-3, m - cumulative) }
            }
        }
        variants = [.low: low, .medium: medium, .high: high, .zeroMigration: zm]
    }

    /// Population of `country` in `year` under `variant` (estimates for past years).
    public func value(_ country: String, _ year: Int, _ variant: PopulationVariant) -> Double? {
        if year <= lastEstimateYear { return estimates[country, year] }
        return variants[variant]?[country, year] ?? variants[.medium]?[country, year]
    }

    /// History and one variant merged into one series (for fitting and projecting).
    public func series(_ variant: PopulationVariant) -> CountryYearSeries {
        var out = estimates
        if let v = variants[variant] {
            for c in v.countries { for y in v.years(c) where y > lastEstimateYear { out[c, y] = v[c, y] } }
        }
        return out
    }
}
