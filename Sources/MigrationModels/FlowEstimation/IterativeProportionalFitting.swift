/// Known totals of a table over some of its axes: `totals` are in row-major order of `axes`
/// (strictly increasing), as `ContingencyTable.margin(axes)` returns them.
public struct TableMargin: Sendable, Equatable {
    public let axes: [Int]
    public let totals: [Double]
    public init(axes: [Int], totals: [Double]) {
        self.axes = axes
        self.totals = totals
    }
}

/// Settings of iterative proportional fitting.
public struct IPFOptions: Sendable {
    /// Stop when every constrained total is met to this maximum relative deviation
    /// max |fitted − target| / target over targets > 0 (targets of 0 are met exactly).
    public var tolerance: Double = 1e-10
    /// Maximum number of cycles (one cycle scales to every constraint once).
    public var maxIterations: Int = 10_000
    /// Relative tolerance of the consistency checks between margins (grand totals and shared
    /// sub-margins).
    public var consistencyTolerance: Double = 1e-9
    /// Return a result flagged `converged = false` instead of throwing.
    public var allowNonConvergence: Bool = false
    public init() {}
}

/// The result of iterative proportional fitting.
///
/// Members: `fitted` (the table), `iterations` (cycles run), `maxRelativeDeviation` (of the
/// constrained totals at the end), `tolerance` (the stopping rule used), `converged`.
public struct IPFResult: Sendable {
    public let fitted: ContingencyTable
    public let iterations: Int
    public let maxRelativeDeviation: Double
    public let tolerance: Double
    public let converged: Bool
}

/// Iterative proportional fitting (Deming & Stephan 1940; Bishop, Fienberg & Holland 1975,
/// ch. 3): the maximum-likelihood fit of the log-linear model with the given margins and the
/// seed as offset, log μ = log m + Σ (one term per margin), under Poisson or multinomial
/// sampling (Agresti 2002, §8.7). Each cycle multiplies the cells of every margin cell by
/// target / current total, in the order given; cells with seed 0 are structural zeros and stay 0.
/// Matches the `ipfn` Python package and mipfp/migest's `ipf2`/`ipf3` run to convergence.
///
/// Before iterating it checks that the margins are consistent (equal grand totals; margins that
/// share axes agree on them) and attainable (no positive target over cells that are all
/// structural zeros). Some combinations of zeros and margins have no fit even so; IPF then
/// fails to converge and the error says so.
public enum IterativeProportionalFitting {
    /// Fits `seed` to `margins` (n-dimensional: 2-D to row/column totals, 3-D to 1-D or 2-D
    /// margins, …).
    /// - Throws: `FlowEstimationError` — `invalidValue` (negative or non-finite seed/total),
    ///   `invalidInput` (axes or sizes), `inconsistentMargins`, `unattainableMargin`,
    ///   `notConverged` (unless `allowNonConvergence`).
    public static func fit(seed: ContingencyTable, margins: [TableMargin], options: IPFOptions = IPFOptions()) throws -> IPFResult {
        guard !margins.isEmpty else { throw FlowEstimationError.invalidInput("at least one margin is needed") }
        try checkCounts(seed.values, "seed")
        var constraints: [Constraint] = []
        for (q, m) in margins.enumerated() {
            guard !m.axes.isEmpty, m.axes.allSatisfy({ $0 >= 0 && $0 < seed.shape.count }), zip(m.axes, m.axes.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw FlowEstimationError.invalidInput("margin \(q): axes must be strictly increasing and within 0..<\(seed.shape.count), got \(m.axes)")
            }
            let cells = m.axes.reduce(1) { $0 * seed.shape[$1] }
            guard m.totals.count == cells else {
                throw FlowEstimationError.invalidInput("margin \(q) over axes \(m.axes) needs \(cells) totals, got \(m.totals.count)")
            }
            try checkCounts(m.totals, "margin \(q) (axes \(m.axes))")
            constraints.append(Constraint(name: "margin over axes \(m.axes)", group: [], totals: m.totals,
                                          layout: AxisLayout(shape: seed.shape, axes: m.axes)))
        }
        // Consistency: equal grand totals, and agreement on shared axes.
        for q in 1..<max(1, margins.count) {
            let a = margins[0], b = margins[q]
            let ta = a.totals.reduce(0, +), tb = b.totals.reduce(0, +)
            if !close(ta, tb, options.consistencyTolerance) {
                throw FlowEstimationError.inconsistentMargins(first: "the totals over axes \(a.axes)", firstTotal: ta, second: "the totals over axes \(b.axes)", secondTotal: tb)
            }
        }
        for p in 0..<margins.count {
            for q in (p + 1)..<max(p + 1, margins.count) {
                let shared = margins[p].axes.filter { margins[q].axes.contains($0) }
                if shared.isEmpty { continue }
                let sp = try subMargin(margins[p], shared, seed.shape), sq = try subMargin(margins[q], shared, seed.shape)
                for k in 0..<sp.count where !close(sp[k], sq[k], options.consistencyTolerance) {
                    throw FlowEstimationError.inconsistentMargins(first: "margin \(margins[p].axes) at cell \(k) of axes \(shared)", firstTotal: sp[k],
                                                                  second: "margin \(margins[q].axes)", secondTotal: sq[k])
                }
            }
        }
        let (values, iterations, deviation) = try scale(seed: seed.values, constraints: constraints, options: options, what: "IPF")
        return IPFResult(fitted: try ContingencyTable(shape: seed.shape, values: values), iterations: iterations,
                         maxRelativeDeviation: deviation, tolerance: options.tolerance, converged: deviation <= options.tolerance)
    }

