import Foundation
import Linalg
import MigrationModels

/// Conflict and persecution displacement per origin country, by the stock–flow identity
///
///     D(t) = D(t−1) + N(t) − X(t) − R(t)
///
/// with three estimated parts (fitted on the years `fitYears`):
///
/// 1. New displacement, PPML with origin fixed effects (Santos Silva & Tenreyro 2006), with the
///    population as exposure (an offset: elasticity 1 — within a country over two decades the
///    elasticity is not identified, its free estimate was −1.4 ± 2.4):
///        E[N(i,t)] = pop(i,t)·exp(αᵢ + β₁·anomaly(i,t) + β₂·(t − 2010)/10 + β₃·log(1 + D(i,t−1)))
///    and a persistent shock on the log scale for the conflict dynamics no covariate foresees:
///        N(i,t) = E[N(i,t)]·exp(u(i,t)),  u(i,t) = ρ·u(i,t−1) + σ·ε,  ε ~ N(0, 1),
///    ρ and σ estimated from the fitted log residuals log((N + 1)/(N̂ + 1)), pooled and weighted
///    by N̂; projections use exp(u − v/2), v = Var(u | jump-off), so the shock has mean 1.
/// 2. Exits (returns, resettlement, naturalisation), PPML with offset log D(t−1):
///        E[X(i,t)] = D(i,t−1)·exp(γᵢ + γ₁·(t − 2010)/10),
///    with noise resampled from the country's own multipliers X/X̂ (mean 1 by the PPML
///    first-order conditions for γᵢ).
/// 3. The residual R (deaths, statistical revisions, IDP stock updates the flows miss) as a
///    country-specific rate of the stock, calibrated so that the model's one-step-ahead mean
///    matches the last five observed years (median; an intercept correction), with the
///    deviations resampled as noise.
///
/// The time trends absorb the 2001–2024 drift in reporting and displacement; projections hold
/// them at their jump-off value (no extrapolated exponential drift — a documented assumption that
/// scenario overrides can change).
///
/// Crisis life cycles — growth, peak, decline (the "interrupted logistic" shape of Susmann &
/// Raftery 2024, arXiv:2405.06857) — arise from these equations: a positive shock u raises N, the
/// growing stock feeds back through β₄ while exits grow with D(t−1), and the shock decays at rate
/// ρ, so the stock rises, peaks and declines towards the level where N = X + R.
public struct ConflictDisplacementModel: Sendable {
    public let inflow: RegressionResult
    public let exit: RegressionResult
    /// Country fixed effects αᵢ and γᵢ (log scale).
    public let inflowEffects: [String: Double]
    public let exitEffects: [String: Double]
    public let inflowShock: (rho: Double, sigma: Double)
    public let exitShock: (rho: Double, sigma: Double)
    /// The last fitted shocks per country (the projection starts from them).
    public let lastInflowShock: [String: Double]
    public let lastExitShock: [String: Double]
    /// Per country, the historical exit multipliers X/X̂ resampled as exit noise.
    public let exitMultipliers: [String: [Double]]
    /// Residual rate qᵢ (median of the last five years) and its deviations; `longRunResidualRate`
    /// is the median over all fitted years, reported for comparison (damping towards it worsened
    /// the backtests, see FORECASTS.md).
    public let residualRate: [String: Double]
    public let longRunResidualRate: [String: Double]
    public let residualDeviations: [String: [Double]]
    public let fitYears: ClosedRange<Int>

    /// Names of the inflow regressors, in coefficient order.
    public static let inflowTerms = ["temperature_anomaly", "trend", "log_lagged_stock"]
    public static let exitTerms = ["trend"]

    public enum FitError: Error, CustomStringConvertible {
        case noData(String)
        public var description: String {
            switch self { case .noData(let s): return "conflict displacement model: \(s)" }
        }
    }

