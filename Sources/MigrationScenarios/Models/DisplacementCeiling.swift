import Foundation

/// How much of an origin's population can be displaced: the ceiling of the displaced share.
///
/// Derived from the history: the largest share of an origin's population (WPP) that was ever
/// displaced as refugees, asylum seekers, OIP and conflict IDPs together, over every origin and
/// year up to the fit's last year — Syria, 2017: 68.9 % — excluding Palestine (whose UNRWA
/// refugees, modelled apart, are descendants abroad, and whose share exceeds 100 %) and Western
/// Sahara (a population that WPP does not count as the refugees' origin population). An origin
/// whose own history exceeds it keeps its own maximum. Projections never exceed
/// ceiling × population for the sum of cross-border and conflict-IDP stocks.
public struct DisplacementCeiling: Sendable, Equatable {
    public let share: Double
    public let origin: String
    public let year: Int
    public let ownMaximum: [String: Double]
    public static let excluded: Set<String> = ["PSE", "ESH"]

    public static func derive(history: DisplacementHistory, population: CountryYearSeries, lastYear: Int) -> DisplacementCeiling {
        var best = (share: 0.0, origin: "", year: 0)
        var own: [String: Double] = [:]
        for c in history.stock.countries where !CrisisOnsetModel.nonOrigins.contains(c) {
            for y in history.stock.years(c) where y <= lastYear {
                guard let d = CrisisOnsetModel.combined(history, c, y), let p = population[c, y], p > 0 else { continue }
                let s = d / (p * 1000)
                own[c] = max(own[c] ?? 0, s)
                if !excluded.contains(c), s > best.share { best = (s, c, y) }
            }
        }
        return DisplacementCeiling(share: best.share, origin: best.origin, year: best.year, ownMaximum: own)
    }

    /// The ceiling share for `origin`.
    public func share(for origin: String) -> Double { max(share, ownMaximum[origin] ?? 0) }
}
