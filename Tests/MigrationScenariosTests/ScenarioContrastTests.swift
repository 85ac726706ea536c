import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Scenario contrasts on paired draws")
struct ScenarioContrastTests {
    static let fitted = ProjectionEngineTests.fitted

    /// With one draw, the contrast of every cell is that draw's difference: scenario − reference
    /// of the two scenarios' values (their one-draw means), for the world, the regions and the
    /// countries (whole persons there). A copy of the reference contrasts to exactly zero, and
    /// `reference =` chooses the reference.
    @Test func oneDrawContrastIsTheDifferenceOfTheScenarios() throws {
        let (inputs, models) = try #require(Self.fitted)
        let text = """
            [run]
            draws = 1
            horizon = 2030
            reference = "base"
            [[scenario]]
            name = "faster"
            pathway = "SSP2-4.5"
            [[scenario.override]]
            component = "exit_rate"
            factor = 2
            [[scenario]]
            name = "base"
            pathway = "SSP2-4.5"
            [[scenario]]
            name = "copy"
            pathway = "SSP2-4.5"
            """
        let out = try ProjectionEngine.project(try ScenarioSet.parse(text), models: models, inputs: inputs, threads: 2)
        #expect(!out.contrasts.isEmpty)
        #expect(out.contrasts.allSatisfy { $0.reference == "base" && $0.scenario != "base" })
        var means: [String: Double] = [:]
        for r in out.rows { means["\(r.scenario)|\(r.geographyLevel)|\(r.geography)|\(r.category)|\(r.year)"] = r.summary.mean }
        var checked = 0, worst = 0.0
        for c in out.contrasts {
            let key = "|\(c.geographyLevel)|\(c.geography)|\(c.category)|\(c.year)"
            let s = try #require(means[c.scenario + key]), r = try #require(means["base" + key])
            let expected = c.geographyLevel == .country ? s.rounded() - r.rounded() : s - r
            worst = max(worst, abs(c.p50 - expected))
            #expect(c.p05 == c.p50 && c.p95 == c.p50)
            #expect(c.sharePositive == (c.p50 > 0 ? 1 : c.p50 == 0 ? 0.5 : 0))
            if c.scenario == "copy" { #expect(c.p50 == 0) }
            checked += 1
        }
        #expect(worst < 0.01, "largest gap \(worst)")
        // Every reported cell of the other two scenarios has its contrast.
        #expect(checked == out.rows.filter { $0.scenario != "base" }.count)
        // Faster solutions lower the world's displaced stock by 2030.
        let world = try #require(out.contrasts.first { $0.scenario == "faster" && $0.geographyLevel == .world && $0.category == .displaced && $0.year == 2030 })
        #expect(world.p50 < 0)
    }

    /// Over many draws: the contrast's interval is ordered, a lever that speeds up solutions is
    /// told apart from the reference (90 % interval below zero for the world's stock), and a
    /// scenario identical to the reference gives zero in every draw.
    @Test func contrastsSeparateALeverFromNoise() throws {
        let (inputs, models) = try #require(Self.fitted)
        let text = """
            [run]
            draws = 200
            horizon = 2040
            [[scenario]]
            name = "base"
            pathway = "SSP2-4.5"
            [[scenario]]
            name = "faster"
            pathway = "SSP2-4.5"
            [[scenario.override]]
            component = "exit_rate"
            factor = 2
            """
        let out = try ProjectionEngine.project(try ScenarioSet.parse(text), models: models, inputs: inputs, threads: 2)
        #expect(out.contrasts.allSatisfy { $0.p05 <= $0.p50 && $0.p50 <= $0.p95 && (0...1).contains($0.sharePositive) })
        let world = try #require(out.contrasts.first { $0.geographyLevel == .world && $0.category == .displaced && $0.year == 2040 })
        #expect(world.p95 < 0 && world.sharePositive < 0.05 && !world.intervalIncludesZero, "\(world)")
        // One thread gives the same contrasts.
        let one = try ProjectionEngine.project(try ScenarioSet.parse(text), models: models, inputs: inputs, threads: 1)
        let same = one.contrasts == out.contrasts
        #expect(same)
    }
}
