/// Sex in a cohort-component projection. Births come from the female population, so female
/// is always the first sex in a layout.
public enum Sex: String, Sendable, Equatable, Hashable, CaseIterable {
    case female, male
}

/// The shape of a multiregional population: regions × age groups × sexes, and the layout of
/// its values in memory.
///
/// Age groups are `ageWidth` years wide (1 for single years, 5 for five-year groups), the last
/// one open-ended; a projection step lasts `ageWidth` years, so each step moves a cohort one
/// group up (Rogers 1995, *Multiregional Demography*, ch. 4). Value (region i, age group a,
/// sex s) lives at index i + R·(a + A·s): for one age group and sex the regions are
/// contiguous, so the population is an R × (A·S) column-major matrix and inter-regional
/// migration is one matrix product per step.
///
/// Members: `regions` (R unique names), `ageGroups` (A ≥ 2), `ageWidth` (years), `sexes`
/// (`[.female]` for a one-sex, female-dominant model or `[.female, .male]`), `count`
/// (R·A·S).
public struct PopulationLayout: Sendable, Equatable, Hashable {
    public let regions: [String]
    public let ageGroups: Int
    public let ageWidth: Int
    public let sexes: [Sex]

    /// - Throws: `CohortProjectionError.invalidInput` for no region, duplicate or empty region names,
    ///   fewer than two age groups, a width below one year, or sexes other than `[.female]` and
    ///   `[.female, .male]`.
    public init(regions: [String], ageGroups: Int, ageWidth: Int = 1, sexes: [Sex] = [.female, .male]) throws {
        guard !regions.isEmpty else { throw CohortProjectionError.invalidInput("the region list is empty — give at least one region") }
        var seen = Set<String>()
        for r in regions {
            guard !r.isEmpty else { throw CohortProjectionError.invalidInput("a region name is empty — name every region") }
            guard seen.insert(r).inserted else { throw CohortProjectionError.invalidInput("region '\(r)' appears twice — region names must be unique") }
        }
        guard ageGroups >= 2 else { throw CohortProjectionError.invalidInput("a projection needs at least two age groups (the last is open-ended); got \(ageGroups)") }
        guard ageWidth >= 1 else { throw CohortProjectionError.invalidInput("the age-group width (= step length) must be ≥ 1 year; got \(ageWidth)") }
        guard sexes == [.female] || sexes == [.female, .male] else {
            throw CohortProjectionError.invalidInput("sexes must be [.female] or [.female, .male] (births come from females, listed first); got \(sexes)")
        }
        guard !regions.count.multipliedReportingOverflow(by: ageGroups * sexes.count).overflow else { throw CohortProjectionError.invalidInput("\(regions.count) regions × \(ageGroups) ages × \(sexes.count) sexes overflows") }
        self.regions = regions
        self.ageGroups = ageGroups
        self.ageWidth = ageWidth
        self.sexes = sexes
    }

    /// R.
    public var regionCount: Int { regions.count }
    /// R·A·S, the number of values.
    public var count: Int { regions.count * ageGroups * sexes.count }

    /// Index of (region, age group, sex index) in a value array: i + R·(a + A·s).
    @inlinable public func index(region: Int, age: Int, sex: Int) -> Int {
        region + regions.count * (age + ageGroups * sex)
    }

    /// "30" or "30-34" for an age group, "100+" for the last one.
    public func ageLabel(_ a: Int) -> String {
        let start = a * ageWidth
        if a == ageGroups - 1 { return "\(start)+" }
        return ageWidth == 1 ? "\(start)" : "\(start)-\(start + ageWidth - 1)"
    }

    /// "region 'X', age 30-34, female" for messages.
    func cellLabel(_ index: Int) -> String {
        let r = regions.count
        let i = index % r
        let rest = index / r
        let a = rest % ageGroups, s = rest / ageGroups
        return "region '\(regions[i])', age \(ageLabel(a)), \(s < sexes.count ? sexes[s].rawValue : "?")"
    }

    /// Index of a region by name.
    /// - Throws: `CohortProjectionError.invalidInput` for an unknown region.
    public func regionIndex(_ name: String) throws -> Int {
        guard let i = regions.firstIndex(of: name) else {
            throw CohortProjectionError.invalidInput("unknown region '\(name)' — the layout's regions are \(regions.prefix(10).joined(separator: ", "))\(regions.count > 10 ? ", …" : "")")
        }
        return i
    }
}
