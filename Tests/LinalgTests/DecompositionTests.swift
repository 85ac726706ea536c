import Testing
@testable import Linalg

@Suite("QR, least squares, SVD, eigen against numpy/scipy")
struct DecompositionTests {
    let ref = ReferenceFixture.shared

    @Test func pivotedQRFullRank() throws {
        let c = try ref.case("qrp_A")
        let f = try c.matrix("A").pivotedQR()
        #expect(f.permutation == (try c.ints("perm")))
        #expect(f.rank == 4)
        #expect(relativeError(f.packed, try c.matrix("qraw")) < tight)
        #expect(relativeError(f.tau, try c.vector("tau")) < tight)
        #expect(relativeError(f.r, try c.matrix("R")) < tight)
        #expect(relativeError(try f.q(), try c.matrix("Q")) < tight)
        #expect(relativeError(try f.q(full: true), try c.matrix("Q_full")) < tight)
        // Qᵀ·A·P = R through dormqr.
        let a = try c.matrix("A")
        var ap = a
        for (k, p) in f.permutation.enumerated() { for i in 0..<a.rows { ap[i, k] = a[i, p] } }
        let qtap = try f.applyQ(.transpose, to: ap)
        #expect(relativeError(try qtap.submatrix(rows: 0..<4, cols: 0..<4).copy(), try c.matrix("R")) < tight)
        let back = try f.applyQ(.none, to: qtap)
        #expect(relativeError(back, ap) < tight)
    }

    @Test func pivotedQRRankDeficient() throws {
        let c = try ref.case("qrp_RD")
        let f = try c.matrix("A").pivotedQR()
        let r = try c.int("rank")
        #expect(f.rank == r)
        #expect(f.permutation == (try c.ints("perm")))
        // Only the leading `rank` columns are meaningful; the rest is rounding noise.
        let rr = try f.r.submatrix(rows: 0..<r, cols: 0..<4).copy()
        let rref = try c.matrix("R").submatrix(rows: 0..<r, cols: 0..<4).copy()
        #expect(relativeError(rr, rref) < tight)
        let q = try f.q().submatrix(rows: 0..<6, cols: 0..<r).copy()
        #expect(relativeError(q, try c.matrix("Q").submatrix(rows: 0..<6, cols: 0..<r).copy()) < tight)
        // Basic solution: the dropped column gets a zero coefficient, and the fit is exact.
        let a = try c.matrix("A")
        let b = try a.multiplied(by: Matrix(column: [1, -2, 0.5, 0]))
        let x = try f.solveLeastSquares(b)
        #expect(x[f.permutation[3], 0] == 0)
        #expect(relativeError(try a.multiplied(by: x), b) < 1e-12)
    }

    @Test func leastSquaresQR() throws {
        let c = try ref.case("lstsq_gels")
        let s = try c.matrix("A").leastSquares(try c.matrix("B"), method: .qr)
        #expect(relativeError(s.solution, try c.matrix("X")) < tight)
        #expect(relativeError(s.residualSumOfSquares, try c.vector("residual_ss")) < 1e-11)
        // Pivoted-QR solve and SVD solve agree with gels on a full-rank problem.
        let qr = try c.matrix("A").pivotedQR().solveLeastSquares(try c.matrix("B"))
        #expect(relativeError(qr, try c.matrix("X")) < tight)
        let svd = try c.matrix("A").leastSquares(try c.matrix("B"), method: .svd())
        #expect(relativeError(svd.solution, try c.matrix("X")) < tight)
        #expect(relativeError(svd.residualSumOfSquares, try c.vector("residual_ss")) < 1e-11)
    }

    @Test func leastSquaresUnderdetermined() throws {
        let c = try ref.case("lstsq_under")
        let s = try c.matrix("A").leastSquares(try c.matrix("B"), method: .qr)
        #expect(relativeError(s.solution, try c.matrix("X")) < tight)
    }

