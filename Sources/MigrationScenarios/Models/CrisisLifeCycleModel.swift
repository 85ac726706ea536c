import Foundation

/// The two displaced-stock types with a life-cycle model of their own.
public enum DisplacedStockType: String, Sendable, CaseIterable {
    case crossBorder = "cross_border"
    case conflictIDPs = "conflict_idps"

    /// The panel columns that make up the type (see `SeriesBreaks`).
    public var components: [String] {
        self == .crossBorder ? SeriesBreaks.crossBorderComponents : SeriesBreaks.idpComponents
    }

    /// The first year whose change is observed by origin (IDMC's country detail starts in 2009).
    public var firstGrowthYear: Int { self == .crossBorder ? 1991 : 2010 }

    func series(_ h: DisplacementHistory) -> CountryYearSeries { self == .crossBorder ? h.crossBorder : h.conflictIDPs }
}

/// Life cycles of existing crises: growth, peak and decline of the displaced share of an
/// origin's population, with partial pooling across origins.
///
/// Basis: the conceptual model of Susmann & Raftery (2024, arXiv 2405.06857) — a crisis grows,
/// peaks and declines (their interrupted logistic process), with country parameters pooled in a
/// Bayesian hierarchy and validation at 1, 5 and 10 years. Only their abstract could be read
/// here, so this is not their model: it keeps the three phases and the pooling in a form that can
/// be fitted on every origin in milliseconds (the backtests refit it ten times) —
///
///     x(t) = log(D(t)/P(t)),   g(t) = x(t) − x(t−1)
///     g(t) = α_k,phase + u_c + φ_k·g(t−1) + e(t),   e ~ F_k (bootstrap of the class's residuals)
///
/// for a stock of at least `crisisThreshold` people, with k the size class of D(t−1)
/// (10⁴–10⁵, 10⁵–10⁶, ≥ 10⁶) and phase = growth when g(t−1) > 0, decline otherwise (the two
/// phases of the interrupted logistic, separated by the peak: a declining crisis keeps the
/// decline drift whatever its size, so it does not bounce back when it enters a smaller class).
/// Momentum φ_k > 0 carries a growing crisis upwards for a few years; the decline drift
/// (α_k,decline + u_c)/(1 − φ_k) is negative, so a path grows, peaks and declines. The origin effect u_c is shrunk towards 0
/// (empirical Bayes, normal–normal: û_c = ē_c·n_cτ²/(n_cτ² + σ²), posterior variance
/// (1/τ² + n_c/σ²)⁻¹, τ² by the method of moments) and drawn from its posterior in every draw,
/// as α_k is from its sampling distribution: parameter uncertainty widens the long run. A
/// projection weights u_c by λ^(t+1), λ the persistence estimated by `originEffectPersistence`,
/// and adds a common year shock c(t) = ρ·c(t−1) + s·√(1 − ρ²)·z(t) shared by all origins
/// (`yearSigma`, `yearRho`, `yearState`).
///
/// Below `crisisThreshold` people a stock is background (a few asylum seekers from most
/// countries): its log share reverts to the origin's background level m_c,
/// x(t) − m_c = ψ·(x(t−1) − m_c) + e_b, e_b bootstrapped. Background stocks do not compound:
/// they become crises only through the onset process (`CrisisOnsetModel`), which is where the
/// eruptions of small stocks, which made the old pooled bootstrap explode, are modelled once.
///
/// Fitted on like-for-like changes only (`SeriesBreaks`); onset years are left to the onset
/// model. x uses D + 1 so that a stock of zero has a log.
public struct CrisisLifeCycleModel: Sendable {
    public struct ClassFit: Sendable, Equatable {
        public let lowerBound: Double
        /// Intercepts by phase: [decline (g(t−1) ≤ 0), growth (g(t−1) > 0)] — the two phases of
        /// the interrupted logistic, each with its own drift.
        public let alpha: [Double]
        public let alphaStandardError: [Double]
        public let phi: Double
        /// Residual standard deviation.
        public let sigma: Double
        /// Residuals, sorted (the bootstrap's distribution F_k).
        public let residuals: [Double]
        public var observations: Int { residuals.count }
        /// The long-run drift of a typical origin once its crisis declines, α_decline/(1 − φ).
        public var drift: Double { alpha[0] / (1 - phi) }
        /// The phase index of a previous growth g: 1 (growth) when g > 0, else 0 (decline).
        @inline(__always) public static func phase(_ g: Double) -> Int { g > 0 ? 1 : 0 }
    }

