import Foundation
import Linalg
import Testing
@testable import MigrationModels

/// Validation and behaviour of the multiregional cohort-component projection.
@Suite("Cohort-component projection: validation, balance and per-step rates")
struct CohortProjectionTests {
    static func simpleRates(_ layout: PopulationLayout, survival: Double = 0.99, out: Double = 0.05,
                            shares: Matrix? = nil, fertility: Double = 0.08) throws -> CohortComponentRates {
        let r = layout.regionCount, a = layout.ageGroups
        var f = [Double](repeating: 0, count: r * a)
        for age in 1..<a where age >= a / 4 && age < (3 * a) / 4 { for i in 0..<r { f[i + r * age] = fertility } }
        var d = try Matrix(rows: r, cols: r, repeating: r > 1 ? 1 / Double(r - 1) : 0)
        for i in 0..<r { d[i, i] = 0 }
        return try CohortComponentRates(layout: layout, survival: [Double](repeating: survival, count: layout.count), fertility: f,
                                        birthSurvival: [Double](repeating: 0.99, count: r * layout.sexes.count),
                                        outmigration: [Double](repeating: r > 1 ? out : 0, count: layout.count),
                                        destinationShares: shares ?? d)
    }

    @Test("negative rates, probabilities above one and bad destination shares give clear errors")
    func rateValidation() throws {
        let layout = try PopulationLayout(regions: ["North", "South"], ageGroups: 4, ageWidth: 5)
        let base = try Self.simpleRates(layout)
        var survival = base.survival
        survival[layout.index(region: 1, age: 2, sex: 1)] = -0.2
        let e = #expect(throws: CohortProjectionError.self) {
            try CohortComponentRates(layout: layout, survival: survival, fertility: base.fertility, birthSurvival: base.birthSurvival,
                                     outmigration: base.outmigration, destinationShares: base.destinationShares)
        }
        #expect(e == .negativeValue(component: "survival", cell: "region 'South', age 10-14, male", value: -0.2))
        var out = base.outmigration
        out[0] = 1.5
        #expect(throws: CohortProjectionError.probabilityAboveOne(component: "out-migration", cell: "region 'North', age 0-4, female", value: 1.5)) {
            try CohortComponentRates(layout: layout, survival: base.survival, fertility: base.fertility, birthSurvival: base.birthSurvival,
                                     outmigration: out, destinationShares: base.destinationShares)
        }
        let bad = try Matrix([[0, 0.7], [1, 0]])
        let shareError = #expect(throws: CohortProjectionError.self) {
            try CohortComponentRates(layout: layout, survival: base.survival, fertility: base.fertility, birthSurvival: base.birthSurvival,
                                     outmigration: base.outmigration, destinationShares: bad)
        }
        #expect(shareError == .destinationSharesDoNotSumToOne(region: "North", sum: 0.7, tolerance: CohortComponentRates.shareTolerance))
        // A negative or non-finite share names its origin and destination.
        #expect(throws: CohortProjectionError.negativeValue(component: "the destination shares", cell: "origin 'South', destination 'North'", value: -1)) {
            try CohortComponentRates(layout: layout, survival: base.survival, fertility: base.fertility, birthSurvival: base.birthSurvival,
                                     outmigration: base.outmigration, destinationShares: try Matrix([[0, 1], [-1, 0]]))
        }
        #expect(throws: CohortProjectionError.nonFinite(component: "the destination shares", cell: "origin 'North', destination 'South'", value: .infinity)) {
            try CohortComponentRates(layout: layout, survival: base.survival, fertility: base.fertility, birthSurvival: base.birthSurvival,
                                     outmigration: base.outmigration, destinationShares: try Matrix([[0, .infinity], [1, 0]]))
        }
        #expect(throws: CohortProjectionError.self) {  // out-migration + emigration > 1
            try CohortComponentRates(layout: layout, survival: base.survival, fertility: base.fertility, birthSurvival: base.birthSurvival,
                                     outmigration: base.outmigration, destinationShares: base.destinationShares,
                                     emigration: [Double](repeating: 0.97, count: layout.count))
        }
        var f = base.fertility
        f[0] = 0.1
        #expect(throws: CohortProjectionError.self) {  // fertility in the newborn group
            try CohortComponentRates(layout: layout, survival: base.survival, fertility: f, birthSurvival: base.birthSurvival)
        }
        #expect(throws: CohortProjectionError.self) { try PopulationLayout(regions: ["A", "A"], ageGroups: 3) }
        #expect(throws: CohortProjectionError.self) { try PopulationLayout(regions: ["A"], ageGroups: 3, sexes: [.male]) }
        #expect(throws: CohortProjectionError.self) { try RegionalPopulation(layout: layout, values: [Double](repeating: -1, count: layout.count)) }
    }

    @Test("the zero-sum check on inter-regional migration")
    func balance() throws {
        let layout = try PopulationLayout(regions: ["A", "B", "C"], ageGroups: 5)
        // Shares summing to 1 − 5e-10 pass validation (tolerance 1e-9) but lose migrants.
        let shares = try Matrix([[0, 0.5, 0.5 - 5e-10], [0.5, 0, 0.5], [0.5, 0.5, 0]])
        let rates = try Self.simpleRates(layout, shares: shares)
        let population = try RegionalPopulation(layout: layout, values: [Double](repeating: 1e6, count: layout.count))
        let e = #expect(throws: CohortProjectionError.self) {
            try CohortComponentProjection.project(initial: population, steps: 2, rates: rates, options: CohortProjectionOptions(balanceTolerance: 0))
        }
        if case let .migrationDoesNotBalance(step, out, inn)? = e {
            #expect(step == 0 && out > inn)
        } else {
            Issue.record("expected migrationDoesNotBalance, got \(String(describing: e))")
        }
        #expect(e?.description.contains("does not sum to zero") == true)
        // With the default tolerance the step passes and reports its imbalance.
        let ok = try CohortComponentProjection.project(initial: population, steps: 2, rates: rates)
        #expect(ok.maximumMigrationImbalance > 0 && ok.maximumMigrationImbalance < 1e-9)
    }

    @Test("per-step rates: the closure's rates are used at their step")
    func perStepRates() throws {
        let layout = try PopulationLayout(regions: ["A", "B"], ageGroups: 6, ageWidth: 5, sexes: [.female])
        let population = try RegionalPopulation(layout: layout, values: [Double](repeating: 100, count: layout.count))
        let high = try Self.simpleRates(layout, survival: 0.99), low = try Self.simpleRates(layout, survival: 0.5)
        let varying = try CohortComponentProjection.project(initial: population, steps: 3, rates: { $0 == 1 ? low : high })
        var manual = population
        for t in 0..<3 { manual = try CohortComponentProjection.step(manual, rates: t == 1 ? low : high).0 }
        #expect(varying.final == manual)
        #expect(varying.populations.isEmpty && varying.accounts.count == 3 && varying.totals.count == 4)
        let other = try PopulationLayout(regions: ["A", "C"], ageGroups: 6, ageWidth: 5, sexes: [.female])
        let wrong = try Self.simpleRates(other)
        #expect(throws: CohortProjectionError.self) { try CohortComponentProjection.project(initial: population, steps: 2, rates: { $0 == 1 ? wrong : high }) }
    }

    @Test("the dense matrix is refused above its limit; the block projection is not")
    func denseLimit() throws {
        let layout = try PopulationLayout(regions: (0..<30).map { "R\($0)" }, ageGroups: 101)
        let rates = try Self.simpleRates(layout)
        #expect(throws: CohortProjectionError.denseMatrixTooLarge(size: 6060, limit: CohortComponentProjection.defaultDenseLimit)) {
            try CohortComponentProjection.projectionMatrix(rates)
        }
        #expect(throws: CohortProjectionError.self) { try GrowthMatrixAnalysis.analyze(rates) }
        let population = try RegionalPopulation(layout: layout, values: [Double](repeating: 10, count: layout.count))
        let result = try CohortComponentProjection.project(initial: population, steps: 2, rates: rates)
        #expect(result.totals.count == 3 && result.totals.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test("emigration and immigration enter the accounts; a closed one-region population ages and survives")
    func externalMigration() throws {
        let layout = try PopulationLayout(regions: ["Only"], ageGroups: 3, sexes: [.female])
        let rates = try CohortComponentRates(layout: layout, survival: [0.9, 0.8, 0.5], fertility: [0, 0, 0], birthSurvival: [1],
                                             emigration: [0.1, 0, 0], immigration: [0, 5, 0])
        let population = try RegionalPopulation(layout: layout, values: [100, 50, 20])
        let (next, account) = try CohortComponentProjection.step(population, rates: rates)
        // age 1: 100·0.9·(1 − 0.1) + 5; open: 50·0.8 + 20·0.5; age 0: no births.
        #expect(markovError(next.values, [0, 86, 50]) < 1e-14)
        #expect(abs(account.emigrants[0] - 9) < 1e-13 && account.immigrants[0] == 5)
        #expect(abs(account.deaths[0] - (10 + 10 + 10)) < 1e-12)
    }
}
