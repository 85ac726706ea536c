import Foundation
import Linalg

/// Spatial interaction models of Wilson's family fitted by Poisson maximum likelihood
/// (Flowerdew & Aitkin 1982; Fotheringham & O'Kelly 1989; spint's `Gravity`, `Production`,
/// `Attraction`, `Doubly`).
///
/// The model is the log-linear Poisson regression
///
///     log μᵢⱼ = [aᵢ] + [bⱼ] + Σ γ log Vᵢ + Σ α log Wⱼ + β g(cᵢⱼ)
///
/// with aᵢ origin factors (production, doubly), bⱼ destination factors (attraction, doubly), an
/// intercept instead (unconstrained), and g from the `CostFunction`. At the maximum the fitted
/// flows reproduce the constrained margins exactly (Σⱼ μᵢⱼ = Oᵢ, Σᵢ μᵢⱼ = Dⱼ) and the fitted
/// mean cost equals the observed one (Σ μ g(c) = Σ y g(c), Hyman's 1969 calibration condition),
/// so the answer is the same as Wilson's entropy-maximising model with balancing factors.
///
/// Two computations of the same estimates (`SpatialInteractionMethod`): Newton's method on the
/// profile likelihood with the balancing factors in closed form (`ProfileNewtonPoisson`), or the
/// GLM engine with absorbed fixed effects. Unlike spint, flows need not be integers, the pairs
/// need not form a full (or square) matrix, and intra-zonal rows may be kept or dropped.
///
/// Origins (destinations) whose constrained total is zero have balancing factor 0 and fitted
/// flows exactly 0; their rows are reported in `droppedRows` and left out of the statistics
/// (the maximum-likelihood estimate of their factor is at −∞, as ppmlhdfe's separation rule).
public enum SpatialInteractionModel {
    /// Fits the model.
    /// - Throws: `SpatialInteractionError` for invalid flows, costs or attributes, attributes the
    ///   constraint absorbs, parameters that are not identified, or non-convergence.
    public static func fit(_ data: OriginDestinationFlows, _ specification: SpatialInteractionSpecification,
                           options: SpatialInteractionOptions = SpatialInteractionOptions()) throws -> SpatialInteractionResult {
        let problem = try Prepared(data, specification)
        var method = options.method
        if method == .automatic {
            let dense = specification.constraint == .doubly ? min(problem.originLevels.count, problem.destinationLevels.count) : 0
            method = dense > 4000 ? .generalizedLinearModel : .balancingFactors
        }
        let raw: RawFit
        switch method {
        case .generalizedLinearModel: raw = try fitGLM(problem, options)
        default: raw = try fitBalancing(problem, options)
        }
        return try assemble(problem, raw, method: method, data: data, specification: specification, options: options)
    }

    // MARK: - Preparation

    /// Rows used, codes, covariates and the columns' names.
    struct Prepared {
        let constraint: SpatialInteractionConstraint
        let costName: String
        let rows: [Int]
        let dropped: [Int]
        let excluded: [Int]
        let y: [Double]
        let origin: [Int32]
        let destination: [Int32]
        let originLevels: [String]
        let destinationLevels: [String]
        /// Covariates (attributes as logs, then the cost transform), without an intercept.
        let x: [[Double]]
        let names: [String]

