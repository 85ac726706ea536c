import Dispatch
import Foundation
import Linalg
import MigrationModels

/// Everything a projection needs: observed history, population variants and AR6 warming bands.
public struct ProjectionInputs: Sendable {
    public var history: DisplacementHistory
    public var population: PopulationPathways
    /// Warming bands per pathway: AR6 WG1's assessed ranges (SPM Table SPM.1) where
    /// data/ar6_assessed_warming.csv is present, else the CMIP6 spread of SPM.8.
    public var warming: [ClimatePathwayName: [Int: ClimatePathways.Band]]
    /// The climate channel's inputs (issue 14): new disaster displacement by hazard (GIDD), the
    /// literature's warming responses, and IDMC's end-2024 disaster IDP stocks by country. When
    /// absent, the lifecycle model reports no disaster IDPs and no attributable displacement.
    public var hazardObservations: HazardObservations?
    public var climateResponses: ClimateResponseTable?
    public var observedDisasterStocks: [String: Double]
    public init(history: DisplacementHistory, population: PopulationPathways, warming: [ClimatePathwayName: [Int: ClimatePathways.Band]],
                hazardObservations: HazardObservations? = nil, climateResponses: ClimateResponseTable? = nil,
                observedDisasterStocks: [String: Double] = [:]) {
        self.history = history
        self.population = population
        self.warming = warming
        self.hazardObservations = hazardObservations
        self.climateResponses = climateResponses
        self.observedDisasterStocks = observedDisasterStocks
    }
}

/// The fitted parts of the projection model.
public struct FittedProjectionModels: Sendable {
    public let conflict: ConflictDisplacementModel
    /// The baseline dynamics of the stock (used when the scenario set's stock model is `growth`).
    public let stockGrowth: StockGrowthModel
    public let disaster: DisasterDisplacementModel
    public let climate: ClimatePathways
    /// The jump-off year: projections start in baseYear + 1 from the data observed in baseYear.
    public let baseYear: Int
    /// The life-cycle stock model (the default `lifecycle` stock model): series breaks, the
    /// models of the cross-border and conflict-IDP stocks, new crises, the ceiling and UNRWA.
    public let lifeCycle: LifeCycleModels
    /// The climate channel (hazard-by-hazard disaster displacement, disaster IDPs, literature
    /// warming responses); nil when its data are absent.
    public let climateChannel: ClimateChannel?
}

/// The parts of the `lifecycle` stock model, fitted on the years up to the jump-off.
public struct LifeCycleModels: Sendable {
    public let breaks: SeriesBreaks
    public let crossBorder: CrisisLifeCycleModel
    public let conflictIDPs: CrisisLifeCycleModel
    public let onset: CrisisOnsetModel
    public let ceiling: DisplacementCeiling
    public let unrwa: UNRWAGrowthModel
    /// Exit rate r_c per origin: mean of (returns + resettlement + naturalisation + IDP returns) /
    /// stock over the last five fit years, within 0–0.5; the median for origins without data.
    /// The `exit_rate` lever adds (factor − 1)·r_c to the annual decline.
    public let exitRates: [String: Double]
    public let medianExitRate: Double

    public func model(_ type: DisplacedStockType) -> CrisisLifeCycleModel { type == .crossBorder ? crossBorder : conflictIDPs }

    /// Fits every part on the history up to `baseYear`.
    public static func fit(_ inputs: ProjectionInputs, baseYear: Int) throws -> LifeCycleModels {
        let h = inputs.history
        let pop = inputs.population.series(.medium)
        let breaks = SeriesBreaks.detect(h, lastYear: baseYear)
        let onset = try CrisisOnsetModel.fit(history: h, breaks: breaks, population: pop, years: 1991...baseYear)
        let keys = onset.keys
        let cb = try CrisisLifeCycleModel.fit(.crossBorder, history: h, breaks: breaks, population: pop, years: 1991...baseYear, onsets: keys)
        // IDPs are reported by origin from 2009, so an early jump-off has too few like-for-like
        // IDP changes: the IDP stock then follows the cross-border life cycle (said in diagnostics).
        let idp = (try? CrisisLifeCycleModel.fit(.conflictIDPs, history: h, breaks: breaks, population: pop, years: 2010...baseYear, onsets: keys))
            ?? cb.borrowed(as: .conflictIDPs)
        var rates: [String: Double] = [:]
        for c in h.stock.countries {
            var v: [Double] = []
            for y in (baseYear - 4)...baseYear { if let x = h.exits[c, y], let d = h.stock[c, y - 1], d >= 1000 { v.append(min(0.5, x / d)) } }
            if !v.isEmpty { rates[c] = v.reduce(0, +) / Double(v.count) }
        }
        let median = QuantileSummary.quantile(sorted: rates.values.sorted(), 0.5)
        return LifeCycleModels(breaks: breaks, crossBorder: cb, conflictIDPs: idp, onset: onset,
                               ceiling: DisplacementCeiling.derive(history: h, population: pop, lastYear: baseYear),
                               unrwa: UNRWAGrowthModel.fit(history: h, population: pop, lastYear: baseYear),
                               exitRates: rates, medianExitRate: median.isFinite ? median : 0.02)
    }
}

