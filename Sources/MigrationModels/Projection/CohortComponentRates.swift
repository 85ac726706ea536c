import Linalg

/// The demographic rates of one projection step of the multiregional cohort-component model
/// (Rogers 1966, 1995): survival, fertility, inter-regional migration and, optionally,
/// emigration out of and immigration into the system of regions.
///
/// Arrays indexed by region × age group × sex use the layout's index i + R·(a + A·s); those
/// by region × age group use i + R·a; those by region × sex use i + R·s. The age group of a
/// rate is the cohort's group at the *start* of the step, except immigration (group at the
/// end).
///
/// - `survival` (R·A·S): probability that a person in age group a at the start of the step is
///   alive at its end (then in group a + 1; the last, open group stays). Probabilities in
///   [0, 1] per step (for 5-year steps, 5-year survival ratios ₅Lₓ₊₅/₅Lₓ).
/// - `fertility` (R·A): births (both sexes) per woman per **year** in age group a; the
///   first age group's rate must be 0 (its end-of-step members are the newborns).
/// - `birthSurvival` (R·S): probability that a baby born during the step is alive at its end
///   (for single years L₀/l₀; for five years ₅L₀/(5·l₀)).
/// - `sexRatioAtBirth`: male births per female birth (default 1.05); a female birth has
///   probability 1/(1 + SRB).
/// - `outmigration` (R·A·S): probability that a survivor moves to another region during the
///   step; `destinationShares` (R×R): row i gives where out-migrants from region i go
///   (diagonal 0, rows summing to one for every region with out-migration). The age-specific
///   migration probability from i to j is therefore outmigration(i, a, s)·shares(i, j): the
///   multiplicative model of migration level × age profile × destination pattern (Rogers &
///   Castro 1981), which keeps memory at O(R² + R·A·S) instead of O(R²·A·S).
/// - `emigration` (R·A·S, optional): probability that a survivor leaves the system;
///   outmigration + emigration ≤ 1.
/// - `immigration` (R·A·S, optional): people arriving from outside during the step, counted by
///   their age group at the end of the step; they are added after survival (no exposure to
///   the step's mortality).
/// - `birthExposure`: births from the female population averaged over the start and the end of
///   the step (`.averageOfStartAndEnd`, the Leslie/Keyfitz convention, the default) or from the
///   start-of-step population only (`.startOfStep`, as the simplest Leslie matrices and many
///   spreadsheet projections: B = h·Σ f·K(t)).
/// - `birthMigration` (R×R, optional): where the surviving newborns of mothers in region i are at
///   the end of the step — row i sums to one, its diagonal the share that stays — a migration
///   matrix of its own for the births of the step (the children born during the step moved with
///   their mothers, at a rate the age-0 out-migration of the start population does not cover).
///   nil: newborns stay in their mother's region.
/// - one-sex projections: a layout with `sexes == [.female]` projects the female population
///   only; births contribute their female share 1/(1 + SRB), and `sexRatioAtBirth` 0 keeps every
///   birth (for a both-sexes-combined population with fertility per person).
///
/// Memory: R² + (3 + 2 optional)·R·A·S + R·A + R·S doubles (+ R² with birth migration).
public struct CohortComponentRates: Sendable, Equatable {
    /// Which population the births of a step are drawn from.
    public enum BirthExposure: String, Sendable, CaseIterable {
        /// ½[K(t) + K(t + h)] of the women of each age group (Keyfitz; the default).
        case averageOfStartAndEnd
        /// K(t): the women at the start of the step.
        case startOfStep
    }
    public let layout: PopulationLayout
    public let survival: [Double]
    public let fertility: [Double]
    public let birthSurvival: [Double]
    public let sexRatioAtBirth: Double
    public let outmigration: [Double]
    public let destinationShares: Matrix
    public let emigration: [Double]?
    public let immigration: [Double]?
    public let birthExposure: BirthExposure
    public let birthMigration: Matrix?

    /// Tolerance on |Σⱼ sharesᵢⱼ − 1|.
    public static let shareTolerance = 1e-9

