import Foundation

/// New disaster displacement per country, year and hazard (IDMC GIDD; the nine hazards of
/// `ClimateHazard.disasters`), as a baseline rate per person, partially pooled across the
/// countries of a UN region, times population, times a warming factor from the literature:
///
///     E[N_h(c,t)] = rate_{c,h} · pop(c,t) · (1 + r_h)^{ΔT(t)}
///
/// with r_h a draw from `ClimateResponseTable` (fraction per °C) and ΔT the global warming above
/// the reference (the jump-off year's level); geophysical hazards have r = 0. The warming factor
/// is `ClimateResponse.factor(warming:response:)`: (1 + r)^ΔT, equal to 1 + r at 1 °C.
///
/// **Rates: empirical-Bayes shrinkage within hazard and UN region.** Per hazard h, over the
/// fit years in which IDMC reported on the country:
///
///     Y_c = Σ_t y_{c,t},  E_c = Σ_t pop_{c,t},  ŷ_c = Y_c / E_c   (raw rate)
///     r_R = Σ_{c∈R} Y_c / Σ_{c∈R} E_c                             (regional rate)
///     rate_c = (Y_c + a_c·r_R) / (E_c + a_c) = w_c·ŷ_c + (1 − w_c)·r_R
///
/// the gamma–Poisson posterior mean's form (Clayton & Kaldor 1987, *Biometrics* 43:671), with the
/// prior exposure a_c = E_c·(1 − w_c)/w_c set by credibility weights (Bühlmann & Gisler 2005, *A
/// Course in Credibility Theory*, ch. 4; a linear empirical-Bayes estimator):
///
///     w_c = κ² / (κ² + (1 + κ²)·h_c/θ + δ/(r_R·E_c)),   h_c = Σ_t pop²_{c,t} / E_c²  (≈ 1/years)
///
/// The sampling variance of ŷ_c comes from a two-term model of a country-year's displacements,
/// Var(y) = μ²/θ + δ·μ: a year-to-year coefficient of variation 1/√θ (weather years, big and
/// small) plus a clustering term δ (persons: one event displaces a cluster, which matters in small
/// countries with few events). Poisson sampling variance (ŷ_c/E_c) would give w_c ≈ 1 everywhere —
/// the counts are in the thousands and millions — and a single quasi-Poisson dispersion was tried
/// first: dominated by the lumpy small countries, it pooled every flood rate to its region.
/// θ and δ are method-of-moments estimates from the residuals of each country's years around its
/// own raw rate (e² scaled by T/(T − 1)), solving
///
///     Σ e² = Σ μ²/θ + δ·Σ μ          Σ e²/μ = Σ μ/θ + δ·N
///
/// (the first weighted towards big countries, the second towards small ones; a negative solution
/// is set to 0 and the other re-solved alone). κ², the between-country variance of the true rate
/// relative to r_R, is a moment estimator pooled over regions and exposure-weighted
/// (Marshall 1991, *Applied Statistics* 40:283, on the relative scale):
///
///     κ² = max(0, [Σ_c E_c (ŷ_c/r_R − 1)² − Σ_c E_c·h_c/θ − Σ_c δ/r_R] / [Σ_c E_c + Σ_c E_c·h_c/θ])
///
/// A well-observed large country keeps nearly its own rate; a small or briefly observed one moves
/// to r_R; a country never reported gets r_R.
///
/// **Missing country-years.** Only the years in which IDMC reported any figure for a country
/// (`HazardObservations.reportingYears`) count as exposure: a hazard absent in such a year is 0,
/// a year with no figure at all is missing (neither displacement nor exposure).
///
/// **Simulation.** Year to year, y = δ·Poisson(μ·G/δ) with G ~ Gamma(θ, 1/θ), whose variance is
/// exactly δ·μ + μ²/θ, the two-term model.
/// **Parameter uncertainty**: per draw, a country's rate is drawn from a gamma with mean rate_c
/// and variance (1 − w_c)·κ²·r_R² + (1 − w_c)²·Var(r̂_R) (the linear-Bayes posterior variance
/// plus the error of the regional rate).
public struct HazardDisplacementModel: Sendable {
    /// A country's pooled rate for one hazard.
    public struct CountryRate: Sendable, Equatable {
        public let country: String
        public let region: String
        /// Σ displacements and Σ population (person-years) over the fit's reporting years.
        public let displaced: Double
        public let exposure: Double
        /// Posterior mean rate, displacements per person per year.
        public let rate: Double
        /// Credibility weight w_c of the country's own rate (0: regional rate only).
        public let weight: Double
        /// Shape of the gamma the rate is drawn from per Monte Carlo draw (mean `rate`).
        public let posteriorShape: Double
    }

