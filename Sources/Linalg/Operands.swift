/// Something BLAS can read as a matrix: a base pointer, a shape and a leading dimension.
///
/// `Matrix` and `MatrixView` conform; a view passes its leading dimension to BLAS, so slicing
/// copies nothing.
public protocol MatrixOperand: Sendable {
    var rows: Int { get }
    var cols: Int { get }
    /// Calls `body` with a pointer to element (0, 0) and the leading dimension (≥ max(1, rows)).
    func withUnsafeStorage<R>(_ body: (UnsafePointer<Double>, Int) throws -> R) rethrows -> R
}

/// Something BLAS can read as a vector: a base pointer, a count and a stride.
public protocol VectorOperand: Sendable {
    var count: Int { get }
    /// Calls `body` with a pointer to element 0 and the stride between elements (≥ 1).
    func withUnsafeStrided<R>(_ body: (UnsafePointer<Double>, Int) throws -> R) rethrows -> R
}

extension Matrix: MatrixOperand {
    public func withUnsafeStorage<R>(_ body: (UnsafePointer<Double>, Int) throws -> R) rethrows -> R {
        try withBase(elements) { try body($0, leadingDimension) }
    }
}

extension Array: VectorOperand where Element == Double {
    public func withUnsafeStrided<R>(_ body: (UnsafePointer<Double>, Int) throws -> R) rethrows -> R {
        try withBase(self) { try body($0, 1) }
    }
}

/// A read-only rectangular window into a matrix's storage: `rows × cols` elements starting at
/// `offset`, with leading dimension `ld`. Shares storage with its source (no copy).
public struct MatrixView: MatrixOperand {
    let storage: [Double]
    let offset: Int
    public let rows: Int
    public let cols: Int
    /// Leading dimension of the underlying storage.
    public let ld: Int

    public func withUnsafeStorage<R>(_ body: (UnsafePointer<Double>, Int) throws -> R) rethrows -> R {
        try withBase(storage) { base in
            // An empty view may sit at the end of its storage: never form a pointer past it.
            let off = (rows == 0 || cols == 0) ? 0 : offset
            return try body(base + off, ld)
        }
    }

    /// Element (i, j) of the view, 0-based. Traps when out of range, like `Array`.
    public subscript(i: Int, j: Int) -> Double { storage[offset + i + j * ld] }

    /// A sub-window, rows `r` and columns `c` of this view.
    public func submatrix(rows r: Range<Int>, cols c: Range<Int>) throws -> MatrixView {
        try checkWindow(r, c, rows, cols)
        return MatrixView(storage: storage, offset: offset + r.lowerBound + c.lowerBound * ld,
                          rows: r.count, cols: c.count, ld: ld)
    }

    /// Column j as a stride-1 vector view.
    public func columnView(_ j: Int) throws -> VectorView {
        guard j >= 0, j < cols else {
            throw LinalgError.invalidDimension(operation: "columnView", details: "column \(j) of a \(rows)×\(cols) view")
        }
        return VectorView(storage: storage, offset: offset + j * ld, count: rows, stride: 1)
    }

    /// Row i as a vector view with stride `ld`.
    public func rowView(_ i: Int) throws -> VectorView {
        guard i >= 0, i < rows else {
            throw LinalgError.invalidDimension(operation: "rowView", details: "row \(i) of a \(rows)×\(cols) view")
        }
        return VectorView(storage: storage, offset: offset + i, count: cols, stride: ld)
    }

    /// The window copied into a new matrix.
    public func copy() -> Matrix {
        var e = [Double](repeating: 0, count: rows * cols)
        for j in 0..<cols { for i in 0..<rows { e[i + j * rows] = storage[offset + i + j * ld] } }
        return Matrix(uncheckedRows: rows, cols: cols, elements: e)
    }
}

/// A read-only strided window into a matrix's storage (a row or column), sharing storage.
public struct VectorView: VectorOperand {
    let storage: [Double]
    let offset: Int
    public let count: Int
    public let stride: Int

    public func withUnsafeStrided<R>(_ body: (UnsafePointer<Double>, Int) throws -> R) rethrows -> R {
        try withBase(storage) { base in try body(base + (count == 0 ? 0 : offset), stride) }
    }

    /// Element k, 0-based. Traps when out of range.
    public subscript(k: Int) -> Double { storage[offset + k * stride] }

    /// The elements copied into an array.
    public var array: [Double] { (0..<count).map { storage[offset + $0 * stride] } }
}

func checkWindow(_ r: Range<Int>, _ c: Range<Int>, _ rows: Int, _ cols: Int) throws {
    guard r.lowerBound >= 0, r.upperBound <= rows, c.lowerBound >= 0, c.upperBound <= cols else {
        throw LinalgError.invalidDimension(
            operation: "submatrix",
            details: "rows \(r) × columns \(c) outside a \(rows)×\(cols) matrix")
    }
}

extension Matrix {
    /// The whole matrix as a view (no copy).
    public var view: MatrixView {
        MatrixView(storage: elements, offset: 0, rows: rows, cols: cols, ld: leadingDimension)
    }

    /// Rows `r` × columns `c` as a view that shares storage (no copy).
    public func submatrix(rows r: Range<Int>, cols c: Range<Int>) throws -> MatrixView {
        try view.submatrix(rows: r, cols: c)
    }

    /// Column j as a stride-1 view.
    public func columnView(_ j: Int) throws -> VectorView { try view.columnView(j) }

    /// Row i as a view with stride `rows`.
    public func rowView(_ i: Int) throws -> VectorView { try view.rowView(i) }
}
