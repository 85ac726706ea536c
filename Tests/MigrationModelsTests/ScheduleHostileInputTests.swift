import Foundation
import Testing
@testable import MigrationModels

/// Issue 15: Rogers–Castro fits on hostile ages.
@Suite("Rogers–Castro: hostile ages")
struct ScheduleHostileInputTests {
    static let rates: [Double] = [0.02, 0.018, 0.015, 0.012, 0.01, 0.009, 0.009, 0.01, 0.011, 0.012]

    @Test("every age below 10 is a clear error, not an index trap in the measures")
    func allAgesBelowTen() {
        do {
            _ = try RogersCastro.fit(ages: (0..<10).map(Double.init), rates: Self.rates, model: .sevenParameter)
            Issue.record("expected an error")
        } catch let e as ScheduleError {
            #expect(e.description.contains("every age is below 10"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("an age of 1e8 (or below 0) is refused before the measures grid is allocated")
    func absurdAges() {
        for bad in [1e8, -1, 151] {
            var ages = (0..<10).map { Double($0 * 5) }
            ages[9] = bad
            #expect(throws: ScheduleError.invalidValue(what: "age", index: 9, value: bad, requirement: "ages must be between 0 and 150 years")) {
                try RogersCastro.fit(ages: ages, rates: Self.rates, model: .sevenParameter)
            }
        }
    }

    @Test("measures clamp maxAge, so no input can make the grid trap or explode")
    func measuresClamp() throws {
        let p = try RogersCastroParameters(.sevenParameter, values: [0.02, 0.1, 0.06, 0.1, 20, 0.4, 0.003])
        for maxAge in [0.0, 5, 9.99, .nan, .infinity, 1e12] {
            let m = p.measures(model: .sevenParameter, maxAge: maxAge)
            #expect(m.highPeak.isFinite)
        }
    }
}
