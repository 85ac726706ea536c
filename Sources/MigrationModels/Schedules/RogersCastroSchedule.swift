import Foundation

/// The Rogers–Castro model migration schedule (Rogers & Castro 1981; Rogers & Little 1994;
/// Rogers, Castro & Lea 2005), the age profile of migration rates
///
///     M(x) = a₁ e^{−α₁x}                                  pre-labour force (childhood)
///          + a₂ exp(−α₂(x − μ₂) − e^{−λ₂(x − μ₂)})         labour force peak
///          + a₃ exp(−α₃(x − μ₃) − e^{−λ₃(x − μ₃)})         retirement peak (11, 13)
///          + a₄ e^{λ₄x}                                    post-retirement rise (9, 13)
///          + c                                             constant
///
/// in the 7-, 9-, 11- and 13-parameter forms (DemoTools `mig_calculate_rc`, rcbayes). Ages in
/// years, M as rates per person (or any scale: the a's and c carry it).
public enum RogersCastroModel: Int, Sendable, CaseIterable {
    case sevenParameter = 7
    case nineParameter = 9
    case elevenParameter = 11
    case thirteenParameter = 13

    /// The parameter names in the order used by `RogersCastroParameters.values(for:)`, fits and
    /// bounds: a1, alpha1, a2, alpha2, mu2, lambda2, [a3, alpha3, mu3, lambda3], [a4, lambda4], c.
    public var parameterNames: [String] {
        var names = ["a1", "alpha1", "a2", "alpha2", "mu2", "lambda2"]
        if hasRetirement { names += ["a3", "alpha3", "mu3", "lambda3"] }
        if hasPostRetirement { names += ["a4", "lambda4"] }
        return names + ["c"]
    }

    public var hasRetirement: Bool { self == .elevenParameter || self == .thirteenParameter }
    public var hasPostRetirement: Bool { self == .nineParameter || self == .thirteenParameter }
}

/// The thirteen parameters of the Rogers–Castro schedule; components a model does not use are 0.
public struct RogersCastroParameters: Sendable, Equatable {
    public var a1 = 0.0, alpha1 = 0.0
    public var a2 = 0.0, alpha2 = 0.0, mu2 = 0.0, lambda2 = 0.0
    public var a3 = 0.0, alpha3 = 0.0, mu3 = 0.0, lambda3 = 0.0
    public var a4 = 0.0, lambda4 = 0.0
    public var c = 0.0

    public init() {}

    /// The parameters of `model` named by `model.parameterNames`, in that order.
    /// - Throws: `ScheduleError.invalidInput` when the count does not match.
    public init(_ model: RogersCastroModel, values: [Double]) throws {
        let names = model.parameterNames
        guard values.count == names.count else {
            throw ScheduleError.invalidInput("the \(model.rawValue)-parameter model needs \(names.count) values (\(names.joined(separator: ", "))), got \(values.count)")
        }
        for (name, v) in zip(names, values) { self[name] = v }
    }

    /// A parameter by name (a1, alpha1, …, c); unknown names read as NaN and are ignored on write.
    public subscript(_ name: String) -> Double {
        get {
            switch name {
            case "a1": return a1
            case "alpha1": return alpha1
            case "a2": return a2
            case "alpha2": return alpha2
            case "mu2": return mu2
            case "lambda2": return lambda2
            case "a3": return a3
            case "alpha3": return alpha3
            case "mu3": return mu3
            case "lambda3": return lambda3
            case "a4": return a4
            case "lambda4": return lambda4
            case "c": return c
            default: return .nan
            }
        }
        set {
            switch name {
            case "a1": a1 = newValue
            case "alpha1": alpha1 = newValue
            case "a2": a2 = newValue
            case "alpha2": alpha2 = newValue
            case "mu2": mu2 = newValue
            case "lambda2": lambda2 = newValue
            case "a3": a3 = newValue
            case "alpha3": alpha3 = newValue
            case "mu3": mu3 = newValue
            case "lambda3": lambda3 = newValue
            case "a4": a4 = newValue
            case "lambda4": lambda4 = newValue
            case "c": c = newValue
            default: break
            }
        }
    }

    /// The values of `model`'s parameters, in `model.parameterNames` order.
    public func values(for model: RogersCastroModel) -> [Double] { model.parameterNames.map { self[$0] } }

    /// M(x) (see `RogersCastroModel`). Components with a zero amplitude contribute 0.
    public func rate(at x: Double) -> Double {
        var m = c
        if a1 != 0 { m += a1 * exp(-alpha1 * x) }
        if a2 != 0 { m += a2 * exp(-alpha2 * (x - mu2) - exp(-lambda2 * (x - mu2))) }
        if a3 != 0 { m += a3 * exp(-alpha3 * (x - mu3) - exp(-lambda3 * (x - mu3))) }
        if a4 != 0 { m += a4 * exp(lambda4 * x) }
        return m
    }

    /// M at each age.
    public func rates(at ages: [Double]) -> [Double] { ages.map(rate(at:)) }

    /// The fundamental (mean) schedule of Rogers & Castro (1981), as migest's `rc9.fund`: a1 0.02,
    /// α1 0.1, a2 0.06, α2 0.1, μ2 20, λ2 0.4, c 0.003.
    public static let fundamental: RogersCastroParameters = {
        var p = RogersCastroParameters()
        p.a1 = 0.02; p.alpha1 = 0.1; p.a2 = 0.06; p.alpha2 = 0.1; p.mu2 = 20; p.lambda2 = 0.4; p.c = 0.003
        return p
    }()
}