    /// Fits the three parts on `history` over `years`.
    public static func fit(_ history: DisplacementHistory, population: CountryYearSeries, years: ClosedRange<Int>) throws -> ConflictDisplacementModel {
        // Inflow rows.
        var y: [Double] = [], x: [[Double]] = Array(repeating: [], count: 3), country: [String] = [], rowYear: [Int] = []
        var inOffset: [Double] = []
        var ex: [Double] = [], exTrend: [Double] = [], exOffset: [Double] = [], exCountry: [String] = [], exYear: [Int] = []
        for c in history.stock.countries {
            for t in years {
                guard let dPrev = history.stock[c, t - 1] else { continue }
                if let n = history.newDisplacement[c, t], let pop = population[c, t], pop > 0,
                   let temp = history.temperatureAnomaly[c, t] {
                    y.append(max(0, n))
                    inOffset.append(log(pop * 1000))
                    x[0].append(temp); x[1].append(Double(t - 2010) / 10); x[2].append(log1p(max(0, dPrev)))
                    country.append(c); rowYear.append(t)
                }
                if let xv = history.exits[c, t], dPrev >= 1 {
                    ex.append(max(0, xv)); exTrend.append(Double(t - 2010) / 10); exOffset.append(log(dPrev))
                    exCountry.append(c); exYear.append(t)
                }
            }
        }
        guard y.count > 50 else { throw FitError.noData("only \(y.count) country-years with flows, population and temperature in \(years)") }
        var options = RegressionOptions()
        options.estimateFixedEffects = true
        options.dropSingletons = true
        let fe = FixedEffect(name: "origin", labels: country)
        let inflow = try GeneralizedLinearModel.fit(response: y, regressors: x, names: inflowTerms, family: .poisson,
                                                    offset: inOffset, fixedEffects: [fe], variance: .cluster(fe), options: options)
        let exFE = FixedEffect(name: "origin", labels: exCountry)
        let exit = try GeneralizedLinearModel.fit(response: ex, regressors: [exTrend], names: exitTerms, family: .poisson,
                                                  offset: exOffset, fixedEffects: [exFE], variance: .cluster(exFE), options: options)
        func effects(_ r: RegressionResult) -> [String: Double] {
            guard let e = r.fixedEffectEstimates?.first else { return [:] }
            return Dictionary(uniqueKeysWithValues: zip(e.levels, e.values))
        }
        // Shocks from log residuals, in (country, year) order.
        func shocks(_ r: RegressionResult, _ yv: [Double], _ cs: [String], _ ts: [Int]) -> ([String: [(Int, Double, Double)]]) {
            var out: [String: [(Int, Double, Double)]] = [:]
            for (k, row) in r.estimationRows.enumerated() {
                let u = log((yv[row] + 1) / (r.fittedValues[k] + 1))
                out[cs[row], default: []].append((ts[row], u, r.fittedValues[k]))
            }
            return out
        }
        let inShocks = shocks(inflow, y, country, rowYear), exShocks = shocks(exit, ex, exCountry, exYear)
        // Exit noise: the country's own multipliers X/X̂ (with country effects, PPML makes their
        // μ̂-weighted mean 1, so resampling them keeps the expected exits).
        var multipliers: [String: [Double]] = [:]
        for (k, row) in exit.estimationRows.enumerated() where exit.fittedValues[k] > 0 {
            multipliers[exCountry[row], default: []].append(ex[row] / exit.fittedValues[k])
        }
        // Residual rates, calibrated on the model's own one-step-ahead means (an intercept
        // correction, Clements & Hendry 1998): q(t) = (D(t−1) + N̄(t) − X̄(t) − D(t)) / D(t−1) with
        // N̄ = N̂·exp(ρ·u(t−1)) (the inflow expected given last year's shock) and X̄ the fitted
        // exits; observed flows where a country has no fitted effect. Median of the last five years.
        let inEffects = effects(inflow), exEffects = effects(exit)
        let arIn = ar1(inShocks)
        var shockByYear: [String: [Int: (Double, Double)]] = [:]
        for (c, list) in inShocks { for (t, u, mu) in list { shockByYear[c, default: [:]][t] = (u, mu) } }
        let exTrendCoef = exit.coefficient("trend")?.estimate ?? 0
        var rate: [String: Double] = [:], longRate: [String: Double] = [:], deviations: [String: [Double]] = [:]
        for c in history.stock.countries {
            var qs: [Double] = []
            var all: [Double] = []
            for t in years.lowerBound...years.upperBound {
                guard let d0 = history.stock[c, t - 1], d0 >= 1, let d1 = history.stock[c, t] else { continue }
                var n = history.newDisplacement[c, t] ?? 0
                if let (_, mu) = shockByYear[c]?[t] {
                    let uPrev = shockByYear[c]?[t - 1]?.0 ?? 0
                    n = mu * exp(arIn.rho * uPrev)
                }
                var xv = history.exits[c, t] ?? 0
                if let g = exEffects[c] { xv = d0 * min(1, exitRate(effect: g, trendCoefficient: exTrendCoef, year: t)) }
                let q = min(0.9, max(-0.9, (d0 + n - xv - d1) / d0))
                all.append(q)
                if t > years.upperBound - 5 { qs.append(q) }
            }
            guard !qs.isEmpty else { continue }
            let med = qs.sorted()[qs.count / 2]
            rate[c] = med
            longRate[c] = all.sorted()[all.count / 2]
            deviations[c] = qs.map { $0 - med }
        }
        return ConflictDisplacementModel(
            inflow: inflow, exit: exit, inflowEffects: inEffects, exitEffects: exEffects,
            inflowShock: arIn, exitShock: ar1(exShocks),
            lastInflowShock: lastShock(inShocks), lastExitShock: lastShock(exShocks), exitMultipliers: multipliers,
            residualRate: rate, longRunResidualRate: longRate, residualDeviations: deviations, fitYears: years)
    }

