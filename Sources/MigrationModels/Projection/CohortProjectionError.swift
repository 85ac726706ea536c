import Linalg

/// Errors of the multiregional cohort-component projection, each naming the component, the
/// region, the age group and the sex concerned, and what to do.
public enum CohortProjectionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Shapes or arguments that do not fit together (array lengths, region lists, …).
    case invalidInput(String)
    /// A NaN or infinity in a rate or a population.
    case nonFinite(component: String, cell: String, value: Double)
    /// A negative rate, probability, count or population.
    case negativeValue(component: String, cell: String, value: Double)
    /// A probability above one (survival, out-migration, emigration, or out-migration +
    /// emigration together).
    case probabilityAboveOne(component: String, cell: String, value: Double)
    /// A region's destination shares for out-migrants do not sum to one.
    case destinationSharesDoNotSumToOne(region: String, sum: Double, tolerance: Double)
    /// Inter-regional migration did not sum to zero in a step (in-migrants ≠ out-migrants).
    case migrationDoesNotBalance(step: Int, outMigrants: Double, inMigrants: Double)
    /// A dense (regions·ages·sexes)² matrix larger than the limit the caller allowed.
    case denseMatrixTooLarge(size: Int, limit: Int)
    /// The growth matrix has no real dominant eigenvalue with a non-negative eigenvector.
    case noDominantEigenvalue(String)
    /// A linear-algebra failure underneath (LAPACK), in words.
    case linearAlgebra(String)

    public var description: String {
        switch self {
        case .invalidInput(let s):
            return "invalid input — \(s)"
        case let .nonFinite(component, cell, value):
            return "\(component) has the non-finite value \(value) at \(cell) — remove or impute it first"
        case let .negativeValue(component, cell, value):
            return "\(component) has the negative value \(value) at \(cell) — rates, probabilities, counts and populations must be ≥ 0"
        case let .probabilityAboveOne(component, cell, value):
            return "\(component) is \(value) at \(cell), above 1 — it is a probability per projection step: convert annual rates for the step length, and keep out-migration + emigration ≤ 1"
        case let .destinationSharesDoNotSumToOne(region, sum, tol):
            return "the destination shares of out-migrants from '\(region)' sum to \(sum), not 1 (tolerance \(tol)) — every region with out-migration needs a destination distribution summing to one (diagonal zero)"
        case let .migrationDoesNotBalance(step, out, inn):
            return "in step \(step) inter-regional migration does not sum to zero: \(out) out-migrants but \(inn) in-migrants — check the destination shares; people must not be created or lost by internal moves"
        case let .denseMatrixTooLarge(size, limit):
            return "the dense projection matrix would be \(size)×\(size), above the limit of \(limit) — use the block projection, or raise maximumSize knowingly (memory grows with its square)"
        case .noDominantEigenvalue(let s):
            return "growth-matrix analysis failed — \(s)"
        case .linearAlgebra(let s):
            return "linear algebra failure — \(s)"
        }
    }
}

/// Runs `body`, turning a `LinalgError` into `CohortProjectionError.linearAlgebra` with its words.
@inline(__always)
func projectionLinalg<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as LinalgError { throw CohortProjectionError.linearAlgebra(e.description) }
}
