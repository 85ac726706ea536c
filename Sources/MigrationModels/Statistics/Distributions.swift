import Foundation

/// Cumulative distribution functions and quantiles needed for inference: standard normal,
/// Student t, F and chi-squared, via the regularized incomplete beta and gamma functions
/// (continued fractions / series as in Press et al., "Numerical Recipes", 3rd ed., §6.2–6.4;
/// accurate to ~1e-14 relative in the ranges used for p-values).
package enum Distributions {
    /// Φ(x), standard normal CDF.
    package static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Two-sided p-value 2·(1 − Φ(|z|)), computed without cancellation.
    package static func normalTwoSidedP(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// Φ⁻¹(p) by Acklam's rational approximation refined with two Newton steps (|error| < 1e-15).
    package static func normalQuantile(_ p: Double) -> Double {
        guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
        let a: [Double] = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b: [Double] = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c: [Double] = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d: [Double] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        func poly(_ coefficients: [Double], _ t: Double) -> Double {
            var acc = 0.0
            for v in coefficients { acc = acc * t + v }
            return acc
        }
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x = poly(c, q) / (poly(d, q) * q + 1)
        } else if p <= 1 - 0.02425 {
            let q = p - 0.5, r = q * q
            x = poly(a, r) * q / (poly(b, r) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -poly(c, q) / (poly(d, q) * q + 1)
        }
        for _ in 0..<2 {
            let e = normalCDF(x) - p
            let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
            x -= u / (1 + x * u / 2)
        }
        return x
    }

    /// Regularized incomplete beta Iₓ(a, b).
    package static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lg: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lbeta: Double = lg + a * log(x) + b * log(1 - x)
        if x < (a + 1) / (a + b + 2) {
            return exp(lbeta) * betaContinuedFraction(x, a, b) / a
        }
        return 1 - exp(lbeta) * betaContinuedFraction(1 - x, b, a) / b
    }

    static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-16 { break }
        }
        return h
    }

    /// Two-sided p-value of Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2).
    /// df = ∞ gives the normal p-value.
    package static func studentTTwoSidedP(_ t: Double, df: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? .nan : 0 }
        if !df.isFinite { return normalTwoSidedP(t) }
        return incompleteBeta(df / (df + t * t), df / 2, 0.5)
    }

    /// Student t CDF.
    package static func studentTCDF(_ t: Double, df: Double) -> Double {
        let p = 0.5 * studentTTwoSidedP(t, df: df)
        return t >= 0 ? 1 - p : p
    }

    /// Student t quantile by bisection-safeguarded Newton on the CDF.
    package static func studentTQuantile(_ p: Double, df: Double) -> Double {
        guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
        if !df.isFinite { return normalQuantile(p) }
        var lo = -1e6, hi = 1e6
        var x = normalQuantile(p)
        for _ in 0..<200 {
            let f = studentTCDF(x, df: df) - p
            if abs(f) < 1e-16 { break }
            if f > 0 { hi = x } else { lo = x }
            let dens = exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * Double.pi) - (df + 1) / 2 * log1p(x * x / df))
            var next = x - f / dens
            if !(next > lo && next < hi) { next = (lo + hi) / 2 }
            if abs(next - x) <= 1e-15 * max(1, abs(x)) { x = next; break }
            x = next
        }
        return x
    }

    /// Upper tail P(F > f) of the F distribution with (d1, d2) degrees of freedom.
    package static func fSurvival(_ f: Double, _ d1: Double, _ d2: Double) -> Double {
        guard f > 0 else { return 1 }
        return incompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2)
    }

    /// Regularized lower incomplete gamma P(a, x) (series for x < a + 1, else 1 − Q).
    package static func incompleteGammaP(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x < a + 1 {
            var sum = 1 / a, del = sum, ap = a
            for _ in 0..<100_000 {
                ap += 1; del *= x / ap; sum += del
                if abs(del) < abs(sum) * 1e-16 { break }
            }
            return sum * exp(-x + a * log(x) - lgamma(a))
        }
        return 1 - incompleteGammaQ(a, x)
    }

    /// Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed directly for
    /// x ≥ a + 1 (Lentz's continued fraction) so that tiny tail probabilities keep their
    /// relative accuracy instead of cancelling in 1 − P.
    package static func incompleteGammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x < a + 1 { return 1 - incompleteGammaP(a, x) }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }

    /// Upper tail P(χ²_k > x).
    package static func chiSquaredSurvival(_ x: Double, df: Double) -> Double {
        incompleteGammaQ(df / 2, x / 2)
    }
}
