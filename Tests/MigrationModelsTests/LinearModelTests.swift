import Linalg
import Foundation
import Testing
@testable import MigrationModels

@Suite("OLS / WLS / fixed-effect OLS against statsmodels and pyfixest")
struct LinearModelTests {
    let ref = RegressionFixture.shared

    func olsData() throws -> (d: [String: [Double]], n: Int) {
        let d = try RegressionFixture.data("ols.csv")
        return (d, d["y"]?.count ?? 0)
    }

    func group(_ d: [String: [Double]], _ name: String) -> FixedEffect {
        FixedEffect(name: name, labels: (d[name] ?? []).map { String(Int($0)) })
    }

    @Test func statsmodelsOLS() throws {
        let (d, n) = try olsData()
        let x = [[Double](repeating: 1, count: n), d["x1"]!, d["x2"]!]
        let names = ["Intercept", "x1", "x2"]
        let cases: [(VarianceEstimator, String)] = [
            (.iid, "nonrobust"), (.hc0, "HC0"), (.hc1, "HC1"), (.hc2, "HC2"), (.hc3, "HC3"),
            (.cluster(group(d, "cl1")), "cluster_cl1"),
            (.twoWayCluster(group(d, "cl1"), group(d, "cl2")), "cluster_cl1_cl2"),
        ]
        for (v, label) in cases {
            let r = try LinearModel.fit(response: d["y"]!, regressors: x, names: names, variance: v, correction: .statsmodels)
            expectClose(r.estimates, try ref.coef("sm_ols"), coefTolerance, "sm_ols coef")
            expectClose(r.standardErrors, try ref.se("sm_ols", label), seTolerance, "sm_ols se \(label)")
            if label == "nonrobust" {
                #expect(rel(r.rSquared!, try ref.scalar("sm_ols", "rsquared")) < 1e-10)
                #expect(rel(r.adjustedRSquared!, try ref.scalar("sm_ols", "rsquared_adj")) < 1e-10)
                #expect(rel(r.fStatistic!, try ref.scalar("sm_ols", "fvalue")) < 1e-9)
                #expect(rel(r.fPValue!, try ref.scalar("sm_ols", "f_pvalue")) < 1e-6)
                #expect(rel(r.logLikelihood, try ref.scalar("sm_ols", "llf")) < 1e-10)
                #expect(rel(r.aic, try ref.scalar("sm_ols", "aic")) < 1e-10)
                #expect(rel(r.bic, try ref.scalar("sm_ols", "bic")) < 1e-10)
                #expect(rel(r.residualSumOfSquares, try ref.scalar("sm_ols", "ssr")) < 1e-10)
                let t = try ref.numbers(try ref.case("sm_ols")["tvalues_nonrobust"], "t")
                expectClose(Dictionary(uniqueKeysWithValues: r.coefficients.map { ($0.term, $0.statistic) }), t, 1e-7, "t")
                let p = try ref.numbers(try ref.case("sm_ols")["pvalues_nonrobust"], "p")
                expectClose(Dictionary(uniqueKeysWithValues: r.coefficients.map { ($0.term, $0.pValue) }), p, 1e-6, "p")
                let ci = try ref.case("sm_ols")["conf_int_95_nonrobust"] as? [String: [Double]] ?? [:]
                for c in r.coefficients {
                    #expect(rel(c.confidenceLow, ci[c.term]?[0] ?? .nan) < 1e-9)
                    #expect(rel(c.confidenceHigh, ci[c.term]?[1] ?? .nan) < 1e-9)
                }
                let head = (try ref.case("sm_ols")["resid_head"] as? [Double]) ?? []
                for (k, v) in head.enumerated() { #expect(abs(r.residuals[k] - v) < 1e-10) }
            }
        }
    }

    @Test func statsmodelsWLS() throws {
        let (d, n) = try olsData()
        let x = [[Double](repeating: 1, count: n), d["x1"]!, d["x2"]!]
        for (v, label) in [(VarianceEstimator.iid, "nonrobust"), (.hc1, "HC1")] {
            let r = try LinearModel.fit(response: d["y"]!, regressors: x, names: ["Intercept", "x1", "x2"], weights: d["w"]!,
                                        variance: v, correction: .statsmodels)
            expectClose(r.estimates, try ref.coef("sm_wls"), coefTolerance, "sm_wls coef")
            expectClose(r.standardErrors, try ref.se("sm_wls", label), seTolerance, "sm_wls se \(label)")
            #expect(rel(r.rSquared!, try ref.scalar("sm_wls", "rsquared")) < 1e-10)
            #expect(rel(r.logLikelihood, try ref.scalar("sm_wls", "llf")) < 1e-10)
        }
    }

    @Test func pyfixestFixedEffects() throws {
        let (d, _) = try olsData()
        let fes = [group(d, "fe1"), group(d, "fe2")]
        let cl1 = group(d, "cl1"), cl2 = group(d, "cl2")
        var conventional = SmallSampleCorrection.fixest
        conventional.clusterDegreesOfFreedom = .perTerm
        let cases: [(VarianceEstimator, String, SmallSampleCorrection)] = [
            (.iid, "iid", .fixest), (.hc1, "hetero", .fixest), (.cluster(cl1), "CRV1_cl1", .fixest),
            (.twoWayCluster(cl1, cl2), "CRV1_cl1_cl2", .fixest),
            (.twoWayCluster(cl1, cl2), "CRV1_cl1_cl2_Gdf_conventional", conventional),
        ]
        for (v, label, ssc) in cases {
            let r = try LinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"],
                                        fixedEffects: fes, variance: v, correction: ssc)
            expectClose(r.estimates, try ref.coef("pf_ols_fe"), coefTolerance, "pf_ols_fe coef")
            expectClose(r.standardErrors, try ref.se("pf_ols_fe", label), seTolerance, "pf_ols_fe se \(label)")
            #expect(rel(r.rSquared!, try ref.scalar("pf_ols_fe", "r2")) < 1e-9)
            #expect(rel(r.withinRSquared!, try ref.scalar("pf_ols_fe", "r2_within")) < 1e-9)
            #expect(rel(r.adjustedRSquared!, try ref.scalar("pf_ols_fe", "adj_r2")) < 1e-9)
            #expect(r.fixedEffectRank == 16)
        }
        // The same model with explicit dummies in statsmodels (K counts every dummy).
        for (v, label) in [(VarianceEstimator.iid, "nonrobust"), (.hc1, "HC1"), (.cluster(cl1), "cluster_cl1"),
                           (.twoWayCluster(cl1, cl2), "cluster_cl1_cl2")] {
            let r = try LinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"],
                                        fixedEffects: fes, variance: v, correction: .statsmodels)
            expectClose(r.standardErrors, try ref.se("sm_ols_dummies", label), seTolerance, "sm_ols_dummies se \(label)")
        }
        // k_fixef = "none".
        var none = SmallSampleCorrection.fixest
        none.fixedEffectsK = .none
        for (v, label) in [(VarianceEstimator.iid, "iid"), (.hc1, "hetero"), (.cluster(cl1), "CRV1_cl1")] {
            let r = try LinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"],
                                        fixedEffects: fes, variance: v, correction: none)
            expectClose(r.standardErrors, try ref.se("pf_ols_fe_kfixef_none", label), seTolerance, "kfixef none \(label)")
        }
    }

    @Test func nestedFixedEffectInCluster() throws {
        let (d, _) = try olsData()
        let fe1 = group(d, "fe1")
        for (v, label, ssc) in [(VarianceEstimator.hc1, "hetero", SmallSampleCorrection.fixest),
                                (.cluster(fe1), "CRV1_fe1", .fixest)] {
            let r = try LinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"],
                                        fixedEffects: [fe1], variance: v, correction: ssc)
            expectClose(r.estimates, try ref.coef("pf_ols_fe1_nested_cluster"), coefTolerance, "nested coef")
            expectClose(r.standardErrors, try ref.se("pf_ols_fe1_nested_cluster", label), seTolerance, "nested se \(label)")
        }
        var full = SmallSampleCorrection.fixest
        full.fixedEffectsK = .full
        let r = try LinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"],
                                    fixedEffects: [fe1], variance: .cluster(fe1), correction: full)
        expectClose(r.standardErrors, try ref.se("pf_ols_fe1_nested_cluster", "CRV1_fe1_kfixef_full"), seTolerance, "nested full")
    }

    @Test func interactedFixedEffectsAndWeights() throws {
        let (d, _) = try olsData()
        let inter = try FixedEffect.interaction(group(d, "fe1"), group(d, "fe2"))
        for (v, label) in [(VarianceEstimator.iid, "iid"), (.hc1, "hetero")] {
            let r = try LinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"],
                                        fixedEffects: [inter], variance: v, correction: .fixest)
            expectClose(r.estimates, try ref.coef("pf_ols_fe_interact"), coefTolerance, "interact coef")
            expectClose(r.standardErrors, try ref.se("pf_ols_fe_interact", label), seTolerance, "interact se \(label)")
            #expect(rel(r.withinRSquared!, try ref.scalar("pf_ols_fe_interact", "r2_within")) < 1e-9)
            let w = try LinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"], weights: d["w"]!,
                                        fixedEffects: [group(d, "fe1")], variance: v, correction: .fixest)
            expectClose(w.estimates, try ref.coef("pf_wls_fe"), coefTolerance, "wls fe coef")
            expectClose(w.standardErrors, try ref.se("pf_wls_fe", label), seTolerance, "wls fe se \(label)")
            #expect(rel(w.withinRSquared!, try ref.scalar("pf_wls_fe", "r2_within")) < 1e-9)
        }
    }

    @Test func collinearRegressorIsDroppedByName() throws {
        let (d, n) = try olsData()
        let r = try LinearModel.fit(response: d["y"]!, regressors: [[Double](repeating: 1, count: n), d["x1"]!, d["x2"]!, d["x3"]!],
                                    names: ["Intercept", "x1", "x2", "x3"], variance: .iid)
        #expect(r.collinearTerms == ["x3"])
        expectClose(r.estimates, try ref.coef("pf_ols_collinear"), coefTolerance, "collinear coef")
        expectClose(r.standardErrors, try ref.se("pf_ols_collinear", "iid"), seTolerance, "collinear se")
    }

    @Test func leverageVariancesRefuseAbsorbedFixedEffects() throws {
        let y: [Double] = [1, 3, 2, 5, 4, 7, 6, 8]
        let x: [Double] = [0.5, 1.5, 1, 2.5, 2, 3.5, 3, 4.5]
        let g = FixedEffect(name: "g", labels: ["a", "a", "b", "b", "c", "c", "d", "d"])
        for v in [VarianceEstimator.hc2, .hc3] {
            #expect(throws: RegressionError.self) {
                try LinearModel.fit(response: y, regressors: [x], names: ["x"], fixedEffects: [g], variance: v)
            }
            _ = try LinearModel.fit(response: y, regressors: [[Double](repeating: 1, count: y.count), x], names: ["Intercept", "x"], variance: v)
        }
        _ = try LinearModel.fit(response: y, regressors: [x], names: ["x"], fixedEffects: [g], variance: .hc1)
    }

    @Test func gravityLogOLSWithInteractedEffects() throws {
        let d = try RegressionFixture.data("gravity.csv")
        func g(_ a: String) -> FixedEffect { FixedEffect(name: a, labels: d[a]!.map { String(Int($0)) }) }
        let oy = try FixedEffect.interaction(g("orig"), g("year")), dy = try FixedEffect.interaction(g("dest"), g("year"))
        for (v, label) in [(VarianceEstimator.cluster(g("pair")), "CRV1_pair"), (.hc1, "hetero"), (.iid, "iid")] {
            let r = try LinearModel.fit(response: d["log1p_flow"]!, regressors: [d["ldist"]!, d["contig"]!], names: ["ldist", "contig"],
                                        fixedEffects: [oy, dy], variance: v, correction: .fixest)
            expectClose(r.estimates, try ref.coef("pf_ols_gravity_log1p"), coefTolerance, "log1p coef")
            expectClose(r.standardErrors, try ref.se("pf_ols_gravity_log1p", label), seTolerance, "log1p se \(label)")
            #expect(r.fixedEffectRank == Int(try ref.scalar("pf_ols_gravity_log1p", "df_k_exact_rank")) - 2)
        }
    }
}

