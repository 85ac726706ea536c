import Foundation
import MigrationScenarios

/// Plain-language readings of scenario contrasts (each scenario minus the reference on paired
/// draws), used by the run summary and the HTML report.
///
/// The rule: when the 90 % interval of the difference [p05, p95] includes zero, the run cannot
/// tell the scenario from the reference in that cell, and the sentence says so in words;
/// otherwise it says in which direction and in what share of the paired draws.
public enum ContrastText {
    /// "+1.2 M", "−0.3 M", "+850 k", "+12" (signed, people).
    public static func signed(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        let sign = v > 0 ? "+" : v < 0 ? "−" : "±"
        let a = abs(v)
        if a >= 1e6 { return sign + String(format: "%.1f M", a / 1e6) }
        if a >= 1e3 { return sign + String(format: "%.0f k", a / 1e3) }
        return sign + String(format: "%.0f", a)
    }

    /// "+2.1 M [−0.4 M to +4.9 M]".
    public static func interval(_ c: ScenarioContrast) -> String {
        "\(signed(c.p50)) [\(signed(c.p05)) to \(signed(c.p95))]"
    }

    /// The reading of one contrast, e.g. "the 90 % interval includes zero: in 2050 SSP1-2.6 cannot
    /// be told apart from SSP2-4.5 given the uncertainty" or "higher than SSP2-4.5 in 97 % of
    /// paired draws".
    public static func reading(_ c: ScenarioContrast) -> String {
        if c.intervalIncludesZero {
            return "the 90 % interval includes zero: in \(c.year) \(c.scenario) cannot be told apart from \(c.reference) given the uncertainty"
        }
        let share = c.p50 > 0 ? c.sharePositive : 1 - c.sharePositive
        let percent = Int((share * 100).rounded())
        return "\(c.p50 > 0 ? "higher" : "lower") than \(c.reference) in \(percent) % of paired draws (the 90 % interval excludes zero)"
    }

    /// The world displaced-stock contrasts of `years`, in scenario order, then by year.
    public static func worldStock(_ contrasts: [ScenarioContrast], years: [Int]) -> [ScenarioContrast] {
        let wanted = Set(years)
        return contrasts.filter {
            $0.geographyLevel == .world && $0.category == .displaced && wanted.contains($0.year) && $0.scenario != $0.reference
        }
    }
}