    @Test func leastSquaresRankDeficient() throws {
        let d = try ref.case("lstsq_gelsd_RD")
        let s = try d.matrix("A").leastSquares(try d.matrix("B"), method: .svd())
        #expect(s.rank == (try d.int("rank")))
        #expect(relativeError(s.solution, try d.matrix("X")) < 1e-12)
        let sv = s.singularValues ?? []
        let svRef = try d.vector("sv")
        #expect(relativeError(Array(sv.prefix(3)), Array(svRef.prefix(3))) < tight)
        #expect((sv.last ?? 1) < 1e-14)
        let y = try ref.case("lstsq_gelsy_RD")
        let t = try y.matrix("A").leastSquares(try y.matrix("B"), method: .completeOrthogonal(rcond: try y.scalar("rcond")))
        #expect(t.rank == (try y.int("rank")))
        #expect(relativeError(t.solution, try y.matrix("X")) < 1e-12)
        // gels must refuse, naming the rank.
        #expect(throws: LinalgError.rankDeficient(operation: "least squares (dgels)", rank: 3, required: 4)) {
            try d.matrix("A").leastSquares(try d.matrix("B"), method: .qr)
        }
    }

    @Test(arguments: [("svd_A", false), ("svd_A_full", true), ("svd_W", false)])
    func svd(name: String, full: Bool) throws {
        let c = try ref.case(name)
        let d = try c.matrix("A").svd(full: full)
        #expect(relativeError(d.singularValues, try c.vector("s")) < tight)
        let uRef = try c.matrix("U"), vtRef = try c.matrix("Vt")
        #expect(relativeError(alignColumnSigns(d.u, to: uRef), uRef) < 1e-11)
        #expect(relativeError(alignRowSigns(d.vt, to: vtRef), vtRef) < 1e-11)
    }

    @Test(arguments: ["sv_H6", "sv_RD"])
    func singularValues(name: String) throws {
        let c = try ref.case(name)
        let s = try c.matrix("A").singularValues()
        let sRef = try c.vector("s")
        // Values at rounding level (σ ≈ 1e-16 in RD) are noise: compare absolutely to σ₁·1e-12.
        for (a, b) in zip(s, sRef) { #expect(abs(a - b) <= 1e-12 * sRef[0] || relativeError(a, b) < 1e-10) }
        #expect(s.count == sRef.count)
    }

    @Test(arguments: ["eigh_SPD", "eigh_H6"])
    func symmetricEigen(name: String) throws {
        let c = try ref.case(name)
        let e = try c.matrix("A").symmetricEigen()
        let w = try c.vector("w")
        for (a, b) in zip(e.eigenvalues, w) { #expect(abs(a - b) <= 1e-12 * abs(w.last ?? 1)) }
        let vRef = try c.matrix("V")
        let v = alignColumnSigns(e.eigenvectors ?? vRef, to: vRef)
        // Eigenvectors of tiny, clustered eigenvalues of H6 are conditioned by 1/gap: loosen.
        #expect(relativeError(v, vRef) < (name == "eigh_H6" ? 1e-8 : 1e-11))
    }

    @Test(arguments: ["eig_S", "eig_M4"])
    func generalEigen(name: String) throws {
        let c = try ref.case(name)
        let a = try c.matrix("A")
        let e = try a.eigen(right: true, left: true)
        let w = try c.complexVector("w")
        #expect(e.eigenvalues.count == w.count)
        for (x, y) in zip(e.eigenvalues, w) {
            #expect(abs(x.real - y.real) < 1e-12 && abs(x.imaginary - y.imaginary) < 1e-12)
        }
        for (key, got) in [("VR", e.rightEigenvectors), ("VL", e.leftEigenvectors)] {
            let refV = try c.complexMatrix(key)
            guard let got else { Issue.record("missing \(key)"); continue }
            // dgeev normalises each vector to unit norm with its largest component real, so
            // vectors agree up to a sign.
            for j in 0..<refV.cols {
                var dot = 0.0
                for i in 0..<refV.rows { dot += got.real[i, j] * refV.real[i, j] + got.imaginary[i, j] * refV.imaginary[i, j] }
                let s: Double = dot < 0 ? -1 : 1
                for i in 0..<refV.rows {
                    #expect(abs(s * got.real[i, j] - refV.real[i, j]) < 1e-11)
                    #expect(abs(s * got.imaginary[i, j] - refV.imaginary[i, j]) < 1e-11)
                }
            }
        }
        if name == "eig_M4" {
            // Stationary distribution from the left eigenvector of eigenvalue 1.
            let k = try c.int("index_of_1")
            let left = e.leftEigenvectors!
            let col = (0..<4).map { left.real[$0, k] }
            let total = col.reduce(0, +)
            #expect(relativeError(col.map { $0 / total }, try c.vector("stationary")) < 1e-12)
            #expect(e.dominantIndex == k)
        }
    }
}
