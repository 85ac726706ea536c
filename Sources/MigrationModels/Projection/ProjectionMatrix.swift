import Linalg

extension CohortComponentProjection {
    /// Default limit on the order of a dense projection matrix (4096² doubles = 128 MiB).
    public static let defaultDenseLimit = 4096

    /// The dense multiregional Leslie matrix L, n×n with n = R·A·S, such that one step without
    /// immigration is K(t + h) = L·K(t) (rows and columns in the layout's order
    /// i + R·(a + A·s)). Built only on request, for growth analysis and checks on small cases;
    /// projections use the block form.
    ///
    /// Entries (Rogers 1995, ch. 4; φ, S, o, e, D, f, S_b as in `CohortComponentProjection`,
    /// a' = min(a + 1, A − 1)):
    ///
    ///     L[(j,a',s), (i,a,s)] = S(i,a,s)·[(1 − o − e)(i,a,s)·δᵢⱼ + o(i,a,s)·D(i,j)]
    ///     L[(j,0,s'), (i,a,♀)] += φ_{s'}·S_b(j,s')·(h/2)·[f(j,a)·δᵢⱼ + f(j,a')·L[(j,a',♀), (i,a,♀)]]
    ///
    /// (h·f(j,a)·δᵢⱼ in the bracket's place with births from the start of the step), and with a
    /// birth-migration matrix P the births row (j,0,s') is spread to (k,0,s') by P(j,k).
    ///
    /// - Parameters:
    ///   - rates: the rates of the step (immigration is not part of L).
    ///   - maximumSize: the largest n allowed.
    /// - Throws: `CohortProjectionError.denseMatrixTooLarge`, `.linearAlgebra`.
    public static func projectionMatrix(_ rates: CohortComponentRates, maximumSize: Int = defaultDenseLimit) throws -> Matrix {
        let layout = rates.layout
        let n = layout.count
        guard n <= maximumSize else { throw CohortProjectionError.denseMatrixTooLarge(size: n, limit: maximumSize) }
        let r = layout.regionCount, ages = layout.ageGroups, sexes = layout.sexes.count
        let h = Double(layout.ageWidth)
        var l = try projectionLinalg { try Matrix(rows: n, cols: n) }
        let emigration = rates.emigration ?? [Double](repeating: 0, count: n)
        let d = rates.destinationShares
        for s in 0..<sexes {
            for a in 0..<ages {
                let a2 = min(a + 1, ages - 1)
                for i in 0..<r {
                    let col = layout.index(region: i, age: a, sex: s)
                    let sv = rates.survival[col], o = rates.outmigration[col], e = emigration[col]
                    for j in 0..<r {
                        let g = sv * ((i == j ? 1 - o - e : 0) + o * d[i, j])
                        if g != 0 { l[layout.index(region: j, age: a2, sex: s), col] += g }
                    }
                }
            }
        }
        // Births: from female columns (sex 0) into age group 0 of each sex.
        let phiFemale = rates.femaleBirthFraction
        let startOnly = rates.birthExposure == .startOfStep
        for a in 0..<ages {
            let a2 = min(a + 1, ages - 1)
            for i in 0..<r {
                let col = layout.index(region: i, age: a, sex: 0)
                // Births in each region j from the women of column col (computed from the
                // survival block before any birth entry is added).
                var births = [Double](repeating: 0, count: r)
                for j in 0..<r {
                    if startOnly {
                        births[j] = i == j ? h * rates.fertility[j + r * a] : 0
                    } else {
                        var db = (i == j ? rates.fertility[j + r * a] : 0)
                        db += rates.fertility[j + r * a2] * l[layout.index(region: j, age: a2, sex: 0), col]
                        births[j] = db * h / 2
                    }
                }
                for j in 0..<r where births[j] != 0 {
                    for s2 in 0..<sexes {
                        let phi = s2 == 0 ? phiFemale : 1 - phiFemale
                        let alive = phi * rates.birthSurvival[j + r * s2] * births[j]
                        if let p = rates.birthMigration {
                            for k in 0..<r where p[j, k] != 0 { l[layout.index(region: k, age: 0, sex: s2), col] += alive * p[j, k] }
                        } else {
                            l[layout.index(region: j, age: 0, sex: s2), col] += alive
                        }
                    }
                }
            }
        }
        return l
    }
}
