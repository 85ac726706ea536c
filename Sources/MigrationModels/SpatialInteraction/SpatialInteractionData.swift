/// Origin–destination flows in long form: one row per observed pair, any subset of pairs
/// (non-square and non-cartesian sets are fine), intra-zonal rows (origin == destination)
/// allowed.
///
/// Members: `originIndex`/`originLabels` and `destinationIndex`/`destinationLabels` (each row's
/// origin is `originLabels[originIndex[row]]`; labels are factorized once, here, by order of first
/// appearance), `flows` (≥ 0, need not be integers), `costs` (distance, time, …), all rows of the
/// same length N. An origin and a destination with the same label are the same zone
/// (intra-zonal rows).
public struct OriginDestinationFlows: Sendable {
    public let originIndex: [Int32]
    public let originLabels: [String]
    public let destinationIndex: [Int32]
    public let destinationLabels: [String]
    public let flows: [Double]
    public let costs: [Double]

    /// From labels (factorized here).
    /// - Throws: `SpatialInteractionError.invalidInput` when the columns have different lengths
    ///   or are empty.
    public init(origins: [String], destinations: [String], flows: [Double], costs: [Double]) throws {
        guard origins.count == flows.count, destinations.count == flows.count else {
            throw SpatialInteractionError.invalidInput("columns have different lengths: \(origins.count) origins, \(destinations.count) destinations, \(flows.count) flows")
        }
        let o = FixedEffect(name: "origin", labels: origins), d = FixedEffect(name: "destination", labels: destinations)
        try self.init(originIndex: o.codes, originLabels: o.levelLabels, destinationIndex: d.codes, destinationLabels: d.levelLabels,
                      flows: flows, costs: costs)
    }

    /// From integer codes (0-based) into label lists — the fast path for large matrices.
    /// - Throws: `SpatialInteractionError.invalidInput` for different lengths, no rows, or a
    ///   code outside its label list.
    public init(originIndex: [Int32], originLabels: [String], destinationIndex: [Int32], destinationLabels: [String],
                flows: [Double], costs: [Double]) throws {
        let n = flows.count
        guard n > 0 else { throw SpatialInteractionError.invalidInput("no rows") }
        guard originIndex.count == n, destinationIndex.count == n, costs.count == n else {
            throw SpatialInteractionError.invalidInput("columns have different lengths: \(originIndex.count) origins, \(destinationIndex.count) destinations, \(n) flows, \(costs.count) costs")
        }
        if let bad = originIndex.firstIndex(where: { $0 < 0 || Int($0) >= originLabels.count }) {
            throw SpatialInteractionError.invalidInput("row \(bad + 1): origin code \(originIndex[bad]) is outside 0..<\(originLabels.count)")
        }
        if let bad = destinationIndex.firstIndex(where: { $0 < 0 || Int($0) >= destinationLabels.count }) {
            throw SpatialInteractionError.invalidInput("row \(bad + 1): destination code \(destinationIndex[bad]) is outside 0..<\(destinationLabels.count)")
        }
        self.originIndex = originIndex
        self.originLabels = originLabels
        self.destinationIndex = destinationIndex
        self.destinationLabels = destinationLabels
        self.flows = flows
        self.costs = costs
    }

    /// The number of rows.
    public var count: Int { flows.count }
    /// Each row's origin label.
    public var origins: [String] { originIndex.map { originLabels[Int($0)] } }
    /// Each row's destination label.
    public var destinations: [String] { destinationIndex.map { destinationLabels[Int($0)] } }
}