@Suite("Fixed-effect solvers agree")
struct FixedEffectSolverTests {
    /// A three-way problem (origin, destination, year) solved by alternating projections, by
    /// conjugate gradients, and with explicit dummy columns.
    @Test func threeWayProblemSolversAgreeWithDummies() throws {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53
        }
        let n = 600
        let o = (0..<n).map { _ in Int(next() * 12) }, d = (0..<n).map { _ in Int(next() * 9) }, t = (0..<n).map { _ in Int(next() * 5) }
        let x1 = (0..<n).map { _ in next() * 2 - 1 }, x2 = (0..<n).map { _ in next() }
        let y = (0..<n).map { i in 0.7 * x1[i] - 1.2 * x2[i] + Double(o[i]) * 0.3 - Double(d[i]) * 0.2 + Double(t[i]) * 0.1 + next() - 0.5 }
        let fes = [FixedEffect(name: "o", integerLabels: o), FixedEffect(name: "d", integerLabels: d), FixedEffect(name: "t", integerLabels: t)]
        var ap = RegressionOptions(), cg = RegressionOptions()
        ap.fixedEffectSolver.method = .alternatingProjections
        cg.fixedEffectSolver.method = .conjugateGradient
        ap.dropSingletons = false
        cg.dropSingletons = false
        let rAP = try LinearModel.fit(response: y, regressors: [x1, x2], names: ["x1", "x2"], fixedEffects: fes, variance: .hc1, options: ap)
        let rCG = try LinearModel.fit(response: y, regressors: [x1, x2], names: ["x1", "x2"], fixedEffects: fes, variance: .hc1, options: cg)
        // Dummies: intercept + levels − 1 per dimension.
        var cols: [[Double]] = [[Double](repeating: 1, count: n), x1, x2]
        var names = ["Intercept", "x1", "x2"]
        for (k, fe) in fes.enumerated() {
            for level in 1..<fe.levelCount {
                cols.append(fe.codes.map { Int($0) == level ? 1 : 0 })
                names.append("fe\(k)_\(level)")
            }
        }
        var plain = RegressionOptions()
        plain.dropSingletons = false
        let rD = try LinearModel.fit(response: y, regressors: cols, names: names, variance: .hc1, options: plain)
        for term in ["x1", "x2"] {
            let e = rD.coefficient(term)!
            #expect(rel(rAP.coefficient(term)!.estimate, e.estimate) < 1e-9)
            #expect(rel(rCG.coefficient(term)!.estimate, e.estimate) < 1e-9)
            #expect(rel(rAP.coefficient(term)!.standardError, e.standardError) < 1e-7)
            #expect(rel(rCG.coefficient(term)!.standardError, e.standardError) < 1e-7)
        }
        #expect(rAP.fixedEffectRank == rD.coefficients.count - 2)
    }
}

