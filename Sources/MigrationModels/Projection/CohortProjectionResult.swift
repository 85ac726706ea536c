/// The demographic account of one projection step, per region (arrays of length R).
///
/// Members: `births` (both sexes, born in the region during the step), `deaths` (of the
/// starting population and of the step's tracked newborns), `outMigrants`, `inMigrants`
/// (inter-regional), `emigrants`, `immigrants` (to and from outside the system),
/// `netInternalMigration` (in − out; sums to zero across regions up to rounding, which the
/// projection checks), `population` (end-of-step totals).
public struct CohortProjectionStepAccount: Sendable, Equatable {
    public let births: [Double]
    public let deaths: [Double]
    public let outMigrants: [Double]
    public let inMigrants: [Double]
    public let emigrants: [Double]
    public let immigrants: [Double]
    public let population: [Double]

    /// in − out per region.
    public var netInternalMigration: [Double] { zip(inMigrants, outMigrants).map { $0 - $1 } }
}

/// The result of a multiregional cohort-component projection.
///
/// Members: `layout`, `steps`, `final` (population after the last step), `populations`
/// (initial plus one per step, when `CohortProjectionOptions.recordPopulations` is set; otherwise
/// empty, keeping memory at O(R² + R·A·S)), `accounts` (one `CohortProjectionStepAccount` per step:
/// O(R·steps)), `maximumMigrationImbalance` (largest |Σ in − Σ out| / max(1, Σ out) over the
/// steps, a check that internal migration sums to zero).
public struct CohortProjectionResult: Sendable, Equatable {
    public let layout: PopulationLayout
    public let steps: Int
    public let final: RegionalPopulation
    public let populations: [RegionalPopulation]
    public let accounts: [CohortProjectionStepAccount]
    public let maximumMigrationImbalance: Double

    /// Total population after each step (initial first): steps + 1 values.
    public let totals: [Double]
}

/// Options of a projection run.
///
/// Members: `recordPopulations` (keep every intermediate population, memory O(R·A·S·steps);
/// default false), `balanceTolerance` (relative tolerance of the zero-sum check on
/// inter-regional migration, default 1e-9).
public struct CohortProjectionOptions: Sendable, Equatable {
    public var recordPopulations: Bool
    public var balanceTolerance: Double
    /// Options with the defaults above.
    public init(recordPopulations: Bool = false, balanceTolerance: Double = 1e-9) {
        self.recordPopulations = recordPopulations
        self.balanceTolerance = balanceTolerance
    }
}