    public let type: DisplacedStockType
    public let classes: [ClassFit]
    /// Origin effects: posterior mean and variance of u_c.
    public let originEffect: [String: (mean: Double, variance: Double)]
    /// Between-origin variance τ² of u_c.
    public let tau2: Double
    /// Background reversion ψ, residuals and levels m_c (log share).
    public let backgroundPsi: Double
    public let backgroundResiduals: [Double]
    public let backgroundLevel: [String: Double]
    public let defaultBackgroundLevel: Double
    /// Last observed like-for-like growth per origin (the momentum at the jump-off).
    public let lastGrowth: [String: Double]
    public let fitYears: ClosedRange<Int>
    /// Standard deviation s of the common (year) shock shared by all origins; the projection adds
    /// c(t) − s²/2 to every crisis's growth in year t, c an AR(1) with stationary s.d. s (below).
    public var yearSigma: Double = 0
    /// Persistence ρ of the common shock: c(t) = ρ·c(t−1) + s·√(1 − ρ²)·z(t), so its stationary
    /// standard deviation stays s (ρ = 0: independent years).
    public var yearRho: Double = 0
    /// The common shock's state in the last fitted year (the year's mean residual shrunk towards 0
    /// by s²/(s² + σ²/n)) and its posterior variance s²·(σ²/n)/(s² + σ²/n); a projection starts
    /// its c(t) recursion from a draw of it.
    public var yearState: Double = 0
    public var yearStateVariance: Double = 0
    /// Persistence λ of the origin effect: a projection gives u_c the weight λ^(t+1) in its
    /// (t+1)-th year, so an origin's deviation from its class fades as it did in the data
    /// (`originEffectPersistence`). A constant u_c would compound for ever.
    public var originPersistence: Double = 0
    /// The predictive slopes b_1…b_10 behind λ (diagnostics; `originEffectPersistence`).
    public var originEffectSlopes: [Double] = []
    /// Set when this type had too few observations and uses another type's parameters.
    public private(set) var borrowedFrom: DisplacedStockType? = nil

    /// This model's parameters standing in for `type` (which had too few observations).
    public func borrowed(as type: DisplacedStockType) -> CrisisLifeCycleModel {
        var m = CrisisLifeCycleModel(type: type, classes: classes, originEffect: [:], tau2: tau2, backgroundPsi: backgroundPsi,
                                     backgroundResiduals: backgroundResiduals, backgroundLevel: [:],
                                     defaultBackgroundLevel: defaultBackgroundLevel, lastGrowth: [:], fitYears: fitYears, yearSigma: yearSigma,
                                    yearRho: yearRho, yearState: yearState, yearStateVariance: yearStateVariance,
                                    originPersistence: originPersistence, originEffectSlopes: originEffectSlopes)
        m.borrowedFrom = self.type
        return m
    }

    public static let crisisThreshold = 10_000.0
    public static let classBounds: [Double] = [1e4, 1e5, 1e6]
    /// Growths entering the momentum term are clipped to ±1 (a log change of e ≈ 2.7×).
    public static let momentumClip = 1.0

    public enum FitError: Error, CustomStringConvertible {
        case noData(String)
        public var description: String { if case .noData(let s) = self { return "crisis life-cycle model: \(s)" }; return "" }
    }

