import Foundation

/// What a run reports, cell by cell: the scenarios, the projected years, the countries and the
/// aggregates (world, UNHCR regions, UN regions) with their categories, and the draws run.
/// `ProjectionEngine.project` hands it to a `DrawCollector` before the first draw; a shard file
/// stores it so that the merge rebuilds the single run's rows in the single run's order.
package struct DrawLayout: Sendable, Equatable, Codable {
    package struct Aggregate: Sendable, Equatable, Codable {
        package let level: GeographyLevel
        package let name: String
        package let categories: [ProjectionCategory]
        package init(level: GeographyLevel, name: String, categories: [ProjectionCategory]) {
            self.level = level
            self.name = name
            self.categories = categories
        }
    }
    /// Scenario names in the scenario file's order.
    package let scenarios: [String]
    /// The scenario the others are contrasted with.
    package let referenceIndex: Int
    package let years: [Int]
    package let countries: [String]
    package let countryCategories: [ProjectionCategory]
    package let aggregates: [Aggregate]
    /// The global draw indices run (all of them for a single run, a contiguous share for a shard).
    package let firstDraw: Int
    package let drawCount: Int
    /// Blocks of draws the run simulated (1 in exact mode).
    package let blocks: Int

    package init(scenarios: [String], referenceIndex: Int, years: [Int], countries: [String], countryCategories: [ProjectionCategory],
                 aggregates: [Aggregate], draws: Range<Int>, blocks: Int) {
        self.scenarios = scenarios
        self.referenceIndex = referenceIndex
        self.years = years
        self.countries = countries
        self.countryCategories = countryCategories
        self.aggregates = aggregates
        self.firstDraw = draws.lowerBound
        self.drawCount = draws.count
        self.blocks = blocks
    }

    /// Cells of one country (category × year).
    package var countryCells: Int { countryCategories.count * years.count }
    /// Cells of aggregate `a` (category × year).
    package func aggregateCells(_ a: Int) -> Int { aggregates[a].categories.count * years.count }
    /// The first cell of aggregate `a` among all aggregate cells (the engine's fixed-point layout).
    package func aggregateOffset(_ a: Int) -> Int { aggregates[..<a].reduce(0) { $0 + $1.categories.count * years.count } }

    /// The same layout for every draw of the run (the shards' draw ranges joined).
    package func withDraws(_ draws: Range<Int>) -> DrawLayout {
        DrawLayout(scenarios: scenarios, referenceIndex: referenceIndex, years: years, countries: countries,
                   countryCategories: countryCategories, aggregates: aggregates, draws: draws, blocks: blocks)
    }
}

/// Receives the per-draw values of every reported cell from `ProjectionEngine.project` (the
/// shard hook), instead of their summaries. Called from the engine's worker threads: `country`
/// concurrently for different countries; `aggregates` once per scenario and block, after the
/// scenario's countries. Errors are kept by the collector and reported after the run.
package protocol DrawCollector: AnyObject, Sendable {
    /// Called once, before any draw.
    func begin(_ layout: DrawLayout) throws
    /// One country's cells of scenario `scenario` (index in the scenario file), laid out
    /// [category × year][draw] with `n` draws starting at global draw `firstDraw`.
    func country(scenario: Int, country: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Double>)
    /// Every aggregate cell of scenario `scenario`, as the fixed-point sums (2⁻¹⁶ persons) the
    /// engine summarises, laid out [aggregate cell][draw].
    func aggregates(scenario: Int, firstDraw: Int, n: Int, values: UnsafeBufferPointer<Int64>)
}