/// Summary measures of a Rogers–Castro schedule (Rogers & Castro 1981, ch. 3; migest
/// `index_age_rc`).
///
/// Members: `lowPoint` x_l (age of the minimum of M between birth and the labour peak),
/// `highPeak` x_h (age of the labour-force peak of M), `retirementPeak` x_r (local maximum of M
/// near μ₃; nil without a retirement component or when M has no such maximum),
/// `labourForceShift` X = x_h − x_l, `jump` B = M(x_h) − M(x_l), `labourComponentPeak`
/// μ₂ + ln(λ₂/α₂)/λ₂ (peak of the labour term alone), `childDependency` δ₁₂ = a₁/a₂,
/// `labourDependency` δ₂₁ = a₂/a₁ (migest `index_age_rc`'s labor_dependency), `peaking` μ₂
/// (migest's peaking: the labour term's location parameter),
/// `regularity` β₁₂ = α₁/α₂, `labourAsymmetry` σ₂ = λ₂/α₂, `retirementAsymmetry` σ₃ = λ₃/α₃
/// (nil without retirement), `constantShare` δ₁c = a₁/c, `grossMigraproduction` GMR = Σ M(x) over
/// single years of age 0 … `maxAge`.
public struct RogersCastroMeasures: Sendable, Equatable {
    public let lowPoint: Double
    public let highPeak: Double
    public let retirementPeak: Double?
    public let labourForceShift: Double
    public let jump: Double
    public let labourComponentPeak: Double
    public let childDependency: Double
    public let labourDependency: Double
    public let peaking: Double
    public let regularity: Double
    public let labourAsymmetry: Double
    public let retirementAsymmetry: Double?
    public let constantShare: Double
    public let grossMigraproduction: Double
}

extension RogersCastroParameters {
    /// The summary measures over ages 0 … `maxAge` (located on a 0.01-year grid, then refined
    /// by golden-section search to 1e-9 years). `maxAge` is clamped to 10 … `RogersCastro.maximumAge`
    /// (the high peak is searched from age 10; the grid stays bounded), and a non-finite value
    /// counts as 85.
    public func measures(model: RogersCastroModel, maxAge: Double = 85) -> RogersCastroMeasures {
        let maxAge = maxAge.isFinite ? Swift.min(Swift.max(maxAge, 10), RogersCastro.maximumAge) : 85
        let step = 0.01
        let count = Int((maxAge / step).rounded()) + 1
        let grid = (0..<count).map { Double($0) * step }
        let values = grid.map(rate(at:))
        // High peak: the largest M at ages ≥ 10 up to the retirement region (or maxAge).
        let labourEnd = model.hasRetirement ? min(maxAge, (mu2 + mu3) / 2) : maxAge
        let start = Int(10 / step), end = max(start, min(count - 1, Int(labourEnd / step)))
        var h = start
        for k in start...end where values[k] > values[h] { h = k }
        let xh = refine(grid[max(0, h - 1)], grid[min(count - 1, h + 1)], maximize: true)
        var l = 0
        for k in 0...h where values[k] < values[l] { l = k }
        let xl = refine(grid[max(0, l - 1)], grid[min(count - 1, l + 1)], maximize: false)
        var xr: Double? = nil
        if model.hasRetirement, a3 > 0 {
            let lo = max(h + 1, Int(max(0, mu3 - 15) / step)), hi = min(count - 2, Int(min(maxAge, mu3 + 15) / step))
            if lo < hi {
                var best = -1
                for k in lo...hi where values[k] >= values[k - 1] && values[k] >= values[k + 1] {
                    if best < 0 || values[k] > values[best] { best = k }
                }
                if best > 0 { xr = refine(grid[best - 1], grid[best + 1], maximize: true) }
            }
        }
        let gmr = (0...Int(maxAge)).reduce(0.0) { $0 + rate(at: Double($1)) }
        return RogersCastroMeasures(
            lowPoint: xl, highPeak: xh, retirementPeak: xr, labourForceShift: xh - xl, jump: rate(at: xh) - rate(at: xl),
            labourComponentPeak: mu2 + log(lambda2 / alpha2) / lambda2, childDependency: a1 / a2, labourDependency: a2 / a1, peaking: mu2, regularity: alpha1 / alpha2,
            labourAsymmetry: lambda2 / alpha2, retirementAsymmetry: model.hasRetirement ? lambda3 / alpha3 : nil,
            constantShare: a1 / c, grossMigraproduction: gmr)
    }

    /// Golden-section search for the extremum of M on [a, b].
    func refine(_ a0: Double, _ b0: Double, maximize: Bool) -> Double {
        var a = a0, b = b0
        let r = (5.0.squareRoot() - 1) / 2
        let f: (Double) -> Double = { maximize ? -self.rate(at: $0) : self.rate(at: $0) }
        var x1 = b - r * (b - a), x2 = a + r * (b - a)
        var f1 = f(x1), f2 = f(x2)
        while b - a > 1e-9 {
            if f1 < f2 { b = x2; x2 = x1; f2 = f1; x1 = b - r * (b - a); f1 = f(x1) } else { a = x1; x1 = x2; f1 = f2; x2 = a + r * (b - a); f2 = f(x2) }
        }
        return (a + b) / 2
    }
}
