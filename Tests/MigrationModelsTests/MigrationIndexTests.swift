import Foundation
import Testing
import Linalg
@testable import MigrationModels

@Suite("Migration indices (migest index_* and migration.indices) against numpy and statsmodels")
struct MigrationIndexTests {
    @Test("Gini of migration.indices' documented example: 0.2666667 corrected, 0.2222222 uncorrected")
    func giniDocumented() throws {
        let c = try FlowsFixture.shared.object("indices", "migration_hyp")
        let flows = try FlowsFromStocksTests.matrix(c["flows"])
        let r = try MigrationIndices.connectivity(flows: flows)
        #expect(abs(r.giniTotal - 0.2666667) < 5e-8)
        #expect(abs(r.giniTotalUncorrected - 0.2222222) < 5e-8)
        #expect(r.connectivity == 1)
    }

    @Test("Intensity, impact, connectivity and distance indices on a 6-region system")
    func sixRegions() throws {
        let c = try FlowsFixture.shared.object("indices", "six")
        let flows = try FlowsFromStocksTests.matrix(c["flows"]), distances = try FlowsFromStocksTests.matrix(c["distances"])
        let pop = try FlowsFromStocksTests.vector(c["populations"])
        let impact = try MigrationIndices.impact(flows: flows, populations: pop)
        #expect(rel(impact.effectiveness, try FlowsFixture.number(c, "effectiveness")) < 1e-12)
        #expect(rel(impact.aggregateNetMigrationRate, try FlowsFixture.number(c, "anmr")) < 1e-12)
        #expect(rel(impact.preference, try FlowsFixture.number(c, "preference")) < 1e-12)
        #expect(rel(impact.velocity, try FlowsFixture.number(c, "velocity")) < 1e-12)
        let conn = try MigrationIndices.connectivity(flows: flows)
        #expect(rel(conn.connectivity, try FlowsFixture.number(c, "connectivity")) < 1e-12)
        #expect(rel(conn.coefficientOfVariation, try FlowsFixture.number(c, "cv")) < 1e-12)
        let dist = try MigrationIndices.distance(flows: flows, distances: distances)
        #expect(rel(dist.mean, try FlowsFixture.number(c, "mean_distance")) < 1e-12)
        #expect(dist.median == (try FlowsFixture.number(c, "median_distance")))
        #expect(rel(dist.decay, try FlowsFixture.number(c, "decay")) < 1e-8)
        #expect(rel(dist.decayStandardError, try FlowsFixture.number(c, "decay_se")) < 1e-6)
        let total = flows.elements.reduce(0, +)
        let intensity = try MigrationIndices.intensity(migrants: total, population: pop.reduce(0, +), regions: 6)
        #expect(rel(intensity.crudeMigrationIntensity, try FlowsFixture.number(c, "cmi")) < 1e-12)
        #expect(rel(intensity.courgeauK, try FlowsFixture.number(c, "courgeau_k")) < 1e-12)
        #expect(throws: FlowEstimationError.self) { _ = try MigrationIndices.impact(flows: flows, populations: [1, 2]) }
        #expect(throws: FlowEstimationError.self) { _ = try MigrationIndices.intensity(migrants: 1, population: 0, regions: 3) }
    }
}
