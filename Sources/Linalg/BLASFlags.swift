import CLAPACK

/// Whether BLAS reads an operand as stored (`none`) or transposed (`transpose`). Transposes are
/// passed to BLAS as flags, never materialised.
public enum Transpose: Sendable { case none, transpose
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    var lapack: CChar { lapackChar(self == .none ? "N" : "T") }
}

/// Which triangle of a triangular or symmetric matrix is referenced.
public enum Triangle: Sendable { case upper, lower
    var cblas: CBLAS_UPLO { self == .upper ? CblasUpper : CblasLower }
    var lapack: CChar { lapackChar(self == .upper ? "U" : "L") }
}

/// Whether a triangular matrix multiplies from the left (op(A)·X = αB) or the right (X·op(A) = αB).
public enum Side: Sendable { case left, right
    var cblas: CBLAS_SIDE { self == .left ? CblasLeft : CblasRight }
    var lapack: CChar { lapackChar(self == .left ? "L" : "R") }
}

/// Whether a triangular matrix has an implicit unit diagonal.
public enum Diagonal: Sendable { case nonUnit, unit
    var cblas: CBLAS_DIAG { self == .nonUnit ? CblasNonUnit : CblasUnit }
}
