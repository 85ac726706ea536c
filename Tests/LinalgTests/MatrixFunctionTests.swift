import Testing
@testable import Linalg

@Suite("Determinant, inverse, pseudo-inverse, rank, condition number")
struct MatrixFunctionTests {
    let ref = ReferenceFixture.shared

    @Test func hilbert6() throws {
        let h = try ref.case("det_H6").matrix("A")
        #expect(relativeError(try h.determinant(), try ref.case("det_H6").scalar("det")) < 1e-8)
        let (sign, logAbs) = try h.logDeterminant()
        #expect(sign == (try ref.case("logdet_H6").scalar("sign")))
        #expect(relativeError(logAbs, try ref.case("logdet_H6").scalar("logabs")) < 1e-10)
        let inv = try h.inverse()
        // Ill-conditioned (κ ≈ 1.5e7): about 1e-8 relative against numpy and the exact inverse.
        #expect(relativeError(inv, try ref.case("inv_H6").matrix("inv")) < 1e-8)
        #expect(relativeError(inv, try ref.case("inv_H6").matrix("inv_exact")) < 1e-8)
        #expect(relativeError(try h.conditionNumber(), try ref.case("cond_H6").scalar("cond")) < 1e-8)
        #expect(try h.rank() == (try ref.case("rank_H6").int("rank")))
        // Cholesky inverse of the SPD Hilbert matrix agrees too.
        #expect(relativeError(try h.cholesky().inverse(), try ref.case("inv_H6").matrix("inv_exact")) < 1e-8)
    }

    @Test func conditionNumberWellConditioned() throws {
        let c = try ref.case("cond_S")
        #expect(relativeError(try c.matrix("A").conditionNumber(), try c.scalar("cond")) < tight)
        #expect(try Matrix([[1, 1], [1, 1]]).conditionNumber() > 1e15)
    }

    @Test func ranks() throws {
        #expect(try ref.case("rank_RD").matrix("A").rank() == (try ref.case("rank_RD").int("rank")))
        #expect(try ref.case("rank_SING").matrix("A").rank() == (try ref.case("rank_SING").int("rank")))
        #expect(try Matrix(rows: 3, cols: 3).rank() == 0)
        #expect(throws: LinalgError.self) { try Matrix([[1.0]]).rank(tolerance: -1) }
        #expect(try Matrix([[1, 0], [0, 1e-9]]).rank(tolerance: 1e-8) == 1)
    }

    @Test(arguments: ["pinv_RD", "pinv_A"])
    func pseudoInverse(name: String) throws {
        let c = try ref.case(name)
        #expect(relativeError(try c.matrix("A").pseudoInverse(), try c.matrix("pinv")) < 1e-12)
    }

    @Test func oneByOne() throws {
        let c = try ref.case("one")
        let a = try c.matrix("A")
        let f = try a.lu()
        #expect(f.factors == (try c.matrix("lu")))
        #expect(f.pivots.map(Int.init) == (try c.ints("ipiv")))
        #expect(relativeError(try a.cholesky().factor, try c.matrix("chol")) < tight)
        #expect(relativeError(try a.inverse(), try c.matrix("inv")) < tight)
        #expect(try a.determinant() == (try c.scalar("det")))
        let s = try a.svd()
        #expect(s.singularValues == (try c.vector("svd_s")))
        #expect(abs(s.u[0, 0]) == 1 && abs(s.vt[0, 0]) == 1)
        #expect(try a.symmetricEigen().eigenvalues == (try c.vector("eigh_w")))
        #expect(try a.eigen().eigenvalues.map(\.real) == (try c.complexVector("eig_w")).map(\.real))
    }