/// One output cell.
public struct ProjectionRow: Sendable, Equatable {
    public let scenario: String
    /// World, UNHCR region, UN region or country (the `geography_level` column).
    public let geographyLevel: GeographyLevel
    /// `World`, the region's name or the country's ISO 3166-1 alpha-3 code.
    public let geography: String
    /// What the cell counts (the `category` column).
    public let category: ProjectionCategory
    public let year: Int
    public let summary: QuantileSummary
}

/// Projection categories, in output order. The raw values are the names written in the
/// `category` column of projections.csv, contrasts.csv and summary_wide.csv.
public enum ProjectionCategory: String, CaseIterable, Sendable {
    case displaced = "displaced_stock"
    case crossBorder = "displaced_cross_border"
    case conflictIDPs = "displaced_conflict_idps"
    case unrwa = "displaced_unrwa"
    case disasterIDPs = "displaced_disaster_idps"
    case newDisplacement = "new_conflict_displacement"
    case exits = "exits"
    case disaster = "new_disaster_displacement"
    /// What warming after the jump-off adds: the scenario minus the same draws with warming held
    /// at its jump-off level (paired draws), for new disaster displacement and the whole stock.
    case attributableNew = "climate_attributable_new_disaster_displacement"
    case attributableStock = "climate_attributable_displaced_stock"
    // New disaster displacement by hazard (lifecycle with the climate channel; they sum to
    // new_disaster_displacement), and what warming adds to each. Reported for the world and the
    // UNHCR regions only.
    case flood = "new_disaster_displacement_flood"
    case storm = "new_disaster_displacement_storm"
    case drought = "new_disaster_displacement_drought"
    case wildfire = "new_disaster_displacement_wildfire"
    case extremeTemperature = "new_disaster_displacement_extreme_temperature"
    case massMovement = "new_disaster_displacement_mass_movement"
    case earthquake = "new_disaster_displacement_earthquake"
    case volcanic = "new_disaster_displacement_volcanic"
    case otherHazard = "new_disaster_displacement_other"
    case attributableFlood = "climate_attributable_new_disaster_displacement_flood"
    case attributableStorm = "climate_attributable_new_disaster_displacement_storm"
    case attributableDrought = "climate_attributable_new_disaster_displacement_drought"
    case attributableWildfire = "climate_attributable_new_disaster_displacement_wildfire"
    case attributableExtremeTemperature = "climate_attributable_new_disaster_displacement_extreme_temperature"
    case attributableMassMovement = "climate_attributable_new_disaster_displacement_mass_movement"
    case attributableEarthquake = "climate_attributable_new_disaster_displacement_earthquake"
    case attributableVolcanic = "climate_attributable_new_disaster_displacement_volcanic"
    case attributableOther = "climate_attributable_new_disaster_displacement_other"

    /// The categories a stock model reports, in output order: `displaced_stock` is the sum of the
    /// four `displaced_*` types under `lifecycle`; flows (new displacement, exits, new disaster
    /// displacement) are reported beside the stocks and never added to them. The older models
    /// have no types, hazards or attribution.
    public static func categories(_ model: StockModel) -> [ProjectionCategory] {
        model == .lifecycle ? allCases : [.displaced, .newDisplacement, .exits, .disaster]
    }

