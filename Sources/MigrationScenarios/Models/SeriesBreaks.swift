import Foundation

/// A change in a displacement series that is a reclassification or a change of coverage, not a
/// change in the number of displaced people. Models never learn it as growth or decline.
public struct SeriesBreak: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// IDMC's country detail starts in 2009: the IDPs of 1990–2008 sat in the `UNK` (Unknown)
        /// origin row and were moved to their countries (26.4 M → 0.6 M in `UNK`).
        case reallocation
        /// A reporting category starts: other people in need of international protection (OIP),
        /// reported by UNHCR from 2018 (Venezuelans displaced abroad, 2022 for most).
        case categoryIntroduced = "category_introduced"
        /// An IDP series starts with more people than that year's new conflict displacements can
        /// explain: IDMC started counting, it did not happen that year.
        case coverageStart = "coverage_start"
        /// A series stops being reported (absent is not zero).
        case coverageEnd = "coverage_end"
        /// A conflict-IDP stock rises by more than the year's new conflict displacements allow:
        /// an IDMC revision (a stock cannot grow by more than its inflow).
        case revision
    }
    /// Origin (ISO3 or UNHCR code).
    public let origin: String
    /// The year whose change from the year before is the break.
    public let year: Int
    /// The panel column: refugees, asylum_seekers, oip or idps_conflict.
    public let component: String
    public let kind: Kind
    public let before: Double?
    public let after: Double?
    public let note: String
}

/// Finds the series breaks of the displacement history and gives like-for-like changes.
///
/// Rules (each change from year t−1 to t of one origin and one component of the stock):
/// - `idps_conflict` appearing in 2009, or leaving `UNK` in 2009: `reallocation`;
/// - `oip` appearing: `categoryIntroduced`;
/// - `idps_conflict` appearing later with more than 1.5 × that year's new conflict displacements
///   + 10,000 (IDMC GIDD flows): `coverageStart`; refugees and asylum seekers that appear are
///   real arrivals (from none) and are not breaks;
/// - any component reported in t−1 and absent in t: `coverageEnd`;
/// - `idps_conflict` rising by more than 1.5 × that year's new conflict displacements + 50,000:
///   `revision`.
/// A like-for-like change (`comparable`) sums only the components reported in both years whose
/// change is not a break, so no model sees a break as growth.
public struct SeriesBreaks: Sendable {
    public let breaks: [SeriesBreak]
    /// origin → year → broken components.
    let broken: [String: [Int: Set<String>]]

    public init(breaks: [SeriesBreak]) {
        self.breaks = breaks
        var b: [String: [Int: Set<String>]] = [:]
        for x in breaks { b[x.origin, default: [:]][x.year, default: []].insert(x.component) }
        broken = b
    }

    /// The components of each stock type, as named in the panel.
    public static let crossBorderComponents = ["refugees", "asylum_seekers", "oip"]
    public static let idpComponents = ["idps_conflict"]

    static func series(_ h: DisplacementHistory, _ component: String) -> CountryYearSeries {
        switch component {
        case "refugees": return h.refugees
        case "asylum_seekers": return h.asylumSeekers
        case "oip": return h.otherInNeed
        default: return h.conflictIDPs
        }
    }

    /// Detects the breaks in `history` (years up to `lastYear`; default all).
    public static func detect(_ history: DisplacementHistory, lastYear: Int? = nil) -> SeriesBreaks {
        var out: [SeriesBreak] = []
        let last = lastYear ?? history.lastObservedYear
        let flows = history.conflictIDPFlows
        for component in crossBorderComponents + idpComponents {
            let s = series(history, component)
            for c in s.countries {
                let years = s.years(c)
                guard let first = years.first else { continue }
                // Years in which the origin has any end-year panel value (a row exists).
                for y in max(first, 1991)...max(first, min(last, years.last! + 1)) {
                    let a = s[c, y - 1], b = s[c, y]
                    let hasRow = history.stock[c, y] != nil && history.stock[c, y - 1] != nil
                    guard hasRow else { continue }
                    var kind: SeriesBreak.Kind? = nil, note = ""
                    if a == nil, let b, b > 0 {
                        if component == "idps_conflict" && y == 2009 {
                            kind = .reallocation; note = "IDMC country detail starts in 2009 (before: the world total in UNK)"
                        } else if component == "oip" {
                            kind = .categoryIntroduced; note = "UNHCR starts reporting other people in need of international protection"
                        } else if component == "idps_conflict", b > 1.5 * (flows[c, y] ?? 0) + 10_000 {
                            kind = .coverageStart; note = "IDP figure starts above what the year's new conflict displacements explain"
                        }
                    } else if let a, a > 0, b == nil {
                        if component == "idps_conflict" && y == 2009 {
                            kind = .reallocation; note = "IDPs moved from this row to their countries of origin"
                        } else {
                            kind = .coverageEnd; note = "no longer reported (absent is not zero)"
                        }
                    } else if component == "idps_conflict", let a, let b, b - a > 1.5 * (flows[c, y] ?? 0) + 50_000 {
                        kind = .revision; note = "rise exceeds the year's new conflict displacements (IDMC revision)"
                    }
                    if let kind { out.append(SeriesBreak(origin: c, year: y, component: component, kind: kind, before: a, after: b, note: note)) }
                }
            }
        }
        out.sort { ($0.origin, $0.year, $0.component) < ($1.origin, $1.year, $1.component) }
        return SeriesBreaks(breaks: out)
    }

    /// Whether `component`'s change into `year` is a break for `origin`.
    public func isBreak(_ origin: String, _ year: Int, _ component: String) -> Bool {
        broken[origin]?[year]?.contains(component) ?? false
    }

    /// Like-for-like stocks (before, after) of a type for the change into `year`: the sums of the
    /// components reported in both years and not broken; nil when none is.
    public func comparable(_ history: DisplacementHistory, _ origin: String, _ year: Int,
                           components: [String]) -> (before: Double, after: Double)? {
        var a = 0.0, b = 0.0, any = false
        for k in components {
            let s = Self.series(history, k)
            guard let x = s[origin, year - 1], let y = s[origin, year], !isBreak(origin, year, k) else { continue }
            a += x; b += y; any = true
        }
        return any ? (a, b) : nil
    }
}
