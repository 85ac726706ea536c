import Foundation
import Testing
@testable import MigrationScenarios

@Suite("Climate channel in the projection (hazards, disaster IDPs, attribution)")
struct ClimateChannelEngineTests {
    static let fitted = ProjectionEngineTests.fitted

    /// At equal (medium) population: climate-attributable new disaster displacement in 2050 rises
    /// with warming (SSP1-2.6 < SSP2-4.5 < SSP3-7.0 < SSP5-8.5), geophysical displacement is the
    /// same under every pathway, and the hazards add up to new disaster displacement.
    @Test func attributionRisesWithWarmingAndGeophysicalDoesNot() throws {
        let (inputs, models) = try #require(Self.fitted)
        #expect(models.climateChannel != nil)
        var text = "[run]\ndraws = 300\nhorizon = 2050\n"
        for p in ["SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP5-8.5"] { text += "[[scenario]]\npathway = \"\(p)\"\npopulation = \"medium\"\n" }
        let rows = try ProjectionEngine.run(try ScenarioSet.parse(text), models: models, inputs: inputs, threads: 2)
        func world(_ s: String, _ c: ProjectionCategory) throws -> QuantileSummary {
            try #require(rows.first { $0.scenario == s && $0.geographyLevel == .world && $0.year == 2050 && $0.category == c }).summary
        }
        let names = ["SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP5-8.5"]
        let attributable = try names.map { try world($0, .attributableNew).p50 }
        for k in 1..<4 { #expect(attributable[k] > attributable[k - 1], "\(names[k]) \(attributable[k]) vs \(names[k - 1]) \(attributable[k - 1])") }
        #expect(attributable[0] > 0)
        let quake = try names.map { try world($0, .earthquake) }, volcano = try names.map { try world($0, .volcanic) }
        for k in 1..<4 {
            #expect(quake[k] == quake[0])
            #expect(volcano[k] == volcano[0])
            let q = try world(names[k], .attributableEarthquake).p95
            #expect(q == 0)
        }
        let hazards: [ProjectionCategory] = [.flood, .storm, .drought, .wildfire, .extremeTemperature, .massMovement, .earthquake, .volcanic, .otherHazard]
        let sum = try hazards.reduce(0) { try $0 + world("SSP2-4.5", $1).mean }
        let total = try world("SSP2-4.5", .disaster).mean
        #expect(abs(sum / total - 1) < 1e-6)
    }

    /// The conflict-inflow regression's temperature coefficient is null, so warming must not
    /// reach new conflict displacement through it: with the conflict–warming link off, SSP1-2.6
    /// and SSP5-8.5 at equal population give the same conflict stocks and flows in every draw.
    @Test func nullTemperatureCoefficientDoesNotMoveConflict() throws {
        let (inputs, models) = try #require(Self.fitted)
        var text = "[run]\ndraws = 100\nhorizon = 2045\n"
        for p in ["SSP1-2.6", "SSP5-8.5"] { text += "[[scenario]]\nname = \"\(p)\"\npathway = \"\(p)\"\npopulation = \"medium\"\nconflict_warming = false\n" }
        let out = try ProjectionEngine.project(try ScenarioSet.parse(text), models: models, inputs: inputs, threads: 2)
        let conflict: Set<ProjectionCategory> = [.newDisplacement, .crossBorder, .conflictIDPs, .exits]
        let cells = out.contrasts.filter { conflict.contains($0.category) }
        #expect(!cells.isEmpty)
        let moved = cells.filter { $0.p05 != 0 || $0.p95 != 0 }
        let none = moved.isEmpty
        #expect(none, "\(moved.count) cells moved, e.g. \(moved.first.map { "\($0.geography) \($0.category) \($0.year)" } ?? "")")
        // Disaster displacement does respond to the pathway.
        #expect(out.contrasts.contains { $0.geographyLevel == .world && $0.category == .disaster && $0.year == 2045 && $0.p05 > 0 })
    }

    /// The disaster-IDP stock starts from IDMC's end-2024 figures (9,847,217). Its first
    /// projected year is lower on average (measured: −9 %): IDMC's stocks sit where floods and
    /// storms dominate, whose short durations decay towards the calibrated steady state within
    /// the year, while the long earthquake durations build up more slowly.
    @Test func disasterIDPStockStartsAtIDMCsFigure() throws {
        let (inputs, models) = try #require(Self.fitted)
        let channel = try #require(models.climateChannel)
        let jump = channel.jumpOffStock.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        #expect(abs(jump - 9_847_217) < 1)
        let rows = try ProjectionEngine.run(try ScenarioSet.parse("[run]\ndraws = 300\nhorizon = 2026\n[[scenario]]\npathway = \"SSP2-4.5\"\n"),
                                            models: models, inputs: inputs, threads: 2)
        let first = try #require(rows.first { $0.geographyLevel == .world && $0.year == 2025 && $0.category == .disasterIDPs })
        #expect(abs(first.summary.mean / 9_847_217 - 1) < 0.15, "\(first.summary)")
        // Backtests leave them out of displaced_stock (UNHCR's stock has none).
        var set = try ScenarioSet.parse("[run]\ndraws = 20\nhorizon = 2026\ndisaster_idps = false\n[[scenario]]\npathway = \"SSP2-4.5\"\n")
        #expect(!set.disasterIDPs)
        set.draws = 20
        let off = try ProjectionEngine.run(set, models: models, inputs: inputs, threads: 2)
        #expect(off.first { $0.geographyLevel == .world && $0.year == 2025 && $0.category == .disasterIDPs }?.summary.p95 == 0)
    }

    /// Scenario overrides of the literature's responses are validated with the key path.
    @Test(arguments: [
        ("hazard = \"tsunami\"\ncentral = 0.2\nsource = \"x\"", "scenario[1].climate_response[1].hazard", "\"tsunami\" is not one of"),
        ("hazard = \"flood\"\ncentral = 0.2\nlow = 0.5\nhigh = 0.1\nsource = \"x\"", "scenario[1].climate_response[1].low", "does not hold"),
        ("hazard = \"flood\"\ncentral = 0.2", "scenario[1].climate_response[1].source", "missing — cite the publication"),
        ("hazard = \"flood\"\ncentral = 1e300\nsource = \"x\"", "scenario[1].climate_response[1].central", "outside the allowed range"),
    ])
    func responseOverrideErrors(body: String, key: String, message: String) {
        let text = "[[scenario]]\npathway = \"SSP2-4.5\"\n  [[scenario.climate_response]]\n\(body)\n"
        do {
            _ = try ScenarioSet.parse(text, file: "c.toml")
            Issue.record("accepted \(body)")
        } catch let e as ScenarioError {
            #expect(e.keyPath == key)
            #expect(e.message.contains(message), "\(e.message)")
        } catch { Issue.record("\(error)") }
    }

    /// A stronger flood response raises attributable flood displacement; turning the conflict
    /// link off never raises the attributable stock (paired draws).
    @Test func overridesAndTheConflictSwitchAct() throws {
        let (inputs, models) = try #require(Self.fitted)
        let text = """
            [run]
            draws = 200
            horizon = 2040
            [[scenario]]
            name = "ref"
            pathway = "SSP5-8.5"
            [[scenario]]
            name = "strong floods"
            pathway = "SSP5-8.5"
              [[scenario.climate_response]]
              hazard = "flood"
              central = 1.0
              low = 0.8
              high = 1.2
              source = "test value"
            [[scenario]]
            name = "no conflict link"
            pathway = "SSP5-8.5"
            conflict_warming = false
            """
        let rows = try ProjectionEngine.run(try ScenarioSet.parse(text), models: models, inputs: inputs, threads: 2)
        func w(_ s: String, _ c: ProjectionCategory) -> QuantileSummary {
            rows.first { $0.scenario == s && $0.geographyLevel == .world && $0.year == 2040 && $0.category == c }!.summary
        }
        #expect(w("strong floods", .attributableFlood).p50 > w("ref", .attributableFlood).p50)
        #expect(w("no conflict link", .attributableStock).mean <= w("ref", .attributableStock).mean + 1e-6)
    }
}
