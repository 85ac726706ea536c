import Foundation
import MigrationData
import Testing
@testable import MigrationModels

/// The refugee exit rate and the implied expected duration of displacement, on UNHCR data.
///
/// Data: UNHCR Refugee Population Statistics Database, https://www.unhcr.org/refugee-statistics/
/// (CC BY 4.0), as shipped in ../shared/data/unhcr (see its SOURCE.md): `solutions.csv` (returned
/// refugees, resettlement, naturalisation during the year) and `population.csv` (end-year
/// refugee stocks under UNHCR's mandate).
///
/// Exit rate of origin o in year t (2000–2021):
///     h(o, t) = [returned_refugees + resettlement + naturalisation](o, t) / refugees(o, end of t − 1),
/// summed over countries of asylum; the denominator is the stock at risk at the start of the
/// year. Pooled over the years, ĥ(o) = Σₜ exits / Σₜ stock is the maximum-likelihood estimate of a
/// constant yearly exit probability (a two-state absorbing Markov chain, `DisplacementExitRate`),
/// and the expected duration of displacement is 1/ĥ years.
///
/// Published comparison — Devictor, X. & Do, Q.-T. (2016), "How Many Years Have Refugees Been in
/// Exile?", World Bank Policy Research Working Paper 7810 (doi 10.1596/1813-9450-7810): people
/// who were refugees at the end of 2015 had been in exile for 10.3 years on average (median 4
/// years); the average varied between 10 and 15 years since the late 1990s; the 6.6 million in
/// protracted situations (over five years) had been in exile 21.2 years on average. Their
/// figure is the *elapsed* time in exile of the stock at one date; ours is the *expected
/// completed* duration implied by the exit hazard. The two coincide only for a stationary stock
/// with a constant hazard; with inflows rising over the period (Syria, South Sudan, Myanmar) the
/// stock is younger than its stationary counterpart, so the elapsed mean is expected to fall
/// below 1/ĥ, as it does here (≈ 16 vs 10.3 years). The order of magnitude agrees, and both sit
/// well above UNHCR's five-year threshold for a protracted situation (25,000 or more refugees of
/// one nationality in one asylum country for five consecutive years).
@Suite("Refugee exit rates and expected duration of displacement (UNHCR data)")
struct MarkovRealDataTests {
    static let firstYear = 2000, lastYear = 2021

    struct OriginYear: Hashable { let origin: String; let year: Int }

    static func strings(_ table: Table, _ name: String) throws -> [String] {
        guard case .string(let v) = try table.column(name) else { throw MarkovFixtureMissing(key: "\(name) is not a text column") }
        return v.map { $0 ?? "" }
    }
    static func numbers(_ table: Table, _ name: String) throws -> [Double] {
        guard let v = try table.column(name).doubles() else { throw MarkovFixtureMissing(key: "\(name) is not numeric") }
        return v.map { $0 ?? 0 }
    }

    /// Exits and start-of-year stocks per origin and year, read with MigrationData's CSV reader.
    static func load() throws -> (exits: [OriginYear: Double], stock: [OriginYear: Double], names: [String: String]) {
        let dir = TestData.sharedData.appendingPathComponent("unhcr")
        let solutions = try CSVReader.readTable(path: dir.appendingPathComponent("solutions.csv").path)
            .filter { (row: Table.Row) throws -> Bool in try row.int("year").map { $0 >= firstYear && $0 <= lastYear } ?? false }
            .grouped(by: ["coo_iso", "year"], aggregating: [.sum("returned_refugees"), .sum("resettlement"), .sum("naturalisation")])
        let population = try CSVReader.readTable(path: dir.appendingPathComponent("population.csv").path)
        let popByOrigin = try population
            .filter { (row: Table.Row) throws -> Bool in try row.int("year").map { $0 >= firstYear - 1 && $0 <= lastYear - 1 } ?? false }
            .grouped(by: ["coo_iso", "year"], aggregating: [.sum("refugees")])
        var exits: [OriginYear: Double] = [:], stock: [OriginYear: Double] = [:]
        let so = try strings(solutions, "coo_iso"), sy = try numbers(solutions, "year")
        let r = try numbers(solutions, "returned_refugees"), s = try numbers(solutions, "resettlement"), n = try numbers(solutions, "naturalisation")
        for k in so.indices { exits[OriginYear(origin: so[k], year: Int(sy[k])), default: 0] += r[k] + s[k] + n[k] }
        let po = try strings(popByOrigin, "coo_iso"), py = try numbers(popByOrigin, "year"), pr = try numbers(popByOrigin, "refugees")
        // The stock at the end of year t − 1 is the population at risk in year t.
        for k in po.indices { stock[OriginYear(origin: po[k], year: Int(py[k]) + 1), default: 0] += pr[k] }
        var names: [String: String] = [:]
        let iso = try strings(population, "coo_iso"), label = try strings(population, "coo_name")
        for k in iso.indices where names[iso[k]] == nil { names[iso[k]] = label[k] }
        return (exits, stock, names)
    }

