import CLAPACK

/// Level 1, 2 and 3 BLAS on `Matrix`, `MatrixView`, `[Double]` and `VectorView`, through
/// OpenBLAS's CBLAS (column-major). Shapes are checked before every call and a mismatch throws
/// `LinalgError.dimensionMismatch`; BLAS itself never sees an inconsistent call.
///
/// NaN and infinities propagate through BLAS as IEEE arithmetic says; LAPACK wrappers reject
/// them up front.
public enum BLAS {

    // MARK: Level 1

    /// xᵀy (`ddot`).
    public static func dot(_ x: some VectorOperand, _ y: some VectorOperand) throws -> Double {
        guard x.count == y.count else { throw mismatch("dot", "x has \(x.count) elements, y has \(y.count)") }
        let n = try lapackInt(x.count, "dot")
        return try x.withUnsafeStrided { px, sx in
            try y.withUnsafeStrided { py, sy in cblas_ddot(n, px, try lapackInt(sx, "dot"), py, try lapackInt(sy, "dot")) }
        }
    }

    /// y ← αx + y (`daxpy`).
    public static func axpy(_ alpha: Double, _ x: some VectorOperand, _ y: inout [Double]) throws {
        guard x.count == y.count else { throw mismatch("axpy", "x has \(x.count) elements, y has \(y.count)") }
        let n = try lapackInt(x.count, "axpy")
        let sx = try x.withUnsafeStrided { _, s in try lapackInt(s, "axpy") }
        x.withUnsafeStrided { px, _ in
            withMutableBase(&y) { py in cblas_daxpy(n, alpha, px, sx, py, 1) }
        }
    }

    /// x ← αx (`dscal`).
    public static func scal(_ alpha: Double, _ x: inout [Double]) throws {
        let n = try lapackInt(x.count, "scal")
        withMutableBase(&x) { px in cblas_dscal(n, alpha, px, 1) }
    }

    /// ‖x‖₂ without overflow or underflow (`dnrm2`).
    public static func nrm2(_ x: some VectorOperand) throws -> Double {
        let n = try lapackInt(x.count, "nrm2")
        return try x.withUnsafeStrided { px, sx in cblas_dnrm2(n, px, try lapackInt(sx, "nrm2")) }
    }

    // MARK: Level 2

    /// y ← α·op(A)·x + β·y (`dgemv`). With β = 0, y's input values are ignored (NaN included).
    public static func gemv(_ alpha: Double, _ a: some MatrixOperand, _ trans: Transpose = .none,
                            _ x: some VectorOperand, _ beta: Double, _ y: inout [Double]) throws {
        let (m, n) = trans == .none ? (a.rows, a.cols) : (a.cols, a.rows)
        guard x.count == n, y.count == m else {
            throw mismatch("gemv", "op(A) is \(m)×\(n), x has \(x.count) elements, y has \(y.count)")
        }
        if beta == 0 { for k in 0..<y.count { y[k] = 0 } }
        let rows = try lapackInt(a.rows, "gemv"), cols = try lapackInt(a.cols, "gemv")
        let lda = try a.withUnsafeStorage { _, ld in try lapackInt(ld, "gemv") }
        let sx = try x.withUnsafeStrided { _, s in try lapackInt(s, "gemv") }
        a.withUnsafeStorage { pa, _ in
            x.withUnsafeStrided { px, _ in
                withMutableBase(&y) { py in
                    cblas_dgemv(CblasColMajor, trans.cblas, rows, cols, alpha, pa, lda, px, sx, beta, py, 1)
                }
            }
        }
    }

    /// A ← α·x·yᵀ + A (`dger`).
    public static func ger(_ alpha: Double, _ x: some VectorOperand, _ y: some VectorOperand, _ a: inout Matrix) throws {
        guard x.count == a.rows, y.count == a.cols else {
            throw mismatch("ger", "A is \(a.rows)×\(a.cols), x has \(x.count) elements, y has \(y.count)")
        }
        let m = try lapackInt(a.rows, "ger"), n = try lapackInt(a.cols, "ger"), lda = Int32(a.leadingDimension)
        let sx = try x.withUnsafeStrided { _, s in try lapackInt(s, "ger") }
        let sy = try y.withUnsafeStrided { _, s in try lapackInt(s, "ger") }
        x.withUnsafeStrided { px, _ in
            y.withUnsafeStrided { py, _ in
                withMutableBase(&a.elements) { pa in
                    cblas_dger(CblasColMajor, m, n, alpha, px, sx, py, sy, pa, lda)
                }
            }
        }
    }

    /// x ← op(A)⁻¹·x for triangular A (`dtrsv`). A singular triangular matrix gives infinities,
    /// as in BLAS; check the diagonal first when that matters.
    public static func trsv(_ a: some MatrixOperand, _ triangle: Triangle, _ trans: Transpose = .none,
                            _ diagonal: Diagonal = .nonUnit, _ x: inout [Double]) throws {
        guard a.rows == a.cols else { throw mismatch("trsv", "A must be square, got \(a.rows)×\(a.cols)") }
        guard x.count == a.rows else { throw mismatch("trsv", "A is \(a.rows)×\(a.cols), x has \(x.count) elements") }
        let n = try lapackInt(a.rows, "trsv")
        let lda = try a.withUnsafeStorage { _, ld in try lapackInt(ld, "trsv") }
        a.withUnsafeStorage { pa, _ in
            withMutableBase(&x) { px in
                cblas_dtrsv(CblasColMajor, triangle.cblas, trans.cblas, diagonal.cblas, n, pa, lda, px, 1)
            }
        }
    }

    // MARK: Level 3

