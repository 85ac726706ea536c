import Foundation
import Linalg
import Testing
@testable import MigrationModels

/// Cohort-component variants of issue 17: births from the start of the step, a migration matrix
/// of their own for births, region-specific birth survival, one-sex projections — by hand, and
/// the dense Leslie matrix against the block step.
@Suite("Cohort-component variants")
struct CohortVariantTests {
    /// One region, ages 0, 1, 2 (width 1), women only: K = (100, 50, 20), survival 0.9, fertility
    /// 0.5 at age 1, birth survival 0.8, SRB 0 (every birth kept).
    /// Start of step: B = 1·0.5·50 = 25 → age 0: 25·0.8 = 20.
    /// Averaged: end-of-step women aged 1 = 0.9·100 = 90; B = 0.5·½(50 + 90) = 35 → 28.
    @Test("births from the start of the step and averaged, one-sex with every birth kept, by hand")
    func birthExposureOneSex() throws {
        let layout = try PopulationLayout(regions: ["A"], ageGroups: 3, sexes: [.female])
        let population = try RegionalPopulation(layout: layout, values: [100, 50, 20])
        func rates(_ exposure: CohortComponentRates.BirthExposure) throws -> CohortComponentRates {
            try CohortComponentRates(layout: layout, survival: [0.9, 0.9, 0.9], fertility: [0, 0.5, 0], birthSurvival: [0.8],
                                     sexRatioAtBirth: 0, birthExposure: exposure)
        }
        let (start, startAccount) = try CohortComponentProjection.step(population, rates: try rates(.startOfStep))
        #expect(abs(start.values[0] - 20) < 1e-12 && abs(startAccount.births[0] - 25) < 1e-12)
        #expect(abs(start.values[1] - 90) < 1e-12 && abs(start.values[2] - 0.9 * 70) < 1e-12)
        let (averaged, _) = try CohortComponentProjection.step(population, rates: try rates(.averageOfStartAndEnd))
        #expect(abs(averaged.values[0] - 28) < 1e-12)
        // With the default SRB 1.05 a one-sex projection keeps the female share of births.
        let female = try CohortComponentRates(layout: layout, survival: [0.9, 0.9, 0.9], fertility: [0, 0.5, 0], birthSurvival: [0.8],
                                              birthExposure: .startOfStep)
        #expect(abs(try CohortComponentProjection.step(population, rates: female).0.values[0] - 20 / 2.05) < 1e-12)
        // SRB 0 is refused with two sexes.
        let two = try PopulationLayout(regions: ["A"], ageGroups: 3)
        #expect(throws: CohortProjectionError.self) {
            try CohortComponentRates(layout: two, survival: [Double](repeating: 0.9, count: 6), fertility: [0, 0.5, 0],
                                     birthSurvival: [0.8, 0.8], sexRatioAtBirth: 0)
        }
    }

    /// Two regions, women only, no migration of the start population: region A has 100 women of
    /// age 1 with fertility 0.5 (start-of-step births 50), birth survival 0.8 in A and 0.6 in B;
    /// newborns of A: 70 % stay, 30 % end in B. Age 0 at the end: A 50·0.8·0.7 = 28, B 12; the
    /// 12 count as out-migration of A and in-migration of B.
    @Test("a migration matrix for births and region-specific birth survival, by hand")
    func birthMigration() throws {
        let layout = try PopulationLayout(regions: ["A", "B"], ageGroups: 3, sexes: [.female])
        let population = try RegionalPopulation(layout: layout, values: [0, 0, 100, 0, 0, 0])
        let p = try Matrix([[0.7, 0.3], [0, 1]])
        let rates = try CohortComponentRates(layout: layout, survival: [Double](repeating: 1, count: 6), fertility: [0, 0, 0.5, 0.5, 0, 0],
                                             birthSurvival: [0.8, 0.6], sexRatioAtBirth: 0, birthExposure: .startOfStep, birthMigration: p)
        let (next, account) = try CohortComponentProjection.step(population, rates: rates)
        #expect(abs(next.values[0] - 28) < 1e-12 && abs(next.values[1] - 12) < 1e-12)
        #expect(abs(account.outMigrants[0] - 12) < 1e-12 && abs(account.inMigrants[1] - 12) < 1e-12)
        #expect(abs(account.deaths[0] - 10) < 1e-12)   // 50 born, 40 alive: birth survival of the mother's region
        // Rows must sum to one.
        #expect(throws: CohortProjectionError.self) {
            try CohortComponentRates(layout: layout, survival: [Double](repeating: 1, count: 6), fertility: [0, 0, 0.5, 0.5, 0, 0],
                                     birthSurvival: [0.8, 0.6], sexRatioAtBirth: 0, birthMigration: try Matrix([[0.7, 0.2], [0, 1]]))
        }
    }

    /// The dense Leslie matrix describes the same step as the block projection for every variant.
    @Test("L·K equals the block step with start-of-step births, birth migration and both sexes", arguments: [false, true])
    func leslieMatchesBlockStep(_ startOfStep: Bool) throws {
        let layout = try PopulationLayout(regions: ["A", "B", "C"], ageGroups: 5, ageWidth: 5)
        let base = try CohortProjectionTests.simpleRates(layout)
        let p = try Matrix([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0, 0.2, 0.8]])
        let rates = try CohortComponentRates(layout: layout, survival: base.survival, fertility: base.fertility,
                                             birthSurvival: [0.99, 0.97, 0.95, 0.98, 0.96, 0.94], sexRatioAtBirth: 1.05,
                                             outmigration: base.outmigration, destinationShares: base.destinationShares,
                                             birthExposure: startOfStep ? .startOfStep : .averageOfStartAndEnd, birthMigration: p)
        let values = (0..<layout.count).map { Double(100 + 37 * ($0 % 7)) }
        let population = try RegionalPopulation(layout: layout, values: values)
        let (next, _) = try CohortComponentProjection.step(population, rates: rates)
        let l = try CohortComponentProjection.projectionMatrix(rates)
        let dense = try l.multiplied(by: Matrix(column: values)).elements
        var worst = 0.0
        for (a, b) in zip(dense, next.values) { worst = max(worst, abs(a - b)) }
        #expect(worst < 1e-9, "max |L·K − step| = \(worst)")
    }
}
