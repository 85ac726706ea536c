import Linalg

/// Settings of the demographic-accounting flows-from-stocks estimator (migest `ffs_demo`).
public struct DemographicAccountingOptions: Sendable {
    /// When the global stock change (ΣS₂ − ΣS₁) is forced to equal births − deaths by rescaling
    /// the native-born (diagonal) cells (only for the `.rescale` birthplace matching).
    public enum GlobalMatching: String, Sendable {
        /// Before births and deaths are removed (migest 2.0.5's code default; `nb_scale_global`,
        /// here proportional, without migest's rounding to integers).
        case beforeDemographicAdjustment
        /// After they are removed (the default migest's documentation names).
        case afterDemographicAdjustment
    }
    /// How the stock tables are made to have equal place-of-birth (row) totals.
    public enum BirthplaceMatching: String, Sendable {
        /// Both tables are refitted by IPF to the mid-point row totals, keeping their column
        /// totals (Abel & Sander 2014).
        case rescale
        /// Moves in and out of the system absorb the differences: leavers distributed like the
        /// start stocks' rows ("open", Abel 2018).
        case open
        /// As `open` with the end stocks as weights for leavers (Abel 2013, Demographic Research).
        case openDR = "open-dr"
    }
    /// How deaths by residence are split by place of birth.
    public enum DeathMethod: String, Sendable {
        /// In proportion to the start stocks of each residence column (equal mortality).
        case proportion
        /// IPF of the start stocks to the deaths by residence and the deaths by birthplace implied
        /// by the accounts (row S₁ + births − row S₂).
        case accounting
    }

    /// Quasi-independent fit with the stayers (diagonal) fixed at min(S₁, S₂) — the minimum
    /// migration of Abel (2013) — when true; the independent fit of Azose & Raftery (2019) when
    /// false.
    public var stayerAssumption = true
    public var globalMatching: GlobalMatching = .beforeDemographicAdjustment
    /// How the native-born cells are rescaled when `globalMatching` is
    /// `.beforeDemographicAdjustment`.
    public enum NativeBornRescaling: String, Sendable {
        /// Proportionally, to real values (the default).
        case proportional
        /// migest 2.0.5's `nb_scale_global` integer rule: each diagonal is scaled to its new
        /// total, rounded (R's round half to even), and the rounding remainder added to its
        /// largest cell (the first of equal ones; migest draws one at random), after migest's
        /// adjustment of the end table when the stock gap's remainder modulo 2 lies in (0, 0.5).
        case migestInteger
    }
    /// The native-born rescaling rule (see `NativeBornRescaling`).
    public var nativeBornRescaling: NativeBornRescaling = .proportional
    public var birthplaceMatching: BirthplaceMatching = .rescale
    /// How births by residence are split by place of birth (migest `birth_mat`'s `method`).
    public enum BirthMethod: String, Sendable {
        /// All births are native born: they are removed from the diagonal of the end stocks
        /// (migest's default, `"native"`).
        case native
        /// Births of residence j are spread over birthplaces like the end stocks of j,
        /// B[i, j] = S₂[i, j] · births[j] / Σᵢ S₂[i, j] (migest `"proportion"`: a one-margin
        /// IPF of S₂ to the births) — the foreign born have children too, or births are counted
        /// by the mother's birthplace.
        case proportion
    }
    /// The split of births by birthplace (see `BirthMethod`; default `.native`).
    public var birthMethod: BirthMethod = .native
    /// With `.native` births: when a residence's native-born end stock is smaller than its
    /// births, its births are spread over birthplaces like the end stocks (migest
    /// `birth_non_negative`). Without it such a residence's adjusted stock turns negative, which
    /// is an error.
    public var birthsNonNegative = true
    public var deathMethod: DeathMethod = .proportion
    /// Origin × destination offset (e.g. a distance-based prior), used in both the independent
    /// and the stayer fit (migest ignores it with stayers).
    public var seed: Matrix? = nil
    /// The IPF stopping rule (migest stops at 1e-3; the default here is the converged fit).
    public var ipf = IPFOptions()
    public init() {}
}