        init(_ data: OriginDestinationFlows, _ spec: SpatialInteractionSpecification) throws {
            constraint = spec.constraint
            costName = spec.costFunction.description
            let n = data.count
            for a in spec.originAttributes + spec.destinationAttributes where a.values.count != n {
                throw SpatialInteractionError.invalidInput("attribute '\(a.name)' has \(a.values.count) values for \(n) rows")
            }
            switch spec.constraint {
            case .production:
                if let a = spec.originAttributes.first { throw SpatialInteractionError.attributeAbsorbed(name: a.name, constraint: "production-constrained") }
            case .attraction:
                if let a = spec.destinationAttributes.first { throw SpatialInteractionError.attributeAbsorbed(name: a.name, constraint: "attraction-constrained") }
            case .doubly:
                if let a = (spec.originAttributes + spec.destinationAttributes).first { throw SpatialInteractionError.attributeAbsorbed(name: a.name, constraint: "doubly constrained") }
            case .unconstrained:
                break
            }
            // Intra-zonal rows: the origin and destination labels coincide.
            let destinationOfOriginLabel: [Int32] = {
                var byLabel: [String: Int32] = [:]
                for (k, l) in data.destinationLabels.enumerated() { byLabel[l] = Int32(k) }
                return data.originLabels.map { byLabel[$0] ?? -1 }
            }()
            var candidate: [Int] = []
            var excluded: [Int] = []
            candidate.reserveCapacity(n)
            for i in 0..<n {
                if spec.intrazonal == .exclude && destinationOfOriginLabel[Int(data.originIndex[i])] == data.destinationIndex[i] {
                    excluded.append(i)
                    continue
                }
                let f = data.flows[i]
                guard f.isFinite, f >= 0 else { throw SpatialInteractionError.invalidFlow(row: i, value: f) }
                candidate.append(i)
            }
            // Zero-total constrained groups: fitted flows exactly 0 (separated).
            var originTotal = [Double](repeating: 0, count: data.originLabels.count)
            var destinationTotal = [Double](repeating: 0, count: data.destinationLabels.count)
            var originUsed = [Bool](repeating: false, count: data.originLabels.count)
            var destinationUsed = [Bool](repeating: false, count: data.destinationLabels.count)
            // The origin's running total stays in a register while rows of one origin follow
            // each other (the same additions in the same order as adding row by row into memory).
            var currentOrigin = -1, runningTotal = 0.0
            for i in candidate {
                let o = Int(data.originIndex[i]), d = Int(data.destinationIndex[i])
                if o != currentOrigin {
                    if currentOrigin >= 0 { originTotal[currentOrigin] = runningTotal }
                    currentOrigin = o
                    runningTotal = originTotal[o]
                }
                runningTotal += data.flows[i]
                destinationTotal[d] += data.flows[i]
                originUsed[o] = true
                destinationUsed[d] = true
            }
            if currentOrigin >= 0 { originTotal[currentOrigin] = runningTotal }
            let constrainOrigin = spec.constraint == .production || spec.constraint == .doubly
            let constrainDestination = spec.constraint == .attraction || spec.constraint == .doubly
            var rows: [Int] = [], dropped: [Int] = []
            rows.reserveCapacity(candidate.count)
            for i in candidate {
                if (constrainOrigin && originTotal[Int(data.originIndex[i])] == 0) || (constrainDestination && destinationTotal[Int(data.destinationIndex[i])] == 0) {
                    dropped.append(i)
                } else {
                    rows.append(i)
                }
            }
            guard rows.contains(where: { data.flows[$0] > 0 }) else { throw SpatialInteractionError.noPositiveFlows }
            self.rows = rows
            self.dropped = dropped
            self.excluded = excluded
            let everyRow = rows.count == n
            y = everyRow ? data.flows : rows.map { data.flows[$0] }
            // Dense re-coding of the levels that occur, by order of first appearance (kept as
            // given when every row is used and every level occurs).
            func recode(_ codes: [Int32], _ labels: [String]) -> ([Int32], [String]) {
                var map = [Int32](repeating: -1, count: labels.count)
                var levels: [String] = []
                var out = [Int32](repeating: 0, count: rows.count)
                for (k, i) in rows.enumerated() {
                    let c = Int(codes[i])
                    if map[c] < 0 { map[c] = Int32(levels.count); levels.append(labels[c]) }
                    out[k] = map[c]
                }
                return (out, levels)
            }
            if everyRow && originUsed.allSatisfy({ $0 }) {
                (origin, originLevels) = (data.originIndex, data.originLabels)
            } else {
                (origin, originLevels) = recode(data.originIndex, data.originLabels)
            }
            if everyRow && destinationUsed.allSatisfy({ $0 }) {
                (destination, destinationLevels) = (data.destinationIndex, data.destinationLabels)
            } else {
                (destination, destinationLevels) = recode(data.destinationIndex, data.destinationLabels)
            }
            var x: [[Double]] = [], names: [String] = []
            for a in spec.originAttributes + spec.destinationAttributes {
                var col = [Double](repeating: 0, count: rows.count)
                for (k, i) in rows.enumerated() {
                    let v = a.values[i]
                    guard v > 0, v.isFinite else { throw SpatialInteractionError.invalidAttribute(name: a.name, row: i, value: v) }
                    col[k] = log(v)
                }
                x.append(col)
                names.append("log(\(a.name))")
            }
            // Every row used with exponential cost: the costs as given (shared, no copy).
            var cost: [Double]
            switch spec.costFunction {
            case .exponential:
                if everyRow {
                    if let bad = data.costs.firstIndex(where: { !$0.isFinite }) {
                        throw SpatialInteractionError.invalidCost(row: bad, value: data.costs[bad], costFunction: "exponential", requirement: "a finite cost")
                    }
                    cost = data.costs
                } else {
                    cost = [Double](repeating: 0, count: rows.count)
                    for (k, i) in rows.enumerated() {
                        let c = data.costs[i]
                        guard c.isFinite else { throw SpatialInteractionError.invalidCost(row: i, value: c, costFunction: "exponential", requirement: "a finite cost") }
                        cost[k] = c
                    }
                }
            default:
                cost = [Double](repeating: 0, count: rows.count)
                for (k, i) in rows.enumerated() { cost[k] = try spec.costFunction.transform(data.costs[i], row: i) }
            }
            x.append(cost)
            names.append("cost")
            self.x = x
            self.names = names
        }
    }

