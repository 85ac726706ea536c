import Foundation

/// Out-of-sample check of `HazardDisplacementModel`: fit on GIDD `fitYears` (2008–2018),
/// simulate `testYears` (2019–2023) from observed population (WPP estimates) with no warming term,
/// and score the predictive distribution of each hazard's world total and of the all-hazard
/// world total against what IDMC recorded.
///
/// Scores, per series and year: the median, the 80 % and 95 % central intervals and whether they
/// cover the observation, and the **weighted interval score** (Bracher, Ray, Gneiting & Reich
/// 2021, *PLoS Comput. Biol.* 17:e1008618, eq. 2) with K = 11 intervals
/// (α = 0.02, 0.05, 0.1, 0.2, …, 0.9) and the median:
///
///     WIS = [½·|y − m| + Σ_k (α_k/2)·IS_{α_k}] / (K + ½)
///     IS_α = (u − l) + (2/α)(l − y)·1{y < l} + (2/α)(y − u)·1{y > u}
///
/// Baselines: the **2008–2018 mean** as a point forecast (its WIS is the absolute error), and
/// the 2008–2018 **climatology** (the eleven observed annual totals as a predictive sample).
/// Relative WIS = model WIS / baseline WIS (below 1: better than the baseline).
///
/// Observed totals sum the countries IDMC reported that year; the model predicts every country
/// with a population (a country-year IDMC did not report is missing, not zero), so
/// `unreportedShare` says how much of the predicted mean comes from country-years IDMC did not
/// report.
public enum HazardHindcast {
    /// One series (a hazard's world total, or all hazards) in one test year.
    public struct Row: Sendable {
        public let series: String
        public let year: Int
        public let observed: Double
        public let median: Double
        public let mean: Double
        public let q025: Double, q10: Double, q90: Double, q975: Double
        public let wis: Double
        /// WIS of the 2008–2018 mean as a point forecast (= |y − mean|).
        public let baselineMeanWIS: Double
        /// WIS of the 2008–2018 climatology (eleven annual totals as the predictive sample).
        public let baselineClimatologyWIS: Double
        public var covered80: Bool { q10 <= observed && observed <= q90 }
        public var covered95: Bool { q025 <= observed && observed <= q975 }
    }

    /// A series summarised over the test years.
    public struct Summary: Sendable {
        public let series: String
        public let observedMean: Double
        public let medianMean: Double
        public let fitMean: Double
        public let coverage80: Double
        public let coverage95: Double
        public let wis: Double
        public let baselineMeanWIS: Double
        public let baselineClimatologyWIS: Double
        /// Share of the predicted mean from country-years IDMC did not report.
        public let unreportedShare: Double
        public var relativeWISMean: Double { baselineMeanWIS > 0 ? wis / baselineMeanWIS : .nan }
        public var relativeWISClimatology: Double { baselineClimatologyWIS > 0 ? wis / baselineClimatologyWIS : .nan }
    }

    /// The α levels of the K = 11 central intervals.
    public static let alphas: [Double] = [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]

    /// Linear-interpolation quantile (type 7) of an ascending sample.
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// WIS of a predictive sample (ascending) for observation `y` (Bracher et al. 2021).
    public static func weightedIntervalScore(sorted: [Double], observed y: Double) -> Double {
        let m = quantile(sorted, 0.5)
        var total = 0.5 * abs(y - m)
        for a in alphas {
            let l = quantile(sorted, a / 2), u = quantile(sorted, 1 - a / 2)
            var score = u - l
            if y < l { score += 2 / a * (l - y) }
            if y > u { score += 2 / a * (y - u) }
            total += a / 2 * score
        }
        return total / (Double(alphas.count) + 0.5)
    }

