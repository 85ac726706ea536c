import Foundation
import Testing
@testable import MigrationModels

/// Tests/Fixtures/regression/reference.json (statsmodels / pyfixest, from make_reference.py)
/// and its data files.
struct RegressionFixture: @unchecked Sendable {
    let cases: [String: Any]
    static let shared: RegressionFixture = {
        let url = TestData.fixtures.appendingPathComponent("regression/reference.json")
        guard let data = try? Data(contentsOf: url),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = obj["cases"] as? [String: Any] else { return RegressionFixture(cases: [:]) }
        return RegressionFixture(cases: cases)
    }()

    func `case`(_ name: String) throws -> [String: Any] {
        guard let c = cases[name] as? [String: Any] else { throw FixtureMissing(key: name) }
        return c
    }
    func coef(_ name: String) throws -> [String: Double] { try numbers(try self.case(name)["coef"], name + ".coef") }
    func se(_ name: String, _ label: String) throws -> [String: Double] {
        let c = try self.case(name)
        guard let s = c["se"] as? [String: Any] else { throw FixtureMissing(key: name + ".se") }
        return try numbers(s[label], "\(name).se.\(label)")
    }
    func scalar(_ name: String, _ key: String) throws -> Double {
        guard let v = try self.case(name)[key] as? NSNumber else { throw FixtureMissing(key: "\(name).\(key)") }
        return v.doubleValue
    }
    func numbers(_ any: Any?, _ key: String) throws -> [String: Double] {
        guard let d = any as? [String: Any] else { throw FixtureMissing(key: key) }
        return d.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
    static func data(_ file: String) throws -> [String: [Double]] {
        try TestData.numericCSV(TestData.fixtures.appendingPathComponent("regression/\(file)"))
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    let key: String
    var description: String { "reference.json has no '\(key)' — regenerate with python3 Tests/Fixtures/regression/make_reference.py" }
}

/// |a − b| / |b|.
func rel(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

/// Expects every reference term's value within `tolerance` (relative) of the result's.
func expectClose(_ got: TermValues, _ expected: [String: Double], _ tolerance: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(got.dictionary, expected, tolerance, what, sourceLocation: sourceLocation)
}

/// Expects every reference term's value within `tolerance` (relative) of the result's.
func expectClose(_ got: [String: Double], _ expected: [String: Double], _ tolerance: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!expected.isEmpty, "\(what): empty reference", sourceLocation: sourceLocation)
    for (term, value) in expected {
        guard let g = got[term] else {
            Issue.record("\(what): no value for '\(term)' (have \(got.keys.sorted()))", sourceLocation: sourceLocation)
            continue
        }
        #expect(rel(g, value) < tolerance, "\(what) \(term): \(g) vs \(value) (rel \(rel(g, value)))", sourceLocation: sourceLocation)
    }
}

let coefTolerance = 1e-8
let seTolerance = 1e-6
