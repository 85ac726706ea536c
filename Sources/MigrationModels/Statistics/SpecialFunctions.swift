import Foundation

/// Digamma and trigamma functions (needed for the negative-binomial θ).
///
/// ψ(x) and ψ′(x) by upward recurrence to x ≥ 6 and the asymptotic (Stirling) series, as in
/// Bernardo (1976, AS 103) and Schneider (1978, AS 121); relative error < 1e-13 for x > 0.
package enum SpecialFunctions {
    package static func digamma(_ x0: Double) -> Double {
        guard x0 > 0 else { return .nan }
        var x = x0, result = 0.0
        while x < 6 { result -= 1 / x; x += 1 }
        let f = 1 / (x * x)
        let series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
        return result + log(x) - 0.5 / x - series
    }

    package static func trigamma(_ x0: Double) -> Double {
        guard x0 > 0 else { return .nan }
        var x = x0, result = 0.0
        while x < 6 { result += 1 / (x * x); x += 1 }
        let f = 1 / (x * x)
        let series = 1 / x + f / 2 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30))))
        return result + series
    }
}