    @Test("exit rate per origin and year, expected duration globally and for the ten largest origins")
    func exitRatesAndDuration() throws {
        guard TestData.sharedDataAvailable() else { return }
        let (exits, stock, names) = try Self.load()
        let years = Array(Self.firstYear...Self.lastYear)

        // Per origin and year.
        var rates: [OriginYear: Double] = [:]
        for (key, atRisk) in stock where atRisk > 0 { rates[key] = (exits[key] ?? 0) / atRisk }
        let aboveOne = rates.filter { $0.value > 1 }
        #expect(rates.count > 3000, "origin-years with a refugee stock: \(rates.count)")
        // Returns can exceed the previous stock when they include people not counted as refugees
        // the year before; they are a small minority of origin-years and are kept in the pooled sums.
        #expect(Double(aboveOne.count) < 0.02 * Double(rates.count))

        // Global, year by year and pooled.
        var globalExits: [Double] = [], globalStock: [Double] = []
        for y in years {
            globalExits.append(exits.filter { $0.key.year == y && (stock[$0.key] ?? 0) > 0 }.values.reduce(0, +))
            globalStock.append(stock.filter { $0.key.year == y }.values.reduce(0, +))
        }
        let global = try DisplacementExitRate.estimate(exits: globalExits, atRisk: globalStock)
        print(String(format: "UNHCR 2000–2021 global refugee exit rate %.4f / year → expected duration %.1f years (95%% Wilson %.2f–%.2f; SD %.1f; median %.0f)",
                     global.rate, global.expectedDuration, global.durationLower, global.durationUpper,
                     global.durationStandardDeviation, global.medianDuration))
        for (k, y) in years.enumerated() {
            print(String(format: "  %d: exits %9.0f / stock %10.0f = %.4f", y, globalExits[k], globalStock[k], globalExits[k] / globalStock[k]))
        }
        #expect(global.rate > 0.04 && global.rate < 0.09)
        #expect(abs(global.expectedDuration * global.rate - 1) < 1e-12)

        // Published figure: Devictor & Do (2016), mean time in exile of end-2015 refugees, 10.3 years.
        let devictorDoMean = 10.3
        let ratio = global.expectedDuration / devictorDoMean
        print(String(format: "  expected duration / Devictor & Do (2016) mean elapsed exile 10.3 y = %.2f", ratio))
        #expect(ratio > 1 && ratio < 2.5, "prospective duration vs elapsed exile: same order, prospective longer with rising inflows")
        #expect(global.medianDuration > 5, "under the pooled hazard the median displacement exceeds UNHCR's five-year protracted threshold")

        // Ten largest origins by refugee-years at risk (Unknown origin excluded).
        var atRiskByOrigin: [String: Double] = [:], exitsByOrigin: [String: Double] = [:]
        for (key, n) in stock where n > 0 && key.year >= Self.firstYear && key.year <= Self.lastYear {
            atRiskByOrigin[key.origin, default: 0] += n
            exitsByOrigin[key.origin, default: 0] += exits[key] ?? 0
        }
        let top = atRiskByOrigin.filter { $0.key != "UNK" }.sorted { $0.value > $1.value }.prefix(10).map(\.key)
        #expect(top.count == 10)
        #expect(Set(top).isSuperset(of: ["AFG", "SYR", "IRQ", "SOM"]))
        var durations: [String: Double] = [:]
        for o in top {
            let d = try DisplacementExitRate.estimate(exits: [exitsByOrigin[o] ?? 0], atRisk: [atRiskByOrigin[o] ?? 0])
            durations[o] = d.expectedDuration
            print(String(format: "  %@ %-36@ exit rate %.4f → expected duration %5.1f years", o, names[o] ?? o, d.rate, d.expectedDuration))
            #expect(d.rate > 0.01 && d.rate < 0.2)
        }
        // Afghanistan's mass returns (2002–2008) give it a short duration; Syria's few returns a long one.
        #expect((durations["AFG"] ?? 0) < global.expectedDuration)
        #expect((durations["SYR"] ?? 0) > 2 * global.expectedDuration)
    }
}