    /// Runs the hindcast.
    ///
    /// - Parameters:
    ///   - obs: the observations (`HazardObservations.load`).
    ///   - fitYears: the years the rates are fitted on (2008...2018 by default).
    ///   - testYears: the years predicted and scored (2019...2023 by default).
    ///   - draws: Monte Carlo draws (each: rates from their posteriors, then yearly noise).
    ///   - seed: the random seed (`DrawRandomStream`, purpose `.disaster`).
    /// - Returns: rows per series and year, and a summary per series (`all hazards` last).
    public static func run(_ obs: HazardObservations, fitYears: ClosedRange<Int> = 2008...2018,
                           testYears: ClosedRange<Int> = 2019...2023, draws: Int = 2000,
                           seed: UInt64 = 20261206) -> (rows: [Row], summaries: [Summary]) {
        let model = HazardDisplacementModel.fit(obs, years: fitYears)
        let hazards = ClimateHazard.disasters
        let series = hazards.map(\.rawValue) + ["all hazards"]
        let years = Array(testYears)
        let countries = Set(hazards.flatMap { model.hazards[$0]?.rates.keys.map { $0 } ?? [] }).sorted()
        // samples[series][year][draw]
        var samples = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: draws), count: years.count), count: series.count)
        var predictedMean = [Double](repeating: 0, count: series.count), unreportedMean = [Double](repeating: 0, count: series.count)
        for (ci, c) in countries.enumerated() {
            for (hi, h) in hazards.enumerated() {
                let rate = model.rate(h, country: c)
                guard rate > 0 else { continue }
                for (yi, t) in years.enumerated() {
                    guard let p = obs.population[c, t] else { continue }
                    let mu = rate * p
                    predictedMean[hi] += mu; predictedMean[series.count - 1] += mu
                    if obs.reportingYears[c]?.contains(t) != true { unreportedMean[hi] += mu; unreportedMean[series.count - 1] += mu }
                    _ = yi
                }
                for d in 0..<draws {
                    var rng = DrawRandomStream(seed: seed, draw: d, purpose: .disaster, key: ci * 16 + hi)
                    let drawnRate = model.sampleRate(h, country: c, rng: &rng)
                    for (yi, t) in years.enumerated() {
                        guard let p = obs.population[c, t] else { continue }
                        let y = model.simulateYear(h, mean: drawnRate * p, rng: &rng)
                        samples[hi][yi][d] += y
                        samples[series.count - 1][yi][d] += y
                    }
                }
            }
        }
        // Observed totals and the 2008–2018 baselines.
        func observedTotal(_ hazardsIn: [ClimateHazard], _ t: Int) -> Double {
            var s = 0.0
            for h in hazardsIn { for c in obs.displaced[h]?.countries ?? [] { s += obs.displaced[h]?[c, t] ?? 0 } }
            return s
        }
        var rows: [Row] = [], summaries: [Summary] = []
        for (si, name) in series.enumerated() {
            let hs = si < hazards.count ? [hazards[si]] : hazards
            let fitTotals = fitYears.map { observedTotal(hs, $0) }.sorted()
            let fitMean = fitTotals.reduce(0, +) / Double(fitTotals.count)
            var seriesRows: [Row] = []
            for (yi, t) in years.enumerated() {
                let sorted = samples[si][yi].sorted()
                let y = observedTotal(hs, t)
                let row = Row(series: name, year: t, observed: y, median: quantile(sorted, 0.5),
                              mean: sorted.reduce(0, +) / Double(sorted.count),
                              q025: quantile(sorted, 0.025), q10: quantile(sorted, 0.1), q90: quantile(sorted, 0.9), q975: quantile(sorted, 0.975),
                              wis: weightedIntervalScore(sorted: sorted, observed: y), baselineMeanWIS: abs(y - fitMean),
                              baselineClimatologyWIS: weightedIntervalScore(sorted: fitTotals, observed: y))
                seriesRows.append(row)
            }
            rows += seriesRows
            let n = Double(seriesRows.count)
            summaries.append(Summary(series: name, observedMean: seriesRows.map(\.observed).reduce(0, +) / n,
                                     medianMean: seriesRows.map(\.median).reduce(0, +) / n, fitMean: fitMean,
                                     coverage80: Double(seriesRows.filter(\.covered80).count) / n,
                                     coverage95: Double(seriesRows.filter(\.covered95).count) / n,
                                     wis: seriesRows.map(\.wis).reduce(0, +) / n,
                                     baselineMeanWIS: seriesRows.map(\.baselineMeanWIS).reduce(0, +) / n,
                                     baselineClimatologyWIS: seriesRows.map(\.baselineClimatologyWIS).reduce(0, +) / n,
                                     unreportedShare: predictedMean[si] > 0 ? unreportedMean[si] / predictedMean[si] : 0))
        }
        return (rows, summaries)
    }

    /// The summaries as a Markdown table (millions, two decimals), for FORECASTS.md.
    public static func markdown(_ summaries: [Summary], testYears: ClosedRange<Int> = 2019...2023) -> String {
        func m(_ x: Double) -> String { String(format: "%.2f", x / 1e6) }
        func r(_ x: Double) -> String { x.isNaN ? "—" : String(format: "%.2f", x) }
        var out = "| hazard | observed mean \(testYears.lowerBound)–\(testYears.upperBound) (M) | median (M) | 2008–2018 mean (M) | 80 % cov. | 95 % cov. | WIS (M) | rel. WIS vs mean | rel. WIS vs climatology | unreported share |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|\n"
        for s in summaries {
            out += "| \(s.series) | \(m(s.observedMean)) | \(m(s.medianMean)) | \(m(s.fitMean)) | \(Int((s.coverage80 * 100).rounded())) % | \(Int((s.coverage95 * 100).rounded())) % | \(m(s.wis)) | \(r(s.relativeWISMean)) | \(r(s.relativeWISClimatology)) | \(Int((s.unreportedShare * 100).rounded())) % |\n"
        }
        return out
    }
}

