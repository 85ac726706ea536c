import Foundation

extension ProjectionEngine {
    /// Simulates one origin under the `lifecycle` stock model for all draws, `chunk` draws at a
    /// time: each chunk's values are written to `out` (at least categories × years × chunk values,
    /// overwritten), laid out [category][year][draw in the chunk] in
    /// `ProjectionCategory.categories(.lifecycle)` order, and handed to `chunkDone` with the
    /// chunk's draw indices before the next chunk overwrites them. Chunks small enough for the
    /// cache keep the values out of main memory; every draw's random streams depend only on
    /// (seed, draw, country), so the values do not depend on the chunk size.
    ///
    /// Per draw and year t (P the scenario's population, step 1/2 in a first year that starts
    /// from a mid-year figure):
    /// 1. New crisis: an origin whose cross-border + IDP share is below 0.2 % erupts with
    ///    probability π(P, recent)·f_onset·step (`CrisisOnsetModel`): its stock rises by a resampled
    ///    observed size scaled to P^b, split between IDPs and cross-border by a resampled observed split,
    ///    and the crisis starts with a resampled observed following-year growth.
    /// 2. Otherwise each type moves by its life cycle (`CrisisLifeCycleModel`):
    ///    (D+1)/P(t) = (D+1)/P(t−1)·exp(step·(α_k + u_c + φ_k·g − (f_exit − 1)·r_c) + √step·e),
    ///    with the drift's decline divided by f_duration and the year's common shock c(t) − s²/2
    ///    added, c(t) = ρ·c(t−1) + s·√(1 − ρ²)·z(t) from the fitted jump-off state (one z per draw
    ///    and year for all origins); background stocks revert to their level.
    /// 3. The cross-border + IDP stock is capped at the ceiling share × P (`DisplacementCeiling`).
    /// 4. UNRWA refugees (origin PSE) grow with Palestine's population plus the observed excess.
    /// The flows beside the stock — new conflict displacement (the PPML inflow model at the
    /// projected stock, its null temperature term held at the jump-off warming), exits (stock × exit rate) and new disaster displacement — are reported,
    /// never added to the stock. Origins without a population (Unknown, Stateless, …) are held
    /// at their jump-off stock.
    static func simulateLifeCycle(_ c: String, countryIndex: Int, scenario: Scenario, years: [Int], base: Int,
                                  draws: DrawInputs, warming: [[Double]], climate: ScenarioClimate?, includeDisasterIDPs: Bool,
                                  models: FittedProjectionModels, history: DisplacementHistory,
                                  population: PopulationPathways, seed: UInt64, inflowTerms: [String], exitTerms: [String],
                                  medianExit: Double, chunk: Int, into out: UnsafeMutableBufferPointer<Double>,
                                  chunkDone: (Range<Int>) -> Void) {
        let D = draws.zClimate.count, T = years.count
        let K = ProjectionCategory.categories(.lifecycle).count
        let B = max(1, min(chunk, D))
        // The caller sizes `out` from the same categories, years and chunk (`WorkerScratch`):
        // no input can make it short, so only debug builds check.
        assert(out.count >= K * T * B, "simulation buffer too small")
        let lc = models.lifeCycle
        let (cb0, idp0, un0, hasMidyear) = history.jumpOff(c, base: base)
        let firstStep = hasMidyear ? 0.5 : 1.0
        // Population (persons) per year under the scenario; nil for codes without a population.
        let variant = scenario.population
        let popBase = population.value(c, base, variant) ?? population.estimates[c, population.lastEstimateYear]
        let lastPop = popBase
        var pop = [Double](repeating: .nan, count: T + 1)
        if let p = popBase { pop[0] = p * 1000 }
        for (t, y) in years.enumerated() { if let p = population.value(c, y, variant) ?? lastPop { pop[t + 1] = p * 1000 } }
        let held = CrisisOnsetModel.nonOrigins.contains(c) || popBase == nil || pop.contains { !$0.isFinite || $0 <= 0 }
        // Levers per year (new_conflict and residual are refused for this model when the file is read).
        let levers = scenario.leverFactors(years: years, country: c)
        let ones = [Double](repeating: 1, count: T)
        let fExit = levers[.exitRate] ?? ones, fOnset = levers[.onsetRate] ?? ones
        let fDuration = levers[.crisisDuration] ?? ones, fDisaster = levers[.disaster] ?? ones
        let exitRate = lc.exitRates[c] ?? lc.medianExitRate
        let ceiling = lc.ceiling.share(for: c)
        // Flat per-type parameters (no struct copies in the draw loop).
        let types = [lc.crossBorder, lc.conflictIDPs]
        let lower = types.map { $0.classes.map(\.lowerBound) }
        let phi = types.map { $0.classes.map(\.phi) }
        let residuals = types.map { $0.classes.map(\.residuals) }
        // The origin effect's weight λ^(t+1) per type and year (λ the fitted persistence).
        let fade = types.map { m in (0..<T).map { pow(m.originPersistence, Double($0 + 1)) } }
        let yearSigma = types.map(\.yearSigma), yearRho = types.map(\.yearRho)
        let yearInnovation = types.map { $0.yearSigma * (1 - $0.yearRho * $0.yearRho).squareRoot() }
        let yearState = types.map(\.yearState), yearStateSD = types.map { $0.yearStateVariance.squareRoot() }
        let bgPsi = types.map(\.backgroundPsi), bgResiduals = types.map(\.backgroundResiduals)
        let effects = types.map { $0.originEffect[c] }
        let tau = types.map { $0.tau2.squareRoot() }
        let g0 = types.map { $0.lastGrowth[c] ?? 0 }
        let background = types.map { $0.backgroundLevel[c] ?? $0.defaultBackgroundLevel }
        // Years since the displaced share was last ≥ 0.2 %, counted to the year before the one
        // stepped: `recent` (a crisis in years t−10…t−1, as in the fit) is since < 10.
        let lastCrisis = CrisisOnsetModel.lastCrisisYear(history, c, years: max(1990, base - 9)...base) { population.value(c, $0, .medium) }
        let sinceCrisis0 = lastCrisis.map { base - $0 } ?? 99
        let logPopMillions = (0..<T).map { log(pop[$0 + 1] / 1e6) }
        let popRatio = (0..<T).map { pop[$0 + 1] / pop[$0] }
        let logPopRatio = popRatio.map { log($0) }
        // Flows beside the stock (as in the other stock models).
        let conflict = models.conflict
        let alphaIn = conflict.inflowEffects[c]
        let gamma = conflict.exitEffects[c] ?? medianExit
        let iTrend = inflowTerms.firstIndex(of: "trend"), iLag = inflowTerms.firstIndex(of: "log_lagged_stock")
        let iTemp = inflowTerms.firstIndex(of: "temperature_anomaly"), iExTrend = exitTerms.firstIndex(of: "trend")
        let trend = Double(base - 2010) / 10
        let pattern = models.climate.patterns[c]
        let hazards = models.disaster.hazards.enumerated().compactMap { h, hz in hz.effects[c].map { (h, $0, hz.theta) } }
        // The climate channel's per-country constants.
        let channel = climate == nil ? nil : models.climateChannel
        let channelHazards = ClimateChannel.hazardsInOrder
        let H = channelHazards.count
        let cats = ProjectionCategory.categories(.lifecycle)
        let firstHazardCategory = cats.firstIndex(of: .flood) ?? 0
        let firstAttributableHazard = cats.firstIndex(of: .attributableFlood) ?? 0
        let attributableNewCategory = cats.firstIndex(of: .attributableNew) ?? 0
        let attributableStockCategory = cats.firstIndex(of: .attributableStock) ?? 0
        // Hazards expected to displace fewer than 10 people a year here (at the jump-off
        // population) are left out: they cannot change any reported figure.
        let hazardMean = channelHazards.map { h -> Double in
            let r = channel?.hazards.rate(h, country: c) ?? 0
            return pop[0].isFinite && r * pop[0] >= 10 ? r : 0
        }
        let invTheta = channelHazards.map { h in channel?.hazards.hazards[h].map { $0.theta >= 1e5 ? 0 : 1 / $0.theta } ?? 0 }
        let cluster = channelHazards.map { h in max(channel?.hazards.hazards[h]?.dispersion ?? 1, 1) }
        let durations = channelHazards.map { channel?.disasterStock.durations[$0] ?? 0 }
        let keep = durations.map { $0 > 0 ? exp(-1 / $0) : 0 }
        let jumpOffDisaster = channel?.jumpOffStock[c] ?? [:]
        let rateDraw: [(rate: Double, shape: Double)?] = channelHazards.map { h in
            guard let r = channel?.hazards.hazards[h]?.rates[c], r.rate > 0 else { return nil }
            return (r.rate, r.posteriorShape)
        }
        // Global warming in the jump-off year, the same under every scenario (the reference
        // pathway's band): piecewise linear in the draw's quantile z.
        let warm0 = (try? models.climate.global(referencePathway, year: base, z: 0)) ?? 0
        let warmUp = ((try? models.climate.global(referencePathway, year: base, z: 1)) ?? warm0) - warm0
        let warmDown = warm0 - ((try? models.climate.global(referencePathway, year: base, z: -1)) ?? warm0)
        let jumpOffHazard = channelHazards.map { jumpOffDisaster[$0] ?? 0 }
        let fallbackRate = channelHazards.map { channel?.hazards.rate($0, country: c) ?? 0 }
        let logPop = pop.map { log($0) }
        var rates = [Double](repeating: 0, count: H), noiseSD = [Double](repeating: 0, count: H)
        let factors = UnsafeMutableBufferPointer<Double>.allocate(capacity: climate == nil ? 0 : T * H)
        factors.initialize(repeating: 1)
        defer { factors.deallocate() }
        var hazardStock = [Double](repeating: 0, count: H), hazardStockCF = [Double](repeating: 0, count: H)
        let sizes = lc.onset.sizeResiduals, elasticity = lc.onset.sizeElasticity, fractions = lc.onset.idpFractions, following = lc.onset.followingGrowth
        let clip = CrisisLifeCycleModel.momentumClip, threshold = CrisisLifeCycleModel.crisisThreshold
        @inline(__always) func pick(_ v: [Double], _ u: Double) -> Double { v[min(Int(u * Double(v.count)), v.count - 1)] }
        /// Counts of people: Poisson by inversion below λ = 30, its normal approximation above
        /// (relative noise ≤ 18 %, far below the model's own; these flows are reported only).
        @inline(__always) func count(_ lambda: Double, _ rng: inout DrawRandomStream) -> Double {
            if lambda < 30 { return rng.poisson(lambda) }
            return max(0, (lambda + lambda.squareRoot() * rng.normal()).rounded())
        }

        for first in stride(from: 0, to: D, by: B) {
            let n = min(B, D - first)   // this chunk's draws, the stride of `out`
            UnsafeMutableBufferPointer(rebasing: out[0..<(K * T * n)]).update(repeating: 0)
            for d in first..<(first + n) {
                let j0 = d - first      // the draw's position in the chunk
                var rng = DrawRandomStream(seed: seed, draw: draws.firstDraw + d, purpose: .country, key: countryIndex)
                var s0 = cb0, s1 = idp0, g0d = g0[0], g1d = g0[1]
                var un = un0
                var sinceCrisis = sinceCrisis0
                // Origin effects drawn from their posteriors (unseen origins: from the population of origins).
                // (Constants, not variables: the nested steps below capture them without dynamic
                // exclusivity checks.)
                let z0 = rng.normal()
                let u0 = effects[0].map { $0.mean + $0.variance.squareRoot() * z0 } ?? tau[0] * z0
                let z1 = rng.normal()
                let u1 = effects[1].map { $0.mean + $0.variance.squareRoot() * z1 } ?? tau[1] * z1
                let alphas = held ? [] : draws.lifeCycleAlpha[d]
                let beta = held ? [] : draws.onsetBeta[d]
                let bIn = draws.betaIn[d], bEx = draws.betaEx[d]
                let exitRateFlow = exp(min(gamma + (iExTrend.map { bEx[$0] } ?? 0) * trend, 0))
                let inTrend = iTrend.map { bIn[$0] } ?? 0, inLag = iLag.map { bIn[$0] } ?? 0, inTemp = iTemp.map { bIn[$0] } ?? 0
                // This draw's rows (hoisted: no nested-array access in the year loop).
                let warmRow = warming[d]
                // The draw's warming factors (years × hazards), copied in one stream: read where
                // used, in the hazard loop below, each of the ≈ 30 cache lines of a row missed
                // the cache on its own (the rows of all draws are 18 MB for 10,000 draws).
                if let row = climate?.hazardFactor[d] {
                    let m = min(row.count, factors.count)
                    row.withUnsafeBufferPointer { src in
                        _ = UnsafeMutableBufferPointer(rebasing: factors[0..<m]).update(fromContentsOf: src[0..<m])
                    }
                }
                let conflictRow = climate?.conflictFactor[d]
                let shockRow = held ? [] : draws.yearShock[d]
                // The common shock's state, from a draw of its jump-off posterior.
                var common0 = held ? 0 : yearState[0] + yearStateSD[0] * shockRow[T]
                var common1 = held ? 0 : yearState[1] + yearStateSD[1] * shockRow[T]
                let zc = draws.zClimate[d]
                let warmBase = warm0 + zc * (zc >= 0 ? warmUp : warmDown)
                /// One type's step (see the doc comment), returning the new stock and realised growth.
                @inline(__always) func move(_ k: Int, _ stock: Double, _ g: Double, _ u: Double, _ common: Double, _ t: Int, _ step: Double,
                                            _ uniform: Double) -> (Double, Double) {
                    let p0 = pop[t], p1 = pop[t + 1]
                    if stock >= threshold {
                        let ci = StockGrowthModel.classIndex(stock, lower[k])   // the size-class lookup of the growth model
                        let f = phi[k][ci]
                        var a = alphas[k][2 * ci + (g > 0 ? 1 : 0)] + u * fade[k][t]
                        if fDuration[t] != 1 {
                            let mu = a / (1 - f)
                            if mu < 0 { a = (1 - f) * mu / fDuration[t] }
                        }
                        let drift = a + f * max(-clip, min(clip, g)) - (fExit[t] - 1) * exitRate + common
                        let e = pick(residuals[k][ci], uniform)
                        let change = step == 1 ? drift + e : step * drift + step.squareRoot() * e
                        return (max(0, (stock + 1) * popRatio[t] * exp(change) - 1), change)
                    }
                    let x = log((stock + 1) / p0)
                    let psi = step == 1 ? bgPsi[k] : pow(bgPsi[k], step)
                    let e = pick(bgResiduals[k], uniform)
                    let x1 = background[k] + psi * (x - background[k]) + step.squareRoot() * e
                    return (max(0, p1 * exp(x1) - 1), x1 - x)
                }
                // The counterfactual path (warming held at the jump-off level) shares every random
                // number: each year draws the same uniforms whichever path erupts.
                var c0 = s0, c1 = s1, cg0 = g0d, cg1 = g1d, cSince = sinceCrisis
                var counterfactualSame = true
                for j in 0..<H { hazardStock[j] = jumpOffHazard[j]; hazardStockCF[j] = jumpOffHazard[j] }
                // Disasters draw from their own stream, so the weather is the same under every
                // scenario (paired draws: geophysical displacement does not depend on the pathway).
                var disasterRNG = DrawRandomStream(seed: seed, draw: draws.firstDraw + d, purpose: .disaster, key: countryIndex)
                // The reported flows' counts draw from their own stream too: a Poisson draw uses as
                // many numbers as its mean requires, and sharing the stock's stream would let a
                // scenario's flows shift the stock's random numbers (unpaired draws).
                var flowRNG = DrawRandomStream(seed: seed, draw: draws.firstDraw + d, purpose: .shocks, key: countryIndex)
                for j in 0..<H { rates[j] = 0; noiseSD[j] = 0 }
                if channel != nil, let p = pop.first, p.isFinite {
                    for j in 0..<H where hazardMean[j] > 0 {
                        // HazardDisplacementModel.sampleRate with the lookups hoisted out of the draw loop.
                        if let q = rateDraw[j] { rates[j] = q.rate * disasterRNG.gamma(shape: q.shape) / q.shape } else { rates[j] = fallbackRate[j] }
                        // Year-to-year: lognormal with the hazard's two-term variance at the jump-off
                        // mean, CV² = 1/θ + δ/μ (σ² = log(1 + CV²)).
                        noiseSD[j] = log1p(invTheta[j] + cluster[j] / max(rates[j] * p, 1)).squareRoot()
                    }
                }
                /// One year of the cross-border and IDP stocks of one path.
                @inline(__always) func advance(_ a: inout Double, _ b: inout Double, _ ga: inout Double, _ gb: inout Double, _ since: inout Int,
                                               onsetFactor: Double, t: Int, step: Double, u: (Double, Double, Double, Double, Double, Double),
                                               common: (Double, Double)) {
                    let p0 = pop[t], p1 = pop[t + 1]
                    var erupted = false
                    if (a + b) / p0 < CrisisOnsetModel.eligibleShare {
                        let hazard = CrisisOnsetModel.hazard(beta, logPopulationMillions: logPopMillions[t], recent: since < 10)
                        let prob = min(0.5, hazard * onsetFactor) * fOnset[t] * step
                        if u.0 < prob {
                            erupted = true
                            let increase = min(exp(pick(sizes, u.1) + elasticity * logPop[t + 1]), ceiling * p1)
                            let f = pick(fractions, u.2)
                            a += increase * (1 - f)
                            b += increase * f
                            ga = pick(following, u.3); gb = ga
                        }
                    }
                    if !erupted {
                        (a, ga) = move(0, a, ga, u0, common.0, t, step, u.4)
                        (b, gb) = move(1, b, gb, u1, common.1, t, step, u.5)
                    }
                    let cap = ceiling * p1
                    let both = a + b
                    if both > cap { let r = cap / both; a *= r; b *= r }
                    since = (a + b) / p1 >= CrisisOnsetModel.eligibleShare ? 0 : since + 1
                }
                for t in 0..<T {
                    let step = t == 0 ? firstStep : 1
                    // The year's common shock (shared by all origins in this draw), an AR(1) with
                    // stationary s.d. s, mean-one in levels (marginally).
                    // A first step of half a year takes half the expected shock and half its variance.
                    let z = held ? 0 : shockRow[t]
                    let expected = (yearRho[0] * common0, yearRho[1] * common1)
                    common0 = expected.0 + yearInnovation[0] * z
                    common1 = expected.1 + yearInnovation[1] * z
                    let common = step == 1
                        ? (common0 - yearSigma[0] * yearSigma[0] / 2, common1 - yearSigma[1] * yearSigma[1] / 2)
                        : (step * (expected.0 - yearSigma[0] * yearSigma[0] / 2) + step.squareRoot() * yearInnovation[0] * z,
                           step * (expected.1 - yearSigma[1] * yearSigma[1] / 2) + step.squareRoot() * yearInnovation[1] * z)
                    if !held {
                        let u = (rng.uniform(), rng.uniform(), rng.uniform(), rng.uniform(), rng.uniform(), rng.uniform())
                        let factor = conflictRow?[t] ?? 1
                        if channel != nil && counterfactualSame {
                            // The paths share every random number, so they stay equal until warming
                            // changes an onset decision: only then is the counterfactual stepped apart.
                            let pre = (s0, s1, g0d, g1d, sinceCrisis)
                            advance(&s0, &s1, &g0d, &g1d, &sinceCrisis, onsetFactor: factor, t: t, step: step, u: u, common: common)
                            var same = true
                            if factor != 1, (pre.0 + pre.1) / pop[t] < CrisisOnsetModel.eligibleShare {
                                let hazard = CrisisOnsetModel.hazard(beta, logPopulationMillions: logPopMillions[t], recent: pre.4 < 10)
                                same = (u.0 < min(0.5, hazard * factor) * fOnset[t] * step) == (u.0 < min(0.5, hazard) * fOnset[t] * step)
                            }
                            if same {
                                c0 = s0; c1 = s1; cg0 = g0d; cg1 = g1d; cSince = sinceCrisis
                            } else {
                                counterfactualSame = false
                                (c0, c1, cg0, cg1, cSince) = pre
                                advance(&c0, &c1, &cg0, &cg1, &cSince, onsetFactor: 1, t: t, step: step, u: u, common: common)
                            }
                        } else {
                            advance(&s0, &s1, &g0d, &g1d, &sinceCrisis, onsetFactor: factor, t: t, step: step, u: u, common: common)
                            if channel != nil {
                                advance(&c0, &c1, &cg0, &cg1, &cSince, onsetFactor: 1, t: t, step: step, u: u, common: common)
                            }
                        }
                        let unNoise = rng.normal()
                        if un > 0 {
                            un *= exp(step * (logPopRatio[t] + lc.unrwa.excess) + step.squareRoot() * lc.unrwa.sigma * unNoise)
                        }
                    }
                    // Flows beside the stock.
                    var newDisp = 0.0, dis = 0.0, disCF = 0.0
                    // The year's weather around the country's warming. The conflict-inflow regression's
                    // temperature coefficient is not distinguishable from zero (diagnostics.csv), so
                    // new conflict displacement sees the temperature at the jump-off warming, never
                    // the scenario's warming: climate reaches conflict only through the literature's
                    // response on onsets (ClimateChannel, `conflict_warming`).
                    let weather = pattern.map { $0.s * rng.normal() } ?? 0
                    let temp = pattern.map { $0.a + $0.b * warmRow[t] + weather } ?? warmRow[t]
                    let inflowTemp = pattern.map { $0.a + $0.b * warmBase + weather } ?? warmBase
                    let p1 = pop[t + 1]
                    // New disaster displacement by hazard and the disaster-IDP stock (paired with the
                    // counterfactual: the same weather draw G, the count at warming held).
                    var disasterIDPs = 0.0, disasterIDPsCF = 0.0
                    if climate != nil, p1.isFinite, p1 > 0 {
                        for j in 0..<H {
                            var nd = 0.0, ncf = 0.0
                            if rates[j] > 0 {
                                let f = factors[t * H + j]
                                let sd = noiseSD[j]
                                nd = rates[j] * p1 * f * fDisaster[t] * exp(sd * disasterRNG.normal() - sd * sd / 2)
                                ncf = nd / f
                                // (The buffer starts at zero: hazards absent here leave their cells so.)
                                out[((firstHazardCategory + j) * T + t) * n + j0] = nd
                                out[((firstAttributableHazard + j) * T + t) * n + j0] = nd - ncf
                            }
                            dis += nd; disCF += ncf
                            hazardStock[j] = hazardStock[j] * keep[j] + nd * durations[j] * (1 - keep[j])
                            hazardStockCF[j] = hazardStockCF[j] * keep[j] + ncf * durations[j] * (1 - keep[j])
                            disasterIDPs += hazardStock[j]; disasterIDPsCF += hazardStockCF[j]
                        }
                    }
                    if !includeDisasterIDPs { disasterIDPs = 0; disasterIDPsCF = 0 }
                    let total = s0 + s1 + un + disasterIDPs
                    let totalCF = c0 + c1 + un + disasterIDPsCF
                    if let alphaIn, p1.isFinite, p1 > 0 {
                        let eta = alphaIn + inTrend * trend + inLag * log1p(s0 + s1 + un) + inTemp * inflowTemp + logPop[t + 1]
                        newDisp = count(min(exp(min(eta, 40)), p1), &flowRNG)
                    }
                    let exits = min(s0 + s1 + un, count((s0 + s1 + un) * min(1, exitRateFlow * fExit[t]), &flowRNG))
                    if climate == nil, p1.isFinite, p1 > 0 {
                        for (h, a, theta) in hazards {
                            let b = draws.betaDis[d][h]
                            let eta = a + logPop[t + 1] + b[0] * temp + b[1] * trend
                            let mu = min(exp(min(eta, 40)) * flowRNG.gamma(shape: theta) / theta, p1)
                            dis += count(mu * fDisaster[t], &flowRNG)
                        }
                    }
                    out[t * n + j0] = total
                    out[(T + t) * n + j0] = s0
                    out[(2 * T + t) * n + j0] = s1
                    out[(3 * T + t) * n + j0] = un
                    out[(4 * T + t) * n + j0] = disasterIDPs
                    out[(5 * T + t) * n + j0] = newDisp
                    out[(6 * T + t) * n + j0] = exits
                    out[(7 * T + t) * n + j0] = dis
                    if climate != nil {
                        out[(attributableNewCategory * T + t) * n + j0] = dis - disCF
                        out[(attributableStockCategory * T + t) * n + j0] = total - totalCF
                    }
                }
            }
            chunkDone(first..<(first + n))
        }
    }
}