    @Test func emptyMatrices() throws {
        let e = try ref.case("empty")
        let z = try Matrix(rows: 0, cols: 0)
        #expect(try z.determinant() == (try e.scalar("det_0x0")))
        #expect(try z.logDeterminant().sign == 1 && (try z.logDeterminant().logAbs) == 0)
        #expect(try z.inverse() == (try e.matrix("inv_0x0")))
        #expect(try z.solve(try Matrix(rows: 0, cols: 2)) == (try e.matrix("solve_0x0")))
        #expect(try z.cholesky().factor == (try e.matrix("cholesky_0x0")))
        #expect(try z.symmetricEigen().eigenvalues.isEmpty)
        #expect(try z.eigen().eigenvalues.isEmpty)
        #expect(try z.singularValues().isEmpty)
        #expect(try z.rank() == (try e.int("matrix_rank_0x0")))
        let w = try Matrix(rows: 0, cols: 3), t = try Matrix(rows: 3, cols: 0)
        let s03 = try w.svd(), s03f = try w.svd(full: true), s30 = try t.svd()
        #expect(s03.u.rows == 0 && s03.u.cols == 0 && s03.vt.rows == 0 && s03.vt.cols == 3)
        #expect(s03f.vt == (try e.sub("svd_0x3_full").matrix("Vt")))
        #expect(s30.u.rows == 3 && s30.u.cols == 0)
        #expect(try w.pseudoInverse() == (try e.matrix("pinv_0x3")))
        #expect(try t.pseudoInverse() == (try e.matrix("pinv_3x0")))
        #expect(try w.rank() == (try e.int("matrix_rank_0x3")))
        let l03 = try w.leastSquares(try Matrix(rows: 0, cols: 2), method: .svd())
        #expect(l03.solution == (try e.sub("lstsq_0x3").matrix("X")))
        #expect(l03.rank == 0)
        let l30 = try t.leastSquares(try Matrix(rows: 3, cols: 2), method: .qr)
        #expect(l30.solution == (try e.sub("lstsq_3x0").matrix("X")))
        let q = try w.pivotedQR()
        #expect(q.rank == 0 && q.r.rows == 0 && q.r.cols == 3)
        #expect(try t.pivotedQR().q().rows == 3)
        #expect(try z.pivotedCholesky().rank == 0)
        #expect(try z.lu().determinant == 1)
        #expect(try z.conditionNumber() == 1)
    }
}

@Suite("Matrix construction, views and error paths")
struct MatrixTests {
    @Test func construction() throws {
        let a = try Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(a.rows == 2 && a.cols == 3)
        #expect(a.elements == [1, 4, 2, 5, 3, 6])
        #expect(a[1, 2] == 6)
        #expect(try a.row(1) == [4, 5, 6])
        #expect(try a.column(2) == [3, 6])
        #expect(a.transposed().rowArrays == [[1, 4], [2, 5], [3, 6]])
        #expect(try Matrix(rows: 2, cols: 3, rowMajor: [1, 2, 3, 4, 5, 6]) == a)
        #expect(try Matrix.identity(2).elements == [1, 0, 0, 1])
        #expect(Matrix.diagonal([2, 3]).elements == [2, 0, 0, 3])
        #expect(try a.adding(a).elements == a.elements.map { 2 * $0 })
        #expect(try a.subtracting(a).elements.allSatisfy { $0 == 0 })
        #expect(a.scaled(by: -1)[0, 0] == -1)
        #expect(a.description.hasPrefix("Matrix 2×3"))
    }

    @Test func copyOnWrite() throws {
        let a = try Matrix([[1, 2], [3, 4]])
        var b = a
        b[0, 0] = 99
        #expect(a[0, 0] == 1)
        #expect(b[0, 0] == 99)
        let v = a.view           // a view shares storage; mutating the source afterwards does not change it
        var c = a
        c[1, 1] = -1
        #expect(v[1, 1] == 4)
    }

