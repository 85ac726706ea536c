/// A dense matrix of `Double` in column-major order, the layout BLAS and LAPACK use.
///
/// Element (i, j) (0-based) is `elements[i + j * rows]`. `Matrix` has value semantics with
/// copy-on-write: copies share storage until one of them is mutated.
///
/// Members: `rows`, `cols`, `elements` (count `rows * cols`).
/// Construction validates shapes and throws `LinalgError.invalidDimension` rather than trapping.
/// Subscripts trap on out-of-range indices, as `Array` does; code that indexes with values taken
/// from user data validates them first.
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    public let rows: Int
    public let cols: Int
    /// Column-major storage, `rows * cols` values.
    public internal(set) var elements: [Double]

    /// Leading dimension passed to BLAS/LAPACK: max(1, rows).
    @inlinable package var leadingDimension: Int { Swift.max(1, rows) }

    /// A `rows × cols` matrix filled with `value`.
    /// - Throws: `LinalgError.invalidDimension` for negative sizes or an overflowing product.
    public init(rows: Int, cols: Int, repeating value: Double = 0) throws {
        let count = try Matrix.checkedCount(rows, cols, "Matrix(rows:cols:)")
        self.rows = rows
        self.cols = cols
        self.elements = [Double](repeating: value, count: count)
    }

    /// A matrix from column-major values.
    /// - Throws: `LinalgError.dimensionMismatch` when `columnMajor.count != rows * cols`.
    public init(rows: Int, cols: Int, columnMajor: [Double]) throws {
        let count = try Matrix.checkedCount(rows, cols, "Matrix(rows:cols:columnMajor:)")
        guard columnMajor.count == count else {
            throw LinalgError.dimensionMismatch(
                operation: "Matrix(rows:cols:columnMajor:)",
                details: "\(rows)×\(cols) needs \(count) values, got \(columnMajor.count)")
        }
        self.rows = rows
        self.cols = cols
        self.elements = columnMajor
    }

    /// A matrix from row-major values (as one reads them on paper).
    public init(rows: Int, cols: Int, rowMajor: [Double]) throws {
        let count = try Matrix.checkedCount(rows, cols, "Matrix(rows:cols:rowMajor:)")
        guard rowMajor.count == count else {
            throw LinalgError.dimensionMismatch(
                operation: "Matrix(rows:cols:rowMajor:)",
                details: "\(rows)×\(cols) needs \(count) values, got \(rowMajor.count)")
        }
        var e = [Double](repeating: 0, count: count)
        for i in 0..<rows { for j in 0..<cols { e[i + j * rows] = rowMajor[i * cols + j] } }
        self.rows = rows
        self.cols = cols
        self.elements = e
    }

    /// A matrix from a list of rows. `[]` gives a 0×0 matrix.
    /// - Throws: `LinalgError.dimensionMismatch` when the rows have different lengths.
    public init(_ rowsOfValues: [[Double]]) throws {
        let r = rowsOfValues.count
        let c = rowsOfValues.first?.count ?? 0
        for (i, row) in rowsOfValues.enumerated() where row.count != c {
            throw LinalgError.dimensionMismatch(
                operation: "Matrix([[Double]])",
                details: "row 0 has \(c) values but row \(i) has \(row.count)")
        }
        try self.init(rows: r, cols: c, rowMajor: rowsOfValues.flatMap { $0 })
    }

    /// A column vector (n×1) from values.
    public init(column: [Double]) {
        self.rows = column.count
        self.cols = 1
        self.elements = column
    }

    /// Internal unchecked initializer for shapes already validated.
    @usableFromInline
    init(uncheckedRows rows: Int, cols: Int, elements: [Double]) {
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// The n×n identity matrix.
    public static func identity(_ n: Int) throws -> Matrix {
        var m = try Matrix(rows: n, cols: n)
        for i in 0..<n { m.elements[i + i * n] = 1 }
        return m
    }

    /// A square matrix with `diagonal` on its diagonal.
    public static func diagonal(_ diagonal: [Double]) -> Matrix {
        let n = diagonal.count
        var e = [Double](repeating: 0, count: n * n)
        for i in 0..<n { e[i + i * n] = diagonal[i] }
        return Matrix(uncheckedRows: n, cols: n, elements: e)
    }

    static func checkedCount(_ rows: Int, _ cols: Int, _ op: String) throws -> Int {
        guard rows >= 0, cols >= 0 else {
            throw LinalgError.invalidDimension(operation: op, details: "negative size \(rows)×\(cols)")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard !overflow else {
            throw LinalgError.invalidDimension(operation: op, details: "\(rows)×\(cols) overflows")
        }
        return count
    }

    /// Element (i, j), 0-based. Traps when out of range, like `Array`.
    public subscript(i: Int, j: Int) -> Double {
        get { elements[i + j * rows] }
        set { elements[i + j * rows] = newValue }
    }

    /// Calls `body` with the column-major storage, for hot loops.
    public func withUnsafeElements<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try elements.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the mutable column-major storage, for hot loops. The buffer's count is
    /// fixed: the shape cannot change.
    public mutating func withUnsafeMutableElements<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        try elements.withUnsafeMutableBufferPointer(body)
    }

    /// `true` when the matrix has no elements.
    public var isEmpty: Bool { rows == 0 || cols == 0 }
    /// `true` when rows == cols.
    public var isSquare: Bool { rows == cols }

    /// Column j as an array (copy).
    public func column(_ j: Int) throws -> [Double] {
        guard j >= 0, j < cols else {
            throw LinalgError.invalidDimension(operation: "column", details: "column \(j) of a \(rows)×\(cols) matrix")
        }
        return Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    /// Row i as an array (copy).
    public func row(_ i: Int) throws -> [Double] {
        guard i >= 0, i < rows else {
            throw LinalgError.invalidDimension(operation: "row", details: "row \(i) of a \(rows)×\(cols) matrix")
        }
        return (0..<cols).map { elements[i + $0 * rows] }
    }

    /// The rows as arrays (row-major view, copied).
    public var rowArrays: [[Double]] {
        (0..<rows).map { i in (0..<cols).map { elements[i + $0 * rows] } }
    }

    /// The main diagonal.
    public var diagonalElements: [Double] {
        (0..<Swift.min(rows, cols)).map { elements[$0 + $0 * rows] }
    }

    /// Aᵀ as a new matrix (copy; BLAS calls take transposes as flags instead).
    public func transposed() -> Matrix {
        var t = [Double](repeating: 0, count: elements.count)
        let r = rows, c = cols
        elements.withUnsafeBufferPointer { src in
            t.withUnsafeMutableBufferPointer { dst in
                for j in 0..<c { for i in 0..<r { dst[j + i * c] = src[i + j * r] } }
            }
        }
        return Matrix(uncheckedRows: c, cols: r, elements: t)
    }

    /// The upper triangle (including the diagonal); entries below are zero.
    public func upperTriangle() -> Matrix {
        var m = self
        m.zeroStrictlyLower()
        return m
    }

    /// Sets the entries below the diagonal to zero, in place.
    mutating func zeroStrictlyLower() {
        let r = rows, c = cols
        elements.withUnsafeMutableBufferPointer { p in
            for j in 0..<c where j + 1 < r { for i in (j + 1)..<r { p[i + j * r] = 0 } }
        }
    }

    /// Sets the entries above the diagonal to zero, in place.
    mutating func zeroStrictlyUpper() {
        let r = rows, c = cols
        elements.withUnsafeMutableBufferPointer { p in
            for j in 1..<Swift.max(1, c) { for i in 0..<Swift.min(j, r) { p[i + j * r] = 0 } }
        }
    }

    /// The lower triangle (including the diagonal); entries above are zero.
    public func lowerTriangle() -> Matrix {
        var m = self
        m.zeroStrictlyUpper()
        return m
    }

    /// The first non-finite entry (row, column, value), or nil when all are finite.
    package func firstNonFinite() -> (row: Int, column: Int, value: Double)? {
        elements.withUnsafeBufferPointer { p in
            for k in 0..<p.count where !p[k].isFinite {
                return (k % Swift.max(1, rows), k / Swift.max(1, rows), p[k])
            }
            return nil
        }
    }

    /// Throws `LinalgError.nonFinite` naming the first NaN or infinity.
    package func checkFinite(_ operation: String) throws {
        if let bad = firstNonFinite() {
            throw LinalgError.nonFinite(operation: operation, row: bad.row, column: bad.column, value: bad.value)
        }
    }

    /// Throws `LinalgError.dimensionMismatch` unless the matrix is square.
    func requireSquare(_ operation: String) throws {
        guard rows == cols else {
            throw LinalgError.dimensionMismatch(operation: operation, details: "needs a square matrix, got \(rows)×\(cols)")
        }
    }

    /// Throws `LinalgError.notSymmetric` when |a_ij − a_ji| > tol · max|a| for some i, j, with
    /// tol = 1e-10 (a Gram matrix accumulated in floating point passes; a non-symmetric one fails).
    package func checkSymmetric(_ operation: String, relativeTolerance: Double = 1e-10) throws {
        try requireSquare(operation)
        let n = rows
        let bad: (Int, Int)? = elements.withUnsafeBufferPointer { p in
            var scale = 0.0
            for k in 0..<p.count { scale = Swift.max(scale, Swift.abs(p[k])) }
            let tol = relativeTolerance * scale
            // Blocked sweep so that the transposed reads stay in cache.
            let block = 64
            var jb = 0
            while jb < n {
                var ib = jb
                while ib < n {
                    for j in jb..<Swift.min(jb + block, n) {
                        for i in Swift.max(ib, j + 1)..<Swift.max(Swift.max(ib, j + 1), Swift.min(ib + block, n))
                        where Swift.abs(p[i + j * n] - p[j + i * n]) > tol {
                            return (i, j)
                        }
                    }
                    ib += block
                }
                jb += block
            }
            return nil
        }
        if let (i, j) = bad { throw LinalgError.notSymmetric(operation: operation, row: i, column: j) }
    }

    /// Largest |a_ij − b_ij|; +∞ when shapes differ.
    package func maxAbsDifference(_ other: Matrix) -> Double {
        guard rows == other.rows, cols == other.cols else { return .infinity }
        var d = 0.0
        for k in 0..<elements.count { d = Swift.max(d, Swift.abs(elements[k] - other.elements[k])) }
        return d
    }

    public var description: String {
        var s = "Matrix \(rows)×\(cols)"
        for i in 0..<Swift.min(rows, 8) {
            s += "\n  "
            s += (0..<Swift.min(cols, 8)).map { String(elements[i + $0 * rows]) }.joined(separator: "  ")
            if cols > 8 { s += "  …" }
        }
        if rows > 8 { s += "\n  …" }
        return s
    }
}

// MARK: - Elementwise arithmetic

extension Matrix {
    /// A + B. Throws on shape mismatch.
    public func adding(_ other: Matrix) throws -> Matrix {
        try requireSameShape(other, "add")
        var r = self
        for k in 0..<elements.count { r.elements[k] += other.elements[k] }
        return r
    }

    /// A − B. Throws on shape mismatch.
    public func subtracting(_ other: Matrix) throws -> Matrix {
        try requireSameShape(other, "subtract")
        var r = self
        for k in 0..<elements.count { r.elements[k] -= other.elements[k] }
        return r
    }

    /// s · A.
    public func scaled(by s: Double) -> Matrix {
        var r = self
        for k in 0..<elements.count { r.elements[k] *= s }
        return r
    }

    func requireSameShape(_ other: Matrix, _ op: String) throws {
        guard rows == other.rows, cols == other.cols else {
            throw LinalgError.dimensionMismatch(operation: op, details: "\(rows)×\(cols) vs \(other.rows)×\(other.cols)")
        }
    }
}
