import Foundation
import Testing
@testable import MigrationModels

/// Tests/Fixtures/flows/reference.json (statsmodels, spint, ipfn, numpy, scipy; from
/// make_reference.py).
struct FlowsFixture: @unchecked Sendable {
    let root: [String: Any]
    static let shared: FlowsFixture = {
        let url = TestData.fixtures.appendingPathComponent("flows/reference.json")
        guard let data = try? Data(contentsOf: url),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return FlowsFixture(root: [:]) }
        return FlowsFixture(root: obj)
    }()

    func object(_ path: String...) throws -> [String: Any] {
        var cur: Any = root
        for key in path {
            guard let d = cur as? [String: Any], let next = d[key] else { throw FlowsFixtureMissing(key: path.joined(separator: ".")) }
            cur = next
        }
        guard let d = cur as? [String: Any] else { throw FlowsFixtureMissing(key: path.joined(separator: ".")) }
        return d
    }

    static func number(_ d: [String: Any], _ key: String) throws -> Double {
        guard let v = d[key] as? NSNumber else { throw FlowsFixtureMissing(key: key) }
        return v.doubleValue
    }

    static func numbers(_ d: [String: Any], _ key: String) throws -> [Double] {
        guard let v = d[key] as? [Any] else { throw FlowsFixtureMissing(key: key) }
        return v.compactMap { ($0 as? NSNumber)?.doubleValue }
    }
}

struct FlowsFixtureMissing: Error, CustomStringConvertible {
    let key: String
    var description: String { "flows/reference.json has no '\(key)' — regenerate with python3 Tests/Fixtures/flows/make_reference.py" }
}

/// Reads a CSV whose first columns are text labels (no quoting), the rest numbers.
func mixedCSV(_ url: URL, textColumns: Set<String>) throws -> (text: [String: [String]], numbers: [String: [Double]]) {
    let body = try String(contentsOf: url, encoding: .utf8)
    var lines = body.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    var text: [String: [String]] = [:], numbers: [String: [Double]] = [:]
    for line in lines where !line.isEmpty {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for (j, h) in header.enumerated() {
            if textColumns.contains(h) { text[h, default: []].append(f[j]) } else { numbers[h, default: []].append(Double(f[j]) ?? .nan) }
        }
    }
    return (text, numbers)
}

@Suite("Spatial interaction models (Wilson's family) against statsmodels and spint")
struct SpatialInteractionTests {
    static func austria() throws -> (OriginDestinationFlows, [NamedColumn], [NamedColumn]) {
        let url = TestData.sharedData.appendingPathComponent("textbook-austria-flows/austria_nuts2_migration_flows.csv")
        let (t, n) = try mixedCSV(url, textColumns: ["origin", "destination"])
        let data = try OriginDestinationFlows(origins: t["origin"] ?? [], destinations: t["destination"] ?? [],
                                              flows: n["flow"] ?? [], costs: n["distance_km_Dij"] ?? [])
        return (data, [NamedColumn(name: "Oi", values: n["origin_total_outflow_Oi"] ?? [])],
                [NamedColumn(name: "Dj", values: n["destination_total_inflow_Dj"] ?? [])])
    }

    static func specification(_ model: String, _ cost: String, _ o: [NamedColumn], _ d: [NamedColumn]) -> SpatialInteractionSpecification {
        let c: SpatialInteractionConstraint = SpatialInteractionConstraint(rawValue: model) ?? .doubly
        let f: CostFunction = cost == "power" ? .power : .exponential
        switch c {
        case .unconstrained: return SpatialInteractionSpecification(constraint: c, costFunction: f, originAttributes: o, destinationAttributes: d)
        case .production: return SpatialInteractionSpecification(constraint: c, costFunction: f, destinationAttributes: d)
        case .attraction: return SpatialInteractionSpecification(constraint: c, costFunction: f, originAttributes: o)
        case .doubly: return SpatialInteractionSpecification(constraint: c, costFunction: f)
        }
    }