    /// Validated rates for one step.
    /// - Parameters: see the type's description. `outmigration` nil → no internal migration
    ///   (then `destinationShares` may be nil too); `destinationShares` nil with out-migration
    ///   → error.
    ///   `birthExposure` and `birthMigration` as the type's description.
    /// - Throws: `CohortProjectionError.invalidInput` (lengths, a non-zero first-age fertility, a
    ///   non-zero diagonal share, a bad sex ratio, a birth-migration matrix of the wrong shape or
    ///   whose rows do not sum to one), `.nonFinite`, `.negativeValue`,
    ///   `.probabilityAboveOne` (survival, birth survival, out-migration, emigration, or
    ///   out-migration + emigration), `.destinationSharesDoNotSumToOne`.
    public init(layout: PopulationLayout, survival: [Double], fertility: [Double], birthSurvival: [Double],
                sexRatioAtBirth: Double = 1.05, outmigration: [Double]? = nil, destinationShares: Matrix? = nil,
                emigration: [Double]? = nil, immigration: [Double]? = nil,
                birthExposure: BirthExposure = .averageOfStartAndEnd, birthMigration: Matrix? = nil) throws {
        let n = layout.count, r = layout.regionCount, a = layout.ageGroups, s = layout.sexes.count
        func cell3(_ k: Int) -> String { layout.cellLabel(k) }
        func cell2(_ k: Int) -> String { "region '\(layout.regions[k % r])', age \(layout.ageLabel(k / r))" }
        func cellSex(_ k: Int) -> String { "region '\(layout.regions[k % r])', \(layout.sexes[k / r].rawValue)" }
        func pair(_ i: Int, _ j: Int) -> String { "origin '\(layout.regions[i])', destination '\(layout.regions[j])'" }
        try Self.check(survival, n, "survival", cell3, maximum: 1)
        try Self.check(fertility, r * a, "fertility", cell2, maximum: nil)
        for i in 0..<r where fertility[i] != 0 {
            throw CohortProjectionError.invalidInput("fertility in the first age group (\(layout.ageLabel(0))) of region '\(layout.regions[i])' is \(fertility[i]); it must be 0, because that group holds the step's newborns")
        }
        try Self.check(birthSurvival, r * s, "birth survival", cellSex, maximum: 1)
        let oneSex = layout.sexes == [.female]
        guard sexRatioAtBirth.isFinite, sexRatioAtBirth > 0 || (oneSex && sexRatioAtBirth == 0) else {
            throw CohortProjectionError.invalidInput("the sex ratio at birth must be a positive number of male births per female birth (about 1.05; 0 only in a one-sex projection, to keep every birth); got \(sexRatioAtBirth)")
        }
        if let m = birthMigration {
            guard m.rows == r, m.cols == r else {
                throw CohortProjectionError.invalidInput("the birth-migration matrix is \(m.rows)×\(m.cols) but there are \(r) regions — give an R×R matrix, row = the mother's region")
            }
            for i in 0..<r {
                var sum = 0.0
                for j in 0..<r {
                    let v = m[i, j]
                    guard v.isFinite else { throw CohortProjectionError.nonFinite(component: "birth migration", cell: pair(i, j), value: v) }
                    guard v >= 0 else { throw CohortProjectionError.negativeValue(component: "birth migration", cell: pair(i, j), value: v) }
                    sum += v
                }
                guard abs(sum - 1) <= Self.shareTolerance else {
                    throw CohortProjectionError.invalidInput("the birth-migration row of '\(layout.regions[i])' sums to \(sum), not 1 — each row says where that region's newborns are at the end of the step, staying included")
                }
            }
        }
        let out = outmigration ?? [Double](repeating: 0, count: n)
        try Self.check(out, n, "out-migration", cell3, maximum: 1)
        if let emigration {
            try Self.check(emigration, n, "emigration", cell3, maximum: 1)
            for k in 0..<n where out[k] + emigration[k] > 1 + 1e-12 {
                throw CohortProjectionError.probabilityAboveOne(component: "out-migration + emigration", cell: cell3(k), value: out[k] + emigration[k])
            }
        }
        if let immigration { try Self.check(immigration, n, "immigration", cell3, maximum: nil) }
        var regionHasOutmigration = [Bool](repeating: false, count: r)
        for k in 0..<n where out[k] > 0 { regionHasOutmigration[k % r] = true }
        let shares: Matrix
        if let destinationShares {
            guard destinationShares.rows == r, destinationShares.cols == r else {
                throw CohortProjectionError.invalidInput("the destination shares are \(destinationShares.rows)×\(destinationShares.cols) but there are \(r) regions — give an R×R matrix, row = origin")
            }
            shares = destinationShares
        } else {
            if let first = regionHasOutmigration.firstIndex(of: true) {
                throw CohortProjectionError.invalidInput("region '\(layout.regions[first])' has out-migration but no destination shares were given — pass destinationShares (R×R, row = origin)")
            }
            shares = try projectionLinalg { try Matrix(rows: r, cols: r) }
        }
        for i in 0..<r {
            var sum = 0.0
            for j in 0..<r {
                let v = shares[i, j]
                guard v.isFinite else { throw CohortProjectionError.nonFinite(component: "the destination shares", cell: pair(i, j), value: v) }
                guard v >= 0 else { throw CohortProjectionError.negativeValue(component: "the destination shares", cell: pair(i, j), value: v) }
                if i == j && v != 0 {
                    throw CohortProjectionError.invalidInput("the destination share of '\(layout.regions[i])' to itself is \(v); the diagonal must be 0 (staying is 1 − out-migration)")
                }
                sum += v
            }
            if regionHasOutmigration[i] || sum != 0 {
                guard abs(sum - 1) <= Self.shareTolerance else {
                    throw CohortProjectionError.destinationSharesDoNotSumToOne(region: layout.regions[i], sum: sum, tolerance: Self.shareTolerance)
                }
            }
        }
        self.layout = layout
        self.survival = survival
        self.fertility = fertility
        self.birthSurvival = birthSurvival
        self.sexRatioAtBirth = sexRatioAtBirth
        self.outmigration = out
        self.destinationShares = shares
        self.emigration = emigration
        self.immigration = immigration
        self.birthExposure = birthExposure
        self.birthMigration = birthMigration
    }

    /// Probability that a birth is female, 1/(1 + SRB).
    public var femaleBirthFraction: Double { 1 / (1 + sexRatioAtBirth) }

    static func check(_ v: [Double], _ count: Int, _ name: String, _ cell: (Int) -> String, maximum: Double?) throws {
        guard v.count == count else {
            throw CohortProjectionError.invalidInput("\(name) has \(v.count) values but the layout needs \(count)")
        }
        for k in 0..<count {
            let x = v[k]
            guard x.isFinite else { throw CohortProjectionError.nonFinite(component: name, cell: cell(k), value: x) }
            guard x >= 0 else { throw CohortProjectionError.negativeValue(component: name, cell: cell(k), value: x) }
            if let maximum, x > maximum { throw CohortProjectionError.probabilityAboveOne(component: name, cell: cell(k), value: x) }
        }
    }
}
