import Foundation

/// Global warming pathways (IPCC AR6 WG1 SPM.8a: CMIP6 5th percentile, mean and 95th percentile
/// of GSAT change relative to 1850–1900, per SSP, 2015–2099) downscaled to countries by pattern
/// scaling:
///
///     anomaly(i,t) = aᵢ + bᵢ·G(t) + eᵢ(t),   eᵢ ~ N(0, sᵢ²)
///
/// fitted per country by least squares on ERA5 history (country anomaly against the ERA5 world
/// anomaly, both relative to 1991–2020; Santer et al. 1990, Tebaldi & Arblaster 2014). AR6 GSAT
/// is moved to the ERA5 baseline by the mean difference over 2015–2024 (SSP2-4.5 against ERA5
/// world). A draw's warming takes one standard-normal z for the whole path:
/// G(t) = mean(t) + z·(p95(t) − mean(t))/1.645 for z > 0, z·(mean(t) − p05(t))/1.645 otherwise.
public struct ClimatePathways: Sendable {
    public struct Band: Sendable { public let p05: Double; public let mean: Double; public let p95: Double }
    /// Pathway → year → warming on the ERA5 1991–2020 baseline.
    public let pathways: [ClimatePathwayName: [Int: Band]]
    /// Per country: intercept a, slope b, residual sd s.
    public let patterns: [String: (a: Double, b: Double, s: Double)]
    public let baselineOffset: Double
    /// Observed ERA5 world anomalies, used for years the pathways do not cover (backtests).
    public let observedGlobal: [Int: Double]

    public enum PathwayError: Error, CustomStringConvertible {
        case missingYear(pathway: String, year: Int, available: ClosedRange<Int>?)
        public var description: String {
            switch self {
            case let .missingYear(p, y, r):
                return "climate pathway \(p) has no value for \(y)\(r.map { " (available \($0.lowerBound)–\($0.upperBound))" } ?? "") — choose a horizon within it"
            }
        }
    }

    /// - Parameters:
    ///   - ar6: pathway → year → (p05, mean, p95) relative to 1850–1900.
    ///   - history: ERA5 country and world anomalies.
    public init(ar6: [ClimatePathwayName: [Int: Band]], history: DisplacementHistory) {
        // Baseline offset: AR6 SSP2-4.5 mean vs ERA5 world over 2015–2024.
        var diffs: [Double] = []
        for y in 2015...2024 {
            if let a = ar6[.ssp245]?[y]?.mean, let g = history.globalAnomaly[y] { diffs.append(a - g) }
        }
        let offset = diffs.isEmpty ? 0.9 : diffs.reduce(0, +) / Double(diffs.count)
        var shifted: [ClimatePathwayName: [Int: Band]] = [:]
        for (p, years) in ar6 {
            shifted[p] = years.mapValues { Band(p05: $0.p05 - offset, mean: $0.mean - offset, p95: $0.p95 - offset) }
        }
        // Pattern scaling per country.
        var patterns: [String: (a: Double, b: Double, s: Double)] = [:]
        for c in history.temperatureAnomaly.countries {
            var xs: [Double] = [], ys: [Double] = []
            for y in history.temperatureAnomaly.years(c) {
                if let g = history.globalAnomaly[y], let v = history.temperatureAnomaly[c, y] { xs.append(g); ys.append(v) }
            }
            guard xs.count >= 10 else { continue }
            let n = Double(xs.count)
            let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
            var sxy = 0.0, sxx = 0.0
            for k in 0..<xs.count { sxy += (xs[k] - mx) * (ys[k] - my); sxx += (xs[k] - mx) * (xs[k] - mx) }
            let b = sxx > 0 ? sxy / sxx : 1
            let a = my - b * mx
            var ss = 0.0
            for k in 0..<xs.count { let e = ys[k] - a - b * xs[k]; ss += e * e }
            patterns[c] = (a, b, (ss / max(1, n - 2)).squareRoot())
        }
        self.pathways = shifted
        self.patterns = patterns
        self.baselineOffset = offset
        self.observedGlobal = history.globalAnomaly
    }

    /// Global warming (ERA5 baseline) in `year` for a draw with standard-normal `z`.
    /// AR6 SPM.8a ends in 2099; 2100 uses the 2099 value. Years before the pathways start (a
    /// backtest from the past) use the observed ERA5 world anomaly: backtests evaluate the
    /// displacement model given the climate that happened.
    public func global(_ pathway: ClimatePathwayName, year: Int, z: Double) throws -> Double {
        if let first = pathways[pathway]?.keys.min(), year < first, let observed = observedGlobal[year] { return observed }
        var year = year
        if year == 2100, pathways[pathway]?[2100] == nil { year = 2099 }
        guard let band = pathways[pathway]?[year] else {
            let ys = pathways[pathway]?.keys
            throw PathwayError.missingYear(pathway: pathway.rawValue, year: year, available: ys.flatMap { k in k.min().flatMap { lo in k.max().map { lo...$0 } } })
        }
        return z >= 0 ? band.mean + z * (band.p95 - band.mean) / 1.6448536269514722
                      : band.mean + z * (band.mean - band.p05) / 1.6448536269514722
    }

    /// Country anomaly from global warming G (without the interannual noise).
    public func country(_ iso3: String, global g: Double) -> Double? {
        patterns[iso3].map { $0.a + $0.b * g }
    }
}
