import Testing
@testable import Linalg

@Suite("BLAS against numpy")
struct BLASTests {
    let ref = ReferenceFixture.shared

    @Test func dot() throws {
        let c = try ref.case("dot")
        let r = try BLAS.dot(try c.vector("x"), try c.vector("y"))
        #expect(relativeError(r, try c.scalar("result")) < tight)
    }

    @Test func axpy() throws {
        let c = try ref.case("axpy")
        var y = try c.vector("y")
        try BLAS.axpy(try c.scalar("alpha"), try c.vector("x"), &y)
        #expect(relativeError(y, try c.vector("result")) < tight)
    }

    @Test func scal() throws {
        let c = try ref.case("scal")
        var x = try c.vector("x")
        try BLAS.scal(try c.scalar("alpha"), &x)
        #expect(relativeError(x, try c.vector("result")) < tight)
    }

    @Test func nrm2() throws {
        let c = try ref.case("nrm2")
        #expect(relativeError(try BLAS.nrm2(try c.vector("x")), try c.scalar("result")) < tight)
    }

    @Test(arguments: ["gemv_n", "gemv_t"])
    func gemv(name: String) throws {
        let c = try ref.case(name)
        var y = try c.vector("y")
        let trans: Transpose = (c.fields["trans"] as? String) == "T" ? .transpose : .none
        try BLAS.gemv(try c.scalar("alpha"), try c.matrix("A"), trans, try c.vector("x"), try c.scalar("beta"), &y)
        #expect(relativeError(y, try c.vector("result")) < tight)
    }

    @Test func ger() throws {
        let c = try ref.case("ger")
        var a = try c.matrix("A")
        try BLAS.ger(try c.scalar("alpha"), try c.vector("x"), try c.vector("y"), &a)
        #expect(relativeError(a, try c.matrix("result")) < tight)
    }

    @Test(arguments: ["gemm_nn", "gemm_tn", "gemm_nt", "gemm_tt"])
    func gemm(name: String) throws {
        let c = try ref.case(name)
        var out = try c.matrix("C")
        let ta: Transpose = (c.fields["transA"] as? String) == "T" ? .transpose : .none
        let tb: Transpose = (c.fields["transB"] as? String) == "T" ? .transpose : .none
        try BLAS.gemm(try c.scalar("alpha"), try c.matrix("A"), ta, try c.matrix("B"), tb, try c.scalar("beta"), &out)
        #expect(relativeError(out, try c.matrix("result")) < tight)
    }

    @Test(arguments: ["syrk_t", "syrk_n"])
    func syrk(name: String) throws {
        let c = try ref.case(name)
        var out = try c.matrix("C")
        let t: Transpose = (c.fields["trans"] as? String) == "T" ? .transpose : .none
        try BLAS.syrk(try c.scalar("alpha"), try c.matrix("A"), t, try c.scalar("beta"), &out)
        #expect(relativeError(out, try c.matrix("result")) < tight)
    }

    @Test func trsv() throws {
        let c = try ref.case("trsv")
        let u = try c.matrix("U"), l = try c.matrix("L"), b = try c.vector("b")
        var x = b
        try BLAS.trsv(u, .upper, .none, .nonUnit, &x)
        #expect(relativeError(x, try c.vector("x_upper_n")) < tight)
        x = b
        try BLAS.trsv(u, .upper, .transpose, .nonUnit, &x)
        #expect(relativeError(x, try c.vector("x_upper_t")) < tight)
        x = b
        try BLAS.trsv(l, .lower, .none, .nonUnit, &x)
        #expect(relativeError(x, try c.vector("x_lower_n")) < tight)
        x = b
        try BLAS.trsv(l, .lower, .none, .unit, &x)
        #expect(relativeError(x, try c.vector("x_lower_n_unit")) < tight)
    }

    @Test func trsm() throws {
        let c = try ref.case("trsm")
        let alpha = try c.scalar("alpha"), l = try c.matrix("L"), u = try c.matrix("U")
        var x = try c.matrix("R")
        try BLAS.trsm(.left, .lower, .none, .nonUnit, alpha, l, &x)
        #expect(relativeError(x, try c.matrix("X_left_lower")) < tight)
        x = try c.matrix("R2")
        try BLAS.trsm(.right, .upper, .none, .nonUnit, alpha, u, &x)
        #expect(relativeError(x, try c.matrix("X_right_upper")) < tight)
        x = try c.matrix("R")
        try BLAS.trsm(.left, .upper, .transpose, .nonUnit, 1, u, &x)
        #expect(relativeError(x, try c.matrix("X_left_upper_t")) < tight)
    }

