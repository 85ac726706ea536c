import Foundation
import Testing
@testable import MigrationModels

@Suite("Poisson separation on ppmlhdfe's data sets")
struct SeparationTests {
    static let files = ["01", "02", "04", "05", "06", "07", "09", "10", "11", "12", "14", "16", "18"]

    @Test(arguments: files)
    func flagsExactlyTheSeparatedObservations(file: String) throws {
        guard TestData.sharedDataAvailable() else { return }
        let data = try TestData.numericCSV(TestData.sharedData.appendingPathComponent("ppmlhdfe-separation/\(file).csv"))
        guard let y = data["y"], let truth = data["separated"] else { Issue.record("missing columns"); return }
        let xNames = data.keys.filter { $0.hasPrefix("x") }.sorted()
        let idNames = data.keys.filter { $0.hasPrefix("id") }.sorted()
        let fes = idNames.map { FixedEffect(name: $0, labels: data[$0]!.map { String($0) }) }
        var x = xNames.map { data[$0]! }
        var names = xNames
        if fes.isEmpty { x.append([Double](repeating: 1, count: y.count)); names.append("Intercept") }
        let outcome = try Separation.detect(y: y, x: x, fixedEffects: fes, weights: nil, dropSingletons: false,
                                            detectSeparation: true, solverOptions: FixedEffectSolverOptions())
        let flagged = Set(outcome.dropped.fixedEffectSeparation + outcome.dropped.regressorSeparation)
        let expected = Set(truth.indices.filter { truth[$0] == 1 })
        #expect(flagged == expected, "file \(file): flagged \(flagged.sorted().prefix(20)) expected \(expected.sorted().prefix(20))")
    }
}
