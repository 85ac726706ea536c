import Foundation

/// The rows and the scenario contrasts of a run (`ProjectionEngine.project`).
public struct ProjectionOutput: Sendable {
    /// One row per scenario × geography × category × year: aggregates (world, UNHCR regions, UN
    /// regions), then countries, scenario by scenario.
    public let rows: [ProjectionRow]
    /// Every scenario but the reference minus the reference, on paired draws (empty with one
    /// scenario). Countries are contrasted while the run fits in one block of draws
    /// (`ProjectionEngine.exactDrawLimit`); beyond it, the world and the regions only.
    public let contrasts: [ScenarioContrast]
}

extension ProjectionEngine {
    /// Runs every scenario; `progress` receives the fraction done (0…1). `blockSize` (default
    /// `exactDrawLimit`) is the number of draws simulated at once. Rows carry all seven
    /// quantiles (with p025 and p975, which backtests use); `project` adds the contrasts.
    public static func run(_ set: ScenarioSet, models: FittedProjectionModels, inputs: ProjectionInputs,
                           threads: Int = 0, blockSize: Int? = nil, progress: (@Sendable (Double) -> Void)? = nil) throws -> [ProjectionRow] {
        try run(set, models: models, inputs: inputs, threads: threads, blockSize: blockSize, sketchCompression: 200, progress: progress)
    }

    /// `run` with the sketches' compression δ (tests use a large δ, which makes the sketches exact).
    static func run(_ set: ScenarioSet, models: FittedProjectionModels, inputs: ProjectionInputs, threads: Int, blockSize: Int?,
                    sketchCompression: Double, progress: (@Sendable (Double) -> Void)?) throws -> [ProjectionRow] {
        try project(set, models: models, inputs: inputs, threads: threads, blockSize: blockSize, sketchCompression: sketchCompression,
                    tails: true, contrasts: false, progress: progress).rows
    }

    /// Runs every scenario and contrasts each with the reference (`ScenarioSet.reference`, else
    /// the first scenario): the projection `migkit project` writes. Rows leave p025 and p975
    /// NaN (projections.csv has no 95 % interval).
    ///
    /// A contrast is computed draw by draw: every scenario of a run uses the same random numbers
    /// for draw d (common random numbers), so scenario − reference in draw d is what the
    /// scenario changes, with the model's other uncertainty held fixed; its 5 %, 50 % and 95 %
    /// quantiles over draws and the share of positive draws are reported.
    ///
    /// A country's per-draw values are whole persons (rounded half to even) before they are
    /// summarised, contrasted or written to a shard; the regions and the world sum the unrounded
    /// values (in 2⁻¹⁶-person fixed point), so small flows summed over many countries are not
    /// rounded away.
    public static func project(_ set: ScenarioSet, models: FittedProjectionModels, inputs: ProjectionInputs,
                               threads: Int = 0, progress: (@Sendable (Double) -> Void)? = nil) throws -> ProjectionOutput {
        try project(set, models: models, inputs: inputs, threads: threads, blockSize: nil, sketchCompression: 200,
                    tails: false, contrasts: true, progress: progress)
    }