@Suite("Tall least squares (seminormal equations with refinement) agrees with QR")
struct TallLeastSquaresTests {
    func data(n: Int, collinear: Bool, illConditioned: Bool) -> ([[Double]], [Double]) {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53 - 0.5
        }
        let x1 = (0..<n).map { _ in next() }, x2 = (0..<n).map { _ in next() * 100 }
        var x3 = (0..<n).map { _ in next() * 1e-3 }
        if illConditioned { x3 = x1.map { $0 + 1e-5 * next() } }
        var cols: [[Double]] = [[Double](repeating: 1, count: n), x1, x2, x3]
        if collinear { cols.append(zip(x1, x2).map { 2 * $0 - $1 }) }
        let y = (0..<n).map { i in 1 + 0.5 * x1[i] - 0.02 * x2[i] + 3 * x3[i] + next() }
        return (cols, y)
    }

    /// Well conditioned (seminormal path), with a collinear column (dropped by name, the later
    /// one), and ill-conditioned (κ ≈ 1e5: falls back to QR).
    @Test(arguments: [(false, false), (true, false), (false, true)])
    func matchesDgels(collinear: Bool, illConditioned: Bool) throws {
        let n = 60_000
        let (cols, y) = data(n: n, collinear: collinear, illConditioned: illConditioned)
        let names = (0..<cols.count).map { "x\($0)" }
        let r = try LinearModel.fit(response: y, regressors: cols, names: names, variance: .hc1)
        #expect(r.collinearTerms == (collinear ? ["x4"] : []))
        // Reference: LAPACK dgels on the kept columns.
        let kept = cols.prefix(4)
        let a = try Matrix(rows: n, cols: 4, columnMajor: kept.flatMap { $0 })
        let ref = try a.leastSquares(y, method: .qr)
        for (k, c) in r.coefficients.enumerated() {
            #expect(abs(c.estimate - ref[k]) <= 1e-9 * max(abs(ref[k]), 1e-3), "\(c.term): \(c.estimate) vs \(ref[k])")
        }
    }
}