    /// What either method hands to `assemble`: μ on the used rows, the parameters (in
    /// `names` order, intercept first for the unconstrained model) and their covariance.
    struct RawFit {
        let mu: [Double]
        let names: [String]
        let estimates: [Double]
        let vcov: Matrix
        let iterations: Int
        let decrement: Double
        /// log balancing factors (a per origin, b per destination) when the method provides
        /// them, so that log μ = a + b + xᵀθ; nil → recovered from μ.
        var originLog: [Double]? = nil
        var destinationLog: [Double]? = nil
        /// Connected components of the origin–destination graph, when known.
        var components: Int? = nil
    }

    // MARK: - Balancing factors (profile Newton)

    static func fitBalancing(_ p: Prepared, _ options: SpatialInteractionOptions) throws -> RawFit {
        let originIsPrimary = p.originLevels.count >= p.destinationLevels.count  // doubly constrained only
        let solver: ProfileNewtonPoisson
        switch p.constraint {
        case .unconstrained:
            solver = ProfileNewtonPoisson(y: p.y, primary: [Int32](repeating: 0, count: p.y.count), primaryCount: 1, secondary: nil, secondaryCount: 0, x: p.x)
        case .production:
            solver = ProfileNewtonPoisson(y: p.y, primary: p.origin, primaryCount: p.originLevels.count, secondary: nil, secondaryCount: 0, x: p.x)
        case .attraction:
            solver = ProfileNewtonPoisson(y: p.y, primary: p.destination, primaryCount: p.destinationLevels.count, secondary: nil, secondaryCount: 0, x: p.x)
        case .doubly:
            // Eliminate the larger side in closed form; the smaller one is the dense Newton block.
            if originIsPrimary {
                solver = ProfileNewtonPoisson(y: p.y, primary: p.origin, primaryCount: p.originLevels.count,
                                              secondary: p.destination, secondaryCount: p.destinationLevels.count, x: p.x)
            } else {
                solver = ProfileNewtonPoisson(y: p.y, primary: p.destination, primaryCount: p.destinationLevels.count,
                                              secondary: p.origin, secondaryCount: p.originLevels.count, x: p.x)
            }
        }
        let s: ProfileNewtonPoisson.Solution
        do {
            s = try solver.solve(maxIterations: options.maxIterations, tolerance: options.tolerance)
        } catch let e as LinalgError {
            throw SpatialInteractionError.engine(e.description)
        }
        if p.constraint == .unconstrained {
            // Intercept = the single balancing factor; its variance from the full information
            // Σ μ [1, x][1, x]ᵀ (k + 1 small).
            let k = p.x.count
            var info = try Matrix(rows: k + 1, cols: k + 1)
            for i in 0..<p.y.count {
                let m = s.mu[i]
                var z = [1.0]
                for c in p.x { z.append(c[i]) }
                for r in 0...k { for c in 0...k { info[r, c] += m * z[r] * z[c] } }
            }
            let vcov: Matrix
            do { vcov = try info.cholesky().inverse() } catch {
                throw SpatialInteractionError.notIdentified("the attributes and the cost are collinear with the intercept")
            }
            return RawFit(mu: s.mu, names: ["intercept"] + p.names, estimates: [s.primaryEffects[0]] + s.theta, vcov: vcov,
                          iterations: s.iterations, decrement: s.decrement)
        }
        var raw = RawFit(mu: s.mu, names: p.names, estimates: s.theta, vcov: s.covariance, iterations: s.iterations, decrement: s.decrement)
        switch p.constraint {
        case .unconstrained: break
        case .production: raw.originLog = s.primaryEffects
        case .attraction: raw.destinationLog = s.primaryEffects
        case .doubly:
            raw.components = s.components
            (raw.originLog, raw.destinationLog) = originIsPrimary ? (s.primaryEffects, s.secondaryEffects) : (s.secondaryEffects, s.primaryEffects)
        }
        return raw
    }