    /// One set of totals over a partition of (some of) the cells: `group[k]` is the total that
    /// cell k counts towards, or −1 when it is not constrained.
    struct Constraint {
        let name: String
        let group: [Int32]
        let totals: [Double]
        /// For margins over axes: the strided layout, which replaces the gather/scatter through
        /// `group` by contiguous loops over the last axis.
        var layout: AxisLayout? = nil
    }

    /// A margin over some axes of a row-major table: `marginStrides[a]` is the stride of axis a
    /// in the margin (0 for summed-out axes).
    struct AxisLayout {
        let shape: [Int]
        let marginStrides: [Int]

        init(shape: [Int], axes: [Int]) {
            self.shape = shape
            var strides = [Int](repeating: 0, count: shape.count)
            var s = 1
            for a in axes.reversed() { strides[a] = s; s *= shape[a] }
            marginStrides = strides
        }

        /// Calls body(cellOffset, marginOffset, lastAxisInMargin) for every run of the last axis.
        @inline(__always)
        func forEachRun(_ body: (Int, Int) -> Void) {
            let d = shape.count, last = shape[d - 1]
            var index = [Int](repeating: 0, count: max(0, d - 1))
            let runs = shape.dropLast().reduce(1, *)
            var marginOffset = 0
            for r in 0..<runs {
                body(r * last, marginOffset)
                // Odometer over the leading axes.
                var a = d - 2
                while a >= 0 {
                    index[a] += 1
                    marginOffset += marginStrides[a]
                    if index[a] < shape[a] { break }
                    marginOffset -= marginStrides[a] * shape[a]
                    index[a] = 0
                    a -= 1
                }
            }
        }

        /// s[margin cell] = Σ of the table's cells in it.
        func sums(_ x: UnsafeBufferPointer<Double>, into s: UnsafeMutableBufferPointer<Double>) {
            for g in 0..<s.count { s[g] = 0 }
            let last = shape[shape.count - 1]
            if marginStrides[shape.count - 1] != 0 {
                forEachRun { cell, m in for c in 0..<last { s[m + c] += x[cell + c] } }
            } else {
                forEachRun { cell, m in
                    var acc = 0.0
                    for c in 0..<last { acc += x[cell + c] }
                    s[m] += acc
                }
            }
        }

        /// x[cell] *= f[margin cell].
        func scale(_ x: UnsafeMutableBufferPointer<Double>, by f: UnsafeBufferPointer<Double>) {
            let last = shape[shape.count - 1]
            if marginStrides[shape.count - 1] != 0 {
                forEachRun { cell, m in for c in 0..<last { x[cell + c] *= f[m + c] } }
            } else {
                forEachRun { cell, m in
                    let v = f[m]
                    for c in 0..<last { x[cell + c] *= v }
                }
            }
        }
    }

    static func close(_ a: Double, _ b: Double, _ tol: Double) -> Bool {
        abs(a - b) <= tol * max(abs(a), abs(b), 1e-300) || (a == 0 && b == 0)
    }

    static func checkCounts(_ v: [Double], _ what: String) throws {
        for (k, x) in v.enumerated() where !(x >= 0 && x.isFinite) {
            throw FlowEstimationError.invalidValue(what: what, index: k, value: x, requirement: "it must be finite and ≥ 0")
        }
    }

