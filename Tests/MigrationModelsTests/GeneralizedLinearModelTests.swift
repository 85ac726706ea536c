import Foundation
import Testing
@testable import MigrationModels

@Suite("Poisson, negative binomial and PPML against statsmodels and pyfixest")
struct GeneralizedLinearModelTests {
    let ref = RegressionFixture.shared

    func group(_ d: [String: [Double]], _ name: String) -> FixedEffect {
        FixedEffect(name: name, labels: (d[name] ?? []).map { String(Int($0)) })
    }

    @Test func statsmodelsPoissonWithOffset() throws {
        let d = try RegressionFixture.data("poisson.csv")
        let n = d["y"]!.count
        let x = [[Double](repeating: 1, count: n), d["x1"]!, d["x2"]!]
        let offset = d["exposure"]!.map { log($0) }
        for (v, label) in [(VarianceEstimator.iid, "nonrobust"), (.hc0, "HC0"), (.cluster(group(d, "cl")), "cluster_cl")] {
            let r = try GeneralizedLinearModel.fit(response: d["y"]!, regressors: x, names: ["Intercept", "x1", "x2"], family: .poisson,
                                                   offset: offset, variance: v, correction: .statsmodels)
            expectClose(r.estimates, try ref.coef("sm_glm_poisson"), coefTolerance, "poisson coef")
            expectClose(r.standardErrors, try ref.se("sm_glm_poisson", label), seTolerance, "poisson se \(label)")
            #expect(rel(r.deviance, try ref.scalar("sm_glm_poisson", "deviance")) < 1e-10)
            #expect(rel(r.nullDeviance!, try ref.scalar("sm_glm_poisson", "null_deviance")) < 1e-10)
            #expect(rel(r.logLikelihood, try ref.scalar("sm_glm_poisson", "llf")) < 1e-10)
            #expect(rel(r.aic, try ref.scalar("sm_glm_poisson", "aic")) < 1e-10)
            #expect(r.converged)
            if label == "nonrobust" {
                let pred = try ref.case("sm_glm_poisson")["prediction_first5"] as? [String: Any] ?? [:]
                let rows = 0..<5
                let p = try r.predict(regressors: ["Intercept": rows.map { _ in 1 }, "x1": rows.map { d["x1"]![$0] }, "x2": rows.map { d["x2"]![$0] }],
                                      offset: rows.map { offset[$0] })
                for (k, v) in ((pred["mean"] as? [Double]) ?? []).enumerated() { #expect(rel(p.values[k], v) < 1e-8) }
                for (k, v) in ((pred["mean_se"] as? [Double]) ?? []).enumerated() { #expect(rel(p.standardErrors[k], v) < 1e-6) }
            }
        }
    }

    @Test func poissonWithDummiesEqualsAbsorbedEffects() throws {
        let d = try RegressionFixture.data("poisson.csv")
        let fes = [group(d, "fe1"), group(d, "fe2")]
        for (v, label) in [(VarianceEstimator.iid, "nonrobust"), (.hc0, "HC0"), (.cluster(group(d, "cl")), "cluster_cl")] {
            let r = try GeneralizedLinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"],
                                                   family: .poisson, fixedEffects: fes, variance: v, correction: .statsmodels)
            expectClose(r.estimates, try ref.coef("sm_glm_poisson_dummies"), coefTolerance, "dummies coef")
            expectClose(r.standardErrors, try ref.se("sm_glm_poisson_dummies", label), seTolerance, "dummies se \(label)")
            #expect(rel(r.deviance, try ref.scalar("sm_glm_poisson_dummies", "deviance")) < 1e-9)
        }
        for (v, label) in [(VarianceEstimator.iid, "iid"), (.hc1, "hetero"), (.cluster(group(d, "cl")), "CRV1_cl")] {
            let r = try GeneralizedLinearModel.fit(response: d["y"]!, regressors: [d["x1"]!, d["x2"]!], names: ["x1", "x2"],
                                                   family: .poisson, fixedEffects: fes, variance: v, correction: .fixest)
            expectClose(r.estimates, try ref.coef("pf_fepois"), coefTolerance, "fepois coef")
            expectClose(r.standardErrors, try ref.se("pf_fepois", label), seTolerance, "fepois se \(label)")
            #expect(rel(r.logLikelihood, try ref.scalar("pf_fepois", "loglik")) < 1e-9)
        }
    }

    @Test func negativeBinomial() throws {
        let d = try RegressionFixture.data("negbin.csv")
        let n = d["y"]!.count
        let x = [[Double](repeating: 1, count: n), d["x1"]!, d["x2"]!]
        let names = ["Intercept", "x1", "x2"]
        // θ estimated by maximum likelihood equals statsmodels' joint MLE (α = 1/θ).
        let r = try GeneralizedLinearModel.fit(response: d["y"]!, regressors: x, names: names, family: .negativeBinomial(theta: nil),
                                               correction: .statsmodels)
        let mle = try ref.coef("sm_negbin_mle")
        expectClose(r.estimates, mle.filter { $0.key != "alpha" }, coefTolerance, "nb2 coef")
        #expect(rel(r.theta ?? .nan, try ref.scalar("sm_negbin_mle", "theta")) < 1e-8)
        #expect(rel(r.logLikelihood, try ref.scalar("sm_negbin_mle", "llf")) < 1e-10)
        // Standard errors given θ (R glm.nb's convention) equal statsmodels GLM with α fixed.
        let alpha = try ref.scalar("sm_glm_negbin_fixed_alpha", "alpha")
        let f = try GeneralizedLinearModel.fit(response: d["y"]!, regressors: x, names: names, family: .negativeBinomial(theta: 1 / alpha),
                                               correction: .statsmodels)
        expectClose(f.estimates, try ref.coef("sm_glm_negbin_fixed_alpha"), coefTolerance, "nb fixed coef")
        expectClose(f.standardErrors, try ref.se("sm_glm_negbin_fixed_alpha", "nonrobust"), seTolerance, "nb fixed se")
        #expect(rel(f.deviance, try ref.scalar("sm_glm_negbin_fixed_alpha", "deviance")) < 1e-9)
        #expect(rel(f.logLikelihood, try ref.scalar("sm_glm_negbin_fixed_alpha", "llf")) < 1e-10)
    }

    @Test func ppmlGravityWithSeparatedGroups() throws {
        let d = try RegressionFixture.data("gravity.csv")
        let oy = try FixedEffect.interaction(group(d, "orig"), group(d, "year"))
        let dy = try FixedEffect.interaction(group(d, "dest"), group(d, "year"))
        let pair = group(d, "pair")
        var options = RegressionOptions()
        options.estimateFixedEffects = true
        let droppedRef = (try ref.case("pf_ppml_gravity")["dropped_rows"] as? [Int]) ?? []
        for (v, label) in [(VarianceEstimator.cluster(pair), "CRV1_pair"), (.hc1, "hetero"), (.iid, "iid")] {
            let r = try GeneralizedLinearModel.fit(response: d["flow"]!, regressors: [d["ldist"]!, d["contig"]!], names: ["ldist", "contig"],
                                                   family: .poisson, fixedEffects: [oy, dy], variance: v, correction: .fixest, options: options)
            expectClose(r.estimates, try ref.coef("pf_ppml_gravity"), coefTolerance, "ppml coef")
            expectClose(r.standardErrors, try ref.se("pf_ppml_gravity", label), seTolerance, "ppml se \(label)")
            #expect(r.observations == Int(try ref.scalar("pf_ppml_gravity", "nobs_used")))
            #expect(r.dropped.fixedEffectSeparation == droppedRef.sorted())
            #expect(rel(r.deviance, try ref.scalar("pf_ppml_gravity", "deviance")) < 1e-9)
            #expect(r.fixedEffectRank == Int(try ref.scalar("pf_ppml_gravity", "df_k_exact_rank")) - 2)
            if label == "CRV1_pair" {
                let pr = try ref.case("pf_ppml_gravity")["predict_response"] as? [String: Any] ?? [:]
                let rows = (pr["rows"] as? [Int]) ?? []
                let values = (pr["value"] as? [Double]) ?? []
                let labels = { (a: String, b: String) in rows.map { "\(Int(d[a]![$0]))^\(Int(d[b]![$0]))" } }
                let p = try r.predict(regressors: ["ldist": rows.map { d["ldist"]![$0] }, "contig": rows.map { d["contig"]![$0] }],
                                      fixedEffectLabels: ["orig^year": labels("orig", "year"), "dest^year": labels("dest", "year")])
                for (k, v) in values.enumerated() { #expect(rel(p.values[k], v) < 1e-8, "prediction \(k)") }
            }
        }
        // With explicit dummies (statsmodels, K = exact rank 176).
        for (v, label) in [(VarianceEstimator.iid, "nonrobust"), (.hc0, "HC0"), (.cluster(pair), "cluster_pair")] {
            let r = try GeneralizedLinearModel.fit(response: d["flow"]!, regressors: [d["ldist"]!, d["contig"]!], names: ["ldist", "contig"],
                                                   family: .poisson, fixedEffects: [oy, dy], variance: v, correction: .statsmodels)
            expectClose(r.standardErrors, try ref.se("sm_ppml_gravity_dummies", label), seTolerance, "ppml dummies se \(label)")
        }
    }

    @Test func gaussianFamilyIsOLS() throws {
        let d = try RegressionFixture.data("poisson.csv")
        let n = d["y"]!.count
        let r = try GeneralizedLinearModel.fit(response: d["y"]!, regressors: [[Double](repeating: 1, count: n), d["x1"]!, d["x2"]!],
                                               names: ["Intercept", "x1", "x2"], family: .gaussian, correction: .statsmodels)
        expectClose(r.estimates, try ref.coef("sm_glm_gaussian"), coefTolerance, "gaussian coef")
        expectClose(r.standardErrors, try ref.se("sm_glm_gaussian", "nonrobust"), seTolerance, "gaussian se")
    }
}
