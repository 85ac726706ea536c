/// Errors thrown by `Linalg`.
///
/// Every failure a caller's data can cause is reported with the context needed to act on it:
/// the operation, the shapes involved, the rank found, the failing pivot or the position of a
/// non-finite value. LAPACK `info` codes are translated into words.
public enum LinalgError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Shapes that do not fit together, e.g. `gemm` with A 3×4 and B 5×2.
    case dimensionMismatch(operation: String, details: String)
    /// A negative or overflowing dimension, or an index outside the matrix.
    case invalidDimension(operation: String, details: String)
    /// A square matrix that is exactly singular: `pivot` is the 1-based index of the first zero
    /// pivot of its LU factorization; `rank` the numerical rank when it was computed.
    case singular(operation: String, pivot: Int, rank: Int?)
    /// A least-squares or QR problem whose matrix has rank `rank` below the `required` rank.
    case rankDeficient(operation: String, rank: Int, required: Int)
    /// A symmetric matrix that is not positive definite: the leading minor of order `pivot`
    /// (1-based) is not positive.
    case notPositiveDefinite(operation: String, pivot: Int)
    /// A matrix that should be symmetric is not (first offending entry, 0-based).
    case notSymmetric(operation: String, row: Int, column: Int)
    /// A NaN or infinity in the input (first offending entry, 0-based).
    case nonFinite(operation: String, row: Int, column: Int, value: Double)
    /// An iterative LAPACK routine (SVD, eigen) did not converge.
    case notConverged(operation: String, details: String)
    /// Any other LAPACK `info` code, translated into words.
    case lapack(routine: String, info: Int, meaning: String)
    /// A dimension too large for the 32-bit integers LAPACK uses.
    case tooLarge(operation: String, value: Int)
    /// An argument outside its documented domain (thread count < 1, tolerance < 0, ...).
    case invalidArgument(operation: String, details: String)

    public var description: String {
        switch self {
        case let .dimensionMismatch(op, details):
            return "\(op): dimension mismatch — \(details)"
        case let .invalidDimension(op, details):
            return "\(op): invalid dimension — \(details)"
        case let .singular(op, pivot, rank):
            let r = rank.map { ", numerical rank \($0)" } ?? ""
            return "\(op): the matrix is singular (pivot \(pivot) of its LU factorization is exactly zero\(r)) — "
                + "remove linearly dependent rows/columns, or use a least-squares or pseudo-inverse solver"
        case let .rankDeficient(op, rank, required):
            return "\(op): the matrix is rank deficient (rank \(rank), needs \(required)) — "
                + "drop collinear columns, or use the minimum-norm solver (gelsd) or pivoted QR"
        case let .notPositiveDefinite(op, pivot):
            return "\(op): the matrix is not positive definite (the leading minor of order \(pivot) is not positive) — "
                + "check that it is a covariance/Gram matrix of full rank, or use pivoted Cholesky or LU"
        case let .notSymmetric(op, row, column):
            return "\(op): the matrix is not symmetric (entry (\(row), \(column)) differs from (\(column), \(row))) — "
                + "pass a symmetric matrix, or use the general routine"
        case let .nonFinite(op, row, column, value):
            return "\(op): non-finite value \(value) at row \(row), column \(column) (0-based) — "
                + "remove or impute missing/infinite values before the computation"
        case let .notConverged(op, details):
            return "\(op): did not converge — \(details)"
        case let .lapack(routine, info, meaning):
            return "\(routine) returned info = \(info): \(meaning)"
        case let .tooLarge(op, value):
            return "\(op): dimension \(value) exceeds LAPACK's 32-bit limit (\(Int32.max)) — split the problem"
        case let .invalidArgument(op, details):
            return "\(op): invalid argument — \(details)"
        }
    }
}

/// Translates a negative LAPACKE `info` into words. Positive codes are routine-specific and are
/// handled by each wrapper.
func lapackFailure(_ routine: String, _ info: Int32) -> LinalgError {
    let meaning: String
    switch info {
    case -1010:
        meaning = "LAPACKE could not allocate its work space (out of memory) — free memory or reduce the problem size"
    case -1011:
        meaning = "LAPACKE could not allocate its transposition buffer (out of memory) — free memory or reduce the problem size"
    case ..<0:
        meaning = "argument \(-info) had an illegal value — this is a MigrationKit bug, please report it with the input shapes"
    default:
        meaning = "routine-specific failure code \(info)"
    }
    return .lapack(routine: routine, info: Int(info), meaning: meaning)
}
