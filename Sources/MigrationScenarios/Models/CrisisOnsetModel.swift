import Foundation
import MigrationModels

/// New crises: how often an origin with a small displaced stock erupts, how large the eruption
/// is, and how it splits between people who cross a border and people displaced at home.
///
/// Event (defined on the like-for-like sum of cross-border and conflict-IDP stocks, so a series
/// break is never an onset): in year t an origin whose displaced share at the end of t−1 was
/// below `eligibleShare` (0.2 % of its population) gains at least max(20,000, 0.2 % of its
/// population) displaced people. Eligible origin-years are those below the share.
///
/// Rate: a Poisson regression (log link; for rare events close to a logistic one) of the event
/// indicator on covariates that exist for every projection year — log population (WPP; the
/// scenario's variant in projections) and whether the origin had a displaced share of at least
/// 0.2 % in the previous ten years (displacement history, updated along each simulated path):
///
///     P(onset in t) ≈ exp(β₀ + β₁·log(P(t)/10⁶) + β₂·recent(t)).
///
/// WPP's age structure is not shipped in data/, so the youth share is not a covariate.
/// Size: log(increase) = b·log P + r, b the least-squares elasticity of the observed events'
/// increases on their populations (about 0.5: eruptions grow with the square root of population,
/// not in proportion — Ukraine 2022 and Eritrea 1991 were exceptions), clamped to 0–1, and r
/// resampled from the events' residuals log(increase) − b·log P.
/// Split: the IDP part of the increase, resampled from events since 2010 (before 2009 IDPs were
/// not reported by origin). Momentum: the like-for-like log-share growth in the year after an
/// event, resampled, starts the crisis's life cycle (`CrisisLifeCycleModel`), which then gives
/// its duration. Durations and peak sizes of the observed crises are reported (`crisisSummary`).
public struct CrisisOnsetModel: Sendable {
    /// Codes that are not origins with a population (held at their jump-off level).
    public static let nonOrigins: Set<String> = ["UNK", "VAR", "XXA", "TIB", "AB9", "CRB"]
    public static let eligibleShare = 0.002
    public static let minimumIncrease = 20_000.0

    public struct Event: Sendable, Equatable {
        public let origin: String
        public let year: Int
        public let increase: Double
        public let share: Double
        /// The IDP part of the increase (nil before IDPs were reported by origin).
        public let idpFraction: Double?
    }

    public let events: [Event]
    public let eligibleYears: Int
    /// The rate regression (terms: intercept, log_population_millions, recent_crisis).
    public let rate: RegressionResult
    /// Observed increases as shares of population, sorted.
    public let sizes: [Double]
    /// Elasticity b of the increase on population, and the events' log(increase) − b·log(P),
    /// sorted (the size distribution the projection resamples).
    public let sizeElasticity: Double
    public let sizeResiduals: [Double]
    /// Observed IDP fractions, sorted.
    public let idpFractions: [Double]
    /// Observed like-for-like log-share growth in the year after an event, sorted.
    public let followingGrowth: [Double]
    public let fitYears: ClosedRange<Int>

    /// Onset keys "ISO3|year" (left out of the life-cycle fits).
    public var keys: Set<String> { Set(events.map { "\($0.origin)|\($0.year)" }) }

    public enum FitError: Error, CustomStringConvertible {
        case tooFew(Int)
        public var description: String {
            if case .tooFew(let n) = self { return "crisis onset model: only \(n) onsets in the fit years — need at least 5" }
            return ""
        }
    }

    /// The published (not like-for-like) cross-border + conflict-IDP stock.
    static func combined(_ h: DisplacementHistory, _ c: String, _ y: Int) -> Double? {
        let a = h.crossBorder[c, y], b = h.conflictIDPs[c, y]
        if a == nil && b == nil { return nil }
        return (a ?? 0) + (b ?? 0)
    }

