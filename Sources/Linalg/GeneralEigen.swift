import CLAPACK
import Numerics

/// A complex matrix stored as two real matrices of the same shape.
public struct ComplexMatrix: Sendable, Equatable {
    public let real: Matrix
    public let imaginary: Matrix
    public var rows: Int { real.rows }
    public var cols: Int { real.cols }
    /// Element (i, j).
    public subscript(i: Int, j: Int) -> Complex<Double> { Complex(real[i, j], imaginary[i, j]) }
}

/// Eigen-decomposition of a general real square matrix (LAPACK `dgeev`), needed for Markov
/// transition and Leslie/growth matrices.
///
/// Members: `eigenvalues` (complex, in LAPACK's order; conjugate pairs adjacent, positive
/// imaginary part first), `rightEigenvectors` (A·v = λ·v, columns) and `leftEigenvectors`
/// (uᴴ·A = λ·uᴴ, columns), each nil when not requested. Each vector has unit Euclidean norm and
/// its largest component real, as `dgeev` returns them. Matches `scipy.linalg.eig`.
public struct GeneralEigenDecomposition: Sendable {
    public let eigenvalues: [Complex<Double>]
    public let rightEigenvectors: ComplexMatrix?
    public let leftEigenvectors: ComplexMatrix?

    /// Index of the eigenvalue of largest modulus (the dominant one; ties → first).
    public var dominantIndex: Int? {
        eigenvalues.indices.max { eigenvalues[$0].length < eigenvalues[$1].length }
    }
}

extension Matrix {
    /// General eigen-decomposition (`dgeev`).
    /// - Throws: `dimensionMismatch` when not square, `nonFinite`, `notConverged` when the QR
    ///   algorithm fails.
    public func eigen(right: Bool = true, left: Bool = false) throws -> GeneralEigenDecomposition {
        try requireSquare("eigen")
        try checkFinite("eigen")
        let n = rows
        if n == 0 {
            let empty = ComplexMatrix(real: self, imaginary: self)
            return GeneralEigenDecomposition(eigenvalues: [], rightEigenvectors: right ? empty : nil, leftEigenvectors: left ? empty : nil)
        }
        var a = self
        var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
        var vl = try Matrix(rows: left ? n : 1, cols: left ? n : 1)
        var vr = try Matrix(rows: right ? n : 1, cols: right ? n : 1)
        let nn = try lapackInt(n, "dgeev"), lda = Int32(leadingDimension)
        let ldvl = Int32(vl.rows), ldvr = Int32(vr.rows)
        let info = withMutableBase(&a.elements) { pa in
            withMutableBase(&wr) { pwr in
                withMutableBase(&wi) { pwi in
                    withMutableBase(&vl.elements) { pvl in
                        withMutableBase(&vr.elements) { pvr in
                            LAPACKE_dgeev(colMajor, lapackChar(left ? "V" : "N"), lapackChar(right ? "V" : "N"),
                                          nn, pa, lda, pwr, pwi, pvl, ldvl, pvr, ldvr)
                        }
                    }
                }
            }
        }
        if info > 0 { throw LinalgError.notConverged(operation: "eigen (dgeev)", details: "the QR algorithm failed to compute all eigenvalues (info \(info))") }
        guard info == 0 else { throw lapackFailure("dgeev", info) }
        let values = (0..<n).map { Complex(wr[$0], wi[$0]) }
        return GeneralEigenDecomposition(
            eigenvalues: values,
            rightEigenvectors: right ? Matrix.decodeEigenvectors(vr, wi) : nil,
            leftEigenvectors: left ? Matrix.decodeEigenvectors(vl, wi) : nil)
    }

    /// dgeev stores a conjugate pair (λⱼ, λⱼ₊₁ = conj λⱼ, Im λⱼ > 0) as v = V[:,j] ± i·V[:,j+1].
    static func decodeEigenvectors(_ v: Matrix, _ wi: [Double]) -> ComplexMatrix {
        let n = v.rows
        var re = v
        var im = Matrix(uncheckedRows: n, cols: n, elements: [Double](repeating: 0, count: n * n))
        var j = 0
        while j < n {
            if wi[j] != 0, j + 1 < n {
                for i in 0..<n {
                    let a = v[i, j], b = v[i, j + 1]
                    re[i, j] = a; im[i, j] = b
                    re[i, j + 1] = a; im[i, j + 1] = -b
                }
                j += 2
            } else {
                j += 1
            }
        }
        return ComplexMatrix(real: re, imaginary: im)
    }
}