    // MARK: - GLM engine

    static func fitGLM(_ p: Prepared, _ options: SpatialInteractionOptions) throws -> RawFit {
        var o = RegressionOptions()
        o.maxIterations = options.maxIterations
        o.tolerance = options.tolerance * 1e-3
        o.dropSingletons = false
        o.fixedEffectSolver.tolerance = 1e-14
        o.confidenceLevel = options.confidenceLevel
        var regressors = p.x, names = p.names
        var fes: [FixedEffect] = []
        let originFE = FixedEffect(name: "origin", integerLabels: p.origin.map { Int($0) })
        let destinationFE = FixedEffect(name: "destination", integerLabels: p.destination.map { Int($0) })
        switch p.constraint {
        case .unconstrained:
            regressors.insert([Double](repeating: 1, count: p.y.count), at: 0)
            names.insert("intercept", at: 0)
        case .production: fes = [originFE]
        case .attraction: fes = [destinationFE]
        case .doubly: fes = [originFE, destinationFE]
        }
        let r: RegressionResult
        do {
            r = try GeneralizedLinearModel.fit(response: p.y, regressors: regressors, names: names, family: .poisson,
                                               fixedEffects: fes, variance: .iid, correction: .statsmodels, options: o)
        } catch let e as RegressionError {
            throw SpatialInteractionError.engine(e.description)
        }
        if let c = r.collinearTerms.first {
            throw SpatialInteractionError.notIdentified("'\(c)' is collinear with the balancing factors or the other terms")
        }
        var mu = [Double](repeating: 0, count: p.y.count)
        for (k, i) in r.estimationRows.enumerated() { mu[i] = r.fittedValues[k] }
        return RawFit(mu: mu, names: r.coefficients.map(\.term), estimates: r.coefficients.map(\.estimate), vcov: r.vcov,
                      iterations: r.iterations, decrement: .nan)
    }

    // MARK: - Result