    public static func fit(history: DisplacementHistory, breaks: SeriesBreaks, population: CountryYearSeries,
                           years: ClosedRange<Int>) throws -> CrisisOnsetModel {
        var events: [Event] = []
        var y = [Double](), lp = [Double](), recent = [Double]()
        var following: [Double] = []
        let origins = Set(history.crossBorder.countries + history.conflictIDPs.countries).subtracting(nonOrigins).sorted()
        for c in origins {
            for t in max(years.lowerBound, 1991)...years.upperBound {
                guard let d0 = combined(history, c, t - 1), let p0 = population[c, t - 1], let p1 = population[c, t], p0 > 0, p1 > 0 else { continue }
                let share0 = d0 / (p0 * 1000)
                guard share0 < eligibleShare else { continue }
                var before = 0.0, after = 0.0, idpIncrease: Double? = nil, any = false
                for type in DisplacedStockType.allCases {
                    if let pair = breaks.comparable(history, c, t, components: type.components) {
                        before += pair.before; after += pair.after; any = true
                        if type == .conflictIDPs, t >= 2010 { idpIncrease = pair.after - pair.before }
                    }
                }
                guard any else { continue }
                let increase = after - before
                let event = increase >= max(minimumIncrease, eligibleShare * p1 * 1000)
                let wasRecent = lastCrisisYear(history, c, years: max(1990, t - 10)...(t - 1)) { population[c, $0] } == nil ? 0.0 : 1
                y.append(event ? 1 : 0); lp.append(log(p1 / 1000)); recent.append(wasRecent)
                if event {
                    let f = idpIncrease.map { max(0, min(1, $0 / increase)) }
                    events.append(Event(origin: c, year: t, increase: increase, share: increase / (p1 * 1000), idpFraction: f))
                    // The next year's like-for-like growth of the combined stock, if observed.
                    if years.contains(t + 1), let p2 = population[c, t + 1], p2 > 0 {
                        var b0 = 0.0, b1 = 0.0, seen = false
                        for type in DisplacedStockType.allCases {
                            if let pair = breaks.comparable(history, c, t + 1, components: type.components) { b0 += pair.before; b1 += pair.after; seen = true }
                        }
                        if seen, b0 > 0 { following.append(log((b1 + 1) / (p2 * 1000)) - log((b0 + 1) / (p1 * 1000))) }
                    }
                }
            }
        }
        guard events.count >= 5 else { throw FitError.tooFew(events.count) }
        let ones = [Double](repeating: 1, count: y.count)
        let rate = try GeneralizedLinearModel.fit(response: y, regressors: [ones, lp, recent],
                                                  names: ["intercept", "log_population_millions", "recent_crisis"], family: .poisson)
        let fr = events.compactMap(\.idpFraction).sorted()
        let lx = events.map { log($0.increase / $0.share) }, ly = events.map { log($0.increase) }
        let mx = lx.reduce(0, +) / Double(lx.count), my = ly.reduce(0, +) / Double(ly.count)
        var sxx = 0.0, sxy = 0.0
        for (a, b) in zip(lx, ly) { sxx += (a - mx) * (a - mx); sxy += (a - mx) * (b - my) }
        let elasticity = sxx > 0 ? max(0, min(1, sxy / sxx)) : 1
        return CrisisOnsetModel(events: events, eligibleYears: y.count, rate: rate, sizes: events.map(\.share).sorted(),
                                sizeElasticity: elasticity, sizeResiduals: zip(lx, ly).map { $1 - elasticity * $0 }.sorted(),
                                idpFractions: fr.isEmpty ? [0.5] : fr,
                                followingGrowth: following.isEmpty ? [0] : following.map { max(-1, min(1, $0)) }.sorted(),
                                fitYears: years)
    }

    /// The annual onset probability for an origin of `populationThousands` with or without a
    /// recent crisis, at coefficients `beta` (a draw; default the estimate). Capped at 0.5.
    public func probability(populationThousands p: Double, recent: Bool, beta: [Double]? = nil) -> Double {
        min(0.5, Self.hazard(beta ?? rate.coefficients.map(\.estimate), logPopulationMillions: log(max(p, 1) / 1000), recent: recent))
    }

    /// The rate regression's mean, exp(β₀ + β₁·log(P/10⁶) + β₂·recent), uncapped (the projection
    /// scales it by the warming factor before capping).
    @inline(__always) static func hazard(_ b: [Double], logPopulationMillions: Double, recent: Bool) -> Double {
        exp(b[0] + b[1] * logPopulationMillions + b[2] * (recent ? 1 : 0))
    }

    /// The latest year in `years` in which `origin`'s cross-border + IDP stock was at least
    /// `eligibleShare` of its population (thousands, from `population(year)`); nil if none.
    static func lastCrisisYear(_ history: DisplacementHistory, _ origin: String, years: ClosedRange<Int>,
                               population: (Int) -> Double?) -> Int? {
        for y in years.reversed() {
            if let d = combined(history, origin, y), let p = population(y), p > 0, d / (p * 1000) >= eligibleShare { return y }
        }
        return nil
    }

    /// The observed rate: events per eligible origin-year.
    public var observedRate: Double { Double(events.count) / Double(max(1, eligibleYears)) }
}