    /// The categories reported for the UN regions: those of the countries plus the two
    /// climate-attributable totals (the hazard-by-hazard detail is for the world and the UNHCR
    /// regions, which keeps projections.csv and the run's memory small).
    public static func unRegionCategories(_ model: StockModel) -> [ProjectionCategory] {
        Array(categories(model).prefix(model == .lifecycle ? 10 : 4))
    }

    /// The categories reported for single countries (the hazard and attribution detail is for
    /// the world and the regions, which keeps projections.csv to a size a spreadsheet opens).
    public static func countryCategories(_ model: StockModel) -> [ProjectionCategory] {
        Array(categories(model).prefix(model == .lifecycle ? 8 : 4))
    }
}

/// A scenario's climate inputs per draw (lifecycle with the climate channel): the warming
/// factors (1 + r_h)^ΔT by year and hazard, and the conflict onset factor (1 + r_c)^ΔT by year
/// (1 when the scenario turns the conflict–warming link off).
struct ScenarioClimate: Sendable {
    /// [draw][year × hazards + hazard]
    let hazardFactor: [[Double]]
    /// [draw][year]
    let conflictFactor: [[Double]]
}

/// Errors of the projection engine.
public enum ProjectionError: Error, CustomStringConvertible {
    case unknownCountry(String)
    case noCountries
    case horizon(Int, base: Int)
    public var description: String {
        switch self {
        case .unknownCountry(let c): return "unknown country code '\(c)' — use an ISO 3166 alpha-3 code present in data/countries.csv"
        case .noCountries: return "no country has displacement data to project"
        case let .horizon(h, base): return "horizon \(h) is not after the last observed year \(base) — choose a later horizon"
        }
    }
}

/// Monte Carlo projection of displacement under scenarios.
///
/// The stock moves by the scenario set's `StockModel`: by default its empirical random walk in
/// logs under the reference pathway plus the flows by which the scenario differs from the
/// reference, D(t) = D(t−1)·exp(e) + [N_s − N_ref] − [X_s − X_ref] (the reference is SSP2-4.5 with
/// the WPP medium variant and no overrides; N and X are the fitted inflow and exit means of the
/// same draw, at the same stock, with the same shocks); or, with `flows`, by the full stock–flow
/// model D(t) = D(t−1) + N − X − R.
///
/// Jump-off: the stock observed at the end of the base year, or — where UNHCR has published a
/// mid-year figure for the first projected year — that mid-year stock, from which the first year
/// moves by half a year: the year's growth e with probability 1/2 and half the flow differences
/// (growth), or half of the year's N, X and R (flows). The projected flows themselves stay
/// calendar-year totals.
///
/// Per draw d: coefficients β⁽ᵈ⁾ ~ N(β̂, V̂) for every fitted model (the same draw for all
/// countries, and for all scenarios — common random numbers, so scenario differences are not
/// noise), one warming quantile z⁽ᵈ⁾ for the whole path, and per country the AR(1) shocks,
/// Poisson counts, residual-rate noise and Gamma disaster noise. Every random number comes from
/// `DrawRandomStream(seed, d, purpose, key)`, so the output depends on (seed, draws) only — not
/// on the thread count or scheduling. Draws run in blocks of at most `exactDrawLimit` (10,000);
/// within a block countries run in parallel, and regional and world totals are accumulated per
/// draw in 64-bit fixed point (2⁻¹⁶ persons), whose sums do not depend on the order of addition.
/// With one block every cell is summarised exactly (type-7 quantiles of all draws); with more,
/// each cell streams its blocks, in draw order, into a t-digest (`QuantileSketch`: exact mean,
/// quantiles within about 0.1 percentage point of probability), so the output still depends only
/// on (seed, draws). Memory: O(block × years × (categories × aggregates + one country per
/// thread)) + O(cells × compression) for the sketches — bounded whatever the number of draws.
public enum ProjectionEngine {
    /// The pathway and population variant the growth model's baseline stands for.
    public static let referencePathway = ClimatePathwayName.ssp245
    public static let referencePopulation = PopulationVariant.medium