/// A named numeric column with one value per row (an origin or destination attribute, e.g.
/// population or total out-migration), entering a model as log(value).
public struct NamedColumn: Sendable, Equatable {
    public let name: String
    public let values: [Double]
    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// Wilson's (1971) family of spatial interaction models, as spint's four classes.
///
/// With μᵢⱼ the expected flow, f the deterrence function (`CostFunction`), Vᵢ origin and Wⱼ
/// destination attributes:
/// - `unconstrained` (gravity, spint `Gravity`): μᵢⱼ = exp(k) Vᵢ^γ Wⱼ^α f(cᵢⱼ).
/// - `production` (origin-constrained, spint `Production`): μᵢⱼ = AᵢOᵢ Wⱼ^α f(cᵢⱼ), with
///   Aᵢ = 1/Σⱼ Wⱼ^α f(cᵢⱼ) so that Σⱼ μᵢⱼ = Oᵢ.
/// - `attraction` (destination-constrained, spint `Attraction`): μᵢⱼ = BⱼDⱼ Vᵢ^γ f(cᵢⱼ),
///   Bⱼ = 1/Σᵢ Vᵢ^γ f(cᵢⱼ).
/// - `doubly` (spint `Doubly`): μᵢⱼ = AᵢOᵢBⱼDⱼ f(cᵢⱼ), Aᵢ = 1/Σⱼ BⱼDⱼf(cᵢⱼ),
///   Bⱼ = 1/Σᵢ AᵢOᵢf(cᵢⱼ).
/// Oᵢ and Dⱼ are the observed out- and in-flow totals of the rows used.
public enum SpatialInteractionConstraint: String, Sendable, CaseIterable {
    case unconstrained, production, attraction, doubly
}

/// Whether rows with origin == destination take part in the fit.
public enum IntrazonalFlows: String, Sendable {
    /// Fit them like any other pair (their cost must suit the cost function).
    case include
    /// Drop them before fitting (spint's Austria tests use inter-zonal flows only).
    case exclude
}

/// How the Poisson maximum-likelihood estimates are computed. Both give the same converged
/// answer (tested to 1e-9 relative).
public enum SpatialInteractionMethod: String, Sendable {
    /// Balancing factors for the constrained side, Newton on the rest (fast); the GLM engine
    /// when the dense Newton block would exceed 4,000 destination levels.
    case automatic
    /// Newton's method on the profile likelihood with closed-form balancing factors
    /// (`ProfileNewtonPoisson`).
    case balancingFactors
    /// The GLM engine with the balancing factors as absorbed fixed effects
    /// (`GeneralizedLinearModel.fit`, Poisson family).
    case generalizedLinearModel
}

/// What to fit: the constraint, the cost function, the attributes and the intra-zonal rule.
public struct SpatialInteractionSpecification: Sendable {
    public var constraint: SpatialInteractionConstraint
    public var costFunction: CostFunction
    /// Origin attributes Vᵢ (one value per row), as log(V); unconstrained and attraction only.
    public var originAttributes: [NamedColumn]
    /// Destination attributes Wⱼ (one value per row), as log(W); unconstrained and production only.
    public var destinationAttributes: [NamedColumn]
    public var intrazonal: IntrazonalFlows

    public init(constraint: SpatialInteractionConstraint, costFunction: CostFunction = .exponential,
                originAttributes: [NamedColumn] = [], destinationAttributes: [NamedColumn] = [],
                intrazonal: IntrazonalFlows = .include) {
        self.constraint = constraint
        self.costFunction = costFunction
        self.originAttributes = originAttributes
        self.destinationAttributes = destinationAttributes
        self.intrazonal = intrazonal
    }
}

/// Settings of the spatial interaction fit.
public struct SpatialInteractionOptions: Sendable {
    public var method: SpatialInteractionMethod = .automatic
    /// Newton iterations (balancing-factor method) or IRLS iterations (GLM method).
    public var maxIterations: Int = 100
    /// Convergence: Newton decrement λ² ≤ tolerance²·max(1, |ℓ|) (balancing factors); the GLM
    /// engine stops when the relative deviance change is below tolerance·1e-3 and then takes
    /// one more Newton step.
    public var tolerance: Double = 1e-10
    /// Confidence level of the reported intervals.
    public var confidenceLevel: Double = 0.95
    public init() {}
}
