import Foundation
import Linalg

/// Which residuals a Rogers–Castro fit minimises (½ Σ wₓ rₓ²).
public enum RogersCastroResidual: String, Sendable {
    /// rₓ = M(x) − mₓ: fits the peaks (large rates) best; scipy `least_squares` on M − m.
    case absolute
    /// rₓ = log M(x) − log mₓ: relative errors, every age counts alike; needs mₓ > 0.
    case log
}

/// Box constraints of the parameters (by name; see `RogersCastroModel.parameterNames`).
///
/// Defaults (`standard`): a₁, a₂, a₃ ∈ [0, 1]; α₁ ∈ [0, 2]; α₂ ∈ [0.01, 2]; μ₂ ∈ [10, 40];
/// λ₂ ∈ [0.01, 5]; α₃ ∈ [0.01, 5]; μ₃ ∈ [50, 85]; λ₃ ∈ [0.01, 5]; a₄ ∈ [0, 0.1];
/// λ₄ ∈ [0, 0.5]; c ∈ [0, 1] — rates per person; rescale for rates per 1,000.
public struct RogersCastroBounds: Sendable, Equatable {
    public var lower: RogersCastroParameters
    public var upper: RogersCastroParameters
    public init(lower: RogersCastroParameters, upper: RogersCastroParameters) {
        self.lower = lower
        self.upper = upper
    }

    public static let standard: RogersCastroBounds = {
        var lo = RogersCastroParameters(), hi = RogersCastroParameters()
        lo.alpha2 = 0.01; lo.mu2 = 10; lo.lambda2 = 0.01; lo.alpha3 = 0.01; lo.mu3 = 50; lo.lambda3 = 0.01
        hi.a1 = 1; hi.alpha1 = 2; hi.a2 = 1; hi.alpha2 = 2; hi.mu2 = 40; hi.lambda2 = 5
        hi.a3 = 1; hi.alpha3 = 5; hi.mu3 = 85; hi.lambda3 = 5; hi.a4 = 0.1; hi.lambda4 = 0.5; hi.c = 1
        return RogersCastroBounds(lower: lo, upper: hi)
    }()
}

/// Settings of a Rogers–Castro fit.
public struct RogersCastroFitOptions: Sendable {
    public var residual: RogersCastroResidual = .absolute
    public var bounds: RogersCastroBounds = .standard
    /// Weights wₓ per age (nil: all 1).
    public var weights: [Double]? = nil
    /// Starting values tried first (in addition to the automatic ones).
    public var starts: [RogersCastroParameters] = []
    /// Automatic starts: one from the data, plus this many from a Halton sequence over the
    /// non-linear parameters (amplitudes then from linear least squares). 0 = data start only.
    public var multistartCount: Int = 24
    public var maxIterations: Int = 2000
    public init() {}
}

/// A fitted Rogers–Castro schedule.
///
/// Members: `model`, `parameters` (all thirteen; unused ones 0), `names`/`estimates` (the
/// model's parameters in order), `standardErrors` (approximate: √diag(s²(JᵀJ)⁻¹) with
/// s² = 2·cost/(n − p) over the parameters not at a bound; NaN at a bound), `cost`
/// (½Σwr², scipy's `cost`), `fitted` M(x), `residuals`, `activeBounds` (parameters at a bound),
/// `iterations` (of the best start), `converged`, `startCosts` (final cost of every start, the
/// spread shows local minima), `measures` (peaks, labour-force shift, … over the ages fitted),
/// `predict(ages:)` (the schedule at other ages).
public struct RogersCastroFit: Sendable {
    public let model: RogersCastroModel
    public let residual: RogersCastroResidual
    public let parameters: RogersCastroParameters
    public let names: [String]
    public let estimates: [Double]
    public let standardErrors: [Double]
    public let cost: Double
    public let fitted: [Double]
    public let residuals: [Double]
    public let activeBounds: [String]
    public let iterations: Int
    public let converged: Bool
    public let startCosts: [Double]
    public let measures: RogersCastroMeasures

    /// The fitted schedule M(x) at `ages` (any ages, not only the fitted ones):
    /// `parameters.rates(at:)`.
    public func predict(ages: [Double]) -> [Double] { parameters.rates(at: ages) }
}

