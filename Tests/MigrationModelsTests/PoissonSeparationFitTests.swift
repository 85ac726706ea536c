import Foundation
import Testing
@testable import MigrationModels

@Suite("PPML fits that need separation handling (ppmlhdfe guide)")
struct PoissonSeparationFitTests {
    func load(_ name: String) throws -> [String: [Double]] {
        try TestData.numericCSV(TestData.sharedData.appendingPathComponent("ppmlhdfe-separation/\(name)"))
    }

    @Test func guideExample1Intercept() throws {
        guard TestData.sharedDataAvailable() else { return }
        let d = try load("guide_example1.csv")
        let n = d["y"]!.count
        let names = ["Intercept", "x1", "x2", "x3", "x4"]
        let x = [[Double](repeating: 1, count: n), d["x1"]!, d["x2"]!, d["x3"]!, d["x4"]!]
        let r = try GeneralizedLinearModel.fit(response: d["y"]!, regressors: x, names: names, family: .poisson, variance: .hc1)
        // The fifth observation is separated (x1 − x2); after dropping it x1 and x2 are zero or
        // collinear with the rest and are dropped.
        #expect(r.dropped.regressorSeparation == [4])
        #expect(r.observations == n - 1)
        #expect(Set(r.collinearTerms) == Set(["x1", "x2"]) || r.collinearTerms.count == 1)
        let intercept = try #require(r.coefficient("Intercept"))
        #expect(abs(intercept.estimate - 0.59095) < 5e-6)
        #expect(r.converged)
    }

    @Test(arguments: ["guide_fe1.csv", "guide_fe2.csv"])
    func fixedEffectSeparationDropsAndConverges(file: String) throws {
        guard TestData.sharedDataAvailable() else { return }
        let d = try load(file)
        let y = d["y"]!
        let fes = ["i", "j"].compactMap { key in d[key].map { FixedEffect(name: key, labels: $0.map { String($0) }) } }
        let xNames = d.keys.filter { $0.hasPrefix("x") }.sorted()
        let r = try GeneralizedLinearModel.fit(response: y, regressors: xNames.map { d[$0]! }, names: xNames, family: .poisson,
                                               fixedEffects: fes, variance: .hc1)
        #expect(r.converged)
        #expect(r.dropped.count > 0)
        for c in r.coefficients { #expect(c.estimate.isFinite && c.standardError.isFinite) }
    }
}
