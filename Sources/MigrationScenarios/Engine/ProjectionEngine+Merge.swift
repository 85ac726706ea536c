import Foundation

extension ProjectionEngine {
    /// The rows and contrasts of a run from its shards' per-draw values (exact mode): for every
    /// cell the draws of all shards are put back in global draw order and summarised exactly as
    /// `project` summarises one block — type-7 quantiles and the mean over the same values in the
    /// same order, aggregates from the same fixed-point sums, contrasts from the same paired
    /// differences (fixed point for aggregates, whole persons for countries) — so the result is
    /// bit for bit the single run's.
    ///
    /// `shards` must cover draws 0..<layout.drawCount contiguously (`ShardSet` checks it). Work
    /// is parallel over countries and aggregates; memory is two cells' draws per worker per item
    /// (one country or aggregate of the reference and of the scenario in hand).
    /// - Parameters:
    ///   - shards: the shard files, opened against `layout`.
    ///   - layout: the run's layout with its full draw range.
    ///   - tails: whether rows carry p025 and p975 (`project` leaves them NaN).
    ///   - contrasts: whether to contrast the scenarios with the reference.
    ///   - threads: worker threads (0: one per core).
    package static func mergeExact(_ shards: [ShardReader], layout: DrawLayout, tails: Bool = false, contrasts wantContrasts: Bool = true,
                                   threads: Int = 0) throws -> ProjectionOutput {
        let D = layout.drawCount, S = layout.scenarios.count, A = layout.aggregates.count, C = layout.countries.count
        let T = layout.years.count
        let r = layout.referenceIndex
        let doContrasts = wantContrasts && S > 1
        let order = [r] + (0..<S).filter { $0 != r }
        let rowsBox = IndexedBox<[[ProjectionRow]]>(repeating: [], count: A + C)
        let contrastsBox = IndexedBox<[[ScenarioContrast]]>(repeating: [], count: A + C)
        let failure = IndexedBox<Error?>(repeating: nil, count: 1)
        runParallel(A + C, threads: threads) { item, _ in
            if failure.all[0] != nil { return }
            let isCountry = item >= A
            let index = isCountry ? item - A : item
            let kind: ShardFile.Kind = isCountry ? .country : .aggregate
            let level = isCountry ? GeographyLevel.country : layout.aggregates[index].level
            let geography = isCountry ? layout.countries[index] : layout.aggregates[index].name
            let categories = isCountry ? layout.countryCategories : layout.aggregates[index].categories
            let cells = categories.count * T
            var reference = [UInt64](repeating: 0, count: cells * D), current = [UInt64](repeating: 0, count: cells * D)
            var rows = [[ProjectionRow]](repeating: [], count: S), diffs = [[ScenarioContrast]](repeating: [], count: S)
            var d = [Double](repeating: 0, count: D)
            do {
                for si in order {
                    let isReference = si == r
                    func load(_ buffer: inout [UInt64]) throws {
                        try buffer.withUnsafeMutableBufferPointer { b in
                            for shard in shards {
                                try shard.read(kind, scenario: si, item: index, cells: cells, into: b.baseAddress!, stride: D,
                                               start: shard.firstDraw - layout.firstDraw)
                            }
                        }
                    }
                    if isReference { try load(&reference) } else { try load(&current) }
                    let values = isReference ? reference : current
                    for (kc, category) in categories.enumerated() {
                        for (t, y) in layout.years.enumerated() {
                            let cell = kc * T + t, base = cell * D
                            let draws: [Double] = isCountry
                                ? (0..<D).map { Double(bitPattern: values[base + $0]) }
                                : (0..<D).map { Double(Int64(bitPattern: values[base + $0])) / FixedPointAccumulator.scale }
                            rows[si].append(ProjectionRow(scenario: layout.scenarios[si], geographyLevel: level, geography: geography,
                                                          category: category, year: y, summary: QuantileSummary(draws, tails: tails)))
                            guard doContrasts, !isReference else { continue }
                            for k in 0..<D {
                                if isCountry {
                                    d[k] = Double(ReferenceStore.whole(Double(bitPattern: values[base + k])))
                                        - Double(ReferenceStore.whole(Double(bitPattern: reference[base + k])))
                                } else {
                                    d[k] = Double(Int64(bitPattern: values[base + k]) &- Int64(bitPattern: reference[base + k])) / FixedPointAccumulator.scale
                                }
                            }
                            diffs[si].append(d.withUnsafeMutableBufferPointer {
                                ScenarioContrast.summarise($0, scenario: layout.scenarios[si], reference: layout.scenarios[r], level: level,
                                                           geography: geography, category: category, year: y)
                            })
                        }
                    }
                }
            } catch {
                failure.set(0, error)
                return
            }
            rowsBox.set(item, rows)
            contrastsBox.set(item, diffs)
        }
        if let error = failure.all[0] { throw error }
        let rows = rowsBox.all, diffs = contrastsBox.all
        var outRows: [ProjectionRow] = [], outContrasts: [ScenarioContrast] = []
        for si in 0..<S {
            for item in 0..<(A + C) { outRows += rows[item][si] }
            for item in 0..<(A + C) { outContrasts += diffs[item][si] }
        }
        return ProjectionOutput(rows: outRows, contrasts: outContrasts)
    }
}