    /// The exit model's mean rate exp(γ + γ₁·(t − 2010)/10) = E[X]/D(t−1), as fitted (not capped:
    /// callers that turn it into a probability cap it at 1).
    static func exitRate(effect gamma: Double, trendCoefficient: Double, year: Int) -> Double {
        exp(gamma + trendCoefficient * Double(year - 2010) / 10)
    }

    /// The fitted exit rate of `country` in `year` (uncapped), nil when the country has no exit effect.
    public func expectedExitRate(_ country: String, year: Int) -> Double? {
        exitEffects[country].map {
            Self.exitRate(effect: $0, trendCoefficient: exit.coefficient("trend")?.estimate ?? 0, year: year)
        }
    }

    /// The inflow model's mean without the shock, pop·exp(α + β·x) (population in thousands),
    /// nil when the country has no inflow effect.
    public func expectedInflow(_ country: String, populationThousands: Double, temperatureAnomaly: Double,
                               year: Int, laggedStock: Double) -> Double? {
        guard let alpha = inflowEffects[country], populationThousands > 0 else { return nil }
        func b(_ term: String) -> Double { inflow.coefficient(term)?.estimate ?? 0 }
        return exp(alpha + log(populationThousands * 1000) + b("temperature_anomaly") * temperatureAnomaly
                   + b("trend") * Double(year - 2010) / 10 + b("log_lagged_stock") * log1p(max(0, laggedStock)))
    }

    /// Pooled AR(1) weighted by the fitted flow of the earlier year (large flows dominate; the
    /// log residuals of tiny counts are mostly Poisson noise): ρ = Σw·u(t)u(t−1) / Σw·u(t−1)²,
    /// σ² = Σw·(u(t) − ρu(t−1))² / Σw, over consecutive years.
    static func ar1(_ series: [String: [(Int, Double, Double)]]) -> (rho: Double, sigma: Double) {
        var num = 0.0, den = 0.0
        var pairs: [(Double, Double, Double)] = []
        for c in series.keys.sorted() {
            let s = series[c, default: []].sorted { $0.0 < $1.0 }
            for k in 1..<max(1, s.count) where s[k].0 == s[k - 1].0 + 1 {
                let w = s[k - 1].2
                num += w * s[k].1 * s[k - 1].1
                den += w * s[k - 1].1 * s[k - 1].1
                pairs.append((s[k - 1].1, s[k].1, w))
            }
        }
        let rho = den > 0 ? min(0.99, max(0, num / den)) : 0
        var ss = 0.0, sw = 0.0
        for (a, b, w) in pairs { let e = b - rho * a; ss += w * e * e; sw += w }
        let sigma = sw > 0 ? (ss / sw).squareRoot() : 0
        return (rho, sigma)
    }

    static func lastShock(_ series: [String: [(Int, Double, Double)]]) -> [String: Double] {
        var out: [String: Double] = [:]
        for (c, s) in series { if let last = s.max(by: { $0.0 < $1.0 }) { out[c] = last.1 } }
        return out
    }
}

extension ConflictDisplacementModel {
    /// The expected stock path of `country` for `years` years after `startYear` with a shock u₀
    /// on new displacement in the first year, at fixed population and temperature anomaly:
    ///
    ///     D(k) = D(k−1) + N̄(k) − X̄(k) − qᵢ·D(k−1),   k = 1…years,  D(0) = `startStock`
    ///     N̄(k) = pop·exp(αᵢ + β₁·anomaly + β₂·trend + β₃·log(1 + D(k−1)))·exp(ρ^(k−1)·u₀)
    ///     X̄(k) = D(k−1)·min(1, exp(γᵢ + γ₁·trend))
    ///
    /// (trends held at `startYear`, as in projections). The difference between the paths with
    /// and without a shock is the model's crisis life cycle: the shock raises new displacement,
    /// the stock grows while N̄ exceeds exits and the residual, peaks once the decaying shock
    /// (rate ρ) no longer outweighs the outflows that grow with the stock, and declines — the
    /// growth–peak–decline shape Susmann & Raftery (2024) model as an interrupted logistic
    /// process. Nil when the country has no fitted inflow effect.
    public func expectedPath(_ country: String, startStock: Double, startYear: Int, years: Int, shock u0: Double,
                             populationThousands: Double, temperatureAnomaly: Double) -> [Double]? {
        guard inflowEffects[country] != nil, years >= 0 else { return nil }
        let rate = min(1, expectedExitRate(country, year: startYear) ?? 0)
        let q = residualRate[country] ?? 0
        var d = startStock, path = [startStock]
        for k in 1...max(1, years) where k <= years {
            guard let n = expectedInflow(country, populationThousands: populationThousands, temperatureAnomaly: temperatureAnomaly,
                                         year: startYear, laggedStock: d) else { return nil }
            d = max(0, d + n * exp(pow(inflowShock.rho, Double(k - 1)) * u0) - rate * d - q * d)
            path.append(d)
        }
        return path
    }
}