    static let cases: [(String, String)] = SpatialInteractionConstraint.allCases.flatMap { m in ["exponential", "power"].map { (m.rawValue, $0) } }

    @Test("Austria: all four models, exponential and power cost, equal converged Poisson ML (statsmodels)",
          arguments: cases)
    func austriaAgainstStatsmodels(model: String, cost: String) throws {
        guard TestData.sharedDataAvailable() else { return }
        let (data, o, d) = try Self.austria()
        let ref = try FlowsFixture.shared.object("austria", "cases", "\(model)_\(cost)")
        for method in [SpatialInteractionMethod.balancingFactors, .generalizedLinearModel] {
            var options = SpatialInteractionOptions()
            options.method = method
            let r = try SpatialInteractionModel.fit(data, Self.specification(model, cost, o, d), options: options)
            let params = ref["params"] as? [String: Double] ?? [:]
            let bse = ref["bse"] as? [String: Double] ?? [:]
            let rename: [String: String] = ["log(Oi)": "log(Oi)", "log(Dj)": "log(Dj)", "cost": "cost", "intercept": "intercept"]
            #expect(!params.isEmpty)
            for (term, value) in params {
                let got = try #require(r.parameter(rename[term] ?? term), "\(term)")
                let tol = term == "cost" ? 1e-7 : 1e-7
                #expect(rel(got.estimate, value) < tol, "\(model) \(cost) \(method) \(term): \(got.estimate) vs \(value)")
                #expect(rel(got.standardError, bse[term] ?? .nan) < 1e-6, "\(model) \(cost) \(method) se \(term)")
            }
            #expect(rel(r.pseudoRSquared, try FlowsFixture.number(ref, "pseudoR2")) < 1e-6)
            #expect(rel(r.adjustedPseudoRSquared, try FlowsFixture.number(ref, "adj_pseudoR2")) < 1e-6)
            #expect(rel(r.srmse, try FlowsFixture.number(ref, "SRMSE")) < 1e-6)
            #expect(rel(r.sorensen, try FlowsFixture.number(ref, "SSI")) < 1e-6)
            #expect(rel(r.devianceExplained, try FlowsFixture.number(ref, "D2")) < 1e-6)
            #expect(rel(r.adjustedDevianceExplained, try FlowsFixture.number(ref, "adj_D2")) < 1e-6)
            #expect(rel(r.deviance, try FlowsFixture.number(ref, "deviance")) < 1e-6)
            #expect(rel(r.logLikelihood, try FlowsFixture.number(ref, "llf")) < 1e-9)
            #expect(rel(r.nullLogLikelihood, try FlowsFixture.number(ref, "llnull")) < 1e-12)
            #expect(rel(r.aic, try FlowsFixture.number(ref, "aic")) < 1e-9)
            #expect(r.parameterCount == Int(try FlowsFixture.number(ref, "k")))
            let fitted = try FlowsFixture.numbers(ref, "fitted")
            #expect(fitted.count == r.fittedFlows.count)
            for (a, b) in zip(r.fittedFlows, fitted) { #expect(rel(a, b) < 1e-7) }
            // predict on the fitting data recomputes the balancing factors and gives the fit back.
            let predicted = try r.predict(data, originAttributes: o, destinationAttributes: d)
            #expect(predicted.count == fitted.count)
            for (a, b) in zip(predicted, fitted) { #expect(rel(a, b) < 1e-7, "\(model) \(cost) \(method) predict") }
        }
    }

    @Test("Austria doubly constrained, exponential: spint's published values to the digits spint converges to")
    func spintPublishedDoubly() throws {
        guard TestData.sharedDataAvailable() else { return }
        let (data, _, _) = try Self.austria()
        let r = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly, costFunction: .exponential))
        // spint/tests/test_gravity.py: β −0.00791533, pseudoR2 0.943540, SRMSE 0.379257, SSI 0.811852,
        // deviance 9360.482, llf −4970.580, D2 0.946662, llnull −88037.0499629.
        #expect(abs(r.costParameter - -0.0079153) < 5e-8)
        #expect(abs(r.pseudoRSquared - 0.943540) < 5e-7)
        #expect(abs(r.srmse - 0.379257) < 5e-7)
        #expect(abs(r.sorensen - 0.811852) < 5e-7)
        #expect(abs(r.deviance - 9360.482) < 5e-4)
        #expect(abs(r.logLikelihood - -4970.580) < 5e-4)
        #expect(abs(r.devianceExplained - 0.946662) < 5e-7)
        #expect(abs(r.nullLogLikelihood - -88037.0499629) < 1e-6)
        // Wilson's balancing equations hold: A_i = 1/Σ_j B_j D_j f(c_ij), B_j = 1/Σ_i A_i O_i f(c_ij).
        #expect(r.originBalancingFactors.count == 9 && r.destinationBalancingFactors.count == 9)
        var fittedOut = [String: Double](), observedOut = [String: Double]()
        for i in 0..<data.count { fittedOut[data.origins[i], default: 0] += r.fittedFlows[i]; observedOut[data.origins[i], default: 0] += data.flows[i] }
        for (k, v) in observedOut { #expect(rel(fittedOut[k] ?? 0, v) < 1e-10) }
        let aIndex = Dictionary(uniqueKeysWithValues: r.originLabels.enumerated().map { ($1, $0) })
        let bIndex = Dictionary(uniqueKeysWithValues: r.destinationLabels.enumerated().map { ($1, $0) })
        var observedIn = [String: Double]()
        for i in 0..<data.count { observedIn[data.destinations[i], default: 0] += data.flows[i] }
        for i in 0..<data.count {
            let a = r.originBalancingFactors[aIndex[data.origins[i]] ?? 0], b = r.destinationBalancingFactors[bIndex[data.destinations[i]] ?? 0]
            let wilson = a * (observedOut[data.origins[i]] ?? 0) * b * (observedIn[data.destinations[i]] ?? 0) * exp(r.costParameter * data.costs[i])
            #expect(rel(wilson, r.fittedFlows[i]) < 1e-9)
        }
    }

    @Test("Non-cartesian, non-integer flows with intra-zonal rows equal statsmodels", arguments: ["production", "doubly"], ["exponential", "power"])
    func syntheticNonCartesian(model: String, cost: String) throws {
        let (t, n) = try mixedCSV(TestData.fixtures.appendingPathComponent("flows/synthetic_od.csv"), textColumns: ["origin", "destination"])
        let data = try OriginDestinationFlows(origins: t["origin"] ?? [], destinations: t["destination"] ?? [], flows: n["flow"] ?? [], costs: n["cost"] ?? [])
        let ref = try FlowsFixture.shared.object("synthetic_od", "cases", "\(model)_\(cost)")
        let spec = SpatialInteractionSpecification(constraint: SpatialInteractionConstraint(rawValue: model) ?? .doubly, costFunction: cost == "power" ? .power : .exponential)
        for method in [SpatialInteractionMethod.balancingFactors, .generalizedLinearModel] {
            var options = SpatialInteractionOptions()
            options.method = method
            let r = try SpatialInteractionModel.fit(data, spec, options: options)
            let beta = (ref["params"] as? [String: Double])?["cost"] ?? .nan
            #expect(rel(r.costParameter, beta) < 1e-8, "\(method): \(r.costParameter) vs \(beta)")
            #expect(rel(r.parameter("cost")?.standardError ?? .nan, (ref["bse"] as? [String: Double])?["cost"] ?? .nan) < 1e-6)
            #expect(rel(r.logLikelihood, try FlowsFixture.number(ref, "llf")) < 1e-10)
            #expect(rel(r.pseudoRSquared, try FlowsFixture.number(ref, "pseudoR2")) < 1e-8)
            #expect(rel(r.srmse, try FlowsFixture.number(ref, "SRMSE")) < 1e-7)
            #expect(r.parameterCount == Int(try FlowsFixture.number(ref, "k")))
            for (a, b) in zip(r.fittedFlows, try FlowsFixture.numbers(ref, "fitted")) { #expect(abs(a - b) <= 1e-7 * max(1, abs(b))) }
            for (a, b) in zip(try r.predict(data), try FlowsFixture.numbers(ref, "fitted")) { #expect(abs(a - b) <= 1e-7 * max(1, abs(b))) }
        }
    }

    @Test("predict: a scenario with higher costs keeps the constrained totals; missing attributes are errors")
    func predictScenario() throws {
        let (t, n) = try mixedCSV(TestData.fixtures.appendingPathComponent("flows/synthetic_od.csv"), textColumns: ["origin", "destination"])
        let data = try OriginDestinationFlows(origins: t["origin"] ?? [], destinations: t["destination"] ?? [], flows: n["flow"] ?? [], costs: n["cost"] ?? [])
        let r = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .production))
        let dearer = try OriginDestinationFlows(origins: data.origins, destinations: data.destinations, flows: data.flows,
                                                costs: data.costs.map { $0 * 1.5 })
        let mu = try r.predict(dearer)
        var observed: [String: Double] = [:], predicted: [String: Double] = [:]
        for i in 0..<data.count {
            observed[data.origins[i], default: 0] += data.flows[i]
            predicted[data.origins[i], default: 0] += mu[i]
        }
        for (origin, total) in observed { #expect(rel(predicted[origin] ?? .nan, total) < 1e-12, "\(origin)") }
        #expect(zip(mu, r.fittedFlows).contains { abs($0 - $1) > 1e-6 })   // the flows moved, the totals did not
        let gravity = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(
            constraint: .unconstrained, originAttributes: [NamedColumn(name: "out", values: data.flows.map { $0 + 1 })]))
        #expect(throws: SpatialInteractionError.self) { _ = try gravity.predict(data) }
    }

    @Test("A user-supplied cost transform (log c) gives the power-cost fit")
    func customCost() throws {
        let (t, n) = try mixedCSV(TestData.fixtures.appendingPathComponent("flows/synthetic_od.csv"), textColumns: ["origin", "destination"])
        let data = try OriginDestinationFlows(origins: t["origin"] ?? [], destinations: t["destination"] ?? [], flows: n["flow"] ?? [], costs: n["cost"] ?? [])
        let power = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly, costFunction: .power))
        let custom = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly, costFunction: .custom(name: "log", transform: { log($0) })))
        #expect(rel(custom.costParameter, power.costParameter) < 1e-12)
        #expect(custom.costFunction == "log")
        let bad = SpatialInteractionSpecification(constraint: .doubly, costFunction: .custom(name: "reciprocal", transform: { 1 / ($0 - 2.5) }))
        #expect(throws: SpatialInteractionError.self) { _ = try SpatialInteractionModel.fit(data, bad) }
    }

    @Test("Intra-zonal rows excluded on request; power cost refuses zero cost")
    func intrazonalAndErrors() throws {
        let o = ["A", "A", "A", "B", "B", "B", "C", "C", "C"]
        let d = ["A", "B", "C", "A", "B", "C", "A", "B", "C"]
        let f = [50.0, 10, 5, 8, 70, 12, 3, 9, 40]
        let c = [0.0, 10, 20, 12, 0, 15, 26, 14, 0]  // asymmetric: a symmetric cost is collinear with 3×3 balancing factors
        let data = try OriginDestinationFlows(origins: o, destinations: d, flows: f, costs: c)
        #expect(throws: SpatialInteractionError.self) {
            _ = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly, costFunction: .power))
        }
        let r = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly, costFunction: .power, intrazonal: .exclude))
        #expect(r.observations == 6)
        #expect(r.fittedFlows[0].isNaN && r.fittedFlows[4].isNaN)
        #expect(throws: SpatialInteractionError.self) {
            _ = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly, originAttributes: [NamedColumn(name: "p", values: f)]))
        }
        // A symmetric cost on three regions without intra-zonal pairs is collinear with the factors.
        let symmetric = try OriginDestinationFlows(origins: o, destinations: d, flows: f, costs: [0.0, 10, 20, 10, 0, 15, 20, 15, 0])
        #expect(throws: SpatialInteractionError.self) {
            _ = try SpatialInteractionModel.fit(symmetric, SpatialInteractionSpecification(constraint: .doubly, intrazonal: .exclude))
        }
        let bad = try OriginDestinationFlows(origins: o, destinations: d, flows: f.enumerated().map { $0.offset == 2 ? -1 : $0.element }, costs: c)
        #expect(throws: SpatialInteractionError.invalidFlow(row: 2, value: -1)) {
            _ = try SpatialInteractionModel.fit(bad, SpatialInteractionSpecification(constraint: .production))
        }
    }

    @Test("An origin with no outflow is fitted as exactly zero and left out of the statistics")
    func zeroOrigin() throws {
        let o = ["A", "A", "B", "B", "C", "C", "D", "D"]
        let d = ["B", "C", "A", "C", "A", "B", "A", "B"]
        let data = try OriginDestinationFlows(origins: o, destinations: d, flows: [10, 4, 7, 9, 3, 6, 0, 0], costs: [1, 2, 1.2, 1.5, 2.6, 1.1, 3, 2])
        for method in [SpatialInteractionMethod.balancingFactors, .generalizedLinearModel] {
            var options = SpatialInteractionOptions()
            options.method = method
            let r = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly), options: options)
            #expect(r.droppedRows == [6, 7])
            #expect(r.fittedFlows[6] == 0 && r.fittedFlows[7] == 0)
            #expect(r.observations == 6)
        }
    }

    @Test("Rows in any order give the same fit: grouped by origin (run-wise sums) and shuffled (row-wise sums)",
          arguments: ["doubly", "production", "attraction"])
    func rowOrder(model: String) throws {
        guard TestData.sharedDataAvailable() else { return }
        let (data, o, d) = try Self.austria()
        let n = data.count
        // A fixed permutation that scatters every origin's rows (i ↦ 37·i mod n, n = 72 is coprime to 37).
        #expect(n == 72)
        let order = (0..<n).map { (37 * $0) % n }
        #expect(Set(order).count == n)
        let origins = data.origins, destinations = data.destinations
        let shuffled = try OriginDestinationFlows(origins: order.map { origins[$0] }, destinations: order.map { destinations[$0] },
                                                  flows: order.map { data.flows[$0] }, costs: order.map { data.costs[$0] })
        let po = o.map { c in NamedColumn(name: c.name, values: order.map { c.values[$0] }) }
        let pd = d.map { c in NamedColumn(name: c.name, values: order.map { c.values[$0] }) }
        let a = try SpatialInteractionModel.fit(data, Self.specification(model, "exponential", o, d))
        let b = try SpatialInteractionModel.fit(shuffled, Self.specification(model, "exponential", po, pd))
        #expect(rel(a.costParameter, b.costParameter) < 1e-12, "\(a.costParameter) vs \(b.costParameter)")
        for (x, y) in zip(a.parameters, b.parameters) { #expect(rel(x.standardError, y.standardError) < 1e-10, "\(x.term)") }
        var worst = 0.0
        for (k, i) in order.enumerated() { worst = max(worst, rel(b.fittedFlows[k], a.fittedFlows[i])) }
        #expect(worst < 1e-11, "fitted flows differ by \(worst)")
        #expect(rel(a.logLikelihood, b.logLikelihood) < 1e-13)
    }
}