    /// Fits the models on the years up to `baseYear` (default: the last observed year).
    public static func fit(_ inputs: ProjectionInputs, baseYear: Int? = nil, firstYear: Int = 2001) throws -> FittedProjectionModels {
        let base = baseYear ?? inputs.history.lastObservedYear
        let pop = inputs.population.series(.medium)
        let conflict = try ConflictDisplacementModel.fit(inputs.history, population: pop, years: firstYear...base)
        let growth = try StockGrowthModel.fit(inputs.history.stock, years: firstYear...base)
        let disaster = try DisasterDisplacementModel.fit(inputs.history, population: pop, years: max(2008, firstYear)...base)
        let climate = ClimatePathways(ar6: inputs.warming, history: inputs.history)
        let lifeCycle = try LifeCycleModels.fit(inputs, baseYear: base)
        let channel = try ClimateChannel.fit(inputs, baseYear: base, conflict: conflict)
        return FittedProjectionModels(conflict: conflict, stockGrowth: growth, disaster: disaster, climate: climate, baseYear: base,
                                      lifeCycle: lifeCycle, climateChannel: channel)
    }

    /// Cholesky factor of a coefficient covariance (pivoted, so a singular V still works).
    static func choleskyFactor(_ v: Matrix) -> Matrix? {
        guard v.rows > 0 else { return nil }
        if let c = try? v.cholesky() { return c.factor }
        // Fall back to the symmetric eigen-decomposition: L = U·√max(λ, 0).
        guard let e = try? v.symmetricEigen() , let u = e.eigenvectors else { return nil }
        var l = u
        for j in 0..<v.cols { let s = max(e.eigenvalues[j], 0).squareRoot(); for i in 0..<v.rows { l[i, j] *= s } }
        return l
    }

    static func drawCoefficients(_ r: RegressionResult, _ factor: Matrix?, _ rng: inout DrawRandomStream) -> [Double] {
        let beta = r.coefficients.map(\.estimate)
        guard let l = factor else { return beta }
        let z = (0..<beta.count).map { _ in rng.normal() }
        var out = beta
        for i in 0..<beta.count { for j in 0..<beta.count { out[i] += l[i, j] * z[j] } }
        return out
    }

    /// Runs with up to this many draws in memory at once have exact quantiles; larger runs are
    /// summarised in blocks of this size through `QuantileSketch` (bounded memory).
    public static let exactDrawLimit = 10_000

    /// Draws per chunk of a life-cycle simulation: categories × years × chunk values (28 × 26 ×
    /// 1,024 × 8 bytes ≈ 6 MB, within the L3 cache) are added to the aggregates before the next
    /// chunk, so a country keeps only its 8 reported categories for all draws (10,000 draws: about
    /// 740 instead of 940 MB). Smaller chunks cost time: the aggregates' cells hold all draws, so a
    /// chunk adds short runs far apart (128 draws: 5 % more CPU).
    static let simulationChunk = 1024

    /// One geography's rows, category by category and year by year; `summary` receives the cell
    /// index category × years.count + year index (the layout of `simulateCountry`'s output).
    static func cellRows(_ scenario: String, _ level: GeographyLevel, _ geography: String, years: [Int], categories: [ProjectionCategory],
                         _ summary: (Int) -> QuantileSummary) -> [ProjectionRow] {
        var out: [ProjectionRow] = []
        for (k, category) in categories.enumerated() {
            for (t, y) in years.enumerated() {
                out.append(ProjectionRow(scenario: scenario, geographyLevel: level, geography: geography, category: category,
                                         year: y, summary: summary(k * years.count + t)))
            }
        }
        return out
    }

    /// The per-draw inputs of one block of draws (index k is draw firstDraw + k).
    struct DrawInputs: Sendable {
        let firstDraw: Int
        let betaIn: [[Double]], betaEx: [[Double]], betaDis: [[[Double]]], zClimate: [Double]
        let warmingReference: [[Double]]
        /// [draw][type][class × 2 + phase] life-cycle drifts α_k,phase and [draw] onset coefficients (lifecycle only).
        let lifeCycleAlpha: [[[Double]]]
        let onsetBeta: [[Double]]
        /// [draw][year] the common standard normals of the year shock shared by all origins, and
        /// one more (index years.count) for the shock's state at the jump-off.
        let yearShock: [[Double]]
        /// [draw][hazard…, conflict] the uniforms from which each scenario draws its warming
        /// responses (common to scenarios: paired draws even when a scenario overrides a range).
        let climateResponse: [[Double]]
    }