    /// The fit for one hazard.
    public struct HazardFit: Sendable {
        public let hazard: ClimateHazard
        public let years: ClosedRange<Int>
        /// Clustering term δ of the year-to-year variance μ²/θ + δ·μ (persons).
        public let dispersion: Double
        /// Relative between-country variance κ² (0: full pooling to the region).
        public let relativeBetweenVariance: Double
        /// Region → r_R (per person per year).
        public let regionRates: [String: Double]
        /// Country → pooled rate (every country with a region or with data).
        public let rates: [String: CountryRate]
        /// Gamma shape θ of the year-to-year noise (coefficient of variation 1/√θ).
        public let theta: Double
        /// Country-years used (reporting years with population).
        public let countryYears: Int
        /// World rate: Σ Y / Σ E.
        public let worldRate: Double
    }

    public let hazards: [ClimateHazard: HazardFit]

    /// Fits every disaster hazard on `years` (e.g. 2008...2018 for the hindcast, 2008...2023 for
    /// projections). Countries get a rate if they have a region in countries.csv or any data.
    public static func fit(_ obs: HazardObservations, years: ClosedRange<Int>) -> HazardDisplacementModel {
        var fits: [ClimateHazard: HazardFit] = [:]
        var countries = Set(obs.region.keys).union(obs.reportingYears.keys)
        countries = countries.filter { c in years.contains { obs.population[c, $0] != nil } || obs.reportingYears[c] != nil }
        let sortedCountries = countries.sorted()
        for hazard in ClimateHazard.disasters {
            // Per-country sums over reporting years with population.
            var Y: [String: Double] = [:], E: [String: Double] = [:], cells: [String: [(y: Double, p: Double)]] = [:]
            var n = 0
            for c in sortedCountries {
                for t in years where obs.reportingYears[c]?.contains(t) == true {
                    guard let p = obs.population[c, t], p > 0 else { continue }
                    let y = obs.observed(hazard, c, t) ?? 0
                    Y[c, default: 0] += y; E[c, default: 0] += p
                    cells[c, default: []].append((y, p))
                    n += 1
                }
            }
            // Regional rates.
            var regionY: [String: Double] = [:], regionE: [String: Double] = [:]
            for (c, e) in E.sorted(by: { $0.key < $1.key }) { regionY[obs.regionOf(c), default: 0] += Y[c]!; regionE[obs.regionOf(c), default: 0] += e }
            var regionRate: [String: Double] = [:]
            for (r, e) in regionE.sorted(by: { $0.key < $1.key }) { regionRate[r] = e > 0 ? regionY[r]! / e : 0 }
            let worldY = regionY.keys.sorted().reduce(0) { $0 + (regionY[$1] ?? 0) }, worldE = regionE.keys.sorted().reduce(0) { $0 + (regionE[$1] ?? 0) }
            let worldRate = worldE > 0 ? worldY / worldE : 0
            // Year-to-year variance μ²/θ + δ·μ: moments of the residuals around each country's
            // own raw rate.
            var s11 = 0.0, s12 = 0.0, s22 = 0.0, b1 = 0.0, b2 = 0.0
            for (c, list) in cells.sorted(by: { $0.key < $1.key }) where list.count >= 2 {
                let raw = Y[c]! / E[c]!
                guard raw > 0 else { continue }
                let scale = Double(list.count) / Double(list.count - 1)
                for cell in list {
                    let mu = raw * cell.p
                    let e2 = (cell.y - mu) * (cell.y - mu) * scale
                    s11 += mu * mu; s12 += mu; b1 += e2
                    s22 += 1; b2 += e2 / mu
                }
            }
            var invTheta = 0.0, delta = 0.0
            let det = s11 * s22 - s12 * s12
            if det > 0 {
                invTheta = (b1 * s22 - s12 * b2) / det
                delta = (s11 * b2 - s12 * b1) / det
            }
            if invTheta < 0 { invTheta = 0; delta = s22 > 0 ? max(0, b2 / s22) : 0 }
            if delta < 0 { delta = 0; invTheta = s11 > 0 ? max(0, b1 / s11) : 0 }
            let theta = invTheta > 0 ? max(1 / invTheta, 0.02) : 1e6
            // h_c = Σ p² / E² (≈ 1/years observed).
            var h: [String: Double] = [:]
            for (c, list) in cells.sorted(by: { $0.key < $1.key }) { h[c] = list.reduce(0) { $0 + $1.p * $1.p } / (E[c]! * E[c]!) }
            // κ²: between-country variance relative to r_R, exposure-weighted, pooled over regions.
            var sDev = 0.0, v1 = 0.0, v2 = 0.0, sumE = 0.0
            for (c, e) in E.sorted(by: { $0.key < $1.key }) {
                guard let rR = regionRate[obs.regionOf(c)], rR > 0 else { continue }
                let rel = Y[c]! / e / rR - 1
                sDev += e * rel * rel
                v1 += e * h[c]! / theta
                v2 += delta / rR
                sumE += e
            }
            let kappa2 = sumE > 0 ? max(0, (sDev - v1 - v2) / (sumE + v1)) : 0
            // Error variance of each regional rate (relative): Σ E² v / (Σ E)².
            var regionErr: [String: (num: Double, den: Double)] = [:]
            for (c, e) in E.sorted(by: { $0.key < $1.key }) {
                let region = obs.regionOf(c)
                guard let rR = regionRate[region], rR > 0 else { continue }
                let v = (1 + kappa2) * h[c]! / theta + delta / (rR * e) + kappa2
                regionErr[region, default: (0, 0)].num += e * e * v
                regionErr[region, default: (0, 0)].den += e
            }
            // Pooled rates; countries without exposure get the regional (or world) rate.
            var rates: [String: CountryRate] = [:]
            for c in sortedCountries {
                let region = obs.regionOf(c)
                let rR = regionRate[region] ?? worldRate
                let y = Y[c] ?? 0, e = E[c] ?? 0
                var w = 0.0
                if e > 0, rR > 0, kappa2 > 0 {
                    w = kappa2 / (kappa2 + (1 + kappa2) * (h[c] ?? 1) / theta + delta / (rR * e))
                }
                let raw = e > 0 ? y / e : rR
                let rate = w * raw + (1 - w) * rR
                let err = regionErr[region].map { $0.den > 0 ? $0.num / ($0.den * $0.den) : 0 } ?? 0
                let variance = ((1 - w) * kappa2 + (1 - w) * (1 - w) * err) * rR * rR
                let shape = rate > 0 && variance > 0 ? max(rate * rate / variance, 1e-3) : 1e6
                rates[c] = CountryRate(country: c, region: region, displaced: y, exposure: e, rate: rate, weight: w, posteriorShape: shape)
            }
            fits[hazard] = HazardFit(hazard: hazard, years: years, dispersion: delta, relativeBetweenVariance: kappa2,
                                     regionRates: regionRate, rates: rates, theta: theta,
                                     countryYears: n, worldRate: worldRate)
        }
        return HazardDisplacementModel(hazards: fits)
    }