    /// Totals of margin `m` summed down to the `shared` axes.
    static func subMargin(_ m: TableMargin, _ shared: [Int], _ shape: [Int]) throws -> [Double] {
        let sub = try ContingencyTable(shape: m.axes.map { shape[$0] }, values: m.totals)
        return try sub.margin(shared.compactMap { m.axes.firstIndex(of: $0) })
    }

    /// The IPF cycles. Returns the fitted cells, the cycles run and the final maximum relative
    /// deviation.
    static func scale(seed: [Double], constraints: [Constraint], options: IPFOptions, what: String) throws -> ([Double], Int, Double) {
        guard options.tolerance >= 0, options.maxIterations >= 1 else {
            throw FlowEstimationError.invalidInput("tolerance must be ≥ 0 and maxIterations ≥ 1")
        }
        // Attainability: a positive total needs a positive seed somewhere in its group.
        for c in constraints {
            var seedSum = [Double](repeating: 0, count: c.totals.count)
            if let layout = c.layout {
                seed.withUnsafeBufferPointer { sv in seedSum.withUnsafeMutableBufferPointer { layout.sums(sv, into: $0) } }
            } else {
                for (k, g) in c.group.enumerated() where g >= 0 { seedSum[Int(g)] += seed[k] }
            }
            for (g, t) in c.totals.enumerated() where t > 0 && seedSum[g] == 0 {
                throw FlowEstimationError.unattainableMargin(what: c.name + ", cell", index: g, total: t)
            }
        }
        var x = seed
        let n = x.count
        let last = constraints.count - 1
        var sums = constraints.map { [Double](repeating: 0, count: $0.totals.count) }
        var factors = sums
        func computeSums(_ q: Int) {
            let c = constraints[q]
            x.withUnsafeBufferPointer { xv in
                sums[q].withUnsafeMutableBufferPointer { s in
                    if let layout = c.layout {
                        layout.sums(xv, into: s)
                    } else {
                        for g in 0..<s.count { s[g] = 0 }
                        c.group.withUnsafeBufferPointer { gr in
                            for k in 0..<n where gr[k] >= 0 { s[Int(gr[k])] += xv[k] }
                        }
                    }
                }
            }
        }
        func deviation(_ q: Int) -> Double {
            var worst = 0.0
            for (g, t) in constraints[q].totals.enumerated() where t > 0 { worst = max(worst, abs(sums[q][g] - t) / t) }
            return worst
        }
        /// Scales to constraint q from its current sums; returns true when a positive target
        /// met a zero sum (cells zeroed by another constraint), so the target stays unmet.
        func scaleTo(_ q: Int) -> Bool {
            let c = constraints[q]
            var unmet = false
            for g in 0..<c.totals.count {
                if sums[q][g] > 0 { factors[q][g] = c.totals[g] / sums[q][g] } else { factors[q][g] = 0; if c.totals[g] > 0 { unmet = true } }
            }
            x.withUnsafeMutableBufferPointer { xv in
                factors[q].withUnsafeBufferPointer { f in
                    if let layout = c.layout {
                        layout.scale(xv, by: f)
                    } else {
                        c.group.withUnsafeBufferPointer { gr in
                            for k in 0..<n where gr[k] >= 0 { xv[k] *= f[Int(gr[k])] }
                        }
                    }
                }
            }
            return unmet
        }
        // Each cycle: the first constraint's sums measure the state the previous cycle left
        // (exactly), the middle ones are measured after the cycle, and the last one is met by
        // its own scaling unless a target fell on zeroed cells.
        var dev = Double.infinity
        var it = 0
        var middle = 0.0
        var lastUnmet = false
        while true {
            computeSums(0)
            if it > 0 {
                dev = max(deviation(0), middle)
                if last > 0 && lastUnmet { computeSums(last); dev = max(dev, deviation(last)) }
                if dev <= options.tolerance || it >= options.maxIterations { break }
            }
            it += 1
            lastUnmet = scaleTo(0) && last == 0
            for q in stride(from: 1, through: last, by: 1) {
                computeSums(q)
                let unmet = scaleTo(q)
                if q == last { lastUnmet = unmet }
            }
            middle = 0
            for q in stride(from: 1, to: last, by: 1) { computeSums(q); middle = max(middle, deviation(q)) }
        }
        if dev > options.tolerance && !options.allowNonConvergence {
            throw FlowEstimationError.notConverged(what: what, iterations: it, deviation: dev, tolerance: options.tolerance)
        }
        return (x, it, dev)
    }
}