    static func project(_ set: ScenarioSet, models: FittedProjectionModels, inputs: ProjectionInputs, threads: Int, blockSize: Int?,
                        sketchCompression: Double, tails: Bool, contrasts wantContrasts: Bool,
                        progress: (@Sendable (Double) -> Void)?,
                        drawRange: Range<Int>? = nil, collector: (any DrawCollector)? = nil) throws -> ProjectionOutput {
        let base = models.baseYear
        guard set.horizon > base else { throw ProjectionError.horizon(set.horizon, base: base) }
        let years = Array((base + 1)...set.horizon)
        let history = inputs.history
        let countries = history.stock.countries.filter { history.stock[$0, base] != nil }
        guard !countries.isEmpty else { throw ProjectionError.noCountries }
        for s in set.scenarios { for o in s.overrides { for c in o.countries ?? [] where history.stock.values[c] == nil && history.names[c] == nil {
            throw ProjectionError.unknownCountry(c)
        } } }
        for s in set.scenarios { for y in [years[0], set.horizon] { _ = try models.climate.global(s.pathway, year: y, z: 0) } }

        // Draws are simulated in blocks of at most `blockSize`: one block (the usual case) gives
        // exact type-7 quantiles from all draws; more blocks stream every cell into a t-digest
        // (QuantileSketch), so memory does not grow with the number of draws.
        // Shard hook: a shard runs draws [a, b) of the full run (global draw indices, so its
        // draws are the full run's); `collector` then receives every cell's per-draw values.
        let allDraws = drawRange ?? 0..<set.draws
        let B = max(1, min(allDraws.count, blockSize ?? exactDrawLimit))
        let blockStarts = Array(stride(from: allDraws.lowerBound, to: allDraws.upperBound, by: B))
        let streamed = blockStarts.count > 1
        let cIn = choleskyFactor(models.conflict.inflow.vcov), cEx = choleskyFactor(models.conflict.exit.vcov)
        let cDis = models.disaster.hazards.map { choleskyFactor($0.fit.vcov) }
        let cOnset = choleskyFactor(models.lifeCycle.onset.rate.vcov)
        /// Per-draw coefficient vectors and warming quantiles (shared by countries and scenarios).
        func drawInputs(_ range: Range<Int>) throws -> DrawInputs {
            var betaIn = [[Double]](), betaEx = [[Double]](), betaDis = [[[Double]]](), zClimate = [Double]()
            for d in range {
                var rng = DrawRandomStream(seed: set.seed, draw: d, purpose: .coefficients)
                betaIn.append(drawCoefficients(models.conflict.inflow, cIn, &rng))
                betaEx.append(drawCoefficients(models.conflict.exit, cEx, &rng))
                betaDis.append(models.disaster.hazards.enumerated().map { drawCoefficients($1.fit, cDis[$0], &rng) })
                var cr = DrawRandomStream(seed: set.seed, draw: d, purpose: .climate)
                zClimate.append(cr.normal())
            }
            // Reference warming per draw and year (the growth model's baseline pathway).
            var reference = [[Double]](repeating: [], count: range.count)
            if set.stockModel == .growth {
                for k in 0..<range.count { reference[k] = try years.map { try models.climate.global(referencePathway, year: $0, z: zClimate[k]) } }
            }
            // Life-cycle class drifts α_k and onset coefficients, per draw (common to all origins).
            var alphas = [[[Double]]](), onsetBeta = [[Double]](), yearShock = [[Double]](), responses = [[Double]]()
            if set.stockModel == .lifecycle {
                let lc = models.lifeCycle
                for d in range {
                    var rng = DrawRandomStream(seed: set.seed, draw: d, purpose: .other, key: 13)
                    alphas.append(DisplacedStockType.allCases.map { t in lc.model(t).classes.flatMap { c in (0..<2).map { c.alpha[$0] + c.alphaStandardError[$0] * rng.normal() } } })
                    onsetBeta.append(drawCoefficients(lc.onset.rate, cOnset, &rng))
                    yearShock.append((0...years.count).map { _ in rng.normal() })
                    if models.climateChannel != nil {
                        var cr = DrawRandomStream(seed: set.seed, draw: d, purpose: .other, key: 14)
                        responses.append((0...ClimateChannel.hazardsInOrder.count).map { _ in cr.uniform() })
                    }
                }
            }
            return DrawInputs(firstDraw: range.lowerBound, betaIn: betaIn, betaEx: betaEx, betaDis: betaDis, zClimate: zClimate,
                              warmingReference: reference, lifeCycleAlpha: alphas, onsetBeta: onsetBeta, yearShock: yearShock,
                              climateResponse: responses)
        }
        let inflowTerms = models.conflict.inflow.coefficients.map(\.term)
        let exitTerms = models.conflict.exit.coefficients.map(\.term)
        let medianExit = median(Array(models.conflict.exitEffects.values)) ?? -3

        let categories = ProjectionCategory.categories(set.stockModel)
        let unCategories = ProjectionCategory.unRegionCategories(set.stockModel)
        let countryCategories = ProjectionCategory.countryCategories(set.stockModel)
        let K = categories.count, KU = unCategories.count, KC = countryCategories.count, T = years.count
        let S = set.scenarios.count
        // Aggregates: the world, the UNHCR regions (every category) and the UN regions (the
        // categories of `unRegionCategories`). Countries add into their two regions; the world is
        // the sum of the UNHCR regions (every country is in exactly one).
        let unhcrRegions = Set(countries.map { history.regions[$0]?.unhcr ?? "Unknown" }).sorted()
        let unRegions = Set(countries.map { history.regions[$0]?.un ?? "Unknown" }).sorted()
        let aggregates: [(level: GeographyLevel, name: String, categories: [ProjectionCategory])] = [(.world, "World", categories)]
            + unhcrRegions.map { (.unhcrRegion, $0, categories) } + unRegions.map { (.unRegion, $0, unCategories) }
        // Cell blocks (category × year, n draws each) of each aggregate in the accumulator.
        let aggregateOffset = aggregates.indices.map { a in aggregates[..<a].reduce(0) { $0 + $1.categories.count * T } }
        let cellBlocks = aggregates.reduce(0) { $0 + $1.categories.count * T }
        let aggIndex = Dictionary(uniqueKeysWithValues: aggregates.enumerated().map { ("\($1.level.rawValue)|\($1.name)", $0) })
        let unhcrIndices = (0..<aggregates.count).filter { aggregates[$0].level == .unhcrRegion }
        let targetsByCountry: [[(offset: Int, blocks: Int, lock: Int)]] = countries.map { c in
            let r = aggIndex["unhcr_region|\(history.regions[c]?.unhcr ?? "Unknown")"] ?? 0
            let u = aggIndex["un_region|\(history.regions[c]?.un ?? "Unknown")"] ?? 0
            return [(aggregateOffset[r], K * T, r), (aggregateOffset[u], KU * T, u)]
        }
        let pop = inputs.population
        let referenceIndex = set.reference.flatMap { r in set.scenarios.firstIndex { $0.name == r } } ?? 0
        let referenceName = set.scenarios[referenceIndex].name
        let doContrasts = wantContrasts && S > 1 && collector == nil
        let countryContrasts = doContrasts && !streamed
        // The reference runs first in each block, so the others can be differenced against it.
        let order = [referenceIndex] + (0..<S).filter { $0 != referenceIndex }
        let total = Double(S * countries.count * blockStarts.count)
        let counter = ProgressCounter()
        let workers = workerCount(threads)
        let scratch = WorkerScratch(workers: workers)

        try collector?.begin(DrawLayout(scenarios: set.scenarios.map(\.name), referenceIndex: referenceIndex, years: years,
                                        countries: countries, countryCategories: countryCategories,
                                        aggregates: aggregates.map { DrawLayout.Aggregate(level: $0.level, name: $0.name, categories: $0.categories) },
                                        draws: allDraws, blocks: blockStarts.count))
        let empty = QuantileSketch(compression: sketchCompression)
        var rowsByScenario = [[ProjectionRow]](repeating: [], count: S)
        var contrastsByScenario = [[ScenarioContrast]](repeating: [], count: S)
        let countrySketches = set.scenarios.map { _ in SketchBox(count: streamed ? countries.count : 0, cells: KC * T, empty: empty) }
        var aggregateSketches = [[QuantileSketch]](repeating: [QuantileSketch](repeating: empty, count: streamed ? cellBlocks : 0), count: S)
        // Streamed contrasts (world and regions): a sketch and the positive share per cell.
        var contrastSketches = [[QuantileSketch]](repeating: [QuantileSketch](repeating: empty, count: streamed && doContrasts ? cellBlocks : 0), count: S)
        var contrastPositive = [[Double]](repeating: [Double](repeating: 0, count: streamed && doContrasts ? cellBlocks : 0), count: S)

        for first in blockStarts {
            let range = first..<min(first + B, allDraws.upperBound)
            let n = range.count
            let draws = try drawInputs(range)   // shared by every scenario (common random numbers)
            var referenceTotals: FixedPointAccumulator? = nil
            let referenceCountries = countryContrasts ? ReferenceStore(count: countries.count * KC * T * n) : nil
            for si in order {
                let scenario = set.scenarios[si]
                let isReference = si == referenceIndex
                // Global warming per draw and year.
                var warmingByDraw = [[Double]](repeating: [], count: n)
                for k in 0..<n { warmingByDraw[k] = try years.map { try models.climate.global(scenario.pathway, year: $0, z: draws.zClimate[k]) } }
                let warming = warmingByDraw
                // Warming above the jump-off year's level, per draw, as response factors.
                var climate: ScenarioClimate? = nil
                if set.stockModel == .lifecycle, let channel = models.climateChannel {
                    let H = ClimateChannel.hazardsInOrder.count
                    var table = channel.responses
                    for o in scenario.responseOverrides {
                        do {
                            table = try table.overriding(o.hazard, central: o.central, low: o.low, high: o.high, source: o.source,
                                                         origin: set.source, key: o.key)
                        } catch { throw error }
                    }
                    let order = ClimateChannel.hazardsInOrder + [.conflict]
                    var hf = [[Double]](), cf = [[Double]]()
                    for k in 0..<n {
                        let base0 = try models.climate.global(scenario.pathway, year: base, z: draws.zClimate[k])
                        let r = order.enumerated().map { table.sample(hazard: $1, uniform: draws.climateResponse[k][$0]) }
                        var row = [Double](repeating: 1, count: years.count * H), crow = [Double](repeating: 1, count: years.count)
                        for t in 0..<years.count {
                            let dT = warming[k][t] - base0
                            for j in 0..<H { row[t * H + j] = ClimateResponse.factor(warming: dT, response: r[j]) }
                            if scenario.conflictWarming { crow[t] = ClimateResponse.factor(warming: dT, response: r[H]) }
                        }
                        hf.append(row); cf.append(crow)
                    }
                    climate = ScenarioClimate(hazardFactor: hf, conflictFactor: cf)
                }
                let scenarioClimate = climate
                let acc = FixedPointAccumulator(count: cellBlocks * n, locks: aggregates.count)
                let countryRows = IndexedBox<[ProjectionRow]>(repeating: [], count: streamed ? 0 : countries.count)
                let countryDiffs = IndexedBox<[ScenarioContrast]>(repeating: [], count: countryContrasts && !isReference ? countries.count : 0)
                let sketches = countrySketches[si]
                let work: @Sendable (Int, Int) -> Void = { ci, w in
                    let c = countries[ci]
                    let sim: UnsafeMutableBufferPointer<Double>
                    if set.stockModel == .lifecycle {
                        // Chunks of draws: each chunk's values (every category) are added to the
                        // aggregates while they are in the cache; only the country categories are
                        // kept for all draws (`sim`, the first KC categories).
                        sim = scratch.simulation(w, count: KC * T * n)
                        let block = scratch.chunk(w, count: K * T * min(simulationChunk, n))
                        simulateLifeCycle(c, countryIndex: ci, scenario: scenario, years: years, base: base, draws: draws,
                                          warming: warming, climate: scenarioClimate, includeDisasterIDPs: set.disasterIDPs, models: models,
                                          history: history, population: pop, seed: set.seed,
                                          inflowTerms: inflowTerms, exitTerms: exitTerms, medianExit: medianExit,
                                          chunk: simulationChunk, into: block) { range in
                            let b = range.count
                            acc.add(UnsafeBufferPointer(rebasing: block[0..<(K * T * b)]), n: b, targets: targetsByCountry[ci],
                                    scratch: scratch.fixed(w, count: K * T * b), nonZero: scratch.nonZero(w, count: K * T),
                                    cellDraws: n, firstDraw: range.lowerBound)
                            for cell in 0..<(KC * T) {
                                wholePersons(from: block.baseAddress! + cell * b, to: sim.baseAddress! + cell * n + range.lowerBound, count: b)
                            }
                        }
                    } else {
                        sim = scratch.simulation(w, count: K * T * n)
                        let values = simulateCountry(c, countryIndex: ci, scenario: scenario, stockModel: set.stockModel, years: years, base: base,
                                                     draws: draws, warming: warming,
                                                     models: models, history: history, population: pop, seed: set.seed,
                                                     inflowTerms: inflowTerms, exitTerms: exitTerms, medianExit: medianExit)
                        for k in 0..<values.count { sim[k] = values[k] }
                        acc.add(UnsafeBufferPointer(sim), n: n, targets: targetsByCountry[ci],
                                scratch: scratch.fixed(w, count: K * T * n), nonZero: scratch.nonZero(w, count: K * T))
                        wholePersons(from: sim.baseAddress!, to: sim.baseAddress!, count: KC * T * n)
                    }
                    if let collector {   // shard hook: per-draw values instead of summaries
                        collector.country(scenario: si, country: ci, firstDraw: range.lowerBound, n: n,
                                          values: UnsafeBufferPointer(rebasing: sim[0..<(KC * T * n)]))
                    } else if streamed {
                        sketches.update(ci) { cellSketches in
                            for cell in 0..<(KC * T) { cellSketches[cell].add(contentsOf: sim[(cell * n)..<((cell + 1) * n)]) }
                        }
                    }
                    if let store = referenceCountries {
                        let base = ci * KC * T * n
                        if isReference {
                            for k in 0..<(KC * T * n) { store.values[base + k] = ReferenceStore.whole(sim[k]) }
                        } else {
                            let d = scratch.differences(w, count: n)
                            var out: [ScenarioContrast] = []
                            out.reserveCapacity(KC * T)
                            for (kc, category) in countryCategories.enumerated() {
                                for (t, y) in years.enumerated() {
                                    let cell = kc * T + t
                                    for k in 0..<n {
                                        d[k] = Double(ReferenceStore.whole(sim[cell * n + k])) - Double(store.values[base + cell * n + k])
                                    }
                                    out.append(ScenarioContrast.summarise(d, scenario: scenario.name, reference: referenceName, level: .country,
                                                                          geography: c, category: category, year: y))
                                }
                            }
                            countryDiffs.set(ci, out)
                        }
                    }
                    if collector == nil && !streamed {
                        // Last: the selection rearranges each cell's draws in the buffer.
                        countryRows.set(ci, cellRows(scenario.name, .country, c, years: years, categories: countryCategories) { cell in
                            QuantileSummary(rearranging: UnsafeMutableBufferPointer(rebasing: sim[(cell * n)..<((cell + 1) * n)]), tails: tails)
                        })
                    }
                    let done = counter.increment()
                    progress?(Double(done) / total)
                }
                runParallel(countries.count, threads: threads, work)
                acc.sum(into: aggregateOffset[0], blocks: K * T, from: unhcrIndices.map { aggregateOffset[$0] }, n: n)
                if let collector {   // shard hook: the fixed-point sums instead of summaries
                    collector.aggregates(scenario: si, firstDraw: range.lowerBound, n: n, values: UnsafeBufferPointer(acc.cells))
                    continue
                }
                // Summaries (and contrasts) of the aggregate cells, in parallel over aggregates.
                let reference = referenceTotals
                let summaries = IndexedBox<[QuantileSummary]>(repeating: [], count: streamed ? 0 : aggregates.count)
                let aggregateDiffs = IndexedBox<[ScenarioContrast]>(repeating: [], count: aggregates.count)
                let streamedCells = IndexedBox<[(values: [Double], differences: [Double])]>(repeating: [], count: streamed ? aggregates.count : 0)
                runParallel(aggregates.count, threads: threads) { a, w in
                    let agg = aggregates[a]
                    var sums: [QuantileSummary] = [], diffs: [ScenarioContrast] = [], cells: [(values: [Double], differences: [Double])] = []
                    for (kc, category) in agg.categories.enumerated() {
                        for (t, y) in years.enumerated() {
                            let block = aggregateOffset[a] + kc * T + t
                            let values = acc.values(block: block, n: n)
                            var differences: [Double] = []
                            if streamed { } else { sums.append(QuantileSummary(values, tails: tails)) }
                            if doContrasts, !isReference, let reference {
                                let d = scratch.differences(w, count: n)
                                for k in 0..<n { d[k] = Double(acc.cells[block * n + k] &- reference.cells[block * n + k]) / FixedPointAccumulator.scale }
                                if streamed { differences = Array(d) } else {
                                    diffs.append(ScenarioContrast.summarise(d, scenario: scenario.name, reference: referenceName, level: agg.level,
                                                                            geography: agg.name, category: category, year: y))
                                }
                            }
                            if streamed { cells.append((values, differences)) }
                        }
                    }
                    if streamed { streamedCells.set(a, cells) } else { summaries.set(a, sums) }
                    aggregateDiffs.set(a, diffs)
                }
                if streamed {
                    for (a, cells) in streamedCells.all.enumerated() {
                        for (j, cell) in cells.enumerated() {
                            let block = aggregateOffset[a] + j
                            aggregateSketches[si][block].add(contentsOf: cell.values)
                            if !cell.differences.isEmpty {
                                contrastSketches[si][block].add(contentsOf: cell.differences)
                                contrastPositive[si][block] += cell.differences.reduce(0.0) { $0 + ($1 > 0 ? 1 : $1 == 0 ? 0.5 : 0) }
                            }
                        }
                    }
                } else {
                    for (a, agg) in aggregates.enumerated() {
                        let sums = summaries.all[a]
                        rowsByScenario[si] += cellRows(scenario.name, agg.level, agg.name, years: years, categories: agg.categories) { sums[$0] }
                    }
                    rowsByScenario[si] += countryRows.all.flatMap { $0 }
                    contrastsByScenario[si] = aggregateDiffs.all.flatMap { $0 } + countryDiffs.all.flatMap { $0 }
                }
                if isReference && doContrasts { referenceTotals = acc }
            }
        }
        if streamed {
            for (si, scenario) in set.scenarios.enumerated() {
                for (a, agg) in aggregates.enumerated() {
                    rowsByScenario[si] += cellRows(scenario.name, agg.level, agg.name, years: years, categories: agg.categories) {
                        aggregateSketches[si][aggregateOffset[a] + $0].summary
                    }
                    guard doContrasts, si != referenceIndex else { continue }
                    for (kc, category) in agg.categories.enumerated() {
                        for (t, y) in years.enumerated() {
                            let block = aggregateOffset[a] + kc * T + t
                            let s = contrastSketches[si][block]
                            contrastsByScenario[si].append(ScenarioContrast(
                                scenario: scenario.name, reference: referenceName, geographyLevel: agg.level, geography: agg.name,
                                category: category, year: y, p05: s.quantile(0.05), p50: s.quantile(0.5), p95: s.quantile(0.95),
                                sharePositive: contrastPositive[si][block] / Double(allDraws.count)))
                        }
                    }
                }
                for (ci, c) in countries.enumerated() {
                    let cellSketches = countrySketches[si].sketches(ci)
                    rowsByScenario[si] += cellRows(scenario.name, .country, c, years: years, categories: countryCategories) { cellSketches[$0].summary }
                }
            }
        }
        return ProjectionOutput(rows: rowsByScenario.flatMap { $0 }, contrasts: contrastsByScenario.flatMap { $0 })
    }
}
