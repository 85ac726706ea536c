import Testing
@testable import Linalg

@Suite("LU, Cholesky, pivoted Cholesky against scipy")
struct FactorizationTests {
    let ref = ReferenceFixture.shared

    @Test func luSquare() throws {
        let c = try ref.case("lu_S")
        let f = try c.matrix("A").lu()
        #expect(relativeError(f.factors, try c.matrix("lu")) < tight)
        #expect(f.pivots.map(Int.init) == (try c.ints("ipiv")))
        #expect(relativeError(f.lower, try c.matrix("L")) < tight)
        #expect(relativeError(f.upper, try c.matrix("U")) < tight)
        #expect(relativeError(try f.solve(try c.matrix("B")), try c.matrix("X")) < tight)
        #expect(relativeError(f.determinant, try c.scalar("det")) < tight)
        let (sign, logAbs) = f.logAbsDeterminant
        #expect(sign == (try c.scalar("slogdet_sign")))
        #expect(relativeError(logAbs, try c.scalar("slogdet_logabs")) < tight)
        #expect(relativeError(try f.inverse(), try c.matrix("inv")) < tight)
        #expect(relativeError(try c.matrix("A").inverse(), try c.matrix("inv")) < tight)
        #expect(relativeError(try c.matrix("A").solve(try c.matrix("B")), try c.matrix("X")) < tight)
        // P·A = L·U with the 0-based permutation.
        let a = try c.matrix("A"), lu = try f.lower.multiplied(by: f.upper)
        for (i, p) in f.permutation.enumerated() { for j in 0..<a.cols { #expect(abs(lu[i, j] - a[p, j]) < 1e-12) } }
        let rc = try f.reciprocalConditionNumber()
        #expect(rc > 0 && rc <= 1)
    }

    @Test func luRectangular() throws {
        let c = try ref.case("lu_rect")
        let f = try c.matrix("A").lu()
        #expect(relativeError(f.factors, try c.matrix("lu")) < tight)
        #expect(f.pivots.map(Int.init) == (try c.ints("ipiv")))
        #expect(relativeError(f.lower, try c.matrix("L")) < tight)
        #expect(relativeError(f.upper, try c.matrix("U")) < tight)
        #expect(throws: LinalgError.self) { try f.solve(try Matrix(rows: 7, cols: 1)) }
    }

    @Test func luSingular() throws {
        let c = try ref.case("det_SING")
        let a = try c.matrix("A")
        let f = try a.lu()
        #expect(abs(f.determinant) < 1e-12)
        #expect(abs(try a.determinant()) < 1e-12)
        // Exactly singular in floating point? If the LU hits an exact zero pivot, solve throws with
        // the rank; if rounding leaves a tiny pivot, the condition estimate exposes it.
        if f.isSingular {
            #expect(throws: LinalgError.self) { try a.solve([1, 2, 3]) }
        } else {
            #expect(try f.reciprocalConditionNumber() < 1e-15)
        }
        let z = try Matrix([[1, 2], [2, 4]])
        do {
            _ = try z.inverse()
            Issue.record("inverse of an exactly singular matrix must throw")
        } catch let LinalgError.singular(_, pivot, rank) {
            #expect(pivot == 2)
            #expect(rank == 1)
        }
        #expect(try z.determinant() == 0)
        #expect(try z.logDeterminant().sign == 0)
    }

    @Test func cholesky() throws {
        let c = try ref.case("chol_SPD")
        let f = try c.matrix("A").cholesky()
        #expect(relativeError(f.factor, try c.matrix("L")) < tight)
        #expect(relativeError(try f.solve(try c.matrix("B")), try c.matrix("X")) < tight)
        #expect(relativeError(try f.inverse(), try c.matrix("inv")) < tight)
        #expect(relativeError(f.logDeterminant, try c.scalar("logdet")) < tight)
    }

    @Test func choleskyOfSymmetricMatchesCholesky() throws {
        let c = try ref.case("chol_SPD")
        let a = try c.matrix("A")
        let f = try a.cholesky(), g = try a.choleskyOfSymmetric()
        let same = f.factor.elements == g.factor.elements   // the same dpotrf on the same input
        #expect(same)
        #expect(relativeError(g.factor, try c.matrix("L")) < tight)
        #expect(a == (try c.matrix("A")))   // the caller's matrix is left as it was
        #expect(throws: LinalgError.notPositiveDefinite(operation: "Cholesky factorization", pivot: 2)) {
            try Matrix([[1, 2], [2, 1]]).choleskyOfSymmetric()
        }
        #expect(throws: LinalgError.self) { try Matrix([[1, .nan], [.nan, 1]]).choleskyOfSymmetric() }
        #expect(throws: LinalgError.self) { try Matrix(rows: 2, cols: 3).choleskyOfSymmetric() }
    }

    @Test func choleskyRejectsIndefiniteAndAsymmetric() throws {
        let indefinite = try Matrix([[1, 2], [2, 1]])
        #expect(throws: LinalgError.notPositiveDefinite(operation: "Cholesky factorization", pivot: 2)) { try indefinite.cholesky() }
        let asym = try Matrix([[2, 1], [0, 2]])
        #expect(throws: LinalgError.notSymmetric(operation: "Cholesky factorization", row: 1, column: 0)) { try asym.cholesky() }
        let psd3 = try ref.case("pstrf_PSD3").matrix("A")
        #expect(throws: LinalgError.self) { try psd3.cholesky() }
    }

    @Test(arguments: ["pstrf_PSD3", "pstrf_SPD"])
    func pivotedCholesky(name: String) throws {
        let c = try ref.case(name)
        let f = try c.matrix("A").pivotedCholesky()
        #expect(f.rank == (try c.int("rank")))
        #expect(f.permutation == (try c.ints("piv")).map { $0 - 1 })
        #expect(relativeError(f.factor, try c.matrix("L")) < tight)
        // Reconstruction: A[p, p] = L·Lᵀ.
        let a = try c.matrix("A"), llt = try f.factor.multiplied(by: f.factor, transposeOther: true)
        for i in 0..<a.rows { for j in 0..<a.cols {
            #expect(abs(llt[i, j] - a[f.permutation[i], f.permutation[j]]) < 1e-10)
        } }
        #expect(throws: LinalgError.self) { try a.pivotedCholesky(tolerance: -1) }
    }
}
