import Foundation

/// UNRWA's Palestine refugees grow demographically (descendants are registered): their annual
/// log growth is that of Palestine's population (the scenario's WPP variant) plus the origin's
/// observed excess d = mean(Δlog UNRWA − Δlog P_PSE) over the ten years up to the jump-off, plus
/// normal noise with the observed standard deviation of that excess.
public struct UNRWAGrowthModel: Sendable, Equatable {
    public let excess: Double
    public let sigma: Double
    public let observations: Int

    public static func fit(history: DisplacementHistory, population: CountryYearSeries, lastYear: Int) -> UNRWAGrowthModel {
        var d: [Double] = []
        for y in (lastYear - 9)...lastYear {
            guard let a = history.unrwa["PSE", y - 1], let b = history.unrwa["PSE", y], a > 0, b > 0,
                  let pa = population["PSE", y - 1], let pb = population["PSE", y], pa > 0, pb > 0 else { continue }
            d.append(log(b / a) - log(pb / pa))
        }
        guard d.count >= 2 else { return UNRWAGrowthModel(excess: 0, sigma: 0.01, observations: d.count) }
        let m = d.reduce(0, +) / Double(d.count)
        let s = (d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(d.count - 1)).squareRoot()
        return UNRWAGrowthModel(excess: m, sigma: s, observations: d.count)
    }
}