    /// C ← α·op(A)·op(B) + β·C (`dgemm`). With β = 0, C's input values are ignored.
    public static func gemm(_ alpha: Double, _ a: some MatrixOperand, _ transA: Transpose = .none,
                            _ b: some MatrixOperand, _ transB: Transpose = .none,
                            _ beta: Double, _ c: inout Matrix) throws {
        let (m, k) = transA == .none ? (a.rows, a.cols) : (a.cols, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.cols) : (b.cols, b.rows)
        guard k == kb, c.rows == m, c.cols == n else {
            throw mismatch("gemm", "op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.cols)")
        }
        if beta == 0 { for i in 0..<c.elements.count { c.elements[i] = 0 } }
        if m == 0 || n == 0 { return }
        let mm = try lapackInt(m, "gemm"), nn = try lapackInt(n, "gemm"), kk = try lapackInt(k, "gemm")
        let ldc = Int32(c.leadingDimension)
        let lda = try a.withUnsafeStorage { _, ld in try lapackInt(ld, "gemm") }
        let ldb = try b.withUnsafeStorage { _, ld in try lapackInt(ld, "gemm") }
        a.withUnsafeStorage { pa, _ in
            b.withUnsafeStorage { pb, _ in
                withMutableBase(&c.elements) { pc in
                    cblas_dgemm(CblasColMajor, transA.cblas, transB.cblas, mm, nn, kk,
                                alpha, pa, lda, pb, ldb, beta, pc, ldc)
                }
            }
        }
    }

    /// C ← α·A·Aᵀ + β·C (`trans = .none`) or α·Aᵀ·A + β·C (`.transpose`) (`dsyrk`). BLAS
    /// updates one triangle; the other is filled by symmetry, so C comes back fully symmetric.
    public static func syrk(_ alpha: Double, _ a: some MatrixOperand, _ trans: Transpose = .none,
                            _ beta: Double, _ c: inout Matrix) throws {
        let (n, k) = trans == .none ? (a.rows, a.cols) : (a.cols, a.rows)
        guard c.rows == n, c.cols == n else {
            throw mismatch("syrk", "op(A) is \(n)×\(k), C must be \(n)×\(n), got \(c.rows)×\(c.cols)")
        }
        if beta == 0 { for i in 0..<c.elements.count { c.elements[i] = 0 } }
        if n == 0 { return }
        let nn = try lapackInt(n, "syrk"), kk = try lapackInt(k, "syrk"), ldc = Int32(c.leadingDimension)
        let lda = try a.withUnsafeStorage { _, ld in try lapackInt(ld, "syrk") }
        a.withUnsafeStorage { pa, _ in
            withMutableBase(&c.elements) { pc in
                cblas_dsyrk(CblasColMajor, CblasLower, trans.cblas, nn, kk, alpha, pa, lda, beta, pc, ldc)
            }
        }
        c.elements.withUnsafeMutableBufferPointer { p in
            for j in 0..<n { for i in (j + 1)..<Swift.max(j + 1, n) { p[j + i * n] = p[i + j * n] } }
        }
    }

    /// B ← α·op(A)⁻¹·B (`side = .left`) or α·B·op(A)⁻¹ (`.right`) for triangular A (`dtrsm`).
    public static func trsm(_ side: Side, _ triangle: Triangle, _ trans: Transpose = .none,
                            _ diagonal: Diagonal = .nonUnit, _ alpha: Double,
                            _ a: some MatrixOperand, _ b: inout Matrix) throws {
        guard a.rows == a.cols else { throw mismatch("trsm", "A must be square, got \(a.rows)×\(a.cols)") }
        let needed = side == .left ? b.rows : b.cols
        guard a.rows == needed else {
            throw mismatch("trsm", "A is \(a.rows)×\(a.cols), B is \(b.rows)×\(b.cols) (side \(side))")
        }
        if b.isEmpty { return }
        let m = try lapackInt(b.rows, "trsm"), n = try lapackInt(b.cols, "trsm"), ldb = Int32(b.leadingDimension)
        let lda = try a.withUnsafeStorage { _, ld in try lapackInt(ld, "trsm") }
        a.withUnsafeStorage { pa, _ in
            withMutableBase(&b.elements) { pb in
                cblas_dtrsm(CblasColMajor, side.cblas, triangle.cblas, trans.cblas, diagonal.cblas,
                            m, n, alpha, pa, lda, pb, ldb)
            }
        }
    }

    static func mismatch(_ op: String, _ details: String) -> LinalgError {
        .dimensionMismatch(operation: op, details: details)
    }
}

extension Matrix {
    /// op(A)·op(B) as a new matrix (`dgemm`).
    public func multiplied(by b: some MatrixOperand, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Matrix {
        let m = transposeSelf ? cols : rows
        let n = transposeOther ? b.rows : b.cols
        var c = try Matrix(rows: m, cols: n)
        try BLAS.gemm(1, self, transposeSelf ? .transpose : .none, b, transposeOther ? .transpose : .none, 0, &c)
        return c
    }

    /// op(A)·x as a new vector (`dgemv`).
    public func multiplied(by x: some VectorOperand, transposeSelf: Bool = false) throws -> [Double] {
        var y = [Double](repeating: 0, count: transposeSelf ? cols : rows)
        try BLAS.gemv(1, self, transposeSelf ? .transpose : .none, x, 0, &y)
        return y
    }

    /// The Gram matrix AᵀA (`dsyrk`), symmetric.
    public func gram() throws -> Matrix {
        var c = try Matrix(rows: cols, cols: cols)
        try BLAS.syrk(1, self, .transpose, 0, &c)
        return c
    }
}
