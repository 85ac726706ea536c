import Foundation
import Testing
@testable import MigrationModels

@Suite("Formula language and model frames")
struct FormulaTests {
    @Test func parsesGravityFormula() throws {
        let f = try Formula("flow ~ log(dist) + contig + comlang | origin^year + destination^year")
        #expect(f.response == .variable("flow"))
        #expect(f.terms.map(\.description) == ["log(dist)", "contig", "comlang"])
        #expect(f.fixedEffects == [["origin", "year"], ["destination", "year"]])
        #expect(!f.intercept)
        #expect(f.variables == ["flow", "dist", "contig", "comlang", "origin", "year", "destination"])
    }

    @Test func interceptProductsPowersAndFactors() throws {
        let f = try Formula("log(y) ~ x1:x2 + I(x1^2) + factor(region) - 1")
        #expect(!f.intercept)
        #expect(f.terms.map(\.description) == ["x1:x2", "I(x1^2)", "factor(region)"])
        #expect(try Formula("y ~ 0 + x").intercept == false)
        #expect(try Formula("y ~ x").intercept == true)
        #expect(try Formula("`net migration` ~ `log pop`").response == .variable("net migration"))
    }

    @Test(arguments: [
        ("flow ~ log(dist", 15, "expected ')' to close 'log('"),
        ("flow ~ lg(dist)", 7, "unknown function 'lg'"),
        ("flow log(dist)", 5, "expected '~' after the response"),
        ("flow ~ dist + ", 14, "a term is missing after '+'"),
        ("flow ~ dist $ x", 12, "unexpected character '$'"),
        ("flow ~ dist | ", 14, "expected a fixed-effect variable name"),
        ("flow ~ dist + dist", 14, "term 'dist' appears twice"),
        ("", 0, "the formula is empty"),
    ])
    func errorsPointAtTheCharacter(formula: String, position: Int, message: String) {
        do {
            _ = try Formula(formula)
            Issue.record("expected an error for \(formula)")
        } catch let e as FormulaError {
            #expect(e.position == position, "\(e)")
            #expect(e.message.hasPrefix(message), "\(e.message)")
            // The caret sits under the offending character.
            let lines = e.description.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines.last?.firstIndex(of: "^").map { lines.last!.distance(from: lines.last!.startIndex, to: $0) } == position + 2)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func unknownColumnMessageNamesItAndSuggests() throws {
        let data = ColumnDictionary(numeric: ["flow": [1, 2, 3], "distance": [1, 2, 3]], labels: [:])
        do {
            _ = try ModelFrame(formula: try Formula("flow ~ log(distnace)"), data: data)
            Issue.record("expected an error")
        } catch let e as ModelFrameError {
            let text = e.description
            #expect(text.contains("unknown column 'distnace'"))
            #expect(text.contains("did you mean 'distance'?"))
            #expect(text.contains("formula error at character 12"))
        }
    }

    @Test func unknownFixedEffectColumnPointsIntoTheFormula() throws {
        let data = ColumnDictionary(numeric: ["flow": [1, 2, 3]], labels: ["origin": ["A", "B", "A"]])
        do {
            _ = try ModelFrame(formula: try Formula("flow ~ 1 | orgin"), data: data)
            Issue.record("expected an error")
        } catch let e as ModelFrameError {
            let text = e.description
            #expect(text.contains("unknown column 'orgin'"))
            #expect(text.contains("did you mean 'origin'?"))
            #expect(text.contains("formula error at character 12"))
        }
    }

    @Test func modelFrameDropsMissingRowsAndBuildsFactorsAndEffects() throws {
        let data = ColumnDictionary(
            numeric: ["y": [1, 2, nil, 4, 5, 6], "x": [1, 2, 3, nil, 5, 6], "year": [2020, 2020, 2021, 2021, 2022, 2022]],
            labels: ["region": ["a", "b", "a", "b", "c", "c"], "origin": ["A", "B", "A", "B", "A", "B"]])
        let frame = try ModelFrame(formula: try Formula("y ~ log(x) + factor(region) | origin^year"), data: data)
        #expect(frame.rows == [0, 1, 4, 5])
        #expect(frame.missingRows.map(\.row) == [2, 3])
        #expect(frame.missingRows.map(\.variable) == ["y", "x"])
        #expect(frame.termNames == ["log(x)", "factor(region)b", "factor(region)c"])
        #expect(frame.fixedEffects.map(\.name) == ["origin^year"])
        #expect(frame.fixedEffects[0].levelLabels == ["A^2020", "B^2020", "A^2022", "B^2022"])
        #expect(frame.regressors[0][1] == log(2.0))
    }

    @Test func nonFiniteTransformIsAnErrorNamingTermAndRow() throws {
        let data = ColumnDictionary(numeric: ["y": [1, 2, 3], "x": [1, 0, 3]])
        #expect(throws: ModelFrameError.nonFinite(term: "log(x)", row: 1, value: -.infinity)) {
            try ModelFrame(formula: try Formula("y ~ log(x)"), data: data)
        }
        let text = ModelFrameError.nonFinite(term: "log(x)", row: 1, value: -.infinity).description
        #expect(text == "term 'log(x)' is -inf at row 2 (e.g. log of zero or a negative number) — drop or transform those rows before fitting")
    }
}