    @Test func convenienceProductsMatchGemm() throws {
        let c = try ref.case("gemm_nn")
        let a = try c.matrix("A"), b = try c.matrix("B")
        let p = try a.multiplied(by: b)
        var expected = try Matrix(rows: a.rows, cols: b.cols)
        for i in 0..<a.rows { for j in 0..<b.cols { for k in 0..<a.cols { expected[i, j] += a[i, k] * b[k, j] } } }
        #expect(relativeError(p, expected) < tight)
        let g = try a.gram()
        #expect(relativeError(g, try a.multiplied(by: a, transposeSelf: true)) < tight)
    }

    @Test func viewsPassLeadingDimensionWithoutCopy() throws {
        let c = try ref.case("gemm_nn")
        let a = try c.matrix("A"), b = try c.matrix("B")   // 7×4, 4×5
        // Rows 2..<6 and columns 1..<4 of A times rows 1..<4 of B, via views.
        let av = try a.submatrix(rows: 2..<6, cols: 1..<4)
        let bv = try b.submatrix(rows: 1..<4, cols: 0..<5)
        var out = try Matrix(rows: 4, cols: 5)
        try BLAS.gemm(1, av, .none, bv, .none, 0, &out)
        let expected = try av.copy().multiplied(by: bv.copy())
        #expect(relativeError(out, expected) < tight)
        #expect(av.ld == a.rows)
        // Row view with stride = rows.
        let row = try a.rowView(3)
        #expect(row.stride == 7)
        #expect(row.array == (try a.row(3)))
        #expect(relativeError(try BLAS.dot(row, row), (try a.row(3)).reduce(0) { $0 + $1 * $1 }) < tight)
        // Column view and gemv on a transposed view.
        let col = try a.columnView(2)
        var y = [Double](repeating: 0, count: 4)
        try BLAS.gemv(1, a, .transpose, col, 0, &y)
        let expectedY = try a.multiplied(by: try a.column(2), transposeSelf: true)
        #expect(relativeError(y, expectedY) < tight)
    }

    @Test func dimensionMismatchesThrow() throws {
        let a = try Matrix(rows: 3, cols: 2), b = try Matrix(rows: 3, cols: 2)
        var c = try Matrix(rows: 3, cols: 3)
        #expect(throws: LinalgError.self) { try BLAS.gemm(1, a, .none, b, .none, 0, &c) }
        #expect(throws: LinalgError.self) { try BLAS.dot([1, 2], [1, 2, 3]) }
        var y = [0.0, 0]
        #expect(throws: LinalgError.self) { try BLAS.axpy(1, [1.0], &y) }
        #expect(throws: LinalgError.self) { try BLAS.gemv(1, a, .none, [1.0, 2, 3], 0, &y) }
        var m = try Matrix(rows: 2, cols: 2)
        #expect(throws: LinalgError.self) { try BLAS.ger(1, [1.0], [1.0, 2], &m) }
        #expect(throws: LinalgError.self) { try BLAS.syrk(1, a, .none, 0, &m) }
        var x = [1.0, 2]
        #expect(throws: LinalgError.self) { try BLAS.trsv(a, .upper, .none, .nonUnit, &x) }
        #expect(throws: LinalgError.self) { try BLAS.trsm(.left, .upper, .none, .nonUnit, 1, m, &c) }
    }

    @Test func emptyOperands() throws {
        #expect(try BLAS.dot([Double](), [Double]()) == 0)
        #expect(try BLAS.nrm2([Double]()) == 0)
        // k = 0: C = β·C.
        let a = try Matrix(rows: 3, cols: 0), b = try Matrix(rows: 0, cols: 2)
        var c = try Matrix(rows: 3, cols: 2, repeating: 4)
        try BLAS.gemm(1, a, .none, b, .none, 0.5, &c)
        #expect(c.elements == [Double](repeating: 2, count: 6))
        let e = try ref.case("empty").sub("gemm_k0")
        var ce = try e.matrix("C")
        try BLAS.gemm(try e.scalar("alpha"), try e.matrix("A"), .none, try e.matrix("B"), .none, try e.scalar("beta"), &ce)
        #expect(relativeError(ce, try e.matrix("result")) < tight)
        var z = try Matrix(rows: 0, cols: 0)
        try BLAS.syrk(1, try Matrix(rows: 0, cols: 3), .none, 0, &z)
        #expect(z.isEmpty)
    }
}
