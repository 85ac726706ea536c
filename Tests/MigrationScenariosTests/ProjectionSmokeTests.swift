import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Projection engine on the shipped data")
struct ProjectionEngineTests {
    static let dataDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data")

    static let fitted: (ProjectionInputs, FittedProjectionModels)? = {
        guard let inputs = try? ProjectionDataLoader.load(directory: dataDir), let models = try? ProjectionEngine.fit(inputs) else { return nil }
        return (inputs, models)
    }()

    @Test func firstProjectedYearStartsFromTheLastObservedData() throws {
        let (inputs, models) = try #require(Self.fitted)
        #expect(models.baseYear == 2024)
        let set = try ScenarioSet.parse("[run]\ndraws = 40\nhorizon = 2027\n[[scenario]]\npathway = \"SSP2-4.5\"\n")
        let rows = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 2)
        let world2025 = try #require(rows.first { $0.geographyLevel == .world && $0.category == .displaced && $0.year == 2025 })
        let observed = inputs.history.stock.total(2024)
        #expect(observed > 124e6 && observed < 125e6)
        // The last observation is mid-2025 where UNHCR published it (210 origins, 119.3 M): the
        // end-2025 median is half a year from there, within ±10 % (end-2024 was 124.7 M).
        let midyear = inputs.history.midyearStock
        #expect(midyear.countries.filter { midyear[$0, 2025] != nil }.count == 210)
        let mid2025 = midyear.total(2025)
        #expect(mid2025 > 119e6 && mid2025 < 120e6)
        // The projected stock includes the disaster IDPs (IDMC's 9.8 M at the end of 2024), which
        // the mid-2025 figure does not: the end-2025 median lies within ±5 % of their sum.
        let disasterIDPs = try #require(models.climateChannel).jumpOffTotal
        #expect(disasterIDPs > 9.8e6 && disasterIDPs < 9.9e6)
        #expect(abs(world2025.summary.p50 / (mid2025 + disasterIDPs) - 1) < 0.05, "\(world2025.summary)")
        // Syria: 13.5 M at the end of 2024, 11.0 M at mid-2025 (returns after December 2024).
        let syr = try #require(rows.first { $0.geography == "SYR" && $0.category == .displaced && $0.year == 2025 })
        let syrMid = try #require(midyear["SYR", 2025])
        #expect(abs(syr.summary.p50 / syrMid - 1) < 0.1, "SYR 2025 \(syr.summary) vs mid-2025 \(syrMid)")
        #expect(world2025.summary.p05 <= world2025.summary.p50 && world2025.summary.p50 <= world2025.summary.p95)
        // Country rows for every country with a 2024 stock, eight categories (the stock, its four
        // types, three flows), three years.
        let countries = inputs.history.stock.countries.filter { inputs.history.stock[$0, 2024] != nil }
        #expect(rows.filter { $0.geographyLevel == .country }.count == countries.count * 8 * 3)
    }

    @Test func sameSeedSameNumbersOnOneAndTwoThreads() throws {
        let (inputs, models) = try #require(Self.fitted)
        let set = try ScenarioSet.parse("[run]\ndraws = 30\nhorizon = 2030\nseed = 99\n[[scenario]]\npathway = \"SSP3-7.0\"\n")
        let a = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 1)
        let b = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 2)
        let same = a == b   // a Bool: Swift Testing would diff thousands of rows on failure
        #expect(same)
        let other = try ScenarioSet.parse("[run]\ndraws = 30\nhorizon = 2030\nseed = 100\n[[scenario]]\npathway = \"SSP3-7.0\"\n")
        let c = try ProjectionEngine.run(other, models: models, inputs: inputs, threads: 2)
        #expect(a != c)
    }

    @Test func unknownCountryInAnOverrideIsAnError() throws {
        let (inputs, models) = try #require(Self.fitted)
        let set = try ScenarioSet.parse("[run]\ndraws = 2\nhorizon = 2026\n[[scenario]]\npathway = \"SSP2-4.5\"\n[[scenario.override]]\ncomponent = \"exit_rate\"\nfactor = 2\ncountries = [\"QQQ\"]\n")
        #expect(throws: ProjectionError.self) { try ProjectionEngine.run(set, models: models, inputs: inputs) }
    }
}

@Suite("In-sample fit against the data")
struct InSampleFitTests {
    /// The one-step-ahead fit of the displaced stock (what reports/in_sample_fit.csv shows), for
    /// both stock models: the world within 15 % of the observed stock in every year 2015–2024
    /// (measured: growth model at most 12 %, in 2022), and the ten largest origins of 2024 with a
    /// median absolute percentage error below 25 % (measured: 13 % with flows).
    @Test(arguments: [StockModel.lifecycle, .growth, .flows])
    func worldAndTenLargestOrigins(stockModel: StockModel) throws {
        let (inputs, models) = try #require(ProjectionEngineTests.fitted)
        let rows = InSampleFit.compute(models, inputs, years: 2015...2024, stockModel: stockModel)
        let world = rows.filter { $0.geography == "World" }
        #expect(world.count == 10)
        for r in world {
            #expect(abs(r.fitted / r.observed - 1) < 0.15, "World \(r.year): fitted \(r.fitted) vs observed \(r.observed)")
            // The observed column is the data itself (countries observed in both years).
            var total = 0.0
            for c in inputs.history.stock.countries {
                if let now = inputs.history.stock[c, r.year], inputs.history.stock[c, r.year - 1] != nil { total += now }
            }
            #expect(abs(r.observed - total) < 1)
        }
        let stock = inputs.history.stock
        let top = stock.countries.filter { !["UNK", "XXA"].contains($0) && stock[$0, 2024] != nil }
            .sorted { (stock[$0, 2024] ?? 0) > (stock[$1, 2024] ?? 0) }.prefix(10)
        #expect(top.contains("SYR") && top.contains("AFG") && top.contains("UKR"))
        let errors = rows.filter { top.contains($0.geography) }.map { abs($0.fitted / $0.observed - 1) }.sorted()
        #expect(errors.count >= 90)
        #expect(errors[errors.count / 2] < 0.25)
    }
}
