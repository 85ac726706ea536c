import Foundation

/// A random stream that depends only on (seed, draw, stream): the Monte Carlo draw d of a run
/// with seed s produces the same numbers whatever the thread count or the order in which draws
/// are computed, so runs are byte-reproducible and can be split across machines.
///
/// The key is hashed into a 64-bit state by SplitMix64's finaliser (Steele, Lea & Flood 2014,
/// "Fast splittable pseudorandom number generators"); numbers come from xoshiro256** (Blackman &
/// Vigna 2021) seeded by SplitMix64 from that state.
package struct DrawRandomStream: RandomNumberGenerator, @unchecked Sendable {   // the one pointer is to an immutable table
    var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// The ziggurat tables (read once per stream, not through the lazy global per normal).
    let ziggurat: UnsafePointer<Double> = DrawRandomStream.zigguratTable

    /// Streams used by the engine; each has its own numbers for the same (seed, draw).
    package enum Purpose: UInt64, Sendable {
        case coefficients = 1, climate = 2, country = 3, shocks = 4, disaster = 5, residual = 6, other = 7
    }

    /// - Parameters: seed, draw index, purpose, and a sub-key (e.g. a country index).
    package init(seed: UInt64, draw: Int, purpose: Purpose, key: Int = 0) {
        var x = DrawRandomStream.mix(seed ^ 0x6A09_E667_F3BC_C909)
        x = DrawRandomStream.mix(x ^ UInt64(truncatingIfNeeded: draw) &* 0x9E37_79B9_7F4A_7C15)
        x = DrawRandomStream.mix(x ^ purpose.rawValue &* 0xBF58_476D_1CE4_E5B9)
        x = DrawRandomStream.mix(x ^ UInt64(truncatingIfNeeded: key) &* 0x94D0_49BB_1331_11EB)
        var sm = x
        func next() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            return DrawRandomStream.mix(sm)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always) static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    package mutating func next() -> UInt64 {
        let result = DrawRandomStream.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = DrawRandomStream.rotl(s3, 45)
        return result
    }

    /// Uniform on (0, 1).
    package mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1.0p-53 }

    /// Standard normal by the ziggurat method (Marsaglia & Tsang 2000, "The ziggurat method for
    /// generating random variables", J. Stat. Softw. 5(8)), 256 layers of equal area
    /// v = 0.00492867323399 with base r = 3.6541528853610088. One 64-bit number gives the layer
    /// (its low 8 bits) and a signed 53-bit uniform (its high bits, independent of the layer, as
    /// Doornik 2005 recommends); about 99 % of normals cost one multiplication and one
    /// comparison. The rest take the wedge test against exp(−x²/2) or Marsaglia's (1964) tail
    /// algorithm beyond r. Deterministic: rejections consume the stream's own numbers.
    package mutating func normal() -> Double {
        let z = ziggurat
        while true {
            let bits = next()
            let i = Int(bits & 0xFF)
            let u = Double(Int64(bitPattern: bits) >> 11) * 0x1p-52   // [−1, 1)
            let x = u * z[i]
            if abs(x) < z[i + 1] { return x }
            if i == 0 {
                let r = DrawRandomStream.zigguratBase
                var a = 0.0, b = 0.0
                repeat { a = -log(uniform()) / r; b = -log(uniform()) } while b + b < a * a
                return u > 0 ? r + a : -(r + a)
            }
            let f0 = z[257 + i], f1 = z[257 + i + 1]
            if f0 + uniform() * (f1 - f0) < exp(-0.5 * x * x) { return x }
        }
    }

    static let zigguratBase = 3.6541528853610088
    /// The ziggurat's layer edges x₀ … x₂₅₆ (x₀ = v/f(r) the base layer's width, x₁ = r, x₂₅₆ = 0)
    /// followed by f(xᵢ) = exp(−xᵢ²/2), in one buffer that lives as long as the process.
    nonisolated(unsafe) static let zigguratTable: UnsafePointer<Double> = {
        let n = 256, r = zigguratBase, v = 0.00492867323399
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 2 * (n + 1))
        var x = [Double](repeating: 0, count: n + 1)
        x[0] = v / exp(-0.5 * r * r)
        x[1] = r
        for i in 2..<n { x[i] = (-2 * log(min(1, v / x[i - 1] + exp(-0.5 * x[i - 1] * x[i - 1])))).squareRoot() }
        x[n] = 0
        for i in 0...n { p[i] = x[i]; p[n + 1 + i] = exp(-0.5 * x[i] * x[i]) }
        return UnsafePointer(p)
    }()

    /// Gamma(shape k, scale 1) by Marsaglia & Tsang (2000); k < 1 via the boost U^(1/k).
    package mutating func gamma(shape k: Double) -> Double {
        guard k > 0, k.isFinite else { return k.isInfinite ? .infinity : 0 }
        if k < 1 { return gamma(shape: k + 1) * pow(uniform(), 1 / k) }
        let d = k - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Poisson(λ): inversion for small λ, PTRS (Hörmann 1993) up to λ = 1e4, and above it the
    /// normal approximation N(λ, λ) rounded (its skewness, 1/√λ ≤ 0.01, is negligible next to the
    /// model's own noise).
    package mutating func poisson(_ lambda: Double) -> Double {
        guard lambda > 0, lambda.isFinite else { return 0 }
        if lambda < 30 {
            let l = exp(-lambda)
            var k = 0.0, p = 1.0
            repeat { k += 1; p *= uniform() } while p > l
            return k - 1
        }
        if lambda > 1e4 { return max(0, (lambda + lambda.squareRoot() * normal()).rounded()) }
        let slam = lambda.squareRoot(), loglam = log(lambda)
        let b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5, v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return k }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) { return k }
        }
    }
}
