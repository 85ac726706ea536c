/// A population by region × age group × sex (see `PopulationLayout` for the shape and the
/// memory layout i + R·(a + A·s)).
///
/// Members: `layout`, `values` (count R·A·S, finite and ≥ 0), `total`, `regionTotals`.
public struct RegionalPopulation: Sendable, Equatable {
    public let layout: PopulationLayout
    public internal(set) var values: [Double]

    /// - Throws: `CohortProjectionError.invalidInput` for a wrong count, `.nonFinite`,
    ///   `.negativeValue` (naming region, age group and sex).
    public init(layout: PopulationLayout, values: [Double]) throws {
        guard values.count == layout.count else {
            throw CohortProjectionError.invalidInput("the population has \(values.count) values but the layout needs \(layout.count) (\(layout.regionCount) regions × \(layout.ageGroups) ages × \(layout.sexes.count) sexes)")
        }
        for (k, v) in values.enumerated() {
            guard v.isFinite else { throw CohortProjectionError.nonFinite(component: "the population", cell: layout.cellLabel(k), value: v) }
            guard v >= 0 else { throw CohortProjectionError.negativeValue(component: "the population", cell: layout.cellLabel(k), value: v) }
        }
        self.layout = layout
        self.values = values
    }

    /// An all-zero population.
    public init(zerosFor layout: PopulationLayout) {
        self.layout = layout
        self.values = [Double](repeating: 0, count: layout.count)
    }

    init(unchecked layout: PopulationLayout, values: [Double]) {
        self.layout = layout
        self.values = values
    }

    /// The value for (region index, age group, sex index). Traps out of range, like `Array`.
    public subscript(region: Int, age: Int, sex: Int) -> Double {
        values[layout.index(region: region, age: age, sex: sex)]
    }

    /// The value for a named region and a sex.
    /// - Throws: `CohortProjectionError.invalidInput` for an unknown region, age group or sex.
    public func value(region: String, age: Int, sex: Sex) throws -> Double {
        let i = try layout.regionIndex(region)
        guard age >= 0, age < layout.ageGroups else { throw CohortProjectionError.invalidInput("age group \(age) is outside 0..<\(layout.ageGroups)") }
        guard let s = layout.sexes.firstIndex(of: sex) else { throw CohortProjectionError.invalidInput("the layout has no \(sex.rawValue) population") }
        return self[i, age, s]
    }

    /// Σ of all values.
    public var total: Double { values.reduce(0, +) }

    /// Population per region (all ages and sexes).
    public var regionTotals: [Double] {
        let r = layout.regionCount
        var t = [Double](repeating: 0, count: r)
        for k in values.indices { t[k % r] += values[k] }
        return t
    }
}