    /// Simulates one country for all draws: values laid out [category][year][draw].
    static func simulateCountry(_ c: String, countryIndex: Int, scenario: Scenario, stockModel: StockModel, years: [Int], base: Int,
                                draws: DrawInputs, warming: [[Double]], models: FittedProjectionModels, history: DisplacementHistory,
                                population: PopulationPathways, seed: UInt64, inflowTerms: [String], exitTerms: [String],
                                medianExit: Double) -> [Double] {
        let D = draws.zClimate.count, T = years.count, K = ProjectionCategory.categories(stockModel).count
        var out = [Double](repeating: 0, count: K * T * D)
        let conflict = models.conflict
        let alpha = conflict.inflowEffects[c]
        let gamma = conflict.exitEffects[c] ?? medianExit
        let q0 = conflict.residualRate[c] ?? 0

        let deviations = conflict.residualDeviations[c] ?? [0]
        let exitNoise = conflict.exitMultipliers[c] ?? []
        let pattern = models.climate.patterns[c]
        let d0 = history.stock[c, base] ?? 0
        // Mid-year anchor for the first projected year: the rest of that year is half a step.
        let midyear = history.midyearStock[c, base + 1]
        let jumpOff = midyear ?? d0
        let firstStep = midyear == nil ? 1.0 : 0.5
        let lastPop = population.value(c, base, scenario.population) ?? population.estimates[c, population.lastEstimateYear]
        // Coefficient positions, resolved once.
        let iTemp = inflowTerms.firstIndex(of: "temperature_anomaly"), iTrend = inflowTerms.firstIndex(of: "trend")
        let iLag = inflowTerms.firstIndex(of: "log_lagged_stock"), iExTrend = exitTerms.firstIndex(of: "trend")
        // Per-year inputs, resolved once (no dictionary look-ups in the draw loop).
        var logExposure = [Double](repeating: .nan, count: T), cap = [Double](repeating: .infinity, count: T)
        var logExposureRef = [Double](repeating: .nan, count: T)
        let isGrowth = stockModel == .growth
        let growthModel = models.stockGrowth
        let lastPopRef = population.value(c, base, referencePopulation) ?? population.estimates[c, population.lastEstimateYear]
        // Levers per year (onset_rate and crisis_duration are refused for this model when read).
        let levers = scenario.leverFactors(years: years, country: c)
        let ones = [Double](repeating: 1, count: T)
        let fNew = levers[.newConflict] ?? ones, fExit = levers[.exitRate] ?? ones
        let fResidual = levers[.residual] ?? ones, fDisaster = levers[.disaster] ?? ones
        for (t, y) in years.enumerated() {
            if let p = population.value(c, y, scenario.population) ?? lastPop {
                logExposure[t] = log(max(p, 1e-3) * 1000)
                cap[t] = p * 1000
            }
            if isGrowth, let p = population.value(c, y, referencePopulation) ?? lastPopRef {
                logExposureRef[t] = log(max(p, 1e-3) * 1000)
            }
        }
        let hasExposure = logExposure.map { !$0.isNaN }
        // Trends are held at the jump-off year (see ConflictDisplacementModel).
        let trend = Double(base - 2010) / 10
        let hazards = models.disaster.hazards.enumerated().compactMap { h, hz in hz.effects[c].map { (h, $0, hz.theta) } }
        let rho = conflict.inflowShock.rho, sigma = conflict.inflowShock.sigma
        let u0 = conflict.lastInflowShock[c] ?? 0
        for d in 0..<D {
            var rng = DrawRandomStream(seed: seed, draw: draws.firstDraw + d, purpose: .country, key: countryIndex)
            var stock = jumpOff
            var uIn = u0, vIn = 0.0
            let bIn = draws.betaIn[d], bEx = draws.betaEx[d]
            let bTemp = iTemp.map { bIn[$0] } ?? 0, bTrend = iTrend.map { bIn[$0] } ?? 0, bLag = iLag.map { bIn[$0] } ?? 0
            // Exit rate before the noise multiplier (capped at 1 before the multiplier).
            let exitRateBase = exp(min(gamma + (iExTrend.map { bEx[$0] } ?? 0) * trend, 0))
            let warm = warming[d], warmRef = draws.warmingReference[d]
            for t in 0..<T {
                let g = warm[t]
                let temp: Double, tempRef: Double
                if let pattern {
                    let noise = pattern.s * rng.normal()
                    temp = pattern.a + pattern.b * g + noise
                    tempRef = !isGrowth ? temp : pattern.a + pattern.b * warmRef[t] + noise
                } else {
                    temp = g
                    tempRef = !isGrowth ? g : warmRef[t]
                }
                // New displacement: pop·exp(α + β·x + u − v/2), v = Var(u | u at the jump-off), so
                // that the multiplicative shock has mean 1 (E[exp(u)] = exp(E u + v/2)).
                uIn = rho * uIn + sigma * rng.normal()
                vIn = rho * rho * vIn + sigma * sigma
                var newDisp = 0.0, meanNew = 0.0, meanNewRef = 0.0
                if let alpha, hasExposure[t] {
                    let common = alpha + uIn - vIn / 2 + bTrend * trend + bLag * log1p(stock)
                    meanNew = min(exp(min(common + logExposure[t] + bTemp * temp, 40)), cap[t]) * fNew[t]
                    newDisp = rng.poisson(meanNew)
                    if isGrowth, !logExposureRef[t].isNaN {
                        meanNewRef = min(exp(min(common + logExposureRef[t] + bTemp * tempRef, 40)), cap[t])
                    }
                }
                // Exits: D(t−1)·exp(γ + γ₁·trend)·m, m resampled from the country's history.
                let multiplier = exitNoise.isEmpty ? 1 : exitNoise[Int(rng.uniform() * Double(exitNoise.count)) % exitNoise.count]
                let rateRef = exitRateBase * multiplier
                let rate = min(1, rateRef * fExit[t])
                let exits = min(stock, rng.poisson(stock * rate))
                let step = t == 0 ? firstStep : 1
                if isGrowth {
                    // Baseline growth (an observed growth of the stock's size class) plus the flows
                    // by which the scenario differs from the reference.
                    var e = growthModel.grows(stock) ? growthModel.sample(stock: stock, uniform: rng.uniform()) : 0
                    let difference = (meanNew - meanNewRef) - stock * (rate - min(1, rateRef))
                    // Half a year (mid-year jump-off): the year's change happens with probability
                    // 1/2 — the displaced stock moves in jumps, and thinning keeps half the annual
                    // mean change, where e/2 would shrink the right tail that drives the mean.
                    if step < 1, rng.uniform() >= step { e = 0 }
                    stock = min(max(0, stock * exp(e) + step * difference), cap[t])
                } else {
                    // Residual.
                    let dev = deviations[Int(rng.uniform() * Double(deviations.count)) % max(1, deviations.count)]
                    let q = max(-0.5, min(0.9, (q0 + dev) * fResidual[t]))
                    stock = min(max(0, stock + step * (newDisp - exits - q * stock)), cap[t])
                }
                // Disasters: pop·exp(α_h + β_h·x)·Gamma noise.
                var dis = 0.0
                if hasExposure[t] {
                    for (h, a, theta) in hazards {
                        let b = draws.betaDis[d][h]
                        let eta = a + logExposure[t] + b[0] * temp + b[1] * trend
                        let mu = min(exp(min(eta, 40)) * rng.gamma(shape: theta) / theta, cap[t])
                        dis += rng.poisson(mu * fDisaster[t])
                    }
                }
                out[t * D + d] = stock
                out[(T + t) * D + d] = newDisp
                out[(2 * T + t) * D + d] = exits
                out[(3 * T + t) * D + d] = dis
            }
        }
        return out
    }

