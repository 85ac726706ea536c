import Linalg

/// How the variance of the coefficients is estimated.
///
/// All are sandwich forms V = c · B · M · B with bread B = (X̃ᵀWX̃)⁻¹ (X̃: regressors after the
/// fixed effects are partialled out; W: the final IRLS or prior weights), meat M built from the
/// scores sᵢ = wᵢ·eᵢ·x̃ᵢ (eᵢ: working residual), and small-sample factor c from
/// `SmallSampleCorrection`:
/// - `iid`: V = σ̂²·B (σ̂² = Σwe²/(N−K) for linear models; the dispersion for GLMs: 1 for Poisson).
/// - `hc0`…`hc3`: White (1980) and MacKinnon & White (1985): M = Σ sᵢsᵢᵀ/(1−hᵢ)^δ, δ = 0
///   (HC0, HC1), 1 (HC2), 2 (HC3); hᵢ = wᵢ x̃ᵢᵀBx̃ᵢ the leverage; HC1 multiplies HC0 by N/(N−K).
///   HC2/HC3 are available without fixed effects only (the leverage of absorbed effects is not
///   formed).
/// - `cluster(g)`: CRV1 (Liang & Zeger 1986), M = Σ_g (Σ_{i∈g} sᵢ)(Σ_{i∈g} sᵢ)ᵀ.
/// - `twoWayCluster(g, h)`: Cameron, Gelbach & Miller (2011): V = V_g + V_h − V_{g∩h}.
public enum VarianceEstimator: Sendable, Equatable {
    case iid
    case hc0, hc1, hc2, hc3
    case cluster(FixedEffect)
    case twoWayCluster(FixedEffect, FixedEffect)

    /// A short name for reports: "iid", "HC1", "cluster(pair)", "twoway(origin, destination)".
    public var label: String {
        switch self {
        case .iid: return "iid"
        case .hc0: return "HC0"
        case .hc1: return "HC1"
        case .hc2: return "HC2"
        case .hc3: return "HC3"
        case .cluster(let g): return "cluster(\(g.name))"
        case let .twoWayCluster(g, h): return "twoway(\(g.name), \(h.name))"
        }
    }
}

/// Small-sample corrections of the variance, named as fixest's `ssc()`.
///
/// The factor is c = adj · cadj with
/// - adj = (N−1)/(N−K) when `adjustForK` (for `hc1` the conventional N/(N−K) instead, as
///   statsmodels, Stata and fixest); for the linear model's iid variance this makes
///   σ̂² = RSS/(N−K); for GLM iid variances it applies only when `adjustGLMIID` (fixest/pyfixest
///   multiply the inverse Fisher information by (N−1)/(N−K); statsmodels and R's glm do not);
/// - K = number of estimated coefficients, plus the absorbed fixed effects counted by
///   `fixedEffectsK` (`.none`: not at all; `.full`: all of them; `.nested`: all but those
///   nested in a cluster variable, each of which then counts 1, as fixest's "nonnested") and
///   `fixedEffectCount` (`.exactRank`: the rank of the dummy matrix, from the connected
///   components of the fixed-effect graph; `.levelsMinusDimensions`: Σ levels − (dimensions − 1),
///   fixest/pyfixest's count, which overstates K when the graph is disconnected, e.g.
///   origin×year + destination×year over several years);
/// - cadj = G/(G−1) when `clusterAdjustment`, with G the number of clusters of the term
///   (`.perTerm`, statsmodels' two-way convention, fixest's G_df = "conventional") or the
///   smallest G of the two dimensions for every term (`.minimum`, fixest/pyfixest's default
///   G_df = "min"). The intersection term's clusters are the non-empty cells.
///
/// The statistics' distribution: linear models use Student t with N − K degrees of freedom, or
/// G − 1 with clustered errors (the smaller G for two-way; fixest's `t.df = "min"`, statsmodels,
/// Stata). GLMs use the standard normal (z) unless clustered; with clustered errors `glmInference`
/// decides: t(G − 1) (`.tWhenClustered`, MigrationKit's conservative default) or the normal
/// (`.normal`: fixest's `fepois`/`feglm` and pyfixest's `fepois` print z values; statsmodels' GLM
/// uses the normal too).
public struct SmallSampleCorrection: Sendable, Equatable {
    public enum FixedEffectsK: String, Sendable { case none, nested, full }
    public enum FixedEffectCount: String, Sendable { case exactRank, levelsMinusDimensions }
    public enum ClusterDegreesOfFreedom: String, Sendable { case perTerm, minimum }
    /// The distribution of GLM statistics with clustered errors.
    public enum GLMInference: String, Sendable { case tWhenClustered, normal }