    /// The pooled rate (displacements per person per year) of `hazard` in `country`; the regional
    /// rate of `region` (or the world rate) for a country the fit has not seen.
    public func rate(_ hazard: ClimateHazard, country: String, region: String? = nil) -> Double {
        guard let fit = hazards[hazard] else { return 0 }
        if let r = fit.rates[country] { return r.rate }
        return region.flatMap { fit.regionRates[$0] } ?? fit.worldRate
    }

    /// Expected new displacements of `hazard` in `country` for a population (persons), a warming
    /// ΔT above the reference (°C) and a response r (fraction per °C, e.g. a draw of
    /// `ClimateResponseTable.sample`): rate · pop · (1 + r)^ΔT. Geophysical hazards ignore ΔT.
    public func expected(_ hazard: ClimateHazard, country: String, population: Double,
                         warming deltaT: Double = 0, response r: Double = 0) -> Double {
        let factor = hazard.isGeophysical ? 1 : ClimateResponse.factor(warming: deltaT, response: r)
        return rate(hazard, country: country) * population * factor
    }

    /// One draw of a country's rate from its posterior gamma (parameter uncertainty): to be drawn
    /// once per Monte Carlo draw and held over the projection years.
    package func sampleRate(_ hazard: ClimateHazard, country: String, rng: inout DrawRandomStream) -> Double {
        guard let fit = hazards[hazard], let r = fit.rates[country], r.rate > 0 else { return rate(hazard, country: country) }
        return r.rate * rng.gamma(shape: r.posteriorShape) / r.posteriorShape
    }

    /// One year's simulated displacements around the mean `mean`: δ·Poisson(mean·G/δ),
    /// G ~ Gamma(θ, 1/θ) (clusters of δ people; δ < 1 is treated as 1).
    package func simulateYear(_ hazard: ClimateHazard, mean: Double, rng: inout DrawRandomStream) -> Double {
        guard mean > 0, let fit = hazards[hazard] else { return 0 }
        let g = fit.theta >= 1e5 ? 1 : rng.gamma(shape: fit.theta) / fit.theta
        let cluster = max(fit.dispersion, 1)
        return cluster * rng.poisson(mean * g / cluster)
    }

    /// Simulated new displacements of `hazard` in `country` in one year: a rate drawn from its
    /// posterior (`rate`, from `sampleRate`, or the posterior mean when `nil`) × population ×
    /// (1 + r)^ΔT, with negative-binomial year-to-year noise. `rng` is the caller's stream (e.g.
    /// `DrawRandomStream(seed:draw:purpose: .disaster, key: country index)`).
    package func simulate(_ hazard: ClimateHazard, country: String, population: Double, warming deltaT: Double = 0,
                          response r: Double = 0, rate drawnRate: Double? = nil, rng: inout DrawRandomStream) -> Double {
        let factor = hazard.isGeophysical ? 1 : ClimateResponse.factor(warming: deltaT, response: r)
        let mean = (drawnRate ?? rate(hazard, country: country)) * population * factor
        return simulateYear(hazard, mean: mean, rng: &rng)
    }
}