    /// One like-for-like observation of a type's change.
    struct Observation {
        let origin: String, year: Int, before: Double, after: Double, popBefore: Double, popAfter: Double
        var growth: Double { log((after + 1) / popAfter) - log((before + 1) / popBefore) }
    }

    static func observations(_ type: DisplacedStockType, _ history: DisplacementHistory, _ breaks: SeriesBreaks,
                             population: CountryYearSeries, years: ClosedRange<Int>) -> [Observation] {
        var out: [Observation] = []
        let s = type.series(history)
        for c in s.countries where !CrisisOnsetModel.nonOrigins.contains(c) {
            for y in s.years(c) where years.contains(y) && y >= type.firstGrowthYear {
                guard let pa = population[c, y - 1], let pb = population[c, y], pa > 0, pb > 0,
                      let pair = breaks.comparable(history, c, y, components: type.components) else { continue }
                out.append(Observation(origin: c, year: y, before: pair.before, after: pair.after, popBefore: pa * 1000, popAfter: pb * 1000))
            }
        }
        return out
    }

    /// Fits the model of `type` on the changes into the years `years` (population in thousands,
    /// estimates then WPP medium). `onsets` are origin-years left to the onset model.
    public static func fit(_ type: DisplacedStockType, history: DisplacementHistory, breaks: SeriesBreaks,
                           population: CountryYearSeries, years: ClosedRange<Int>, onsets: Set<String>) throws -> CrisisLifeCycleModel {
        let obs = observations(type, history, breaks, population: population, years: years)
        var byOrigin: [String: [Observation]] = [:]
        for o in obs { byOrigin[o.origin, default: []].append(o) }
        // Crisis regressions per class: g on g(t−1) (consecutive like-for-like changes only).
        var rows = [[(origin: String, year: Int, g: Double, prev: Double, before: Double, after: Double)]](repeating: [], count: classBounds.count)
        var background: [(origin: String, x: Double, prev: Double)] = []
        var lastGrowth: [String: Double] = [:]
        for c in byOrigin.keys.sorted() {   // sorted: sums in a fixed order, the same bytes every run
            let list = byOrigin[c] ?? []
            let sorted = list.sorted { $0.year < $1.year }
            var previous: Observation? = nil
            for o in sorted {
                defer { previous = o }
                let key = "\(c)|\(o.year)"
                if onsets.contains(key) { continue }
                if o.before >= crisisThreshold {
                    guard let p = previous, p.year == o.year - 1 else { continue }
                    // before/after in units of population at t−1 (D+1 scaled by P(t−1)/P(t) after), so
                    // that after/before = exp(g).
                    rows[StockGrowthModel.classIndex(o.before, classBounds)].append((c, o.year, o.growth, max(-momentumClip, min(momentumClip, p.growth)),
                                                       o.before + 1, (o.after + 1) * o.popBefore / o.popAfter))
                } else {
                    background.append((c, log((o.after + 1) / o.popAfter), log((o.before + 1) / o.popBefore)))
                }
            }
            if let l = sorted.last { lastGrowth[c] = max(-momentumClip, min(momentumClip, l.growth)) }
        }
        // Merge thin classes downwards.
        var bounds = classBounds
        var k = rows.count - 1
        while k > 0 { if rows[k].count < 30 { rows[k - 1] += rows[k]; rows.remove(at: k); bounds.remove(at: k) }; k -= 1 }
        guard rows[0].count >= 20 else { throw FitError.noData("\(type.rawValue): only \(rows[0].count) like-for-like crisis changes in \(years)") }
        var classes: [ClassFit] = []
        var residualsByOrigin: [String: [Double]] = [:]
        var residualAt: [String: [Int: Double]] = [:]
        // Common shocks: the years' mean residuals over all origins vary more than independent
        // residuals would (crises erupt together: 2012–2015, 2022–2023). Their variance,
        // s² = Var(ē_year) − mean(σ²/n_year) (method of moments), becomes a shock shared by all
        // origins in a simulated year; the bootstrap draws the residuals net of their year's mean.
        var byYear: [Int: [Double]] = [:]
        // Per class: g = α_phase + φ·g(t−1) + e, with phase = growth when g(t−1) > 0 (least squares
        // with a phase dummy: φ from the within-phase deviations, α_p = ḡ_p − φ·prev̄_p). A phase
        // with fewer than 5 observations shares the class's single intercept.
        var fits: [(phi: Double, ols: [Double])] = []
        for r in rows {
            var n = [0.0, 0.0], mx = [0.0, 0.0], my = [0.0, 0.0]
            for o in r { let p = ClassFit.phase(o.prev); n[p] += 1; mx[p] += o.prev; my[p] += o.g }
            let split = n[0] >= 5 && n[1] >= 5
            if !split { n = [n[0] + n[1], n[0] + n[1]]; mx = [mx[0] + mx[1], mx[0] + mx[1]]; my = [my[0] + my[1], my[0] + my[1]] }
            for p in 0..<2 { mx[p] /= max(1, n[p]); my[p] /= max(1, n[p]) }
            var sxx = 0.0, sxy = 0.0
            for o in r {
                let p = split ? ClassFit.phase(o.prev) : 0
                sxx += (o.prev - mx[p]) * (o.prev - mx[p]); sxy += (o.prev - mx[p]) * (o.g - my[p])
            }
            // Momentum within (−0.2, 0.9): a negative or explosive φ is not a life cycle.
            let phi = sxx > 0 ? max(-0.2, min(0.9, sxy / sxx)) : 0
            let ols = (0..<2).map { my[$0] - phi * mx[$0] }
            fits.append((phi, ols))
            for o in r { byYear[o.year, default: []].append(o.g - ols[ClassFit.phase(o.prev)] - phi * o.prev) }
        }
        let yearMean = byYear.mapValues { $0.reduce(0, +) / Double($0.count) }
        let yearsSorted = byYear.keys.sorted()
        let pooled = yearsSorted.flatMap { byYear[$0] ?? [] }
        let within = pooled.reduce(0) { $0 + $1 * $1 } / Double(max(1, pooled.count))
        let ym = yearsSorted.map { yearMean[$0] ?? 0 }, grandYear = ym.reduce(0, +) / Double(max(1, ym.count))
        let betweenYears = ym.reduce(0) { $0 + ($1 - grandYear) * ($1 - grandYear) } / Double(max(1, ym.count - 1))
        let noiseYears = yearsSorted.reduce(0) { $0 + within / Double(byYear[$1]?.count ?? 1) } / Double(max(1, byYear.count))
        let yearSigma = ym.count >= 5 ? max(0, betweenYears - noiseYears).squareRoot() : 0
        // Displacement moves in regimes (the declining 1990s, the 2012–2024 surge), so the common
        // shocks of consecutive years are correlated: ρ = γ₁/s², γ₁ the lag-1 autocovariance of
        // the year means over consecutive years (their sampling noise is independent across years
        // and leaves γ₁ unbiased), clipped to [0, 0.9]. The projection starts from the last fitted
        // year's state, shrunk like a random effect.
        var yearRho = 0.0, yearState = 0.0, yearStateVariance = 0.0
        if yearSigma > 0, let last = yearsSorted.last, let lastMean = yearMean[last] {
            let s2 = yearSigma * yearSigma
            var gamma1 = 0.0, pairs = 0
            for i in 1..<ym.count where yearsSorted[i - 1] == yearsSorted[i] - 1 {
                gamma1 += (ym[i] - grandYear) * (ym[i - 1] - grandYear); pairs += 1
            }
            if pairs >= 5 { yearRho = max(0, min(0.9, gamma1 / Double(pairs) / s2)) }
            let noiseLast = within / Double(max(1, byYear[last]?.count ?? 1))
            yearState = (lastMean - grandYear) * s2 / (s2 + noiseLast)
            yearStateVariance = s2 * noiseLast / (s2 + noiseLast)
        }
        for (k, r) in rows.enumerated() {
            let n = Double(r.count)
            let (phi, ols) = fits[k]
            var res: [Double] = []
            for o in r {
                let e = o.g - ols[ClassFit.phase(o.prev)] - phi * o.prev - (yearSigma > 0 ? yearMean[o.year] ?? 0 : 0)
                res.append(e); residualsByOrigin[o.origin, default: []].append(e)
                residualAt[o.origin, default: [:]][o.year] = e
            }
            // Aggregate-consistent intercept: the bootstrap gives any stock of the class any
            // residual, and the large residuals belong to the small stocks, so α is set for the
            // class's total to grow as observed: Σ D(t−1)·exp(α + φ·g(t−1))·mean exp(e) = Σ D(t).
            let meanExpE = res.reduce(0) { $0 + exp($1) } / n
            let s2 = res.reduce(0) { $0 + $1 * $1 } / max(1, n - 3)
            var alpha = [0.0, 0.0], se = [0.0, 0.0]
            let split = ols[0] != ols[1]
            for p in 0..<2 {
                let members = split ? r.filter { ClassFit.phase($0.prev) == p } : r
                let totalAfter = members.reduce(0) { $0 + $1.after }
                let expectedBase = members.reduce(0) { $0 + $1.before * exp(phi * $1.prev) }
                alpha[p] = log(totalAfter / expectedBase) - log(meanExpE)
                se[p] = (s2 / Double(members.count)).squareRoot()
            }
            classes.append(ClassFit(lowerBound: bounds[k], alpha: alpha, alphaStandardError: se,
                                    phi: phi, sigma: s2.squareRoot(), residuals: res.sorted()))
        }
        // Origin effects: normal–normal shrinkage of the origins' mean residuals.
        let originsSorted = residualsByOrigin.keys.sorted()
        let allRes = originsSorted.flatMap { residualsByOrigin[$0] ?? [] }
        let sigma2 = allRes.reduce(0) { $0 + $1 * $1 } / Double(max(1, allRes.count))
        let means = residualsByOrigin.mapValues { ($0.reduce(0, +) / Double($0.count), Double($0.count)) }
        let m = Double(means.count)
        let meanList = originsSorted.compactMap { means[$0] }
        let grand = meanList.reduce(0) { $0 + $1.0 } / max(1, m)
        let between = meanList.reduce(0) { $0 + ($1.0 - grand) * ($1.0 - grand) } / max(1, m - 1)
        let noise = meanList.reduce(0) { $0 + sigma2 / $1.1 } / max(1, m)
        let tau2 = max(1e-6, between - noise)
        let persistence = originEffectPersistence(residualAt, tau2: tau2, sigma2: sigma2)
        var effects: [String: (mean: Double, variance: Double)] = [:]
        for (c, (e, n)) in means {
            let precision = 1 / tau2 + n / sigma2
            effects[c] = (mean: (n / sigma2) * e / precision, variance: 1 / precision)
        }
        // Background: AR(1) of the log share around each origin's mean level.
        var levels: [String: [Double]] = [:]
        for b in background { levels[b.origin, default: []].append(b.prev) }
        let level = levels.mapValues { $0.reduce(0, +) / Double($0.count) }
        var sxx = 0.0, sxy = 0.0
        for b in background { let m = level[b.origin] ?? 0; sxx += (b.prev - m) * (b.prev - m); sxy += (b.prev - m) * (b.x - m) }
        let psi = sxx > 0 ? max(0, min(0.98, sxy / sxx)) : 0.5
        let bres = background.map { $0.x - (level[$0.origin] ?? 0) - psi * ($0.prev - (level[$0.origin] ?? 0)) }.sorted()
        let allLevels = level.values.sorted()
        let defaultLevel = allLevels.isEmpty ? log(1e-5) : QuantileSummary.quantile(sorted: allLevels, 0.5)
        return CrisisLifeCycleModel(type: type, classes: classes, originEffect: effects, tau2: tau2,
                                    backgroundPsi: psi, backgroundResiduals: bres.isEmpty ? [0] : bres, backgroundLevel: level,
                                    defaultBackgroundLevel: defaultLevel, lastGrowth: lastGrowth, fitYears: years, yearSigma: yearSigma,
                                    yearRho: yearRho, yearState: yearState, yearStateVariance: yearStateVariance,
                                    originPersistence: persistence.lambda, originEffectSlopes: persistence.slopes)
    }