    public var adjustForK: Bool
    public var adjustGLMIID: Bool
    public var fixedEffectsK: FixedEffectsK
    public var fixedEffectCount: FixedEffectCount
    public var clusterAdjustment: Bool
    public var clusterDegreesOfFreedom: ClusterDegreesOfFreedom
    public var glmInference: GLMInference

    /// A convention; the defaults are `standard`'s.
    /// - Parameters:
    ///   - adjustForK: multiply by (N−1)/(N−K) (N/(N−K) for HC1).
    ///   - adjustGLMIID: apply that factor to GLM iid variances too.
    ///   - fixedEffectsK: which absorbed fixed effects K counts.
    ///   - fixedEffectCount: how they are counted.
    ///   - clusterAdjustment: multiply clustered variances by G/(G−1).
    ///   - clusterDegreesOfFreedom: the G of each two-way term.
    ///   - glmInference: t(G − 1) or normal statistics for clustered GLMs.
    public init(adjustForK: Bool = true, adjustGLMIID: Bool = true, fixedEffectsK: FixedEffectsK = .nested,
                fixedEffectCount: FixedEffectCount = .exactRank,
                clusterAdjustment: Bool = true, clusterDegreesOfFreedom: ClusterDegreesOfFreedom = .minimum,
                glmInference: GLMInference = .tWhenClustered) {
        self.adjustForK = adjustForK
        self.adjustGLMIID = adjustGLMIID
        self.fixedEffectsK = fixedEffectsK
        self.fixedEffectCount = fixedEffectCount
        self.clusterAdjustment = clusterAdjustment
        self.clusterDegreesOfFreedom = clusterDegreesOfFreedom
        self.glmInference = glmInference
    }

    /// MigrationKit's default: fixest's conventions with the fixed effects counted by their
    /// exact rank, and t(G − 1) statistics for clustered GLMs.
    public static let standard = SmallSampleCorrection()
    /// fixest / pyfixest 0.60 defaults (`ssc()`), including their level count of fixed effects
    /// and z statistics for GLMs.
    public static let fixest = SmallSampleCorrection(adjustForK: true, adjustGLMIID: true, fixedEffectsK: .nested,
                                                     fixedEffectCount: .levelsMinusDimensions,
                                                     clusterAdjustment: true, clusterDegreesOfFreedom: .minimum,
                                                     glmInference: .normal)
    /// statsmodels' conventions (fixed effects as explicit dummies count fully, by rank; GLM
    /// statistics normal).
    public static let statsmodels = SmallSampleCorrection(adjustForK: true, adjustGLMIID: false, fixedEffectsK: .full,
                                                          fixedEffectCount: .exactRank,
                                                          clusterAdjustment: true, clusterDegreesOfFreedom: .perTerm,
                                                          glmInference: .normal)

    /// The convention named `name`: "standard", "fixest" (also "pyfixest") or "statsmodels".
    /// - Parameter name: the name, as `migkit fit --ssc` takes it.
    /// - Throws: `RegressionError.invalidInput` for any other name.
    public init(named name: String) throws {
        switch name.lowercased() {
        case "standard": self = .standard
        case "fixest", "pyfixest": self = .fixest
        case "statsmodels": self = .statsmodels
        default: throw RegressionError.invalidInput("unknown small-sample convention '\(name)': use standard, fixest or statsmodels")
        }
    }
}

/// Inputs of a sandwich computation.
struct SandwichInput {
    /// X̃ (n × p), kept columns only, as columns (shared with the caller, not copied).
    let columns: [[Double]]
    /// X̃ as a matrix (a copy; only HC2/HC3 need it).
    var x: Matrix {
        get throws { try Matrix(rows: n, cols: p, columnMajor: columns.flatMap { $0 }) }
    }
    /// Working residuals eᵢ.
    let residuals: [Double]
    /// Working weights wᵢ (nil = 1).
    let weights: [Double]?
    /// B = (X̃ᵀWX̃)⁻¹.
    let bread: Matrix
    /// Number of observations N.
    let n: Int
    /// Number of estimated (kept) coefficients.
    let p: Int
    /// Rank of the absorbed fixed effects (total) and per fixed effect, for the K conventions.
    let fixedEffects: [FixedEffect]
    let fixedEffectRank: Int
    /// σ̂² for `iid` (residual variance or GLM dispersion).
    let dispersion: Double
    /// Linear model (iid variance = RSS/(N−K)·B) or GLM (dispersion·B).
    let isLinear: Bool
    /// Σ wᵢeᵢ² for the linear model's iid variance.
    let residualSumOfSquares: Double
}

