import Foundation
import Testing
@testable import MigrationModels

@Suite("Rogers–Castro model schedules against known parameters and scipy.optimize.least_squares")
struct RogersCastroTests {
    static let truth: RogersCastroParameters = {
        var p = RogersCastroParameters()
        p.a1 = 0.02; p.alpha1 = 0.1; p.a2 = 0.06; p.alpha2 = 0.1; p.mu2 = 20; p.lambda2 = 0.4
        p.a3 = 0.008; p.alpha3 = 0.25; p.mu3 = 65; p.lambda3 = 0.6; p.a4 = 2e-5; p.lambda4 = 0.05; p.c = 0.003
        return p
    }()

    @Test("Noise-free schedules give back their parameters to 1e-8", arguments: RogersCastroModel.allCases)
    func noiseFree(model: RogersCastroModel) throws {
        let ages = (0...80).map(Double.init)
        let truth = try RogersCastroParameters(model, values: Self.truth.values(for: model))
        let rates = truth.rates(at: ages)
        let fit = try RogersCastro.fit(ages: ages, rates: rates, model: model)
        for (name, value) in zip(fit.names, fit.estimates) {
            #expect(abs(value / truth[name] - 1) < 1e-8, "\(model.rawValue)-parameter \(name): \(value) vs \(truth[name])")
        }
        #expect(fit.cost < 1e-20)
        #expect(fit.activeBounds.isEmpty)
    }

    static let noisyCases = [7, 9, 11, 13].flatMap { k in ["absolute", "log"].map { "rc\(k)_\($0)" } }

    @Test("Noisy schedules reach scipy's least_squares optimum (cost rtol 1e-8)", arguments: noisyCases)
    func noisy(name: String) throws {
        let c = try FlowsFixture.shared.object("rogers_castro", "cases", name)
        let ages = try FlowsFixture.numbers(c, "ages"), observed = try FlowsFixture.numbers(c, "observed")
        let count = (c["parameters"] as? [String])?.count ?? 0
        let model = try #require(RogersCastroModel(rawValue: count))
        var options = RogersCastroFitOptions()
        options.residual = (c["residual"] as? String) == "log" ? .log : .absolute
        let fit = try RogersCastro.fit(ages: ages, rates: observed, model: model, options: options)
        let scipyCost = try FlowsFixture.number(c, "cost")
        #expect(abs(fit.cost / scipyCost - 1) < 1e-8, "\(name): cost \(fit.cost) vs scipy \(scipyCost) (rel \(fit.cost / scipyCost - 1))")
        // predict(ages:) is the fitted schedule: its residual cost is scipy's optimum too.
        let predicted = fit.predict(ages: ages)
        #expect(predicted == fit.fitted)
        let r = zip(predicted, observed).map { options.residual == .log ? log($0) - log($1) : $0 - $1 }
        #expect(abs(0.5 * r.reduce(0) { $0 + $1 * $1 } / scipyCost - 1) < 1e-8)
        let estimate = try FlowsFixture.numbers(c, "estimate")
        for (k, v) in estimate.enumerated() where fit.activeBounds.isEmpty {
            // Parameters are less well determined than the cost (flat directions): 1e-3 relative.
            #expect(abs(fit.estimates[k] - v) <= 1e-3 * max(abs(v), 1e-5), "\(name) \(fit.names[k]): \(fit.estimates[k]) vs \(v)")
        }
        #expect(fit.activeBounds == ((c["active_bounds"] as? [String]) ?? []))
        #expect(fit.standardErrors.enumerated().allSatisfy { fit.activeBounds.contains(fit.names[$0.offset]) ? $0.element.isNaN : $0.element > 0 })
    }

    @Test("Derived measures: peaks are stationary points and the labour-force shift is x_h − x_l")
    func measures() throws {
        let m = Self.truth.measures(model: .thirteenParameter, maxAge: 85)
        let h = 1e-4
        for x in [m.lowPoint, m.highPeak] + (m.retirementPeak.map { [$0] } ?? []) {
            let slope = (Self.truth.rate(at: x + h) - Self.truth.rate(at: x - h)) / (2 * h)
            #expect(abs(slope) < 1e-7, "slope \(slope) at \(x)")
        }
        #expect(m.highPeak > 20 && m.highPeak < 30 && m.lowPoint > 5 && m.lowPoint < m.highPeak)
        #expect(abs(m.labourForceShift - (m.highPeak - m.lowPoint)) < 1e-12)
        #expect(abs((m.retirementPeak ?? 0) - 66) < 3)
        #expect(abs(m.labourComponentPeak - (20 + log(4) / 0.4)) < 1e-12)
        #expect(abs(m.labourAsymmetry - 4) < 1e-12 && abs(m.childDependency - 1.0 / 3) < 1e-12)
    }

    @Test("Errors: too few ages, non-positive rates with log residuals, empty bounds")
    func errors() throws {
        #expect(throws: ScheduleError.self) { _ = try RogersCastro.fit(ages: [0, 1, 2], rates: [0.1, 0.1, 0.1], model: .sevenParameter) }
        var options = RogersCastroFitOptions()
        options.residual = .log
        let ages = (0...30).map(Double.init)
        var rates = RogersCastroParameters.fundamental.rates(at: ages)
        rates[3] = 0
        #expect(throws: ScheduleError.self) { _ = try RogersCastro.fit(ages: ages, rates: rates, model: .sevenParameter, options: options) }
        options = RogersCastroFitOptions()
        options.bounds.lower.mu2 = 50
        #expect(throws: ScheduleError.invalidBounds(parameter: "mu2", lower: 50, upper: 40)) {
            _ = try RogersCastro.fit(ages: ages, rates: RogersCastroParameters.fundamental.rates(at: ages), model: .sevenParameter, options: options)
        }
    }
}
