import Foundation

/// One-step-ahead in-sample fit of the displaced stock, by stock model:
///
///     growth:  D̂(t) = D(t−1)·exp(median e),  e ~ F_k (the size class of D(t−1))  — the one-step median;
///              the world row is the median of the simulated one-step world total
///              Σᵢ D(i,t−1)·exp(eᵢ) (1,000 draws with a fixed seed) — the median of a sum of skewed
///              draws is not the sum of their medians
///     flows:   D̂(t) = D(t−1) + N̂(t) − X̂(t) − q·D(t−1)
///
/// with N̂ and X̂ the fitted means of the inflow and exit models at the observed covariates
/// (observed flows where a country has no fitted effect) and q the country's residual rate. Rows
/// for the world and every country with observed D(t−1) and D(t).
public struct InSampleFitRow: Sendable, Equatable {
    public let geography: String
    public let year: Int
    public let observed: Double
    public let fitted: Double
}

public enum InSampleFit {
    public static func compute(_ models: FittedProjectionModels, _ inputs: ProjectionInputs, years: ClosedRange<Int>,
                               stockModel: StockModel = .lifecycle) -> [InSampleFitRow] {
        let h = inputs.history, c = models.conflict
        let pop = inputs.population.series(.medium)
        var rows: [InSampleFitRow] = []
        var worldObs: [Int: Double] = [:], worldFit: [Int: Double] = [:]
        var lagged: [Int: [Double]] = [:]
        for country in h.stock.countries {
            for t in years {
                guard let d0 = h.stock[country, t - 1], let d1 = h.stock[country, t] else { continue }
                if stockModel == .growth {
                    let grows = models.stockGrowth.grows(d0)
                    let median = grows ? models.stockGrowth.medianGrowth(forStock: d0) : 0
                    rows.append(InSampleFitRow(geography: country, year: t, observed: d1, fitted: d0 * exp(median)))
                    worldObs[t, default: 0] += d1
                    lagged[t, default: []].append(d0)
                    continue
                }
                var nHat = h.newDisplacement[country, t] ?? 0
                if let p = pop[country, t], let temp = h.temperatureAnomaly[country, t],
                   let mean = c.expectedInflow(country, populationThousands: p, temperatureAnomaly: temp, year: t, laggedStock: d0) {
                    nHat = mean
                }
                var xHat = h.exits[country, t] ?? 0
                if let rate = c.expectedExitRate(country, year: t) { xHat = d0 * rate }
                let q = c.residualRate[country] ?? 0
                let fitted = max(0, d0 + nHat - xHat - q * d0)
                rows.append(InSampleFitRow(geography: country, year: t, observed: d1, fitted: fitted))
                worldObs[t, default: 0] += d1
                worldFit[t, default: 0] += fitted
            }
        }
        for (t, stocks) in lagged {
            let draws = 1000
            var totals = [Double](repeating: 0, count: draws)
            for d in 0..<draws {
                var rng = DrawRandomStream(seed: 20261129, draw: d, purpose: .other, key: t)
                for d0 in stocks { totals[d] += d0 * exp(models.stockGrowth.sample(stock: d0, uniform: rng.uniform())) }
            }
            worldFit[t] = QuantileSummary.quantile(sorted: totals.sorted(), 0.5)
        }
        let world = worldObs.keys.sorted().map { InSampleFitRow(geography: "World", year: $0, observed: worldObs[$0] ?? 0, fitted: worldFit[$0] ?? 0) }
        return world + rows
    }
}