    static func median(_ v: [Double]) -> Double? {
        guard !v.isEmpty else { return nil }
        return QuantileSummary.quantile(sorted: v.sorted(), 0.5)
    }

}

extension LifeCycleModels {
    /// Rows (model, statistic, value) for diagnostics.csv: every fitted parameter of the
    /// life-cycle stock model, the ceiling and the onset process.
    public var diagnostics: [(String, String, String)] {
        var out: [(String, String, String)] = []
        for m in [crossBorder, conflictIDPs] {
            let name = "lifecycle_\(m.type.rawValue)"
            out.append((name, "fit_years", "\(m.fitYears.lowerBound)-\(m.fitYears.upperBound)"))
            if let from = m.borrowedFrom { out.append((name, "parameters_borrowed_from", from.rawValue)) }
            for (k, c) in m.classes.enumerated() {
                let p = "class\(k + 1)_"
                out.append((name, p + "stock_from", String(c.lowerBound)))
                out.append((name, p + "observations", String(c.observations)))
                out.append((name, p + "alpha_decline", String(c.alpha[0])))
                out.append((name, p + "alpha_growth", String(c.alpha[1])))
                out.append((name, p + "alpha_decline_std_error", String(c.alphaStandardError[0])))
                out.append((name, p + "alpha_growth_std_error", String(c.alphaStandardError[1])))
                out.append((name, p + "phi", String(c.phi)))
                out.append((name, p + "sigma", String(c.sigma)))
                out.append((name, p + "long_run_drift", String(c.drift)))
            }
            out.append((name, "origin_effect_tau2", String(m.tau2)))
            out.append((name, "year_shock_sigma", String(m.yearSigma)))
            out.append((name, "origin_effect_persistence", String(m.originPersistence)))
            for (k, r) in m.originEffectSlopes.enumerated() { out.append((name, "origin_effect_slope_h\(k + 1)", String(r))) }
            out.append((name, "year_shock_rho", String(m.yearRho)))
            out.append((name, "year_shock_state", String(m.yearState)))
            out.append((name, "year_shock_state_sd", String(m.yearStateVariance.squareRoot())))
            out.append((name, "origins_with_effect", String(m.originEffect.count)))
            out.append((name, "background_psi", String(m.backgroundPsi)))
            out.append((name, "background_observations", String(m.backgroundResiduals.count)))
        }
        out.append(("lifecycle_onset", "events", String(onset.events.count)))
        out.append(("lifecycle_onset", "eligible_origin_years", String(onset.eligibleYears)))
        out.append(("lifecycle_onset", "observed_rate", String(onset.observedRate)))
        for c in onset.rate.coefficients {
            out.append(("lifecycle_onset", "coef_\(c.term)", String(c.estimate)))
            out.append(("lifecycle_onset", "se_\(c.term)", String(c.standardError)))
        }
        let sizes = onset.sizes
        out.append(("lifecycle_onset", "median_size_share", String(QuantileSummary.quantile(sorted: sizes, 0.5))))
        out.append(("lifecycle_onset", "size_population_elasticity", String(onset.sizeElasticity)))
        out.append(("lifecycle_onset", "median_idp_fraction", String(QuantileSummary.quantile(sorted: onset.idpFractions, 0.5))))
        out.append(("lifecycle_onset", "median_following_growth", String(QuantileSummary.quantile(sorted: onset.followingGrowth, 0.5))))
        out.append(("lifecycle_ceiling", "share", String(ceiling.share)))
        out.append(("lifecycle_ceiling", "derived_from", "\(ceiling.origin) \(ceiling.year)"))
        out.append(("lifecycle_unrwa", "excess_growth", String(unrwa.excess)))
        out.append(("lifecycle_unrwa", "sigma", String(unrwa.sigma)))
        out.append(("lifecycle_exit", "median_exit_rate", String(medianExitRate)))
        out.append(("series_breaks", "count", String(breaks.breaks.count)))
        return out
    }
}