    /// The persistence λ of an origin's deviation from its class drift, estimated as the
    /// projection uses it: how much the origin effect known at year y (the shrunk mean of its
    /// residuals up to y, û_c(y) = ē·nτ²/(nτ² + σ²)) predicts its residuals k = 1…10 years later.
    /// b_k = Σ û_c(y)·e_c(y+k) / Σ û_c(y)² pooled over origins and years; λ minimises
    /// Σ_k W_k·(b_k − λ^k)² (W_k = Σ û², grid 0…0.95 by 0.01). A constant effect (λ = 1) would
    /// compound for ever; λ = 0 ignores the origin's history. Returns λ and b_1…b_10.
    static func originEffectPersistence(_ residualAt: [String: [Int: Double]], tau2: Double, sigma2: Double) -> (lambda: Double, slopes: [Double]) {
        let H = 10
        var num = [Double](repeating: 0, count: H), den = [Double](repeating: 0, count: H)
        for c in residualAt.keys.sorted() {
            guard let r = residualAt[c] else { continue }
            let years = r.keys.sorted()
            var sum = 0.0, n = 0.0
            for y in years {
                guard let e = r[y] else { continue }
                sum += e; n += 1
                let u = sum / n * (n * tau2) / (n * tau2 + sigma2)
                for k in 1...H { if let later = r[y + k] { num[k - 1] += u * later; den[k - 1] += u * u } }
            }
        }
        let b = (0..<H).map { den[$0] > 0 ? num[$0] / den[$0] : 0 }
        var best = (lambda: 0.0, loss: Double.infinity)
        for step in 0...95 {
            let l = Double(step) / 100
            var loss = 0.0, power = 1.0
            for k in 0..<H { power *= l; loss += den[k] * (b[k] - power) * (b[k] - power) }
            if loss < best.loss { best = (l, loss) }
        }
        return (best.lambda, b)
    }

    /// The class fit of a stock of `stock` people (≥ crisisThreshold).
    public func classFit(forStock stock: Double) -> ClassFit {
        classes[StockGrowthModel.classIndex(stock, classes.map(\.lowerBound))]
    }

    /// The long-run drift of `origin`'s crisis at a stock of `stock` people: (α_k + û_c)/(1 − φ_k).
    public func drift(origin: String, stock: Double) -> Double {
        let f = classFit(forStock: stock)
        return (f.alpha[0] + (originEffect[origin]?.mean ?? 0)) / (1 - f.phi)
    }

    /// The expected path of a crisis (no shocks, origin effect `u`), from a stock `d0` with the
    /// previous growth `g0`, at constant population: the life-cycle shape (tests check it).
    public func expectedPath(stock d0: Double, previousGrowth g0: Double, years: Int, originEffect u: Double = 0) -> [Double] {
        var d = d0, g = g0
        var out: [Double] = []
        for _ in 0..<years {
            let f = classFit(forStock: max(d, Self.crisisThreshold))
            g = f.alpha[ClassFit.phase(g)] + u + f.phi * max(-Self.momentumClip, min(Self.momentumClip, g))
            d *= exp(g)
            out.append(d)
        }
        return out
    }
}
