import Foundation
import Testing
import MigrationData
@testable import MigrationModels

/// The gravity model of the DocC tutorial, on the shipped data/migrant_stock_gravity_2020.csv
/// (UN DESA 2020 bilateral migrant stocks with CEPII distances), fitted from a formula and the
/// table, against pyfixest on the same file (Tests/Fixtures/gravity/make_reference.py). Needs no
/// shared data: it runs on every clone.
@Suite("Shipped data: PPML gravity of migrant stocks against pyfixest")
struct ShippedGravityTests {
    static let formula = "migrant_stock ~ log(dist_km) + contig + comlang_off + colony | origin_iso3 + dest_iso3"

    static func reference() throws -> [String: Any] {
        let url = TestData.fixtures.appendingPathComponent("gravity/reference.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func table() throws -> Table {
        try CSVReader.readTable(path: TestData.repoRoot.appendingPathComponent("data/migrant_stock_gravity_2020.csv").path)
    }

    @Test func heteroskedasticityRobust() throws {
        let ref = try Self.reference()
        let r = try GeneralizedLinearModel.fit(Self.formula, data: try Self.table(), family: .poisson, variance: .hc1, correction: .fixest)
        #expect(r.observations == ref["nobs"] as? Int)
        expectClose(r.estimates, try #require(ref["coef"] as? [String: Double]), coefTolerance, "gravity coef")
        let se = try #require((ref["se"] as? [String: Any])?["hetero"] as? [String: Double])
        expectClose(r.standardErrors, se, seTolerance, "gravity se hetero")
        #expect(rel(r.deviance, (ref["deviance"] as? Double) ?? .nan) < 1e-9)
    }

    @Test func clusteredByOrigin() throws {
        let ref = try Self.reference()
        let r = try GeneralizedLinearModel.fit(Self.formula, data: try Self.table(), family: .poisson, variance: .cluster("origin_iso3"), correction: .fixest)
        expectClose(r.estimates, try #require(ref["coef"] as? [String: Double]), coefTolerance, "gravity coef")
        let se = try #require((ref["se"] as? [String: Any])?["CRV1_origin"] as? [String: Double])
        expectClose(r.standardErrors, se, seTolerance, "gravity se CRV1 origin")
    }
}
