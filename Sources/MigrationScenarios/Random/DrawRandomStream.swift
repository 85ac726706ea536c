import Foundation

/// A random stream that depends only on (seed, draw, stream): the Monte Carlo draw d of a run
/// with seed s produces the same numbers whatever the thread count or the order in which draws
/// are computed, so runs are byte-reproducible and can be split across machines.
///
/// The key is hashed into a 64-bit state by SplitMix64's finaliser (Steele, Lea & Flood 2014,
/// "Fast splittable pseudorandom number generators"); numbers come from xoshiro256** (Blackman &
/// Vigna 2021) seeded by SplitMix64 from that state.
package struct DrawRandomStream: RandomNumberGenerator, Sendable {
    var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// Box–Muller makes normals in pairs; the second is kept for the next call.
    var spareNormal: Double = .nan

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

    /// Standard normal (Marsaglia's polar method, both values of each pair used; deterministic:
    /// the rejection loop consumes the stream's own uniforms). No sine or cosine, about twice as
    /// fast as Box–Muller.
    package mutating func normal() -> Double {
        if !spareNormal.isNaN {
            let v = spareNormal
            spareNormal = .nan
            return v
        }
        var x = 0.0, y = 0.0, s = 0.0
        repeat {
            x = 2 * uniform() - 1
            y = 2 * uniform() - 1
            s = x * x + y * y
        } while s >= 1 || s == 0
        let f = (-2 * log(s) / s).squareRoot()
        spareNormal = y * f
        return x * f
    }

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