    static func assemble(_ p: Prepared, _ raw: RawFit, method: SpatialInteractionMethod, data: OriginDestinationFlows,
                         specification: SpatialInteractionSpecification,
                         options: SpatialInteractionOptions) throws -> SpatialInteractionResult {
        let n = p.y.count
        let nO = p.originLevels.count, nD = p.destinationLevels.count
        // Balancing factors from log μ − xᵀθ (exactly additive at the maximum).
        var thetaByName: [String: Double] = [:]
        for (name, v) in zip(raw.names, raw.estimates) { thetaByName[name] = v }
        // log μ − xᵀθ = the log balancing factors (a + b), when the method did not report them
        // (log μ is otherwise taken by the statistics, on the rows with y > 0 only).
        var residualLog: [Double] = []
        var logMu: [Double]? = nil
        if p.constraint != .unconstrained && (raw.originLog == nil || raw.destinationLog == nil) {
            logMu = raw.mu.map { log($0) }
            residualLog = logMu ?? []
            for (c, name) in zip(p.x, p.names) {
                let theta = thetaByName[name] ?? 0
                for i in 0..<n { residualLog[i] -= theta * c[i] }
            }
        }
        var originTotal = [Double](repeating: 0, count: nO), destinationTotal = [Double](repeating: 0, count: nD)
        var currentOrigin = -1, runningTotal = 0.0   // as in `Prepared`
        for i in 0..<n {
            let o = Int(p.origin[i])
            if o != currentOrigin {
                if currentOrigin >= 0 { originTotal[currentOrigin] = runningTotal }
                currentOrigin = o
                runningTotal = originTotal[o]
            }
            runningTotal += p.y[i]
            destinationTotal[Int(p.destination[i])] += p.y[i]
        }
        if currentOrigin >= 0 { originTotal[currentOrigin] = runningTotal }
        var originFactors: [Double] = [], destinationFactors: [Double] = []
        switch p.constraint {
        case .unconstrained:
            break
        case .production:
            var a = raw.originLog ?? [Double](repeating: 0, count: nO)
            if raw.originLog == nil { for i in 0..<n { a[Int(p.origin[i])] = residualLog[i] } }
            originFactors = (0..<nO).map { exp(a[$0]) / originTotal[$0] }
        case .attraction:
            var b = raw.destinationLog ?? [Double](repeating: 0, count: nD)
            if raw.destinationLog == nil { for i in 0..<n { b[Int(p.destination[i])] = residualLog[i] } }
            destinationFactors = (0..<nD).map { exp(b[$0]) / destinationTotal[$0] }
        case .doubly:
            let (a, b): ([Double], [Double])
            if let ao = raw.originLog, let bd = raw.destinationLog { (a, b) = (ao, bd) } else {
                (a, b) = additiveDecomposition(residualLog, p.origin, nO, p.destination, nD)
            }
            var logA = (0..<nO).map { a[$0] - log(originTotal[$0]) }
            var logB = (0..<nD).map { b[$0] - log(destinationTotal[$0]) }
            let shift = (logA.reduce(0, +) / Double(nO) - logB.reduce(0, +) / Double(nD)) / 2
            logA = logA.map { $0 - shift }
            logB = logB.map { $0 + shift }
            originFactors = logA.map { exp($0) }
            destinationFactors = logB.map { exp($0) }
        }
        let fixedCount: Int
        switch p.constraint {
        case .unconstrained: fixedCount = 0
        case .production: fixedCount = nO
        case .attraction: fixedCount = nD
        case .doubly: fixedCount = nO + nD - (raw.components ?? connectedComponents(p.origin, nO, p.destination, nD))
        }
        let k = raw.estimates.count + fixedCount
        let stats = SpatialInteractionFitStatistics.compute(y: p.y, mu: raw.mu, logMu: logMu, parameterCount: k)
        // Every row used (in order): the fitted flows are μ as it is (shared, no copy).
        var fitted: [Double]
        if p.rows.count == data.count {
            fitted = raw.mu
        } else {
            fitted = [Double](repeating: 0, count: data.count)
            for i in p.excluded { fitted[i] = .nan }
            for (kk, i) in p.rows.enumerated() { fitted[i] = raw.mu[kk] }
        }
        let coefficients = makeCoefficients(raw.names, raw.estimates, raw.vcov, df: nil, level: options.confidenceLevel)
        return SpatialInteractionResult(
            constraint: p.constraint, costFunction: p.costName, method: method, parameters: coefficients, vcov: raw.vcov,
            fittedFlows: fitted, usedRows: p.rows, droppedRows: p.dropped,
            originLabels: originFactors.isEmpty ? [] : p.originLevels, originBalancingFactors: originFactors,
            destinationLabels: destinationFactors.isEmpty ? [] : p.destinationLevels, destinationBalancingFactors: destinationFactors,
            observations: n, parameterCount: k, deviance: stats.deviance, nullDeviance: stats.nullDeviance,
            logLikelihood: stats.logLikelihood, nullLogLikelihood: stats.nullLogLikelihood, aic: stats.aic,
            pseudoRSquared: stats.pseudoR2, adjustedPseudoRSquared: stats.adjustedPseudoR2,
            devianceExplained: stats.d2, adjustedDevianceExplained: stats.adjustedD2, srmse: stats.srmse, sorensen: stats.sorensen,
            iterations: raw.iterations, newtonDecrement: raw.decrement, specification: specification)
    }