extension ProjectionEngine {
    /// Runs draws `drawRange` of the run `project` would make (the same global draw indices, so
    /// the same random numbers) and hands every cell's per-draw values to `collector` instead of
    /// summarising them (a shard of `migkit project --shard K/N`).
    /// - Parameters:
    ///   - set: the scenario set (its `draws` is the whole run's).
    ///   - models: the fitted models.
    ///   - inputs: the data.
    ///   - drawRange: the shard's draws, within 0..<set.draws.
    ///   - collector: receives the values.
    ///   - threads: worker threads (0: one per core).
    ///   - progress: receives the fraction done.
    package static func projectShard(_ set: ScenarioSet, models: FittedProjectionModels, inputs: ProjectionInputs, drawRange: Range<Int>,
                                     collector: any DrawCollector, threads: Int = 0,
                                     progress: (@Sendable (Double) -> Void)? = nil) throws {
        _ = try project(set, models: models, inputs: inputs, threads: threads, blockSize: nil, sketchCompression: 200, tails: false,
                        contrasts: true, progress: progress, drawRange: drawRange, collector: collector)
    }
}

extension ProjectionEngine {
    /// The rows and contrasts of a run from its shards' t-digests (sketch mode, more than
    /// `exactDrawLimit` draws): each cell's digests are merged in shard order
    /// (`QuantileSketch.merge`) and summarised as the single run's streamed path summarises its
    /// own digest — the mean exact up to the order of summation, the quantiles t-digest
    /// estimates. Error bound (k₁ scale, δ = 200): the estimate of the q-quantile has a rank
    /// within about n·(2π/δ)·√(q(1−q)) + 1 of q·(n − 1) — 1.6 % of the draws at the median,
    /// 0.7 % at p05 and p95 — for one digest and for merged digests alike (a merge
    /// recompresses under the same limit); tested against the exact quantiles in
    /// `ShardSketchTests`. Contrasts cover the world and the regions, as in a single streamed
    /// run; rows and contrasts come in the single run's order.
    /// - Parameters:
    ///   - shards: the shard files (mode 1), in draw order.
    ///   - layout: the run's layout.
    ///   - threads: worker threads (0: one per core).
    package static func mergeSketches(_ shards: [ShardReader], layout: DrawLayout, threads: Int = 0) throws -> ProjectionOutput {
        let S = layout.scenarios.count, A = layout.aggregates.count, C = layout.countries.count, T = layout.years.count
        let r = layout.referenceIndex
        let rowsBox = IndexedBox<[[ProjectionRow]]>(repeating: [], count: A + C)
        let contrastsBox = IndexedBox<[[ScenarioContrast]]>(repeating: [], count: A)
        let failure = IndexedBox<Error?>(repeating: nil, count: 1)
        let draws = Double(layout.drawCount)
        runParallel(A + C, threads: threads) { item, _ in
            if failure.all[0] != nil { return }
            let isCountry = item >= A
            let index = isCountry ? item - A : item
            let level = isCountry ? GeographyLevel.country : layout.aggregates[index].level
            let geography = isCountry ? layout.countries[index] : layout.aggregates[index].name
            let categories = isCountry ? layout.countryCategories : layout.aggregates[index].categories
            let cells = categories.count * T
            var rows = [[ProjectionRow]](repeating: [], count: S), diffs = [[ScenarioContrast]](repeating: [], count: S)
            func merged(_ kind: ShardFile.Kind, _ s: Int) throws -> [(QuantileSketch, Double)] {
                var out: [(QuantileSketch, Double)] = []
                for shard in shards {
                    let part = try shard.sketches(kind, scenario: s, item: index, cells: cells)
                    if out.isEmpty { out = part } else { for c in 0..<cells { out[c].0.merge(part[c].0); out[c].1 += part[c].1 } }
                }
                return out
            }
            do {
                for s in 0..<S {
                    let values = try merged(isCountry ? .countrySketch : .aggregateSketch, s)
                    let contrast = !isCountry && S > 1 && s != r ? try merged(.contrastSketch, s) : []
                    for (kc, category) in categories.enumerated() {
                        for (t, y) in layout.years.enumerated() {
                            let cell = kc * T + t
                            rows[s].append(ProjectionRow(scenario: layout.scenarios[s], geographyLevel: level, geography: geography,
                                                         category: category, year: y, summary: values[cell].0.summary))
                            guard !contrast.isEmpty else { continue }
                            let d = contrast[cell].0
                            diffs[s].append(ScenarioContrast(scenario: layout.scenarios[s], reference: layout.scenarios[r], geographyLevel: level,
                                                             geography: geography, category: category, year: y, p05: d.quantile(0.05),
                                                             p50: d.quantile(0.5), p95: d.quantile(0.95), sharePositive: contrast[cell].1 / draws))
                        }
                    }
                }
            } catch {
                failure.set(0, error)
                return
            }
            rowsBox.set(item, rows)
            if !isCountry { contrastsBox.set(item, diffs) }
        }
        if let error = failure.all[0] { throw error }
        let rows = rowsBox.all, diffs = contrastsBox.all
        var outRows: [ProjectionRow] = [], outContrasts: [ScenarioContrast] = []
        for s in 0..<S {
            for item in 0..<(A + C) { outRows += rows[item][s] }
            for item in 0..<A { outContrasts += diffs[item][s] }
        }
        return ProjectionOutput(rows: outRows, contrasts: outContrasts)
    }
}
