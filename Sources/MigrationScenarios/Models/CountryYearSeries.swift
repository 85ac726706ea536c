/// Values per country and year (ISO 3166 alpha-3 × calendar year); absent = not observed.
public struct CountryYearSeries: Sendable, Equatable {
    public private(set) var values: [String: [Int: Double]] = [:]

    public init() {}
    public init(_ values: [String: [Int: Double]]) { self.values = values }

    public subscript(country: String, year: Int) -> Double? {
        get { values[country]?[year] }
        set { values[country, default: [:]][year] = newValue }
    }

    public var countries: [String] { values.keys.sorted() }

    /// Years with a value for `country`, ascending.
    public func years(_ country: String) -> [Int] { (values[country]?.keys).map { $0.sorted() } ?? [] }

    /// The last year with a value for `country`.
    public func lastYear(_ country: String) -> Int? { values[country]?.keys.max() }

    /// Sum over countries in `year` (countries without a value count as 0).
    public func total(_ year: Int) -> Double {
        var s = 0.0
        for c in values.keys.sorted() { s += values[c]?[year] ?? 0 }
        return s
    }

    /// Adds another series cell by cell (absent + x = x).
    public func adding(_ other: CountryYearSeries) -> CountryYearSeries {
        var out = self
        for (c, ys) in other.values { for (y, v) in ys { out[c, y] = (out[c, y] ?? 0) + v } }
        return out
    }
}