    /// Splits r = a_{o(i)} + b_{d(i)} (exact at the maximum) by a breadth-first walk over the
    /// origin–destination graph, with the first destination of each component set to 0.
    static func additiveDecomposition(_ r: [Double], _ o: [Int32], _ nO: Int, _ d: [Int32], _ nD: Int) -> ([Double], [Double]) {
        // Rows grouped by origin and by destination (CSR).
        func csr(_ codes: [Int32], _ levels: Int) -> (start: [Int], rows: [Int]) {
            var start = [Int](repeating: 0, count: levels + 1)
            for c in codes { start[Int(c) + 1] += 1 }
            for k in 0..<levels { start[k + 1] += start[k] }
            var fill = start
            var rows = [Int](repeating: 0, count: codes.count)
            for (i, c) in codes.enumerated() { rows[fill[Int(c)]] = i; fill[Int(c)] += 1 }
            return (start, rows)
        }
        let byOrigin = csr(o, nO), byDestination = csr(d, nD)
        var a = [Double](repeating: .nan, count: nO), b = [Double](repeating: .nan, count: nD)
        var queue: [Int] = []  // v ≥ 0: destination v; v < 0: origin −v − 1
        queue.reserveCapacity(nO + nD)
        for start in 0..<nD where b[start].isNaN {
            b[start] = 0
            queue.removeAll(keepingCapacity: true)
            queue.append(start)
            var head = 0
            while head < queue.count {
                let v = queue[head]
                head += 1
                if v < 0 {
                    let og = -v - 1
                    for q in byOrigin.start[og]..<byOrigin.start[og + 1] {
                        let i = byOrigin.rows[q], dj = Int(d[i])
                        if b[dj].isNaN { b[dj] = r[i] - a[og]; queue.append(dj) }
                    }
                } else {
                    for q in byDestination.start[v]..<byDestination.start[v + 1] {
                        let i = byDestination.rows[q], oi = Int(o[i])
                        if a[oi].isNaN { a[oi] = r[i] - b[v]; queue.append(-oi - 1) }
                    }
                }
            }
        }
        return (a, b)
    }

    /// Number of connected components of the bipartite origin–destination graph.
    static func connectedComponents(_ o: [Int32], _ nO: Int, _ d: [Int32], _ nD: Int) -> Int {
        var parent = Array(0..<(nO + nD))
        func find(_ v: Int) -> Int {
            var r = v
            while parent[r] != r { r = parent[r] }
            var c = v
            while parent[c] != r { let next = parent[c]; parent[c] = r; c = next }
            return r
        }
        for i in 0..<o.count {
            let ra = find(Int(o[i])), rb = find(nO + Int(d[i]))
            if ra != rb { parent[ra] = rb }
        }
        var roots = Set<Int>()
        for v in 0..<(nO + nD) { roots.insert(find(v)) }
        return roots.count
    }
}