enum Sandwich {
    /// The variance matrix, and the degrees of freedom for t-tests (nil = use N − K).
    static func variance(_ est: VarianceEstimator, _ ssc: SmallSampleCorrection, _ s: SandwichInput) throws -> (Matrix, clusterCount: Int?) {
        let n = s.n, p = s.p
        if p == 0 { return (try Matrix(rows: 0, cols: 0), nil) }
        let feCount: Int = {
            switch ssc.fixedEffectCount {
            case .exactRank: return s.fixedEffectRank
            case .levelsMinusDimensions:
                return s.fixedEffects.isEmpty ? 0 : s.fixedEffects.reduce(0) { $0 + $1.levelCount } - (s.fixedEffects.count - 1)
            }
        }()
        func kValue(nestedIn clusters: [FixedEffect]) -> Int {
            switch ssc.fixedEffectsK {
            case .none: return p
            case .full: return p + feCount
            case .nested:
                // Levels of fixed effects nested in a cluster variable are not counted; each such
                // fixed effect counts 1 (fixest's "nonnested").
                var k = p + feCount
                for fe in s.fixedEffects where clusters.contains(where: { isNested(fe, in: $0) }) {
                    k -= fe.levelCount - 1
                }
                return max(p, k)
            }
        }
        func adj(_ k: Int) -> Double { ssc.adjustForK ? Double(n - 1) / Double(max(1, n - k)) : 1 }

        switch est {
        case .iid:
            let k = kValue(nestedIn: [])
            if s.isLinear {
                // σ̂² = RSS/(N−1) · adj, i.e. RSS/(N−K) with the K adjustment.
                let sigma2 = s.residualSumOfSquares / Double(max(1, n - 1)) * adj(k)
                return (s.bread.scaled(by: sigma2), nil)
            }
            return (s.bread.scaled(by: s.dispersion * (ssc.adjustGLMIID ? adj(k) : 1)), nil)
        case .hc0, .hc1, .hc2, .hc3:
            if (est == .hc2 || est == .hc3) && !s.fixedEffects.isEmpty {
                throw RegressionError.invalidInput("\(est.label) needs the leverage of every observation, which is not formed for absorbed fixed effects — use hc1 or a cluster estimator")
            }
            var scores = try scoreMatrix(s)
            if est == .hc2 || est == .hc3 {
                let h = try leverages(s)
                let power = est == .hc2 ? 0.5 : 1.0
                for i in 0..<n {
                    let f = 1 / pow1m(h[i], power)
                    for j in 0..<p { scores[i, j] *= f }
                }
            }
            let meat = try scores.gram()
            var v = try sandwich(s.bread, meat)
            if est == .hc1 {
                let k = kValue(nestedIn: [])
                v = v.scaled(by: ssc.adjustForK ? Double(n) / Double(max(1, n - k)) : 1)
            }
            return (v, nil)
        case .cluster(let g):
            try checkLength(g, n)
            let meat = try clusterMeat(s, g.codes, g.levelCount)
            let gCount = g.levelCount
            let c = (ssc.clusterAdjustment ? Double(gCount) / Double(max(1, gCount - 1)) : 1) * adj(kValue(nestedIn: [g]))
            return (try sandwich(s.bread, meat).scaled(by: c), gCount)
        case let .twoWayCluster(g, h):
            try checkLength(g, n)
            try checkLength(h, n)
            let gh = try FixedEffect.interaction(g, h)
            let mg = try clusterMeat(s, g.codes, g.levelCount)
            let mh = try clusterMeat(s, h.codes, h.levelCount)
            let mgh = try clusterMeat(s, gh.codes, gh.levelCount)
            let k = kValue(nestedIn: [g, h])
            let gMin = min(g.levelCount, h.levelCount)
            func cadj(_ count: Int) -> Double {
                guard ssc.clusterAdjustment else { return 1 }
                let c = ssc.clusterDegreesOfFreedom == .minimum ? gMin : count
                return Double(c) / Double(max(1, c - 1))
            }
            let a = adj(k)
            let vg = try sandwich(s.bread, mg).scaled(by: cadj(g.levelCount) * a)
            let vh = try sandwich(s.bread, mh).scaled(by: cadj(h.levelCount) * a)
            let vgh = try sandwich(s.bread, mgh).scaled(by: cadj(gh.levelCount) * a)
            return (try vg.adding(vh).subtracting(vgh), gMin)
        }
    }

    static func pow1m(_ h: Double, _ power: Double) -> Double {
        let one = max(1 - h, 1e-300)
        return power == 1 ? one : one.squareRoot()
    }

