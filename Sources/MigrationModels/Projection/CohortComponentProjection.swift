import Linalg

/// Multiregional cohort-component projection (Rogers 1966, "Matrix methods of population
/// analysis", *J. American Institute of Planners* 32; Rogers 1995, *Multiregional Demography*,
/// ch. 4), computed block by block.
///
/// One step of h = `ageWidth` years takes the population K(t) (region i, age group a, sex s) to
/// K(t + h):
///
/// 1. Survival and movement of each cohort. With a' = min(a + 1, A − 1), survivors
///    V = S(i,a,s)·K(i,a,s) stay with probability 1 − o − e, move to region j with
///    probability o(i,a,s)·D(i,j), or emigrate with probability e(i,a,s):
///
///        K(j,a',s; t+h) = Σ_{a→a'} [ (1 − o − e)(j,a,s)·V(j,a,s) + Σᵢ D(i,j)·o(i,a,s)·V(i,a,s) ] + I(j,a',s)
///
///    i.e. per age group and sex one block G_a = [diag(1 − o − e) + Dᵀ·diag(o)]·diag(S) of the
///    Rogers survival-migration matrix; all inter-regional moves of a step are one `dgemm`
///    Dᵀ·M with M the R × (A·S) matrix of movers. I are immigrants (age at the end of the step).
/// 2. Births in region i, from the female population (sex index 0) averaged over the start and
///    the end of the step (the Leslie/Keyfitz convention):
///
///        B(i) = h · Σ_{a≥1} f(i,a) · ½ [K(i,a,♀; t) + K(i,a,♀; t+h)]
///
///    (or B(i) = h·Σ f(i,a)·K(i,a,♀; t) with `CohortComponentRates.BirthExposure.startOfStep`),
///    and the newborns alive at the end, in age group 0 of the mother's region:
///    K(i,0,s; t+h) = φ_s·B(i)·S_b(i,s), φ♀ = 1/(1 + SRB), φ♂ = SRB/(1 + SRB) (+ I(i,0,s)) —
///    or, with a birth-migration matrix P, K(j,0,s; t+h) = Σᵢ P(i,j)·φ_s·B(i)·S_b(i,s), the moves
///    i ≠ j counted as out- and in-migration of the step.
///
/// Without immigration this is K(t+h) = L·K(t) with the multiregional Leslie matrix L of
/// `projectionMatrix(_:)`, whose dense form is built only on request. Work per step is
/// O(R·A·S) plus one R×R by R×(A·S) product; memory O(R² + R·A·S).
///
/// The zero-sum check: in every step Σ in-migrants must equal Σ out-migrants within
/// `CohortProjectionOptions.balanceTolerance` (relative), else `CohortProjectionError.migrationDoesNotBalance`.
public enum CohortComponentProjection {
    /// Projects `initial` for `steps` steps with rates that may change every step.
    /// - Parameters:
    ///   - initial: K(0).
    ///   - steps: ≥ 0.
    ///   - options: recording and the balance tolerance.
    ///   - rates: the rates of step t (0-based); their layout must equal the population's.
    /// - Throws: `CohortProjectionError.invalidInput` (steps < 0, layout mismatch),
    ///   `.migrationDoesNotBalance`, `.linearAlgebra`, and whatever `rates` throws.
    public static func project(initial: RegionalPopulation, steps: Int, options: CohortProjectionOptions = CohortProjectionOptions(),
                               rates: (Int) throws -> CohortComponentRates) throws -> CohortProjectionResult {
        guard steps >= 0 else { throw CohortProjectionError.invalidInput("steps must be ≥ 0, got \(steps)") }
        guard options.balanceTolerance >= 0 else { throw CohortProjectionError.invalidInput("balanceTolerance must be ≥ 0") }
        var current = initial
        var populations: [RegionalPopulation] = options.recordPopulations ? [initial] : []
        var accounts: [CohortProjectionStepAccount] = []
        var totals = [initial.total]
        var worst = 0.0
        var workspace = try StepWorkspace(layout: initial.layout)
        for t in 0..<steps {
            let r = try rates(t)
            guard r.layout == initial.layout else {
                throw CohortProjectionError.invalidInput("the rates of step \(t) have a different layout (regions, ages, width or sexes) from the population")
            }
            let (next, account, imbalance) = try advance(current, r, &workspace)
            if imbalance > options.balanceTolerance {
                let out = account.outMigrants.reduce(0, +), inn = account.inMigrants.reduce(0, +)
                throw CohortProjectionError.migrationDoesNotBalance(step: t, outMigrants: out, inMigrants: inn)
            }
            worst = max(worst, imbalance)
            current = next
            accounts.append(account)
            totals.append(current.total)
            if options.recordPopulations { populations.append(current) }
        }
        return CohortProjectionResult(layout: initial.layout, steps: steps, final: current, populations: populations,
                                accounts: accounts, maximumMigrationImbalance: worst, totals: totals)
    }

    /// Projects with the same rates at every step.
    public static func project(initial: RegionalPopulation, steps: Int, rates: CohortComponentRates,
                               options: CohortProjectionOptions = CohortProjectionOptions()) throws -> CohortProjectionResult {
        try project(initial: initial, steps: steps, options: options, rates: { _ in rates })
    }

