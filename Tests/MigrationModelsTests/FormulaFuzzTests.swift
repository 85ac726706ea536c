import Foundation
import Testing
@testable import MigrationModels

/// Deterministic fuzzing of the formula parser and the model frame (issue 15): random token
/// strings and mutations of the hostile seeds in `Tests/Fixtures/fuzz/formula/seeds.txt`. Every
/// input must parse or throw a `FormulaError`; every parsed formula must build a model frame on
/// small hostile data (zeros, negatives, huge values, missing cells, text) or throw, and the
/// frames that build must fit (OLS, and Poisson with few iterations) or throw — never trap or hang.
@Suite("Formula fuzz")
struct FormulaFuzzTests {
    static let seedsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz/formula/seeds.txt")

    /// Inputs per run: random token strings and seed mutations.
    static let randomCount = 3_000
    static let mutationsPerSeed = 100

    static let pieces: [String] = [
        "y", "x", "a", "g", "year", "`odd name`", "missing", "log", "log1p", "exp", "sqrt", "abs", "I", "factor", "C", "i", "lg",
        "0", "1", "2", "-1", "0.5", "1e300", "1e999", ".5", "NaN", "~", "~", "+", "+", "-", ":", ":", "^", "^", "|", "(", "(", ")", ")",
        "*", "`", " ", " ", "\t", "é", "🇸🇾", "\u{0}", "$", ",",
    ]

    static let data = ColumnDictionary(
        numeric: ["y": [0, 1, 2, 3, 1e300, 5, nil, 7, 0, 2], "x": [1, 0, -1, 2, 3, 1e-300, 4, nil, 2, 5],
                  "year": [2000, 2000, 2001, 2001, 2002, 2002, 2003, 2003, 2004, 2004], "odd name": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
        labels: ["a": ["p", "q", "p", "q", "r", "r", "p", nil, "q", "p"], "g": (0..<10).map { "g\($0)" }])

    /// Well-formed and nearly well-formed terms, so that many inputs reach the model frame.
    static let terms: [String] = [
        "x", "log(x)", "log1p(x)", "exp(x)", "sqrt(x)", "abs(x)", "I(x^2)", "I(x^1e300)", "I(x^0.5)", "x:year", "factor(a)",
        "factor(g)", "C(a)", "`odd name`", "year", "log(factor(a))", "factor(a):x", "0", "1", "-1", "missing", "exp(exp(x))",
        "I(log(x)^3)", "x:x", "y",
    ]

    static func structured(_ generator: inout SplitMix64) -> String {
        let count = 1 + Int(generator.next() % 3)
        var text = ["y", "log(y)", "x", "factor(a)"][Int(generator.next() % 4)] + " ~ "
        text += (0..<count).map { _ in terms[Int(generator.next() % UInt64(terms.count))] }.joined(separator: " + ")
        switch generator.next() % 4 {
        case 0: text += " | a"
        case 1: text += " | a^year + g"
        default: break
        }
        return text
    }

    static func random(_ generator: inout SplitMix64) -> String {
        (0..<(1 + Int(generator.next() % 14))).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
    }

    static func mutate(_ seed: String, _ generator: inout SplitMix64) -> String {
        var chars = Array(seed)
        for _ in 0..<(1 + Int(generator.next() % 3)) {
            let position = chars.isEmpty ? 0 : Int(generator.next() % UInt64(chars.count + 1))
            switch generator.next() % 3 {
            case 0 where position < chars.count: chars.remove(at: position)
            case 1: chars.insert(contentsOf: Array(pieces[Int(generator.next() % UInt64(pieces.count))]), at: position)
            default:
                if position < chars.count { chars[position] = Array(pieces[Int(generator.next() % UInt64(pieces.count))]).first ?? " " }
            }
        }
        return String(chars)
    }

    /// Parses, frames and fits `text`; returns whether a fit was attempted.
    static func exercise(_ text: String) -> (parsed: Bool, framed: Bool) {
        let formula: Formula
        do {
            formula = try Formula(text)
        } catch is FormulaError {
            return (false, false)
        } catch {
            Issue.record("'\(text)' threw \(type(of: error)), not a FormulaError: \(error)")
            return (false, false)
        }
        #expect(formula.terms.allSatisfy { !$0.description.isEmpty })
        guard let frame = try? ModelFrame(formula: formula, data: data, maximumFactorLevels: 5) else { return (true, false) }
        var options = RegressionOptions()
        options.maxIterations = 25
        options.allowNonConvergence = true
        _ = try? LinearModel.fit(response: frame.response, regressors: frame.regressors, names: frame.termNames,
                                 fixedEffects: frame.fixedEffects, options: options)
        _ = try? GeneralizedLinearModel.fit(response: frame.response, regressors: frame.regressors, names: frame.termNames,
                                            family: .poisson, fixedEffects: frame.fixedEffects, options: options)
        return (true, true)
    }

    @Test("random token strings parse or throw FormulaError; parsed ones frame and fit or throw")
    func randomFormulas() {
        var generator = SplitMix64(seed: 0x464F_524D)
        var parsed = 0, framed = 0
        for _ in 0..<Self.randomCount {
            // Most random strings fail early; a response and '~' in front reach the terms.
            let text: String
            switch generator.next() % 3 {
            case 0: text = "y ~ " + Self.random(&generator)
            case 1: text = Self.random(&generator)
            default: text = Self.structured(&generator)
            }
            let outcome = Self.exercise(text)
            if outcome.parsed { parsed += 1 }
            if outcome.framed { framed += 1 }
        }
        #expect(parsed > 500)
        #expect(framed > 100)
    }

    @Test("mutations of the hostile seed formulas parse or throw; none traps")
    func mutatedSeeds() throws {
        let seeds = try String(contentsOf: Self.seedsFile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(seeds.count >= 15)
        var generator = SplitMix64(seed: 1_500)
        for seed in seeds {
            _ = Self.exercise(seed)
            for _ in 0..<Self.mutationsPerSeed { _ = Self.exercise(Self.mutate(seed, &generator)) }
        }
    }
}
