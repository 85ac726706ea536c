import Foundation

extension SpatialInteractionResult {
    /// Expected flows μ for the pairs in `data` under the fitted parameters: the model applied to
    /// other costs, attributes or totals (a scenario), or to the fitting data.
    ///
    /// With η = Σ γ log Vᵢ + Σ α log Wⱼ + β g(cᵢⱼ) from the fitted parameters:
    /// - `unconstrained`: μ = exp(k + η); the flows in `data` are not used (pass zeros).
    /// - `production`: μᵢⱼ = Oᵢ exp(η)/Σⱼ exp(η), with Oᵢ the out-flow totals of `data`'s flows.
    /// - `attraction`: μᵢⱼ = Dⱼ exp(η)/Σᵢ exp(η), with Dⱼ the in-flow totals of `data`'s flows.
    /// - `doubly`: μᵢⱼ = AᵢOᵢBⱼDⱼ exp(η), balancing factors from `data`'s totals by alternating
    ///   row and column scaling (Furness) to a relative margin error of 1e-12.
    /// The balancing factors are recomputed on `data`, so the constraints hold for its totals; on
    /// the fitting data the prediction reproduces `fittedFlows`. Intra-zonal rows are NaN when
    /// the model excluded them; rows of an origin (destination) whose constrained total is 0
    /// are 0.
    ///
    /// - Parameters:
    ///   - data: the pairs, their costs and (constrained models) the flows whose totals to keep.
    ///   - originAttributes: one value per row of `data` for every origin attribute the model
    ///     was fitted with, by name.
    ///   - destinationAttributes: the same for the destination attributes.
    /// - Throws: `SpatialInteractionError.invalidInput` for a missing attribute or one of the
    ///   wrong length, `.invalidAttribute` (not positive and finite), `.invalidCost`, `.invalidFlow`,
    ///   `.notConverged` when the doubly constrained balancing does not converge.
    public func predict(_ data: OriginDestinationFlows, originAttributes: [NamedColumn] = [],
                        destinationAttributes: [NamedColumn] = []) throws -> [Double] {
        let n = data.count
        let attributes = originAttributes + destinationAttributes
        for a in attributes where a.values.count != n {
            throw SpatialInteractionError.invalidInput("attribute '\(a.name)' has \(a.values.count) values for \(n) rows")
        }
        // Rows that take part: all but the excluded intra-zonal ones.
        var used = [Bool](repeating: true, count: n)
        if specification.intrazonal == .exclude {
            var destinationOfOrigin: [String: Int32] = [:]
            for (k, label) in data.destinationLabels.enumerated() { destinationOfOrigin[label] = Int32(k) }
            for i in 0..<n where destinationOfOrigin[data.originLabels[Int(data.originIndex[i])]] == data.destinationIndex[i] {
                used[i] = false
            }
        }
        // The linear predictor without balancing factors.
        var eta = [Double](repeating: parameter("intercept")?.estimate ?? 0, count: n)
        for p in parameters where p.term != "intercept" && p.term != "cost" {
            guard let a = attributes.first(where: { "log(\($0.name))" == p.term }) else {
                throw SpatialInteractionError.invalidInput("the model has parameter '\(p.term)': pass the attribute as a NamedColumn")
            }
            for i in 0..<n where used[i] {
                let v = a.values[i]
                guard v > 0, v.isFinite else { throw SpatialInteractionError.invalidAttribute(name: a.name, row: i, value: v) }
                eta[i] += p.estimate * log(v)
            }
        }
        let beta = costParameter
        for i in 0..<n where used[i] {
            eta[i] += beta * (try specification.costFunction.transform(data.costs[i], row: i))
        }
        var mu = [Double](repeating: .nan, count: n)
        for i in 0..<n where used[i] { mu[i] = exp(eta[i]) }
        if constraint == .unconstrained { return mu }

        // Observed totals of the constrained margins.
        let nO = data.originLabels.count, nD = data.destinationLabels.count
        var originTotal = [Double](repeating: 0, count: nO), destinationTotal = [Double](repeating: 0, count: nD)
        for i in 0..<n where used[i] {
            let f = data.flows[i]
            guard f.isFinite, f >= 0 else { throw SpatialInteractionError.invalidFlow(row: i, value: f) }
            originTotal[Int(data.originIndex[i])] += f
            destinationTotal[Int(data.destinationIndex[i])] += f
        }
        let scaleOrigins = constraint == .production || constraint == .doubly
        let scaleDestinations = constraint == .attraction || constraint == .doubly
        func scale(_ codes: [Int32], _ totals: [Double]) -> Double {
            var sums = [Double](repeating: 0, count: totals.count)
            for i in 0..<n where used[i] { sums[Int(codes[i])] += mu[i] }
            var error = 0.0
            for k in totals.indices where totals[k] > 0 { error = max(error, abs(sums[k] - totals[k]) / totals[k]) }
            for i in 0..<n where used[i] {
                let k = Int(codes[i])
                mu[i] = totals[k] > 0 ? mu[i] * totals[k] / sums[k] : 0
            }
            return error
        }
        if !scaleDestinations { _ = scale(data.originIndex, originTotal); return mu }
        if !scaleOrigins { _ = scale(data.destinationIndex, destinationTotal); return mu }
        let maxIterations = 10_000
        var error = Double.infinity
        for _ in 0..<maxIterations {
            error = max(scale(data.originIndex, originTotal), scale(data.destinationIndex, destinationTotal))
            if error <= 1e-12 { return mu }
        }
        throw SpatialInteractionError.notConverged(iterations: maxIterations, criterion: error)
    }
}
