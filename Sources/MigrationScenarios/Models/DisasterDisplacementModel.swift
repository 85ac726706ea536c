import Foundation
import MigrationModels

/// New disaster displacement per country, year and hazard group (IDMC GIDD), by PPML with
/// country fixed effects:
///
///     E[N_h(i,t)] = pop(i,t)·exp(α_{h,i} + β_{h,1}·anomaly(i,t) + β_{h,2}·(t − 2010)/10)
///
/// with population as exposure (offset; the within-country elasticity is not identified over
/// 2008–2023) and the trend held at its jump-off value in projections
///
/// fitted separately for each hazard group h with enough data (weather-related: floods, storms,
/// wildfires, droughts, extreme temperatures, wave action, erosion, mass movements;
/// geophysical: earthquakes, volcanic activity). Country-years without a figure are missing,
/// not zero (IDMC's convention). Overdispersion: a negative-binomial θ by the method of moments,
/// θ = Σμ̂² / Σ((y − μ̂)² − μ̂), used as Gamma(θ, 1/θ) multiplicative noise in projections.
public struct DisasterDisplacementModel: Sendable {
    public struct HazardModel: Sendable {
        public let hazard: String
        public let fit: RegressionResult
        public let effects: [String: Double]
        public let theta: Double
    }
    public let hazards: [HazardModel]
    public static let terms = ["temperature_anomaly", "trend"]

    public static func fit(_ history: DisplacementHistory, population: CountryYearSeries, years: ClosedRange<Int>) throws -> DisasterDisplacementModel {
        var models: [HazardModel] = []
        for hazard in history.disaster.keys.sorted() {
            guard let series = history.disaster[hazard] else { continue }
            var y: [Double] = [], x: [[Double]] = [[], []], country: [String] = [], offset: [Double] = []
            for c in series.countries {
                for t in years {
                    guard let v = series[c, t], let pop = population[c, t], pop > 0, let temp = history.temperatureAnomaly[c, t] else { continue }
                    y.append(max(0, v)); offset.append(log(pop * 1000)); x[0].append(temp); x[1].append(Double(t - 2010) / 10); country.append(c)
                }
            }
            guard y.count >= 50, y.contains(where: { $0 > 0 }) else { continue }
            var options = RegressionOptions()
            options.estimateFixedEffects = true
            let fe = FixedEffect(name: "country", labels: country)
            let r = try GeneralizedLinearModel.fit(response: y, regressors: x, names: terms, family: .poisson,
                                                   offset: offset, fixedEffects: [fe], variance: .cluster(fe), options: options)
            var num = 0.0, den = 0.0
            for (k, row) in r.estimationRows.enumerated() {
                let mu = r.fittedValues[k], e = y[row] - mu
                num += mu * mu
                den += e * e - mu
            }
            let theta = den > 0 ? num / den : 1e6
            let effects = r.fixedEffectEstimates?.first.map { Dictionary(uniqueKeysWithValues: zip($0.levels, $0.values)) } ?? [:]
            models.append(HazardModel(hazard: hazard, fit: r, effects: effects, theta: max(theta, 0.05)))
        }
        return DisasterDisplacementModel(hazards: models)
    }
}
