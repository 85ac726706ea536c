import Foundation
import Testing
@testable import MigrationModels

/// Issue 15: formulas and model frames on hostile input give a clear error, never a trap or a
/// silently different model.
@Suite("Formula and model frame: hostile input")
struct FormulaHostileInputTests {
    static let data = ColumnDictionary(numeric: ["y": [1, 2, 3, 4, 5], "x": [1, 2, 3, 4, 2]],
                                       labels: ["a": ["p", "q", "p", "q", "r"]])

    @Test("I(x^1e300) prints without an Int conversion trap, and its overflow is an error")
    func hugePower() throws {
        let f = try Formula("y ~ I(x^1e300)")
        #expect(f.terms.map(\.description) == ["I(x^1e+300)"])
        #expect(try Formula("y ~ I(x^2)").terms.map(\.description) == ["I(x^2)"])
        #expect(try Formula("y ~ I(x^9.3e18)").terms.map(\.description) == ["I(x^9.3e+18)"])
        #expect(throws: ModelFrameError.self) { try ModelFrame(formula: f, data: Self.data) }
    }

    @Test("factor() as the response is refused", arguments: ["factor(a) ~ x", "log(factor(a)) ~ x", "x:factor(a) ~ x"])
    func factorResponse(formula: String) {
        do {
            _ = try Formula(formula)
            Issue.record("expected an error for \(formula)")
        } catch let e as FormulaError {
            #expect(e.message.hasPrefix("factor() cannot be the response"), "\(e)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("factor() nested in a function, I() or a product is refused (y ~ factor(a):x no longer fits y ~ x)",
          arguments: ["y ~ log(factor(a))", "y ~ factor(a):x", "y ~ x:factor(a)", "y ~ I(factor(a)^2)", "y ~ sqrt(x:factor(a))"])
    func nestedFactor(formula: String) {
        do {
            _ = try Formula(formula)
            Issue.record("expected an error for \(formula)")
        } catch let e as FormulaError {
            #expect(e.message.hasPrefix("factor() must be a term of its own"), "\(e)")
            #expect(e.position == 4)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a plain factor() term still expands into dummies")
    func plainFactorStillWorks() throws {
        let frame = try ModelFrame(formula: try Formula("y ~ x + factor(a)"), data: Self.data)
        #expect(frame.termNames == ["Intercept", "x", "factor(a)q", "factor(a)r"])
    }

    @Test("factor() with more levels than the limit is refused before the dummies are built; the limit can be raised")
    func factorLevelLimit() throws {
        let n = 50
        let data = ColumnDictionary(numeric: ["y": (0..<n).map { Double($0 % 7) }], labels: ["g": (0..<n).map { "g\($0)" }])
        #expect(throws: ModelFrameError.tooManyLevels(column: "g", levels: 50, limit: 10)) {
            try ModelFrame(formula: try Formula("y ~ factor(g)"), data: data, maximumFactorLevels: 10)
        }
        let text = ModelFrameError.tooManyLevels(column: "g", levels: 50, limit: 10).description
        #expect(text.contains("--max-factor-levels") && text.contains("after '|'"))
        let frame = try ModelFrame(formula: try Formula("y ~ factor(g)"), data: data, maximumFactorLevels: 50)
        #expect(frame.regressors.count == 50)
        #expect(ModelFrame.defaultMaximumFactorLevels == 1_000)
    }

    @Test("data without rows, or without a complete row, is a clear error")
    func noObservations() throws {
        let empty = ColumnDictionary(numeric: ["y": [Double?](), "x": [Double?]()])
        #expect(throws: ModelFrameError.noObservations("the data has no rows")) {
            try ModelFrame(formula: try Formula("y ~ x"), data: empty)
        }
        let allMissing = ColumnDictionary(numeric: ["y": [nil, nil], "x": [1, 2]])
        #expect(throws: ModelFrameError.self) { try ModelFrame(formula: try Formula("y ~ x"), data: allMissing) }
    }

    @Test("a text column named as numeric points at the first cell that is not a number, by line")
    func notNumericNamesTheRow() throws {
        let data = ColumnDictionary(numeric: ["x": [1, 2, 3]], labels: ["y": ["-1.215222415", "2", "n/a"]])
        #expect(throws: ModelFrameError.notNumeric(column: "y", row: 2, value: "n/a")) {
            try ModelFrame(formula: try Formula("y ~ x"), data: data)
        }
        let text = ModelFrameError.notNumeric(column: "y", row: 2, value: "n/a").description
        #expect(text.contains("line 4") && text.contains("'n/a'") && !text.contains("-1.215222415"))
    }

    @Test("deeply nested calls are an error, not a stack overflow")
    func deepNesting() throws {
        for depth in [65, 10_000, 200_000] {
            let text = "y ~ " + String(repeating: "log(", count: depth) + "x" + String(repeating: ")", count: depth)
            do {
                _ = try Formula(text)
                Issue.record("expected an error at depth \(depth)")
            } catch let e as FormulaError {
                #expect(e.message.contains("nested more than 64 deep"))
            }
        }
        let ok = "y ~ " + String(repeating: "log(", count: 64) + "x" + String(repeating: ")", count: 64)
        #expect(try Formula(ok).terms.count == 1)
    }

    @Test("a formula with 18,000 terms parses in well under a second (duplicate check was quadratic)")
    func manyTerms() throws {
        let text = "y ~ " + (0..<18_000).map { "a\($0)" }.joined(separator: " + ")
        let start = Date()
        let f = try Formula(text)
        #expect(f.terms.count == 18_000)
        #expect(f.variables.count == 18_001)
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(throws: FormulaError.self) { try Formula("y ~ a1 + a2 + a1") }
    }

    @Test("the issue's example at full size: factor(g) with 10^6 levels is refused before any dummy is built")
    func millionLevels() throws {
        let n = 1_000_000
        let data = ColumnDictionary(numeric: ["y": [Double?](repeating: 1, count: n)], labels: ["g": (0..<n).map { "g\($0)" }])
        let start = Date()
        #expect(throws: ModelFrameError.tooManyLevels(column: "g", levels: n, limit: 1_000)) {
            try ModelFrame(formula: try Formula("y ~ factor(g)"), data: data)
        }
        #expect(Date().timeIntervalSince(start) < 20)
    }
}
