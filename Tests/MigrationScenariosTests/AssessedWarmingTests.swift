import Foundation
import Testing
@testable import MigrationScenarios

@Suite("AR6 assessed warming")
struct AssessedWarmingTests {
    static let dataDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data")

    @Test("Table SPM.1 loads: five SSPs, three periods, 2081–2100 SSP5-8.5 4.4 °C (3.3–5.7)")
    func table() throws {
        let w = try AssessedWarming.load(path: Self.dataDir.appendingPathComponent(AssessedWarming.fileName).path)
        #expect(w.scenarios == ["SSP1-1.9", "SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP5-8.5"])
        #expect(w.periods.values.allSatisfy { $0.count == 3 })
        let long = try #require(w.periods["SSP5-8.5"]?.last)
        #expect(long.start == 2081 && long.best == 4.4 && long.low == 3.3 && long.high == 5.7)
    }

    @Test("yearly bands: anchored at 1.09 °C in 2015.5, through the period midpoints, ordered by SSP")
    func bands() throws {
        let w = try AssessedWarming.load(path: Self.dataDir.appendingPathComponent(AssessedWarming.fileName).path)
        let bands = w.pathwayBands()
        #expect(Set(bands.keys) == Set(ClimatePathwayName.allCases))
        let ssp245 = try #require(bands[.ssp245])
        #expect(ssp245.keys.min() == 2015 && ssp245.keys.max() == 2100)
        // A year sits at its midpoint: 2030 is the near-term value (1.5), 2050 the mid-term
        // one (2.0 [1.6, 2.5]), 2090 the long-term one (2.7 [2.1, 3.5]).
        #expect(abs(ssp245[2030]!.mean - 1.5) < 1e-12)
        #expect(abs(ssp245[2050]!.p05 - 1.6) < 1e-12 && abs(ssp245[2050]!.p95 - 2.5) < 1e-12)
        #expect(abs(ssp245[2090]!.p95 - 3.5) < 1e-12)
        // Halfway between 2030.5 and 2050.5.
        #expect(abs(ssp245[2040]!.mean - 1.75) < 1e-12)
        // 2100 extends the 2050.5→2090.5 slope by 10 years: 2.7 + 10 × 0.7/40.
        #expect(abs(ssp245[2100]!.mean - (2.7 + 0.175)) < 1e-12)
        for (_, years) in bands { for (_, b) in years { #expect(b.p05 <= b.mean && b.mean <= b.p95) } }
        for year in [2040, 2050, 2070, 2100] {
            let order: [ClimatePathwayName] = [.ssp126, .ssp245, .ssp370, .ssp585]
            let means = order.map { bands[$0]![year]!.mean }
            #expect(means == means.sorted(), "\(year): \(means)")
        }
        // The anchor: observed 2011–2020 warming at 2015.5.
        #expect(bands[.ssp585]![2015]!.mean == 1.09 && bands[.ssp585]![2015]!.p05 == 0.95)
    }

    @Test("a row with best outside its range or without a source is refused with its line")
    func refused() {
        let header = "scenario,period_start,period_end,best_estimate_c,very_likely_low_c,very_likely_high_c,source\n"
        #expect(throws: AssessedWarming.LoadError.invalidValue(file: "w.csv", line: 2, column: "best_estimate_c", value: "3", reason: "is outside the very likely range [1.0, 2.0]")) {
            try AssessedWarming.parse(header + "SSP1-2.6,2021,2040,3,1,2,IPCC\n", file: "w.csv")
        }
        #expect(throws: AssessedWarming.LoadError.self) { try AssessedWarming.parse(header + "SSP1-2.6,2021,2040,1.5,1,2,\n", file: "w.csv") }
    }
}