extension ClimateChannel {
    /// Rows (model, statistic, value) for diagnostics.csv: the literature responses used, the
    /// empirical conflict estimate beside them, the disaster-IDP durations and their calibration.
    public var diagnostics: [(String, String, String)] {
        var out: [(String, String, String)] = []
        for h in ClimateChannel.hazardsInOrder + [.conflict] {
            guard let r = responses[h] else { continue }
            out.append(("climate_response_\(h.rawValue)", "central_low_high", "\(r.central) \(r.low) \(r.high)"))
        }
        if let e = conflictEmpirical {
            out.append(("climate_response_conflict", "empirical_ppml_temperature_coefficient", "\(e.estimate) ± \(e.standardError) (reported, not used)"))
        }
        out.append(("disaster_idp_stock", "duration_scale", String(disasterStock.scale)))
        out.append(("disaster_idp_stock", "target_end_2024", String(disasterStock.target)))
        for h in ClimateChannel.hazardsInOrder {
            out.append(("disaster_idp_stock", "mean_duration_years_\(h.rawValue)", String(disasterStock.durations[h] ?? 0)))
            out.append(("disaster_idp_stock", "calibration_inflow_\(h.rawValue)", String(disasterStock.calibrationInflow[h] ?? 0)))
        }
        out.append(("disaster_idp_stock", "jump_off_total", String(jumpOffTotal)))
        return out
    }
}
