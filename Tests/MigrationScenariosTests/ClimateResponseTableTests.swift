import Foundation
import Testing
@testable import MigrationScenarios

/// data/climate_response.csv: the shipped table loads; bad rows are refused with the file, line
/// and column; draws stay in range.
@Suite("Climate response table")
struct ClimateResponseTableTests {
    static let dataDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data")
    static let header = "hazard,metric,central,low,high,unit,source,notes\n"

    /// A complete, valid table with `line` (a CSV row without newline) replacing the flood row.
    static func table(flood: String) -> String {
        var text = header
        for h in ClimateHazard.allCases {
            text += h == .flood ? flood + "\n" : "\(h.rawValue),m,0,0,0,fraction_per_degC,\"Someone (2020), https://doi.org/x\",\n"
        }
        return text
    }

    static func error(_ text: String) -> ClimateResponseError? {
        do { _ = try ClimateResponseTable.parse(text, file: "cr.csv"); return nil } catch { return error }
    }

    @Test("the shipped table loads: every hazard sourced, Kam et al. for floods, geophysical exactly 0")
    func shipped() throws {
        let table = try ClimateResponseTable.load(path: Self.dataDir.appendingPathComponent(ClimateResponseTable.fileName).path)
        #expect(table.responses.count == ClimateHazard.allCases.count)
        let flood = try #require(table[.flood])
        #expect(flood.central == 0.5)
        #expect(flood.source.contains("10.1088/1748-9326/abd26c"))
        for h in [ClimateHazard.earthquake, .volcanic] {
            #expect(table[h]?.central == 0 && table[h]?.low == 0 && table[h]?.high == 0)
        }
        for r in table.responses.values {
            #expect(r.source.contains("http"), "\(r.hazard) lacks a DOI/URL")
            #expect(r.unit == "fraction_per_degC")
        }
        // Weak evidence: every non-geophysical range except floods includes zero.
        for h in ClimateHazard.allCases where !h.isGeophysical && h != .flood {
            #expect(table[h]!.low <= 0, "\(h)")
        }
        #expect(table[.conflict]!.low == 0 && table[.conflict]!.high <= 0.3)
    }

    @Test("a row without a source names file, line and column")
    func missingSource() {
        let e = Self.error(Self.table(flood: "flood,m,0.5,0.3,0.7,fraction_per_degC,,note"))
        #expect(e == .missingSource(file: "cr.csv", line: 2, column: 7, hazard: "flood"))
        #expect(e?.description.hasPrefix("cr.csv:2:7: hazard 'flood' has no source") == true)
    }

    @Test("low above high, central outside the range, value ≤ −1, not a number")
    func badRanges() {
        #expect(Self.error(Self.table(flood: "flood,m,0.5,0.7,0.3,u,src,"))?.description.hasPrefix("cr.csv:2:4: hazard 'flood': low 0.7 is above high 0.3") == true)
        #expect(Self.error(Self.table(flood: "flood,m,0.5,0.7,0.3,u,src,")) == .lowAboveHigh(file: "cr.csv", line: 2, column: 4, hazard: "flood", low: 0.7, high: 0.3))
        #expect(Self.error(Self.table(flood: "flood,m,0.9,0.3,0.7,u,src,")) == .centralOutsideRange(file: "cr.csv", line: 2, column: 3, hazard: "flood", central: 0.9, low: 0.3, high: 0.7))
        let minusOne = Self.error(Self.table(flood: "flood,m,0.5,-1,0.7,u,src,"))
        #expect(minusOne?.description.hasPrefix("cr.csv:2:4: low '-1' is −1 or below") == true)
        let text = Self.error(Self.table(flood: "flood,m,about half,0.3,0.7,u,src,"))
        #expect(text?.description.hasPrefix("cr.csv:2:3: central 'about half' is not a number") == true)
    }

    @Test("an unknown hazard, a duplicate hazard and a missing hazard are refused")
    func hazards() {
        let unknown = Self.error(Self.table(flood: "floods,m,0.5,0.3,0.7,u,src,"))
        #expect(unknown == .unknownHazard(file: "cr.csv", line: 2, column: 1, value: "floods"))
        #expect(unknown?.description.contains("expected one of flood, storm") == true)
        let twice = Self.table(flood: "flood,m,0.5,0.3,0.7,u,src,") + "flood,m,0.4,0.3,0.7,u,src,\n"
        #expect(Self.error(twice) == .duplicateHazard(file: "cr.csv", line: 12, firstLine: 2, hazard: "flood"))
        let missing = Self.header + "flood,m,0.5,0.3,0.7,u,src,\n"
        #expect(Self.error(missing) == .missingHazard(file: "cr.csv", hazard: "storm"))
    }

    @Test("a scenario override of an unknown hazard names its key; a valid one replaces the row")
    func overrides() throws {
        let table = try ClimateResponseTable.parse(Self.table(flood: "flood,m,0.5,0.3,0.7,u,src,"), file: "cr.csv")
        #expect(throws: ClimateResponseError.unknownOverrideHazard(origin: "high.toml", key: "climate_response.floood", value: "floood")) {
            try table.overriding("floood", central: 0.3, source: "x", origin: "high.toml", key: "climate_response.floood")
        }
        #expect(throws: ClimateResponseError.self) {
            try table.overriding("flood", central: 0.3, low: 0.5, high: 0.4, source: "x", origin: "s.toml", key: "climate_response.flood")
        }
        #expect(throws: ClimateResponseError.self) {
            try table.overriding("flood", central: 0.3, source: " ", origin: "s.toml", key: "climate_response.flood")
        }
        let changed = try table.overriding("flood", central: 0.3, low: 0.1, high: 0.4, source: "Me 2026", origin: "s.toml", key: "climate_response.flood")
        #expect(changed[.flood]?.central == 0.3 && changed[.flood]?.origin == "s.toml: climate_response.flood")
    }

    @Test("draws stay within [low, high], the mode is the central value, the mean is (low + central + high)/3")
    func sampling() throws {
        let table = try ClimateResponseTable.load(path: Self.dataDir.appendingPathComponent(ClimateResponseTable.fileName).path)
        for h in ClimateHazard.allCases {
            let r = table[h]!
            var sum = 0.0
            let n = 20_000
            for k in 0..<n {
                let u = (Double(k) + 0.5) / Double(n)
                let v = table.sample(hazard: h, uniform: u)
                #expect(v >= r.low - 1e-12 && v <= r.high + 1e-12)
                sum += v
            }
            #expect(abs(sum / Double(n) - r.mean) < 1e-3, "\(h)")
        }
        // Triangular inverse CDF at known points: (0, 0.5, 1) → F(0.5) = 0.5, median 0.5.
        let tri = ClimateResponse(hazard: .flood, metric: "m", central: 0.5, low: 0, high: 1, source: "s")
        #expect(abs(tri.value(uniform: 0.5) - 0.5) < 1e-12)
        #expect(abs(tri.value(uniform: 0.125) - 0.25) < 1e-12)   // a + √(u·1·0.5) = √0.0625
        #expect(tri.value(uniform: 0) == 0 && tri.value(uniform: 1) == 1)
        // Geophysical: exactly zero, and the warming factor is 1.
        #expect(table.sample(hazard: .earthquake, uniform: 0.99) == 0)
        #expect(ClimateResponse.factor(warming: 2, response: 0) == 1)
        #expect(abs(ClimateResponse.factor(warming: 1, response: 0.5) - 1.5) < 1e-12)
        #expect(abs(ClimateResponse.factor(warming: 2, response: 0.5) - 2.25) < 1e-12)
    }
}