@Suite("Messages a user sees when a fit cannot proceed")
struct RegressionErrorMessageTests {
    @Test func nonFiniteDataNamesVariableAndRow() {
        do {
            _ = try LinearModel.fit(response: [1, 2, .nan, 4], regressors: [[1, 1, 1, 1], [1, 2, 3, 4]], names: ["Intercept", "x"])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "variable 'response' has the non-finite value nan at row 3 — remove or impute it before fitting")
        }
        do {
            _ = try GeneralizedLinearModel.fit(response: [1, 2, 3, 4], regressors: [[1, 1, 1, 1], [1, .infinity, 3, 4]], names: ["Intercept", "x"], family: .poisson)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "variable 'x' has the non-finite value inf at row 2 — remove or impute it before fitting")
        }
    }

    @Test func collinearityIsReportedNotHidden() throws {
        let x1: [Double] = [1, 2, 3, 4, 5, 6], x2 = x1.map { 2 * $0 + 1 }
        let r = try LinearModel.fit(response: [1, 3, 2, 5, 4, 6], regressors: [[Double](repeating: 1, count: 6), x1, x2],
                                    names: ["Intercept", "x1", "x2"])
        #expect(r.collinearTerms == ["x2"])
        #expect(r.coefficients.map(\.term) == ["Intercept", "x1"])
        // A regressor constant within the fixed-effect groups is absorbed and reported.
        let g = FixedEffect(name: "g", labels: ["a", "a", "b", "b", "c", "c"])
        let within: [Double] = [1, 1, 2, 2, 3, 3]
        let r2 = try LinearModel.fit(response: [1, 3, 2, 5, 4, 6], regressors: [x1, within], names: ["x1", "groupLevel"], fixedEffects: [g],
                                     options: { var o = RegressionOptions(); o.dropSingletons = false; return o }())
        #expect(r2.collinearTerms == ["groupLevel"])
    }

    @Test func separationIsCountedAndListed() throws {
        // x = 1 only where y = 0: observation 0 is separated.
        let y: [Double] = [0, 1, 2, 0, 3, 1, 2]
        let x: [Double] = [1, 0, 0, 0, 0, 0, 0]
        let z: [Double] = [0.5, 0.1, 0.3, 0.2, 0.8, 0.4, 0.6]
        let r = try GeneralizedLinearModel.fit(response: y, regressors: [[Double](repeating: 1, count: 7), x, z],
                                               names: ["Intercept", "x", "z"], family: .poisson)
        #expect(r.dropped.regressorSeparation == [0])
        #expect(r.collinearTerms == ["x"])
        #expect(r.observations == 6)
    }

    @Test func nonConvergenceIsAnErrorOrAFlaggedResult() throws {
        let y: [Double] = [0, 1, 5, 2, 9, 3, 7, 4]
        let x: [Double] = [0.1, 0.5, 1.9, 0.7, 2.5, 1.1, 2.2, 1.3]
        var options = RegressionOptions()
        options.maxIterations = 1
        do {
            _ = try GeneralizedLinearModel.fit(response: y, regressors: [[Double](repeating: 1, count: 8), x], names: ["Intercept", "x"],
                                               family: .poisson, options: options)
            Issue.record("expected an error")
        } catch let e as RegressionError {
            guard case let .notConverged(what, iterations, _, tolerance) = e else { Issue.record("wrong error \(e)"); return }
            #expect(what == "IRLS (poisson)")
            #expect(iterations == 1)
            #expect(tolerance == 1e-10)
            #expect(e.description.hasPrefix("IRLS (poisson) did not converge in 1 iterations"))
            #expect(e.description.contains("pass allowNonConvergence to get the flagged result"))
        }
        options.allowNonConvergence = true
        let r = try GeneralizedLinearModel.fit(response: y, regressors: [[Double](repeating: 1, count: 8), x], names: ["Intercept", "x"],
                                               family: .poisson, options: options)
        #expect(!r.converged)
    }

    @Test func unseenLevelInPrediction() throws {
        let g = FixedEffect(name: "g", labels: ["a", "a", "b", "b", "c", "c"])
        var o = RegressionOptions()
        o.estimateFixedEffects = true
        let r = try LinearModel.fit(response: [1, 3, 2, 5, 4, 6], regressors: [[1, 2, 3, 4, 5, 7]], names: ["x"], fixedEffects: [g], options: o)
        #expect(throws: RegressionError.unseenLevel(fixedEffect: "g", level: "d", row: 1)) {
            try r.predict(regressors: ["x": [1, 2]], fixedEffectLabels: ["g": ["a", "d"]])
        }
        let p = try r.predict(regressors: ["x": [1, 2]], fixedEffectLabels: ["g": ["a", "c"]])
        #expect(abs(p.values[0] - r.fittedValues[0]) < 1e-12)
    }
}
