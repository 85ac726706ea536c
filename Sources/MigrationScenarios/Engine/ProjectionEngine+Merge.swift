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
        // Per-worker buffers, reused from item to item: the reference scenario's values (kept for
        // the contrasts only) and one read buffer per shard for the item's chunks.
        let scratch = WorkerScratch(workers: workerCount(threads))
        let readBuffers = (0..<workerCount(threads)).map { _ in shards.map { _ in ShardReader.ReadBuffer() } }
        runParallel(A + C, threads: threads) { item, w in
            if failure.all[0] != nil { return }
            let isCountry = item >= A
            let index = isCountry ? item - A : item
            let kind: ShardFile.Kind = isCountry ? .country : .aggregate
            let level = isCountry ? GeographyLevel.country : layout.aggregates[index].level
            let geography = isCountry ? layout.countries[index] : layout.aggregates[index].name
            let categories = isCountry ? layout.countryCategories : layout.aggregates[index].categories
            let cells = categories.count * T
            // The reference's values for the contrasts: countries' whole persons (Int32, rounded
            // once for every scenario), aggregates' fixed-point sums. Every value is written
            // before it is read (the shards cover the draws contiguously: `ShardSet`).
            let referenceSums = scratch.rawWords(w, count: doContrasts && !isCountry ? cells * D : 0)
            var referenceWhole = [Int32](repeating: 0, count: isCountry && doContrasts ? cells * D : 0)
            var rows = [[ProjectionRow]](repeating: [], count: S), diffs = [[ScenarioContrast]](repeating: [], count: S)
            var x = [Double](repeating: 0, count: D), d = [Double](repeating: 0, count: D)
            do {
                for si in order {
                    let isReference = si == r
                    // Every shard's chunk of this item, verified; each cell's draws are decoded
                    // from them straight into x (shard k's draws at its offset in the run).
                    let chunks = try shards.indices.map { j in
                        try shards[j].chunkBytes(kind, scenario: si, item: index, buffer: readBuffers[w][j])
                    }
                    var cursors = [Int](repeating: 0, count: shards.count)
                    for (kc, category) in categories.enumerated() {
                        for (t, y) in layout.years.enumerated() {
                            let cell = kc * T + t, base = cell * D
                            try x.withUnsafeMutableBufferPointer { xb in
                                try xb.withMemoryRebound(to: UInt64.self) { bits in
                                    for j in shards.indices {
                                        let shard = shards[j]
                                        guard ShardFile.decodeCell(chunks[j], at: &cursors[j], n: shard.drawCount,
                                                                   into: bits.baseAddress! + (shard.firstDraw - layout.firstDraw)) else {
                                            throw shard.decodeFailure(cells: cells)
                                        }
                                    }
                                    if doContrasts && !isCountry {
                                        if isReference {
                                            for k in 0..<D { referenceSums[base + k] = bits[k] }
                                        } else {
                                            d.withUnsafeMutableBufferPointer { db in
                                                for k in 0..<D {
                                                    db[k] = Double(Int64(bitPattern: bits[k]) &- Int64(bitPattern: referenceSums[base + k])) / FixedPointAccumulator.scale
                                                }
                                            }
                                        }
                                    }
                                }
                                if !isCountry {
                                    for k in 0..<D { xb[k] = Double(Int64(bitPattern: xb[k].bitPattern)) / FixedPointAccumulator.scale }
                                } else if doContrasts {
                                    if isReference {
                                        referenceWhole.withUnsafeMutableBufferPointer { rw in
                                            for k in 0..<D { rw[base + k] = ReferenceStore.whole(xb[k]) }
                                        }
                                    } else {
                                        d.withUnsafeMutableBufferPointer { db in
                                            referenceWhole.withUnsafeBufferPointer { rw in
                                                for k in 0..<D { db[k] = Double(ReferenceStore.whole(xb[k])) - Double(rw[base + k]) }
                                            }
                                        }
                                    }
                                }
                            }
                            // The cell's draws, summarised in place (after the contrast's differences were taken).
                            let summary = x.withUnsafeMutableBufferPointer { QuantileSummary(rearranging: $0, tails: tails) }
                            rows[si].append(ProjectionRow(scenario: layout.scenarios[si], geographyLevel: level, geography: geography,
                                                          category: category, year: y, summary: summary))
                            guard doContrasts, !isReference else { continue }
                            diffs[si].append(d.withUnsafeMutableBufferPointer {
                                ScenarioContrast.summarise($0, scenario: layout.scenarios[si], reference: layout.scenarios[r], level: level,
                                                           geography: geography, category: category, year: y)
                            })
                        }
                    }
                    // Every chunk must end where its last cell does.
                    for j in shards.indices where cursors[j] != chunks[j].count { throw shards[j].decodeFailure(cells: cells) }
                    withExtendedLifetime(readBuffers[w]) {}
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
    ///   - blockSize: draws simulated at once (default `exactDrawLimit`; tests use smaller blocks).
    ///   - progress: receives the fraction done.
    package static func projectShard(_ set: ScenarioSet, models: FittedProjectionModels, inputs: ProjectionInputs, drawRange: Range<Int>,
                                     collector: any DrawCollector, threads: Int = 0, blockSize: Int? = nil,
                                     progress: (@Sendable (Double) -> Void)? = nil) throws {
        _ = try project(set, models: models, inputs: inputs, threads: threads, blockSize: blockSize, sketchCompression: 200, tails: false,
                        contrasts: true, progress: progress, drawRange: drawRange, collector: collector)
    }
}

extension ProjectionEngine {
    /// The rows and contrasts of a run from its shards' quantile grids (sketch mode, more than
    /// `exactDrawLimit` draws): each cell's grids — one per block of draws of every shard — are
    /// merged (`QuantileGridMerge`) into the mean (exact up to the order of summation) and the
    /// quantiles, estimates whose rank is within `QuantileGrid.rankErrorBound` of the exact
    /// type-7 rank — Σ over the blocks of the largest gap between a block's grid ranks
    /// (≈ ⌈(n_b − 1)/32⌉), plus 1: about 3.1 % of the draws at every quantile, however many
    /// shards — tested in `ShardSketchTests`. Contrasts cover the world
    /// and the regions, as in a single streamed run; rows and contrasts come in the single run's
    /// order. Memory is one item's grids of all shards per worker (a country of 208 cells and
    /// 100 shards: 4 MB); each shard file is read once, chunk by chunk.
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
            /// The chunks of every block of every shard, in draw order.
            func gathered(_ kind: ShardFile.Kind, _ s: Int) throws -> [QuantileGridChunk] {
                var out: [QuantileGridChunk] = []
                for shard in shards {
                    for b in 0..<shard.blocks { out.append(try shard.grids(kind, scenario: s, item: index, block: b, cells: cells)) }
                }
                return out
            }
            let P = QuantileGrid.pointCount
            var m = QuantileGridMerge(), dm = QuantileGridMerge()
            func load(_ merge: inout QuantileGridMerge, _ chunks: [QuantileGridChunk], _ cell: Int) {
                merge.reset()
                for chunk in chunks {
                    chunk.points.withUnsafeBufferPointer { p in
                        merge.append(count: chunk.counts[cell], sum: chunk.sums[cell], positive: chunk.positives[cell],
                                     points: UnsafeBufferPointer(rebasing: p[(cell * P)..<((cell + 1) * P)]))
                    }
                }
            }
            do {
                for s in 0..<S {
                    let values = try gathered(isCountry ? .countrySketch : .aggregateSketch, s)
                    let contrast = !isCountry && S > 1 && s != r ? try gathered(.contrastSketch, s) : []
                    for (kc, category) in categories.enumerated() {
                        for (t, y) in layout.years.enumerated() {
                            let cell = kc * T + t
                            load(&m, values, cell)
                            let summary = m.count == 0 ? QuantileSummary([]) : QuantileSummary(
                                mean: m.mean, p05: m.quantile(0.05), p10: m.quantile(0.10), p50: m.quantile(0.5),
                                p90: m.quantile(0.90), p95: m.quantile(0.95))
                            rows[s].append(ProjectionRow(scenario: layout.scenarios[s], geographyLevel: level, geography: geography,
                                                         category: category, year: y, summary: summary))
                            guard !contrast.isEmpty else { continue }
                            load(&dm, contrast, cell)
                            diffs[s].append(ScenarioContrast(scenario: layout.scenarios[s], reference: layout.scenarios[r], geographyLevel: level,
                                                             geography: geography, category: category, year: y, p05: dm.quantile(0.05),
                                                             p50: dm.quantile(0.5), p95: dm.quantile(0.95), sharePositive: dm.positive / draws))
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