/// The empirical warming response of each hazard on GIDD, as a consistency check beside the
/// literature values (never used to project): a quasi-Poisson regression of the world total on
/// the ERA5 world temperature anomaly, with the model's expected displacement as exposure,
///
///     y_t ~ E_t · exp(α + β·T_t),   E_t = Σ_c rate_c · pop_{c,t}  (reporting countries of year t)
///
/// fitted by Newton's method; the standard error of β is quasi-Poisson (Pearson dispersion).
/// The response per °C is e^β − 1. It measures the association of displacement with year-to-year
/// global temperature over 16 years, confounded with IDMC's growing coverage and with ENSO — not
/// the response to forced warming that the literature values describe.
public enum HazardWarmingCheck {
    public struct Estimate: Sendable {
        public let hazard: ClimateHazard
        public let beta: Double
        public let standardError: Double
        /// e^β − 1 and its 95 % interval e^{β ± 1.96·se} − 1.
        public var responsePerDegree: Double { exp(beta) - 1 }
        public var low95: Double { exp(beta - 1.96 * standardError) - 1 }
        public var high95: Double { exp(beta + 1.96 * standardError) - 1 }
    }

    public static func fit(_ obs: HazardObservations, years: ClosedRange<Int> = 2008...2023) -> [Estimate] {
        let model = HazardDisplacementModel.fit(obs, years: years)
        var out: [Estimate] = []
        for h in ClimateHazard.disasters {
            var ys: [Double] = [], es: [Double] = [], ts: [Double] = []
            for t in years {
                guard let temp = obs.globalAnomaly[t] else { continue }
                var y = 0.0, e = 0.0
                for (c, ry) in obs.reportingYears where ry.contains(t) {
                    guard let p = obs.population[c, t] else { continue }
                    y += obs.observed(h, c, t) ?? 0
                    e += model.rate(h, country: c) * p
                }
                guard e > 0 else { continue }
                ys.append(y); es.append(e); ts.append(temp)
            }
            guard ys.count >= 5, ys.contains(where: { $0 > 0 }) else { continue }
            var a = log(ys.reduce(0, +) / es.reduce(0, +)), b = 0.0
            var info = (aa: 0.0, ab: 0.0, bb: 0.0)
            for _ in 0..<50 {
                var ga = 0.0, gb = 0.0
                info = (0, 0, 0)
                for k in ys.indices {
                    let mu = es[k] * exp(a + b * ts[k])
                    ga += ys[k] - mu; gb += ts[k] * (ys[k] - mu)
                    info.aa += mu; info.ab += mu * ts[k]; info.bb += mu * ts[k] * ts[k]
                }
                let det = info.aa * info.bb - info.ab * info.ab
                guard det > 0 else { break }
                let da = (info.bb * ga - info.ab * gb) / det, db = (info.aa * gb - info.ab * ga) / det
                a += da; b += db
                if abs(da) + abs(db) < 1e-10 { break }
            }
            var pearson = 0.0
            for k in ys.indices { let mu = es[k] * exp(a + b * ts[k]); pearson += (ys[k] - mu) * (ys[k] - mu) / mu }
            let phi = pearson / Double(max(1, ys.count - 2))
            let det = info.aa * info.bb - info.ab * info.ab
            let se = det > 0 ? (phi * info.aa / det).squareRoot() : .nan
            out.append(Estimate(hazard: h, beta: b, standardError: se))
        }
        return out
    }
}
