import Foundation
import Testing
import MigrationData
@testable import MigrationModels

/// A real PPML gravity fit: 2020 UN DESA bilateral migrant stocks ~ log distance + contiguity
/// + common official language (CEPII) | origin + destination, clustered by pair, against pyfixest
/// on the same rows (Tests/Fixtures/undesa: the row rule and the reference values).
@Suite("Real data: UN DESA migrant stocks, PPML gravity against pyfixest")
struct UNDESAGravityTests {
    @Test func ppml2020MatchesPyfixest() throws {
        guard TestData.sharedDataAvailable() else { return }
        let refURL = TestData.fixtures.appendingPathComponent("undesa/reference.json")
        let ref = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: refURL)) as? [String: Any])
        let c = try #require((ref["cases"] as? [String: Any])?["ppml_2020"] as? [String: Any])
        let coefRef = try #require(c["coef"] as? [String: Double])
        let seRef = try #require((c["se"] as? [String: Any])?["CRV1_pair"] as? [String: Double])

        // The row rule of Tests/Fixtures/undesa/README.md.
        var options = CSVReadOptions()
        options.columnTypes = ["dest_iso3": .string, "origin_iso3": .string, "sex": .string]
        options.stringMissingTokens = []
        let stocks = try CSVReader.readTable(path: TestData.sharedData.appendingPathComponent("migrant-stock-undesa/undesa_ims2024_bilateral_migrant_stock.csv").path, options: options)
        guard case .string(let dest) = try stocks.column("dest_iso3"), case .string(let orig) = try stocks.column("origin_iso3") else { Issue.record("columns"); return }
        let year = try #require(try stocks.column("year").doubles()), value = try #require(try stocks.column("migrant_stock").doubles())
        var pairStock: [String: Double] = [:]
        for i in 0..<stocks.rowCount where year[i] == 2020 {
            guard let o = orig[i], let d = dest[i], o != d else { continue }
            pairStock["\(o) \(d)", default: 0] += value[i] ?? 0
        }
        var cepiiOptions = CSVReadOptions()
        cepiiOptions.columnTypes = ["iso_o": .string, "iso_d": .string]
        cepiiOptions.stringMissingTokens = []
        let cepii = try CSVReader.readTable(path: TestData.sharedData.appendingPathComponent("gravity-geodist/cepii_geodist_dist.csv").path, options: cepiiOptions)
        guard case .string(let io) = try cepii.column("iso_o"), case .string(let id) = try cepii.column("iso_d") else { Issue.record("columns"); return }
        let dist = try #require(try cepii.column("dist").doubles()), contig = try #require(try cepii.column("contig").doubles())
        let lang = try #require(try cepii.column("comlang_off").doubles())
        var y: [Double] = [], ld: [Double] = [], ct: [Double] = [], cl: [Double] = [], o: [String] = [], d: [String] = [], pair: [String] = []
        for k in 0..<cepii.rowCount {
            guard let a = io[k], let b = id[k], let s = pairStock["\(a) \(b)"], let dk = dist[k], dk > 0 else { continue }
            y.append(s); ld.append(log(dk)); ct.append(contig[k] ?? .nan); cl.append(lang[k] ?? .nan)
            o.append(a); d.append(b); pair.append("\(a) \(b)")
        }
        #expect(y.count == c["nobs"] as? Int)
        #expect(abs(y.reduce(0, +) - ((c["sum_stock"] as? Double) ?? .nan)) < 1)
        let fes = [FixedEffect(name: "origin", labels: o), FixedEffect(name: "destination", labels: d)]
        let r = try GeneralizedLinearModel.fit(response: y, regressors: [ld, ct, cl], names: ["log_dist", "contig", "comlang_off"],
                                               family: .poisson, fixedEffects: fes, variance: .cluster(FixedEffect(name: "pair", labels: pair)),
                                               correction: .fixest)
        #expect(r.observations == c["nobs"] as? Int)
        #expect(r.dropped.count == 0)
        expectClose(r.estimates, coefRef, coefTolerance, "undesa coef")
        expectClose(r.standardErrors, seRef, seTolerance, "undesa se")
        #expect(rel(r.deviance, (c["deviance"] as? Double) ?? .nan) < 1e-9)
        // pyfixest's K equals the exact rank here (one connected origin–destination graph).
        #expect(r.fixedEffectRank + 3 == c["df_k_exact_rank"] as? Int)
    }
}