    static func checkLength(_ g: FixedEffect, _ n: Int) throws {
        guard g.codes.count == n else {
            throw RegressionError.invalidInput("cluster variable '\(g.name)' has \(g.codes.count) observations, the estimation sample \(n)")
        }
    }

    /// True when every level of `fe` lies within a single level of `cluster`.
    static func isNested(_ fe: FixedEffect, in cluster: FixedEffect) -> Bool {
        guard fe.codes.count == cluster.codes.count else { return false }
        var owner = [Int32](repeating: -1, count: fe.levelCount)
        for i in 0..<fe.codes.count {
            let l = Int(fe.codes[i])
            if owner[l] < 0 { owner[l] = cluster.codes[i] } else if owner[l] != cluster.codes[i] { return false }
        }
        return true
    }

    /// wᵢ·eᵢ, the factor of x̃ᵢ in the score.
    static func weightedResiduals(_ s: SandwichInput) -> [Double] {
        guard let w = s.weights else { return s.residuals }
        return zip(s.residuals, w).map { $0 * $1 }
    }

    /// Rows sᵢ = wᵢ·eᵢ·x̃ᵢ (one n × p copy).
    static func scoreMatrix(_ s: SandwichInput) throws -> Matrix {
        let n = s.n, p = s.p
        let we = weightedResiduals(s)
        var scores = try Matrix(rows: n, cols: p)
        scores.withUnsafeMutableElements { ps in
            for j in 0..<p {
                let col = j * n
                s.columns[j].withUnsafeBufferPointer { px in
                    we.withUnsafeBufferPointer { pe in for i in 0..<n { ps[col + i] = px[i] * pe[i] } }
                }
            }
        }
        return scores
    }

    /// Σ_g (Σ_{i∈g} sᵢ)(Σ_{i∈g} sᵢ)ᵀ through the G × p matrix of cluster sums.
    static func clusterMeat(_ s: SandwichInput, _ codes: [Int32], _ groups: Int) throws -> Matrix {
        let n = s.n, p = s.p
        let we = weightedResiduals(s)
        var sums = try Matrix(rows: groups, cols: p)
        sums.withUnsafeMutableElements { pg in
            for j in 0..<p {
                let gcol = j * groups
                s.columns[j].withUnsafeBufferPointer { px in
                    we.withUnsafeBufferPointer { pe in
                        codes.withUnsafeBufferPointer { pc in
                            for i in 0..<n { pg[gcol + Int(pc[i])] += px[i] * pe[i] }
                        }
                    }
                }
            }
        }
        return try sums.gram()
    }

    /// hᵢ = wᵢ x̃ᵢᵀ B x̃ᵢ.
    static func leverages(_ s: SandwichInput) throws -> [Double] {
        let x = try s.x
        let xb = try x.multiplied(by: s.bread)
        var h = [Double](repeating: 0, count: s.n)
        for j in 0..<s.p { for i in 0..<s.n { h[i] += xb[i, j] * x[i, j] } }
        if let w = s.weights { for i in 0..<s.n { h[i] *= w[i] } }
        return h
    }

    /// B·M·B.
    static func sandwich(_ bread: Matrix, _ meat: Matrix) throws -> Matrix {
        try bread.multiplied(by: meat).multiplied(by: bread)
    }
}

/// The exact rank of the dummy matrix of the absorbed fixed effects: Σ levels − redundancies.
///
/// One fixed effect: its level count. Two: L₁ + L₂ − C, C the number of connected components of
/// the bipartite graph linking levels that share observations (Abowd, Creecy & Kramarz 2002).
/// Three or more: Σ Lₖ − C₁₂ − (K − 2), where C₁₂ counts the components of the first two —
/// exact when the further effects add no other redundancy, an upper bound on the rank
/// otherwise (fixest makes the same approximation).
package func fixedEffectRank(_ fixedEffects: [FixedEffect]) -> Int {
    guard let first = fixedEffects.first else { return 0 }
    if fixedEffects.count == 1 { return first.levelCount }
    let second = fixedEffects[1]
    // Union–find over L1 + L2 nodes.
    var parent = Array(0..<(first.levelCount + second.levelCount))
    func find(_ x: Int) -> Int {
        var r = x
        while parent[r] != r { parent[r] = parent[parent[r]]; r = parent[r] }
        return r
    }
    for i in 0..<first.codes.count {
        let a = find(Int(first.codes[i])), b = find(first.levelCount + Int(second.codes[i]))
        if a != b { parent[a] = b }
    }
    var components = 0
    for v in 0..<parent.count where find(v) == v { components += 1 }
    var rank = first.levelCount + second.levelCount - components
    for fe in fixedEffects.dropFirst(2) { rank += fe.levelCount - 1 }
    return rank
}