/// Estimated flows from demographic accounting.
///
/// Members: `flows` (origin × destination × birthplace, shape [n, n, n], row-major; the
/// diagonal i = j holds the stayers), `originDestination` (Σ over birthplace; diagonal = stayers),
/// `migrantFlows` (the same without the diagonal), `births` and `deaths` (birthplace ×
/// residence, the amounts removed from the end and start stocks), `adjustedStart`,
/// `adjustedEnd` (the stock tables the flows reproduce: Σ_j flows[i, j, k] = adjustedStart[k, i],
/// Σ_i flows[i, j, k] = adjustedEnd[k, j]), `movesIn` and `movesOut` (birthplace × residence;
/// nonzero for the open methods), `iterations`, `maxRelativeDeviation` (of the IPF).
public struct DemographicAccountingResult: Sendable {
    public let flows: ContingencyTable
    public let originDestination: Matrix
    public let migrantFlows: Matrix
    public let births: Matrix
    public let deaths: Matrix
    public let adjustedStart: Matrix
    public let adjustedEnd: Matrix
    public let movesIn: Matrix
    public let movesOut: Matrix
    public let iterations: Int
    public let maxRelativeDeviation: Double
}

extension FlowsFromStocks {
    /// Bilateral flows from two place-of-birth × residence stock tables with births and deaths
    /// by demographic accounting (Abel 2013, Demographic Research 28(18); Abel & Sander 2014;
    /// Abel 2018; Abel & Cohen 2019; migest `ffs_demo`).
    ///
    /// Steps: (1) negative native-born stocks are raised to 0 by shrinking the foreign born of
    /// that residence (migest `nb_non_zero`); (2) with `.rescale`, the native-born cells are
    /// rescaled so that ΣS₂ − ΣS₁ = Σbirths − Σdeaths (before or after step 3); (3) births are
    /// removed from S₂ (`BirthMethod`) and deaths from S₁ (`DeathMethod`); (4) the place-of-birth
    /// totals are matched (`BirthplaceMatching`); (5) flows y_ijk (origin i, destination j,
    /// birthplace k) are fitted by IPF to Σ_j y_ijk = S₁[k, i] and Σ_i y_ijk = S₂[k, j], either
    /// independently (log y_ijk = α_ik + β_jk + log m_ij) or with the stayers y_iik fixed at
    /// min(S₁[k, i], S₂[k, i]) and the off-diagonal cells fitted to what remains.
    /// - Throws: `FlowEstimationError` — `invalidInput` (shapes), `invalidValue` (negative or
    ///   non-finite inputs, or an adjusted stock that turned negative: births or deaths larger
    ///   than the stocks can carry), the IPF errors.
    public static func demographicAccounting(stockStart: Matrix, stockEnd: Matrix, births: [Double], deaths: [Double],
                                             options: DemographicAccountingOptions = DemographicAccountingOptions()) throws -> DemographicAccountingResult {
        let n = stockStart.rows
        guard n > 0, stockStart.cols == n, stockEnd.rows == n, stockEnd.cols == n, births.count == n, deaths.count == n else {
            throw FlowEstimationError.invalidInput("need two square n×n stock tables and n births and deaths; got \(stockStart.rows)×\(stockStart.cols), \(stockEnd.rows)×\(stockEnd.cols), \(births.count), \(deaths.count)")
        }
        try IterativeProportionalFitting.checkCounts(births, "births")
        try IterativeProportionalFitting.checkCounts(deaths, "deaths")
        for (k, v) in (stockStart.elements + stockEnd.elements).enumerated() where !v.isFinite {
            throw FlowEstimationError.invalidValue(what: "stocks", index: k, value: v, requirement: "stocks must be finite")
        }
        if let s = options.seed {
            guard s.rows == n, s.cols == n else { throw FlowEstimationError.invalidInput("the seed must be \(n)×\(n), got \(s.rows)×\(s.cols)") }
            try IterativeProportionalFitting.checkCounts(s.elements, "seed")
        }
        var s1 = nativeBornNonNegative(stockStart), s2 = nativeBornNonNegative(stockEnd)
        let rescaling = options.birthplaceMatching == .rescale
        if rescaling && options.globalMatching == .beforeDemographicAdjustment {
            if options.nativeBornRescaling == .migestInteger {
                (s1, s2) = nativeBornIntegerScaling(s1, s2, births: births, deaths: deaths)
            } else {
                let dd = (births.reduce(0, +) - deaths.reduce(0, +)) - (s2.elements.reduce(0, +) - s1.elements.reduce(0, +))
                s1 = scaleDiagonal(s1, by: -dd / 2)
                s2 = scaleDiagonal(s2, by: dd / 2)
            }
        }
        // Births (native born, or spread like the end stocks) and deaths.
        var birthMatrix = Matrix.diagonal(births)
        for j in 0..<n where options.birthMethod == .proportion || (options.birthsNonNegative && s2[j, j] - births[j] < 0) {
            let column = (0..<n).reduce(0) { $0 + s2[$1, j] }
            for i in 0..<n { birthMatrix[i, j] = column > 0 ? s2[i, j] * births[j] / column : 0 }
        }
        var deathMatrix = try Matrix(rows: n, cols: n)
        switch options.deathMethod {
        case .proportion:
            for j in 0..<n {
                let column = (0..<n).reduce(0) { $0 + s1[$1, j] }
                for i in 0..<n { deathMatrix[i, j] = column > 0 ? s1[i, j] * deaths[j] / column : 0 }
            }
        case .accounting:
            let byBirthplace = (0..<n).map { k in (0..<n).reduce(0) { $0 + s1[k, $1] } + births[k] - (0..<n).reduce(0) { $0 + s2[k, $1] } }
            for (k, v) in byBirthplace.enumerated() where v < 0 {
                throw FlowEstimationError.invalidValue(what: "deaths by birthplace implied by the accounts", index: k, value: v,
                                                       requirement: "they must be ≥ 0 — use the proportion method")
            }
            deathMatrix = try IterativeProportionalFitting.fit(seed: s1, rowTotals: byBirthplace, columnTotals: deaths, options: options.ipf).fitted
        }
        var a = try s1.subtracting(deathMatrix), b = try s2.subtracting(birthMatrix)
        if rescaling && options.globalMatching == .afterDemographicAdjustment {
            let dd = b.elements.reduce(0, +) - a.elements.reduce(0, +)
            let d1 = (0..<n).reduce(0) { $0 + a[$1, $1] }, d2 = (0..<n).reduce(0) { $0 + b[$1, $1] }
            for i in 0..<n {
                if d1 != 0 { a[i, i] += dd * a[i, i] / d1 * 0.5 }
                if d2 != 0 { b[i, i] -= dd * b[i, i] / d2 * 0.5 }
            }
        }
        for (k, v) in (a.elements + b.elements).enumerated() where v < -1e-9 * max(1, abs(v)) {
            throw FlowEstimationError.invalidValue(what: "stocks after removing births and deaths", index: k % (n * n), value: v,
                                                   requirement: "they must stay ≥ 0 — births or deaths exceed the stocks of that residence; check the inputs or set birthsNonNegative")
        }
        a = try clampTinyNegatives(a)
        b = try clampTinyNegatives(b)
        // Equal place-of-birth totals.
        let rowsA = (0..<n).map { k in (0..<n).reduce(0) { $0 + a[k, $1] } }, rowsB = (0..<n).map { k in (0..<n).reduce(0) { $0 + b[k, $1] } }
        let dd = (0..<n).map { rowsA[$0] - rowsB[$0] }
        var movesIn = try Matrix(rows: n, cols: n), movesOut = try Matrix(rows: n, cols: n)
        switch options.birthplaceMatching {
        case .rescale:
            let colsA = (0..<n).map { j in (0..<n).reduce(0) { $0 + a[$1, j] } }, colsB = (0..<n).map { j in (0..<n).reduce(0) { $0 + b[$1, j] } }
            a = try IterativeProportionalFitting.fit(seed: a, rowTotals: (0..<n).map { rowsA[$0] - dd[$0] / 2 }, columnTotals: colsA, options: options.ipf).fitted
            b = try IterativeProportionalFitting.fit(seed: b, rowTotals: (0..<n).map { rowsB[$0] + dd[$0] / 2 }, columnTotals: colsB, options: options.ipf).fitted
        case .open, .openDR:
            let weightsIn = options.birthplaceMatching == .open ? a : b, weightsOut = options.birthplaceMatching == .open ? b : a
            movesIn = rowScaled(weightsIn, to: dd.map { max(-$0, 0) })
            movesOut = rowScaled(weightsOut, to: dd.map { max($0, 0) })
            a = try a.subtracting(movesOut)
            b = try b.subtracting(movesIn)
            a = try clampTinyNegatives(a)
            b = try clampTinyNegatives(b)
        }
        // 3-D IPF: axes (0: origin i, 1: destination j, 2: birthplace k).
        var startMargin = [Double](repeating: 0, count: n * n), endMargin = startMargin
        for i in 0..<n { for k in 0..<n { startMargin[i * n + k] = a[k, i]; endMargin[i * n + k] = b[k, i] } }
        var seed = [Double](repeating: 1, count: n * n * n)
        if let m = options.seed { for i in 0..<n { for j in 0..<n { for k in 0..<n { seed[(i * n + j) * n + k] = m[i, j] } } } }
        var x0 = startMargin, x1 = endMargin
        var stayers: [Double]? = nil  // [i, k]
        if options.stayerAssumption {
            var fixed = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for k in 0..<n { fixed[i * n + k] = min(a[k, i], b[k, i]) } }
            for q in 0..<(n * n) { x0[q] = max(0, x0[q] - fixed[q]); x1[q] = max(0, x1[q] - fixed[q]) }
            for i in 0..<n { for k in 0..<n { seed[(i * n + i) * n + k] = 0 } }
            stayers = fixed
        }
        // Birthplace totals of the two margins agree up to the IPF tolerance of step 4 (and the
        // stayers' removal): make them agree exactly, or the 3-D fit cannot meet both.
        for k in 0..<n {
            let t0 = (0..<n).reduce(0) { $0 + x0[$1 * n + k] }, t1 = (0..<n).reduce(0) { $0 + x1[$1 * n + k] }
            if t1 > 0 { for j in 0..<n { x1[j * n + k] *= t0 / t1 } }
        }
        let r = try IterativeProportionalFitting.fit(seed: try ContingencyTable(shape: [n, n, n], values: seed),
                                                     margins: [TableMargin(axes: [0, 2], totals: x0), TableMargin(axes: [1, 2], totals: x1)],
                                                     options: options.ipf)
        var fitted = r.fitted.values
        if let stayers { for i in 0..<n { for k in 0..<n { fitted[(i * n + i) * n + k] = stayers[i * n + k] } } }
        var od = try Matrix(rows: n, cols: n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { od[i, j] += fitted[(i * n + j) * n + k] } } }
        var migrants = od
        for i in 0..<n { migrants[i, i] = 0 }
        return DemographicAccountingResult(flows: try ContingencyTable(shape: [n, n, n], values: fitted), originDestination: od, migrantFlows: migrants,
                                           births: birthMatrix, deaths: deathMatrix, adjustedStart: a, adjustedEnd: b,
                                           movesIn: movesIn, movesOut: movesOut, iterations: r.iterations, maxRelativeDeviation: r.maxRelativeDeviation)
    }

    /// Negative native-born cells set to 0, the residence's foreign born scaled down so the
    /// column total is kept (migest `nb_non_zero`).
    static func nativeBornNonNegative(_ m: Matrix) -> Matrix {
        var out = m
        for j in 0..<m.rows where m[j, j] < 0 {
            let total = (0..<m.rows).reduce(0) { $0 + m[$1, j] }
            let positive = (0..<m.rows).reduce(0) { $0 + max(m[$1, j], 0) }
            for i in 0..<m.rows { out[i, j] = positive > 0 ? max(m[i, j], 0) * max(total, 0) / positive : 0 }
        }
        return out
    }

    /// migest 2.0.5's `nb_scale_global`: with dd = (Σb − Σd) − (ΣS₂ − ΣS₁), when dd mod 2
    /// lies in (0, 0.5) (R's test `round(dd %% 2) == 0 & dd %% 2 != 0`) the end table's diagonal is
    /// first moved to its total + 1 by the integer rule and dd recomputed; then, when dd ≠ 0, the
    /// start diagonal goes to its total − dd/2 and the end diagonal to its total + dd/2, each by
    /// `integerRescaled`.
    static func nativeBornIntegerScaling(_ m1: Matrix, _ m2: Matrix, births: [Double], deaths: [Double]) -> (Matrix, Matrix) {
        var a = m1, b = m2
        let n = m1.rows
        func diagonal(_ m: Matrix) -> [Double] { (0..<n).map { m[$0, $0] } }
        func setDiagonal(_ m: inout Matrix, _ d: [Double]) { for i in 0..<n { m[i, i] = d[i] } }
        let natural = births.reduce(0, +) - deaths.reduce(0, +)
        var dd = natural - (b.elements.reduce(0, +) - a.elements.reduce(0, +))
        let tot1 = diagonal(a).reduce(0, +)
        var tot2 = diagonal(b).reduce(0, +)
        let remainder = dd - 2 * (dd / 2).rounded(.down)          // R's dd %% 2, in [0, 2)
        if remainder.rounded(.toNearestOrEven) == 0 && remainder != 0 {
            setDiagonal(&b, integerRescaled(diagonal(b), to: tot2 + 1))
            dd = natural - (b.elements.reduce(0, +) - a.elements.reduce(0, +))
            tot2 = diagonal(b).reduce(0, +)
        }
        if dd != 0 {
            setDiagonal(&a, integerRescaled(diagonal(a), to: tot1 - dd / 2))
            setDiagonal(&b, integerRescaled(diagonal(b), to: tot2 + dd / 2))
        }
        return (a, b)
    }

    /// migest's `rescale_integer_sum`: x scaled to sum to `total`, rounded half to even (R's
    /// `round`), and total − Σ rounded added to the cell equal to max |x| (the first such cell;
    /// migest picks one at random; when no cell equals max |x|, i.e. the largest magnitude is
    /// negative, migest fails and here the first cell of largest magnitude takes it).
    static func integerRescaled(_ x: [Double], to total: Double) -> [Double] {
        let sum = x.reduce(0, +)
        guard sum != 0 else { return x }
        var y = x.map { ($0 * total / sum).rounded(.toNearestOrEven) }
        let d = total - y.reduce(0, +)
        if d != 0, !x.isEmpty {
            let largest = x.map(Swift.abs).max() ?? 0
            let k = x.firstIndex(of: largest) ?? x.indices.max { Swift.abs(x[$0]) < Swift.abs(x[$1]) }!
            y[k] += d
        }
        return y
    }

    /// The diagonal rescaled proportionally so that its sum changes by `change`.
    static func scaleDiagonal(_ m: Matrix, by change: Double) -> Matrix {
        var out = m
        let total = (0..<m.rows).reduce(0) { $0 + m[$1, $1] }
        guard total > 0 else { return out }
        for i in 0..<m.rows { out[i, i] = m[i, i] * (total + change) / total }
        return out
    }

    /// Rows of `weights` scaled to the given totals (all-zero rows stay zero).
    static func rowScaled(_ weights: Matrix, to totals: [Double]) -> Matrix {
        var out = weights
        for i in 0..<weights.rows {
            let s = (0..<weights.cols).reduce(0) { $0 + weights[i, $1] }
            for j in 0..<weights.cols { out[i, j] = s > 0 ? weights[i, j] * totals[i] / s : 0 }
        }
        return out
    }

    static func clampTinyNegatives(_ m: Matrix) throws -> Matrix {
        var out = m
        for i in 0..<m.rows {
            for j in 0..<m.cols where m[i, j] < 0 {
                guard m[i, j] > -1e-9 * max(1, abs(m[i, j])) else {
                    throw FlowEstimationError.invalidValue(what: "adjusted stock (birthplace \(i), residence \(j))", index: i * m.cols + j, value: m[i, j],
                                                           requirement: "adjusted stocks must be ≥ 0 — the birthplace totals cannot be matched by these moves; try the rescale method")
                }
                out[i, j] = 0
            }
        }
        return out
    }
}
