import CLAPACK

/// Checked conversion of a Swift `Int` dimension to LAPACK's and CBLAS's 32-bit integers.
///
/// In `-Ounchecked` builds a plain `Int32(n)` overflow would wrap silently; this throws instead.
@inline(__always)
func lapackInt(_ n: Int, _ operation: String) throws -> Int32 {
    guard let v = Int32(exactly: n) else { throw LinalgError.tooLarge(operation: operation, value: n) }
    return v
}

/// The leading dimension LAPACK demands for an array with `rows` rows: max(1, rows).
@inline(__always)
func leadingDimension(_ rows: Int) -> Int { Swift.max(1, rows) }

/// `LAPACK_COL_MAJOR` as the Int32 LAPACKE expects.
let colMajor = Int32(LAPACK_COL_MAJOR)

@inline(__always) func lapackChar(_ c: Character) -> CChar { CChar(bitPattern: c.asciiValue ?? 0) }

/// Runs `body` with a pointer to `array`'s storage, substituting a pointer to a one-element
/// scratch buffer when the array is empty (BLAS/LAPACK reject null pointers even for 0-sized
/// operands).
@inline(__always)
func withBase<R>(_ array: [Double], _ body: (UnsafePointer<Double>) throws -> R) rethrows -> R {
    try array.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress { return try body(base) }
        var scratch = 0.0
        return try withUnsafePointer(to: &scratch) { try body($0) }
    }
}

/// Mutable counterpart of `withBase`.
@inline(__always)
func withMutableBase<R>(_ array: inout [Double], _ body: (UnsafeMutablePointer<Double>) throws -> R) rethrows -> R {
    try array.withUnsafeMutableBufferPointer { buffer in
        if let base = buffer.baseAddress { return try body(base) }
        var scratch = 0.0
        return try withUnsafeMutablePointer(to: &scratch) { try body($0) }
    }
}

@inline(__always)
func withMutableBase(_ array: inout [Int32], _ body: (UnsafeMutablePointer<Int32>) throws -> Void) rethrows {
    try array.withUnsafeMutableBufferPointer { buffer in
        if let base = buffer.baseAddress { return try body(base) }
        var scratch: Int32 = 0
        return try withUnsafeMutablePointer(to: &scratch) { try body($0) }
    }
}