    /// One step: the population at t + h and the step's account.
    /// - Throws: `CohortProjectionError.invalidInput` for a layout mismatch, `.linearAlgebra`.
    public static func step(_ population: RegionalPopulation, rates: CohortComponentRates) throws -> (RegionalPopulation, CohortProjectionStepAccount) {
        guard rates.layout == population.layout else {
            throw CohortProjectionError.invalidInput("the rates have a different layout (regions, ages, width or sexes) from the population")
        }
        var workspace = try StepWorkspace(layout: population.layout)
        let (next, account, _) = try advance(population, rates, &workspace)
        return (next, account)
    }

    /// Buffers reused across steps: movers M and arrivals Dᵀ·M (R × A·S each).
    struct StepWorkspace {
        var movers: Matrix
        var arrivals: Matrix
        init(layout: PopulationLayout) throws {
            let r = layout.regionCount, cols = layout.ageGroups * layout.sexes.count
            movers = try projectionLinalg { try Matrix(rows: r, cols: cols) }
            arrivals = movers
        }
    }

    /// The step itself; returns the relative migration imbalance |Σ in − Σ out| / max(1, Σ out).
    static func advance(_ population: RegionalPopulation, _ rates: CohortComponentRates,
                        _ ws: inout StepWorkspace) throws -> (RegionalPopulation, CohortProjectionStepAccount, Double) {
        let layout = population.layout
        let r = layout.regionCount, ages = layout.ageGroups, sexes = layout.sexes.count
        let h = Double(layout.ageWidth)
        let n = layout.count
        var next = [Double](repeating: 0, count: n)
        var births = [Double](repeating: 0, count: r), deaths = births, outM = births, inM = births
        var emig = births, immig = births, popEnd = births
        let k = population.values
        let hasEmigration = rates.emigration != nil
        let emigration = rates.emigration ?? []
        var anyMovers = false
        ws.movers.withUnsafeMutableElements { movers in
            for idx in 0..<n { movers[idx] = 0 }
            k.withUnsafeBufferPointer { kp in
                rates.survival.withUnsafeBufferPointer { sp in
                    rates.outmigration.withUnsafeBufferPointer { op in
                        next.withUnsafeMutableBufferPointer { np in
                            for s in 0..<sexes {
                                for a in 0..<ages {
                                    let a2 = min(a + 1, ages - 1)
                                    let src = r * (a + ages * s), dst = r * (a2 + ages * s)
                                    for i in 0..<r {
                                        let kv = kp[src + i]
                                        let v = sp[src + i] * kv
                                        let mv = op[src + i] * v
                                        let em = hasEmigration ? emigration[src + i] * v : 0
                                        deaths[i] += kv - v
                                        np[dst + i] += v - mv - em
                                        movers[dst + i] += mv
                                        outM[i] += mv
                                        emig[i] += em
                                        if mv != 0 { anyMovers = true }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Inter-regional moves of all ages and sexes at once: arrivals = Dᵀ·M.
        var totalOut = 0.0, totalIn = 0.0
        if anyMovers {
            try projectionLinalg { try BLAS.gemm(1, rates.destinationShares, .transpose, ws.movers, .none, 0, &ws.arrivals) }
            ws.arrivals.withUnsafeElements { ap in
                for idx in 0..<n {
                    next[idx] += ap[idx]
                    inM[idx % r] += ap[idx]
                }
            }
            totalOut = outM.reduce(0, +)
            totalIn = inM.reduce(0, +)
        }
        if let immigration = rates.immigration {
            for idx in 0..<n {
                next[idx] += immigration[idx]
                immig[idx % r] += immigration[idx]
            }
        }
        // Births from the female population (sex index 0), averaged over start and end or from
        // the start.
        let startOnly = rates.birthExposure == .startOfStep
        for a in 1..<ages {
            for i in 0..<r {
                let f = rates.fertility[i + r * a]
                if f != 0 { births[i] += startOnly ? h * f * k[i + r * a] : h * f * 0.5 * (k[i + r * a] + next[i + r * a]) }
            }
        }
        let phiFemale = rates.femaleBirthFraction
        for s in 0..<sexes {
            let phi = s == 0 ? phiFemale : 1 - phiFemale
            for i in 0..<r {
                let born = phi * births[i]
                let alive = born * rates.birthSurvival[i + r * s]
                deaths[i] += born - alive
                guard let p = rates.birthMigration else { next[i + r * (ages * s)] += alive; continue }
                for j in 0..<r where p[i, j] != 0 {
                    let moved = alive * p[i, j]
                    next[j + r * (ages * s)] += moved
                    if i != j { outM[i] += moved; inM[j] += moved; totalOut += moved; totalIn += moved }
                }
            }
        }
        for idx in 0..<n { popEnd[idx % r] += next[idx] }
        let imbalance = abs(totalIn - totalOut) / max(1, totalOut)
        let account = CohortProjectionStepAccount(births: births, deaths: deaths, outMigrants: outM, inMigrants: inM,
                                            emigrants: emig, immigrants: immig, population: popEnd)
        return (RegionalPopulation(unchecked: layout, values: next), account, imbalance)
    }
}
