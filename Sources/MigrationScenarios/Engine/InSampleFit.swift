import Foundation

/// One-step-ahead in-sample fit of the displaced stock, by stock model:
///
///     growth:  D̂(t) = D(t−1)·exp(median e),  e ~ F_k (the size class of D(t−1))  — the one-step median;
///              the world row is the median of the simulated one-step world total
///              Σᵢ D(i,t−1)·exp(eᵢ) (1,000 draws with a fixed seed) — the median of a sum of skewed
///              draws is not the sum of their medians
///     flows:   D̂(t) = D(t−1) + N̂(t) − X̂(t) − q·D(t−1)
///     lifecycle: per type, the one-step median of `CrisisLifeCycleModel` from D_k(t−1) with the
///              last like-for-like growth as momentum (median residual of the class), UNRWA by
///              Palestine's population growth plus the excess; the world row is the sum of the
///              one-step means (the class drifts are set so that means add up to the observed
///              aggregate growth)
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
        if stockModel == .lifecycle { return lifeCycle(models, inputs, years: years) }
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

    static func lifeCycle(_ models: FittedProjectionModels, _ inputs: ProjectionInputs, years: ClosedRange<Int>) -> [InSampleFitRow] {
        let h = inputs.history, lc = models.lifeCycle
        let pop = inputs.population.series(.medium)
        var rows: [InSampleFitRow] = []
        var worldObs: [Int: Double] = [:], worldFit: [Int: Double] = [:]
        for country in h.stock.countries {
            for t in years {
                guard let d1 = h.stock[country, t], h.stock[country, t - 1] != nil else { continue }
                var median = 0.0, mean = 0.0
                let p0 = pop[country, t - 1].map { $0 * 1000 }, p1 = pop[country, t].map { $0 * 1000 }
                for type in DisplacedStockType.allCases {
                    guard let d0 = type.series(h)[country, t - 1] else { continue }
                    guard let p0, let p1, p0 > 0, p1 > 0, !CrisisOnsetModel.nonOrigins.contains(country) else { median += d0; mean += d0; continue }
                    let m = lc.model(type)
                    if d0 >= CrisisLifeCycleModel.crisisThreshold {
                        let fit = m.classFit(forStock: d0)
                        let g = lc.breaks.comparable(h, country, t - 1, components: type.components)
                            .map { log(($0.after + 1) / p0) - log(($0.before + 1) / (pop[country, t - 2].map { $0 * 1000 } ?? p0)) } ?? 0
                        let drift = fit.alpha[CrisisLifeCycleModel.ClassFit.phase(g)] + (m.originEffect[country]?.mean ?? 0) * max(fit.phi, 0)
                            + fit.phi * max(-CrisisLifeCycleModel.momentumClip, min(CrisisLifeCycleModel.momentumClip, g))
                        let base = (d0 + 1) * p1 / p0
                        median += base * exp(drift + QuantileSummary.quantile(sorted: fit.residuals, 0.5)) - 1
                        mean += base * exp(drift) * fit.residuals.reduce(0) { $0 + exp($1) } / Double(fit.residuals.count) - 1
                    } else {
                        let level = m.backgroundLevel[country] ?? m.defaultBackgroundLevel
                        let x1 = level + m.backgroundPsi * (log((d0 + 1) / p0) - level)
                        median += max(0, p1 * exp(x1 + QuantileSummary.quantile(sorted: m.backgroundResiduals, 0.5)) - 1)
                        mean += max(0, p1 * exp(x1) * m.backgroundResiduals.reduce(0) { $0 + exp($1) } / Double(m.backgroundResiduals.count) - 1)
                    }
                }
                if let u0 = h.unrwa[country, t - 1] {
                    let growth = (p0 != nil && p1 != nil && p0! > 0) ? log(p1! / p0!) + lc.unrwa.excess : 0
                    median += u0 * exp(growth); mean += u0 * exp(growth)
                }
                rows.append(InSampleFitRow(geography: country, year: t, observed: d1, fitted: median))
                worldObs[t, default: 0] += d1
                worldFit[t, default: 0] += mean
            }
        }
        let world = worldObs.keys.sorted().map { InSampleFitRow(geography: "World", year: $0, observed: worldObs[$0] ?? 0, fitted: worldFit[$0] ?? 0) }
        return world + rows
    }
}