/// Fitting Rogers–Castro schedules to observed age-specific migration rates.
public enum RogersCastro {
    /// The oldest age a schedule is fitted or summarised at (years). The measures are located on
    /// a 0.01-year grid up to the oldest age, so an age of 1e8 would need a grid of 80 GB.
    public static let maximumAge = 150.0


    /// Fits the `model` schedule to rates mₓ at `ages` by bounded Levenberg–Marquardt
    /// (`BoundedLevenbergMarquardt`, LAPACK least-squares solves) from several starts, keeping the
    /// lowest cost (the 11- and 13-parameter surfaces have local minima). Noise-free schedules
    /// give back their parameters; noisy ones reach scipy.optimize.least_squares' optimum.
    /// - Throws: `ScheduleError` for mismatched lengths, too few ages (n ≤ p), non-finite
    ///   values, ages outside 0 … `maximumAge`, no age of 10 or more (the labour-force peak
    ///   lies above 10), non-positive rates with log residuals, invalid bounds, or no finite fit.
    public static func fit(ages: [Double], rates: [Double], model: RogersCastroModel,
                           options: RogersCastroFitOptions = RogersCastroFitOptions()) throws -> RogersCastroFit {
        let n = ages.count, names = model.parameterNames, p = names.count
        guard rates.count == n else { throw ScheduleError.invalidInput("\(n) ages but \(rates.count) rates") }
        guard n > p else { throw ScheduleError.invalidInput("\(n) ages for \(p) parameters: the fit needs more ages than parameters") }
        for (i, v) in ages.enumerated() where !v.isFinite { throw ScheduleError.invalidValue(what: "age", index: i, value: v, requirement: "ages must be finite") }
        for (i, v) in ages.enumerated() where !(v >= 0 && v <= maximumAge) {
            throw ScheduleError.invalidValue(what: "age", index: i, value: v, requirement: "ages must be between 0 and \(Int(maximumAge)) years")
        }
        guard ages.contains(where: { $0 >= 10 }) else {
            throw ScheduleError.invalidInput("every age is below 10, but the labour-force peak of a Rogers–Castro schedule lies above 10 (typically 20–30) — give rates for ages up to at least 30")
        }
        for (i, v) in rates.enumerated() where !v.isFinite || (options.residual == .log && v <= 0) {
            throw ScheduleError.invalidValue(what: "rate", index: i, value: v, requirement: options.residual == .log ? "log residuals need rates > 0" : "rates must be finite")
        }
        let weights = options.weights ?? [Double](repeating: 1, count: n)
        guard weights.count == n, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ScheduleError.invalidInput("weights must be \(n) finite values ≥ 0")
        }
        let lower = options.bounds.lower.values(for: model), upper = options.bounds.upper.values(for: model)
        for k in 0..<p where !(lower[k] <= upper[k] && lower[k].isFinite && upper[k].isFinite) {
            throw ScheduleError.invalidBounds(parameter: names[k], lower: lower[k], upper: upper[k])
        }
        let rootW = weights.map { $0.squareRoot() }
        let logRates = options.residual == .log ? rates.map { Foundation.log($0) } : []
        let evaluate: ([Double]) -> (residuals: [Double], jacobian: Matrix)? = { v in
            guard let (m, jac) = try? valueAndJacobian(model, v, ages) else { return nil }
            var r = [Double](repeating: 0, count: n)
            var j = jac
            for i in 0..<n {
                if options.residual == .log {
                    guard m[i] > 0 else { return nil }
                    r[i] = rootW[i] * (Foundation.log(m[i]) - logRates[i])
                    for k in 0..<p { j[i, k] *= rootW[i] / m[i] }
                } else {
                    r[i] = rootW[i] * (m[i] - rates[i])
                    for k in 0..<p { j[i, k] *= rootW[i] }
                }
                guard r[i].isFinite else { return nil }
            }
            return (r, j)
        }
        var starts = options.starts.map { $0.values(for: model) }
        starts += automaticStarts(model, ages, rates, lower, upper, count: options.multistartCount)
        var solver = BoundedLevenbergMarquardt()
        solver.maxIterations = options.maxIterations
        var best: BoundedLevenbergMarquardt.Outcome? = nil
        var startCosts: [Double] = []
        for s in starts {
            let outcome: BoundedLevenbergMarquardt.Outcome?
            do { outcome = try solver.minimize(start: s, lower: lower, upper: upper, evaluate: evaluate) } catch {
                throw ScheduleError.linearAlgebra("\(error)")
            }
            guard let o = outcome else { startCosts.append(.nan); continue }
            startCosts.append(o.cost)
            if best == nil || o.cost < (best?.cost ?? .infinity) { best = o }
        }
        guard let b = best else { throw ScheduleError.noFit("\(starts.count) starts") }
        let parameters = try RogersCastroParameters(model, values: b.parameters)
        // Approximate standard errors over the parameters strictly inside their bounds.
        let inside = (0..<p).filter { b.parameters[$0] > lower[$0] && b.parameters[$0] < upper[$0] }
        var se = [Double](repeating: .nan, count: p)
        if !inside.isEmpty, n > p {
            var jtj = try Matrix(rows: inside.count, cols: inside.count)
            for (r, jr) in inside.enumerated() {
                for (c, jc) in inside.enumerated() {
                    var s = 0.0
                    for i in 0..<n { s += b.jacobian[i, jr] * b.jacobian[i, jc] }
                    jtj[r, c] = s
                }
            }
            let s2 = 2 * b.cost / Double(n - p)
            let inverse = (try? jtj.cholesky().inverse()) ?? (try? jtj.pseudoInverse())
            if let inv = inverse {
                for (r, j) in inside.enumerated() { se[j] = (s2 * max(0, inv[r, r])).squareRoot() }
            }
        }
        let active = (0..<p).filter { b.parameters[$0] <= lower[$0] || b.parameters[$0] >= upper[$0] }.map { names[$0] }
        let fitted = parameters.rates(at: ages)
        return RogersCastroFit(model: model, residual: options.residual, parameters: parameters, names: names, estimates: b.parameters,
                               standardErrors: se, cost: b.cost, fitted: fitted, residuals: b.residuals.enumerated().map { rootW[$0.offset] > 0 ? $0.element / rootW[$0.offset] : 0 },
                               activeBounds: active, iterations: b.iterations, converged: b.converged, startCosts: startCosts,
                               measures: parameters.measures(model: model, maxAge: ages.max() ?? 85))
    }

    /// M(x) and ∂M/∂p (n × p) at the model's parameter vector v.
    static func valueAndJacobian(_ model: RogersCastroModel, _ v: [Double], _ ages: [Double]) throws -> ([Double], Matrix) {
        let names = model.parameterNames
        var index: [String: Int] = [:]
        for (k, name) in names.enumerated() { index[name] = k }
        let par = try RogersCastroParameters(model, values: v)
        let n = ages.count
        var m = [Double](repeating: 0, count: n)
        var j = try Matrix(rows: n, cols: names.count)
        for (i, x) in ages.enumerated() {
            let e1 = exp(-par.alpha1 * x)
            var total = par.a1 * e1 + par.c
            j[i, index["a1"] ?? 0] = e1
            j[i, index["alpha1"] ?? 0] = -par.a1 * x * e1
            j[i, index["c"] ?? 0] = 1
            // Labour (and retirement) hump: a·exp(h), h = −α u − e^{−λu}, u = x − μ.
            func hump(_ a: Double, _ alpha: Double, _ mu: Double, _ lambda: Double, _ names: (String, String, String, String)) {
                let u = x - mu, inner = exp(-lambda * u), e = exp(-alpha * u - inner)
                total += a * e
                j[i, index[names.0] ?? 0] = e
                j[i, index[names.1] ?? 0] = -a * u * e
                j[i, index[names.2] ?? 0] = a * e * (alpha - lambda * inner)
                j[i, index[names.3] ?? 0] = a * e * u * inner
            }
            hump(par.a2, par.alpha2, par.mu2, par.lambda2, ("a2", "alpha2", "mu2", "lambda2"))
            if model.hasRetirement { hump(par.a3, par.alpha3, par.mu3, par.lambda3, ("a3", "alpha3", "mu3", "lambda3")) }
            if model.hasPostRetirement {
                let e4 = exp(par.lambda4 * x)
                total += par.a4 * e4
                j[i, index["a4"] ?? 0] = e4
                j[i, index["lambda4"] ?? 0] = par.a4 * x * e4
            }
            m[i] = total
        }
        return (m, j)
    }

    /// Starting values: one from the data (peak age, level at birth, minimum as c), then a
    /// Halton sequence over the non-linear parameters; the amplitudes (a's, c) of every start by
    /// linear least squares given the non-linear ones, clamped to the bounds.
    static func automaticStarts(_ model: RogersCastroModel, _ ages: [Double], _ rates: [Double], _ lower: [Double], _ upper: [Double],
                                count: Int) -> [[Double]] {
        let names = model.parameterNames
        let n = ages.count
        var peakIndex = 0
        for i in 0..<n where ages[i] >= 12 && ages[i] <= 40 && (ages[peakIndex] < 12 || ages[peakIndex] > 40 || rates[i] > rates[peakIndex]) { peakIndex = i }
        let peakAge = ages[peakIndex] >= 12 && ages[peakIndex] <= 40 ? ages[peakIndex] : 22
        var base = RogersCastroParameters.fundamental
        base.mu2 = peakAge - 3.5
        base.a3 = 0.1 * base.a2; base.alpha3 = 0.25; base.mu3 = 65; base.lambda3 = 0.6
        base.a4 = 1e-5; base.lambda4 = 0.05
        var nonlinear: [RogersCastroParameters] = [base]
        // Halton bases 2, 3, 5, 7, 11, 13, 17, 19 for α1, α2, μ2, λ2, α3, μ3, λ3, λ4.
        func halton(_ i: Int, _ b: Int) -> Double {
            var f = 1.0, r = 0.0, k = i
            while k > 0 { f /= Double(b); r += f * Double(k % b); k /= b }
            return r
        }
        for s in 1...max(1, count) where count > 0 {
            var q = base
            q.alpha1 = 0.02 + 0.4 * halton(s, 2)
            q.alpha2 = 0.03 + 0.3 * halton(s, 3)
            q.mu2 = peakAge - 8 + 10 * halton(s, 5)
            q.lambda2 = 0.1 + 1.4 * halton(s, 7)
            q.alpha3 = 0.05 + 1.0 * halton(s, 11)
            q.mu3 = 55 + 20 * halton(s, 13)
            q.lambda3 = 0.1 + 2.0 * halton(s, 17)
            q.lambda4 = 0.01 + 0.1 * halton(s, 19)
            nonlinear.append(q)
        }
        return nonlinear.map { q0 in
            var q = q0
            // Amplitudes by linear least squares: columns e^{−α1x}, hump2, [hump3], [e^{λ4x}], 1.
            var columns: [[Double]] = []
            var amplitudeNames: [String] = []
            columns.append(ages.map { exp(-q.alpha1 * $0) }); amplitudeNames.append("a1")
            columns.append(ages.map { exp(-q.alpha2 * ($0 - q.mu2) - exp(-q.lambda2 * ($0 - q.mu2))) }); amplitudeNames.append("a2")
            if model.hasRetirement { columns.append(ages.map { exp(-q.alpha3 * ($0 - q.mu3) - exp(-q.lambda3 * ($0 - q.mu3))) }); amplitudeNames.append("a3") }
            if model.hasPostRetirement { columns.append(ages.map { exp(q.lambda4 * $0) }); amplitudeNames.append("a4") }
            columns.append([Double](repeating: 1, count: n)); amplitudeNames.append("c")
            if let design = try? Matrix(rows: n, cols: columns.count, columnMajor: columns.flatMap { $0 }),
               let amplitudes = try? design.leastSquares(rates, method: .svd()) {
                for (name, a) in zip(amplitudeNames, amplitudes) { q[name] = a }
            }
            return names.enumerated().map { k, name in
                let v = q[name]
                let (lo, hi) = (lower[k], upper[k])
                // Strictly inside the box so that every start can move both ways.
                let margin = 1e-6 * (hi - lo)
                return v.isFinite ? min(max(v, lo + margin), hi - margin) : (lo + hi) / 2
            }
        }
    }
}