    @Test func constructionErrors() throws {
        #expect(throws: LinalgError.invalidDimension(operation: "Matrix(rows:cols:)", details: "negative size -1×2")) {
            try Matrix(rows: -1, cols: 2)
        }
        #expect(throws: LinalgError.self) { try Matrix(rows: Int.max, cols: 2) }
        #expect(throws: LinalgError.self) { try Matrix(rows: 2, cols: 2, columnMajor: [1, 2, 3]) }
        #expect(throws: LinalgError.self) { try Matrix([[1, 2], [3]]) }
        let a = try Matrix([[1, 2], [3, 4]])
        #expect(throws: LinalgError.self) { try a.submatrix(rows: 0..<3, cols: 0..<1) }
        #expect(throws: LinalgError.self) { try a.column(2) }
        #expect(throws: LinalgError.self) { try a.row(-1) }
        #expect(throws: LinalgError.self) { try a.columnView(5) }
        #expect(throws: LinalgError.self) { try a.rowView(2) }
        #expect(throws: LinalgError.self) { try a.adding(try Matrix(rows: 1, cols: 1)) }
    }

    @Test func nonFiniteInputIsRejectedWithPosition() throws {
        let a = try Matrix([[1, 2], [3, .nan]])
        let expected = LinalgError.nonFinite(operation: "LU factorization", row: 1, column: 1, value: .nan)
        do { _ = try a.lu(); Issue.record("expected an error") } catch let e as LinalgError {
            // NaN ≠ NaN, so compare the description.
            #expect(e.description == expected.description)
        }
        let inf = try Matrix([[1, .infinity], [3, 4]])
        #expect(throws: LinalgError.self) { try inf.svd() }
        #expect(throws: LinalgError.self) { try inf.singularValues() }
        #expect(throws: LinalgError.self) { try inf.eigen() }
        #expect(throws: LinalgError.self) { try inf.pivotedQR() }
        #expect(throws: LinalgError.self) { try inf.leastSquares([1, 2]) }
        #expect(throws: LinalgError.self) { try Matrix([[1, 2], [3, 4]]).leastSquares([1, .nan]) }
        #expect(throws: LinalgError.self) { try Matrix([[2, 0], [0, 2]]).cholesky().solve([.nan, 1]) }
        #expect(throws: LinalgError.self) { try Matrix([[2, 0], [0, 2]]).solve([.infinity, 1]) }
        #expect(throws: LinalgError.self) { try inf.symmetricEigen() }
        #expect(throws: LinalgError.self) { try inf.pivotedCholesky() }
        #expect(inf.firstNonFinite()?.column == 1)
    }

    @Test func shapeErrors() throws {
        let r = try Matrix(rows: 3, cols: 2)
        #expect(throws: LinalgError.self) { try r.determinant() }
        #expect(throws: LinalgError.self) { try r.inverse() }
        #expect(throws: LinalgError.self) { try r.eigen() }
        #expect(throws: LinalgError.self) { try r.cholesky() }
        #expect(throws: LinalgError.self) { try r.symmetricEigen() }
        #expect(throws: LinalgError.self) { try r.solve([1, 2, 3]) }
        #expect(throws: LinalgError.self) { try r.leastSquares([1, 2]) }
        let sq = try Matrix([[2, 0], [0, 2]])
        #expect(throws: LinalgError.self) { try sq.lu().solve([1, 2, 3]) }
        #expect(throws: LinalgError.self) { try sq.cholesky().solve([1]) }
        #expect(throws: LinalgError.self) { try sq.pivotedQR().applyQ(.transpose, to: try Matrix(rows: 3, cols: 1)) }
        #expect(throws: LinalgError.self) { try sq.leastSquares(try Matrix(rows: 2, cols: 1), method: .svd(rcond: -1)) }
        #expect(throws: LinalgError.self) { try sq.leastSquares(try Matrix(rows: 2, cols: 1), method: .completeOrthogonal(rcond: -1)) }
        #expect(throws: LinalgError.self) { try sq.pseudoInverse(rcond: -1) }
        #expect(throws: LinalgError.self) { try sq.pivotedQR(rankTolerance: -1) }
    }

    @Test func errorMessagesSayWhatToDo() throws {
        let messages = [
            LinalgError.singular(operation: "solve", pivot: 2, rank: 1).description,
            LinalgError.rankDeficient(operation: "least squares", rank: 3, required: 4).description,
            LinalgError.notPositiveDefinite(operation: "Cholesky", pivot: 2).description,
            LinalgError.nonFinite(operation: "LU", row: 1, column: 1, value: .nan).description,
            LinalgError.notSymmetric(operation: "eigh", row: 1, column: 0).description,
            LinalgError.tooLarge(operation: "gemm", value: 1 << 40).description,
        ]
        for m in messages { #expect(m.contains(" — ")) }
        #expect(messages[0].contains("rank 1"))
        #expect(messages[1].contains("rank 3"))
        #expect(lapackFailure("dgetrf", -4).description.contains("argument 4"))
        #expect(lapackFailure("dgesdd", -1010).description.contains("out of memory"))
    }

    @Test func threadCountCanBeSet() throws {
        let before = BLASRuntime.threadCount
        try BLASRuntime.setThreadCount(1)
        #expect(BLASRuntime.threadCount == 1)
        try BLASRuntime.setThreadCount(before)
        #expect(throws: LinalgError.self) { try BLASRuntime.setThreadCount(0) }
        #expect(!BLASRuntime.coreName.isEmpty)
    }

    @Test func kernelWarningOnlyForGenericKernelsOnModernCPUs() {
        let old = CPUFeatures(modelName: "old", flags: ["sse4_2"])
        #expect(BLASRuntime.kernelWarning(cpu: old) == nil)
        let modern = CPUFeatures(modelName: "new", flags: ["avx2", "avx512f"])
        let w = BLASRuntime.kernelWarning(cpu: modern)
        #expect((w != nil) == BLASRuntime.genericKernels.contains(BLASRuntime.coreName))
    }
}
