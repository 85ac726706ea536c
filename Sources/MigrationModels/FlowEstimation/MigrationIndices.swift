import Foundation
import Linalg

/// Migration intensity (migest `index_intensity`): `crudeMigrationIntensity` CMI = 100·M/P
/// (Bell et al. 2002's crude migration probability, in percent) and `courgeauK` = CMI / ln(n²)
/// (Courgeau 1973), n the number of regions.
public struct MigrationIntensity: Sendable, Equatable {
    public let crudeMigrationIntensity: Double
    public let courgeauK: Double
}

/// Migration impact (migest `index_impact`), from flows Mᵢⱼ (diagonal ignored) and
/// populations Pᵢ: `effectiveness` MEI = 100·Σ|Dᵢ − Oᵢ| / Σ(Dᵢ + Oᵢ) (Shryock & Siegel 1976;
/// Oᵢ out-, Dᵢ in-migration), `aggregateNetMigrationRate` ANMR = 100·½Σ|Dᵢ − Oᵢ| / ΣPᵢ (Bell et
/// al. 2002), `preference` = Σ Mᵢⱼ / (M·pᵢpⱼ) with pᵢ = Pᵢ/ΣP and M = ΣMᵢⱼ (UN DESA 1983),
/// `velocity` = Σ Mᵢⱼ·ΣP / (PᵢPⱼ) (UN DESA 1983). Populations and flows must be in the same
/// units (migest's example mixes millions with persons).
public struct MigrationImpact: Sendable, Equatable {
    public let effectiveness: Double
    public let aggregateNetMigrationRate: Double
    public let preference: Double
    public let velocity: Double
}

/// Connectivity and spatial focusing of a flow matrix (migest `index_connectivity`, which calls
/// `migration.indices`; diagonal ignored, N = n(n − 1) off-diagonal flows M_ab, M their sum,
/// Oᵢ the row (out-flow) and Dⱼ the column (in-flow) totals):
/// - `connectivity` = share of non-zero flows (Bell et al. 2002's I_mc);
/// - `inequalityEqual` = ½ Σ |M_ab/M − 1/N| (Bell et al. 2002's inequality against equal flows);
/// - `inequalitySimulated` = ½ Σ |M_ab/M − F_ab/ΣF|, F the Poisson independence fit
///   flow ~ origin + destination of the off-diagonal flows rounded half to even (migest's
///   `glm(round(flow) ~ orig + dest)`; fitted here by IPF with a zero diagonal, the same MLE);
/// - `giniTotal` = Σₐ Σ_b |Mₐ − M_b| / (2(N − 1)·M) (Bell et al. 2002's correction of Plane &
///   Mulligan 1997; `migration.gini.total`), `giniTotalUncorrected` the same over 2N·M;
/// - `giniOriginStandardized` = G_R / G_T (uncorrected G_T), G_R = Σᵢ Σ_{j,h≠i} |Mᵢⱼ − Mᵢₕ| / (2N·M)
///   (`migration.gini.row.standardized`/100, as migest), `giniDestinationStandardized` the same
///   over columns;
/// - `migrationWeightedGiniOrigin` = Σᵢ Gᴼᵢ·Dᵢ/M / n with Gᴼᵢ = Σ_{j,l≠i} |Mᵢⱼ − Mᵢₗ| / (2(n − 2)·Oᵢ)
///   (`migration.weighted.gini.out`, which weights by the column totals as coded),
///   `migrationWeightedGiniDestination` = Σⱼ Gᴵⱼ·Oⱼ/M / n with Gᴵⱼ over column j
///   (`migration.weighted.gini.in`), `migrationWeightedGiniMean` their average (Bell et al. 2002);
/// - `coefficientOfVariation` = √(Σ (Mₐ − M̄)²/N) / M̄ over the off-diagonal flows (Rogers &
///   Raymer 1998); `coefficientOfVariationMigest` = migest's `cv`,
///   √(Σ (mᵢⱼ − m̄)² / (L(L − 1)) / m̄) over all L = n² cells with the diagonal as 0 (its
///   parenthesisation: the square root covers the division by the mean);
/// - `aggregatedCoefficientOfVariation` = Σⱼ (Dⱼ/M)·cvᴵⱼ + Σᵢ (Oᵢ/M)·cvᴼᵢ with cv the population
///   coefficient of variation of a column's (row's) off-diagonal flows (Rogers & Sweeney 1998;
///   `migration.acv`).
/// Origin or destination indices of a row or column without flows are left out of the sums
/// (`migration.indices` returns NaN there and so would the sums).
public struct MigrationConnectivity: Sendable, Equatable {
    public let connectivity: Double
    public let inequalityEqual: Double
    public let inequalitySimulated: Double
    public let giniTotal: Double
    public let giniTotalUncorrected: Double
    public let giniOriginStandardized: Double
    public let giniDestinationStandardized: Double
    public let migrationWeightedGiniOrigin: Double
    public let migrationWeightedGiniDestination: Double
    public let migrationWeightedGiniMean: Double
    public let coefficientOfVariation: Double
    public let coefficientOfVariationMigest: Double
    public let aggregatedCoefficientOfVariation: Double
}

/// Migration distance (migest `index_distance`; Bell et al. 2002): the flow-weighted `mean`
/// distance, the flow-weighted `median` (by default the lower weighted median — the smallest
/// distance at which the cumulative flow reaches half the total; `WeightedMedianRule.interpolated`
/// gives migest's, which interpolates), and the distance-`decay` parameter β of
/// the Poisson model flow ~ origin + destination + log(distance), i.e. the doubly constrained
/// spatial interaction model with power cost (migest rounds the flows first; here they are
/// used as given), with its standard error.
public struct MigrationDistance: Sendable, Equatable {
    public let mean: Double
    public let median: Double
    public let decay: Double
    public let decayStandardError: Double
}

/// Which weighted median `MigrationIndices.weightedMedian(_:weights:rule:)` returns.
public enum WeightedMedianRule: String, Sendable, CaseIterable {
    /// The smallest value at which the cumulative weight reaches half the total.
    case lower
    /// matrixStats' `weightedMedian(interpolate = TRUE)`, which migest's `index_distance` uses:
    /// with the values sorted and cₖ = (Σ_{i≤k} wᵢ − wₖ/2)/W the mid-point cumulative weights,
    /// k the first index with cₖ ≥ ½: xₖ when k is the first, else
    /// xₖ + (½ − cₖ)/(cₖ − cₖ₋₁)·(xₖ − xₖ₋₁). Equal values are merged first (their weights
    /// summed): matrixStats interpolates between the entries of tied values in whatever order
    /// its sort leaves them, so with ties its result is not defined by the data alone; without
    /// ties the two agree.
    case interpolated
}

/// Summary indices of migration (migest's `index_*` family).
public enum MigrationIndices {
    /// The weighted median of `values` (weights ≤ 0 are left out).
    /// - Parameters:
    ///   - values: the values (finite).
    ///   - weights: one weight per value.
    ///   - rule: lower or interpolated (see `WeightedMedianRule`).
    /// - Returns: the median, or NaN when no weight is positive.
    public static func weightedMedian(_ values: [Double], weights: [Double], rule: WeightedMedianRule = .lower) -> Double {
        var pairs = zip(values, weights).filter { $0.1 > 0 }.map { (x: $0.0, w: $0.1) }
        guard !pairs.isEmpty else { return .nan }
        pairs.sort { $0.x < $1.x }
        let total = pairs.reduce(0) { $0 + $1.w }
        switch rule {
        case .lower:
            var cumulative = 0.0
            for p in pairs {
                cumulative += p.w
                if cumulative >= total / 2 { return p.x }
            }
            return pairs.last!.x
        case .interpolated:
            var merged: [(x: Double, w: Double)] = []
            for p in pairs {
                if let last = merged.last, last.x == p.x { merged[merged.count - 1].w += p.w } else { merged.append(p) }
            }
            pairs = merged
            if pairs.count == 1 { return pairs[0].x }
            var running = 0.0, previous = 0.0
            for (k, p) in pairs.enumerated() {
                let share = p.w / total
                running += share
                let c = running - share / 2
                if c >= 0.5 {
                    if k == 0 { return p.x }
                    return p.x + (0.5 - c) / (c - previous) * (p.x - pairs[k - 1].x)
                }
                previous = c
            }
            return pairs.last!.x
        }
    }

    /// - Throws: `FlowEstimationError.invalidInput` for a population ≤ 0, migrants < 0 or fewer
    ///   than 2 regions.
    public static func intensity(migrants: Double, population: Double, regions: Int) throws -> MigrationIntensity {
        guard population > 0, migrants >= 0, migrants.isFinite, population.isFinite, regions >= 2 else {
            throw FlowEstimationError.invalidInput("need migrants ≥ 0, population > 0 and at least 2 regions (got \(migrants), \(population), \(regions))")
        }
        let cmi = 100 * migrants / population
        return MigrationIntensity(crudeMigrationIntensity: cmi, courgeauK: cmi / log(Double(regions * regions)))
    }

    /// - Throws: `FlowEstimationError` for a non-square matrix, lengths that differ, negative
    ///   flows or non-positive populations, or no migration at all.
    public static func impact(flows: Matrix, populations: [Double]) throws -> MigrationImpact {
        let n = try checkedFlows(flows)
        guard populations.count == n else { throw FlowEstimationError.invalidInput("\(populations.count) populations for \(n) regions") }
        for (k, p) in populations.enumerated() where !(p > 0 && p.isFinite) {
            throw FlowEstimationError.invalidValue(what: "populations", index: k, value: p, requirement: "populations must be positive")
        }
        var outflow = [Double](repeating: 0, count: n), inflow = outflow
        var total = 0.0
        for i in 0..<n { for j in 0..<n where i != j { outflow[i] += flows[i, j]; inflow[j] += flows[i, j]; total += flows[i, j] } }
        guard total > 0 else { throw FlowEstimationError.invalidInput("no migration between regions: the indices are undefined") }
        let absNet = (0..<n).reduce(0) { $0 + abs(inflow[$1] - outflow[$1]) }
        let turnover = (0..<n).reduce(0) { $0 + inflow[$1] + outflow[$1] }
        let pop = populations.reduce(0, +)
        var preference = 0.0, velocity = 0.0
        for i in 0..<n {
            for j in 0..<n where i != j {
                preference += flows[i, j] / (total * (populations[i] / pop) * (populations[j] / pop))
                velocity += flows[i, j] / (populations[i] * populations[j]) * pop
            }
        }
        return MigrationImpact(effectiveness: 100 * absNet / turnover, aggregateNetMigrationRate: 100 * 0.5 * absNet / pop,
                               preference: preference, velocity: velocity)
    }

    /// - Throws: `FlowEstimationError` for a non-square matrix, negative flows, or no migration.
    public static func connectivity(flows: Matrix) throws -> MigrationConnectivity {
        let n = try checkedFlows(flows)
        var values: [Double] = []
        values.reserveCapacity(n * (n - 1))
        for i in 0..<n { for j in 0..<n where i != j { values.append(flows[i, j]) } }
        let count = Double(values.count), total = values.reduce(0, +)
        guard total > 0 else { throw FlowEstimationError.invalidInput("no migration between regions: the indices are undefined") }
        var outflow = [Double](repeating: 0, count: n), inflow = outflow
        for i in 0..<n { for j in 0..<n where i != j { outflow[i] += flows[i, j]; inflow[j] += flows[i, j] } }
        // Σ over ordered pairs of |a − b| of a list = 2 Σₖ (2k − N + 1) x₍ₖ₎ over the sorted values.
        func pairSum(_ v: [Double]) -> Double {
            let sorted = v.sorted(), c = Double(v.count)
            var s = 0.0
            for (k, x) in sorted.enumerated() { s += (2 * Double(k) - c + 1) * x }
            return 2 * s
        }
        let all = pairSum(values)
        let mean = total / count
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        // Rows and columns without their diagonal.
        let rows = (0..<n).map { i in (0..<n).filter { $0 != i }.map { flows[i, $0] } }
        let columns = (0..<n).map { j in (0..<n).filter { $0 != j }.map { flows[$0, j] } }
        let rowPairs = rows.map(pairSum), columnPairs = columns.map(pairSum)
        let uncorrectedTotal = all / (2 * count * total)
        let giniRow = rowPairs.reduce(0, +) / (2 * count * total), giniColumn = columnPairs.reduce(0, +) / (2 * count * total)
        // Field Gini indices (corrected 2(n − 2)), weighted as migration.indices codes them.
        var weightedOut = 0.0, weightedIn = 0.0
        if n > 2 {
            for i in 0..<n where outflow[i] > 0 { weightedOut += rowPairs[i] / (2 * Double(n - 2) * outflow[i]) * inflow[i] / total }
            for j in 0..<n where inflow[j] > 0 { weightedIn += columnPairs[j] / (2 * Double(n - 2) * inflow[j]) * outflow[j] / total }
        }
        weightedOut /= Double(n)
        weightedIn /= Double(n)
        // Aggregated coefficient of variation (population sd over the n − 1 off-diagonal cells).
        func cv(_ v: [Double]) -> Double? {
            let m = v.reduce(0, +) / Double(v.count)
            guard m > 0 else { return nil }
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot() / m
        }
        var acv = 0.0
        for j in 0..<n { if let c = cv(columns[j]) { acv += inflow[j] / total * c } }
        for i in 0..<n { if let c = cv(rows[i]) { acv += outflow[i] / total * c } }
        // migest's cv over all n² cells with a zero diagonal.
        let cells = Double(n * n), cellMean = total / cells
        var squares = 0.0
        for i in 0..<n { for j in 0..<n { let v = i == j ? 0 : flows[i, j]; squares += (v - cellMean) * (v - cellMean) } }
        let cvMigest = (squares / (cells * (cells - 1)) / cellMean).squareRoot()
        // Inequality against equal flows and against the independence fit of the rounded flows.
        let inequalityEqual = 0.5 * values.reduce(0) { $0 + abs($1 / total - 1 / count) }
        var rounded = try Matrix(rows: n, cols: n), seed = try Matrix(rows: n, cols: n)
        for i in 0..<n { for j in 0..<n where i != j { rounded[i, j] = flows[i, j].rounded(.toNearestOrEven); seed[i, j] = 1 } }
        let roundedRows = (0..<n).map { i in (0..<n).reduce(0) { $0 + rounded[i, $1] } }
        let roundedColumns = (0..<n).map { j in (0..<n).reduce(0) { $0 + rounded[$1, j] } }
        var inequalitySimulated = Double.nan
        var ipf = IPFOptions()
        ipf.tolerance = 1e-12
        ipf.maxIterations = 100_000
        if roundedRows.reduce(0, +) > 0,
           let fit = try? IterativeProportionalFitting.fit(seed: seed, rowTotals: roundedRows, columnTotals: roundedColumns, options: ipf) {
            let fittedTotal = fit.fitted.elements.reduce(0, +)
            var s = 0.0
            for i in 0..<n { for j in 0..<n where i != j { s += abs(flows[i, j] / total - fit.fitted[i, j] / fittedTotal) } }
            inequalitySimulated = 0.5 * s
        }
        return MigrationConnectivity(connectivity: Double(values.filter { $0 > 0 }.count) / count,
                                     inequalityEqual: inequalityEqual, inequalitySimulated: inequalitySimulated,
                                     giniTotal: all / (2 * (count - 1) * total), giniTotalUncorrected: uncorrectedTotal,
                                     giniOriginStandardized: giniRow / uncorrectedTotal, giniDestinationStandardized: giniColumn / uncorrectedTotal,
                                     migrationWeightedGiniOrigin: weightedOut, migrationWeightedGiniDestination: weightedIn,
                                     migrationWeightedGiniMean: (weightedOut + weightedIn) / 2,
                                     coefficientOfVariation: variance.squareRoot() / mean, coefficientOfVariationMigest: cvMigest,
                                     aggregatedCoefficientOfVariation: acv)
    }

    /// - Throws: `FlowEstimationError` for shapes that differ, negative flows, distances ≤ 0
    ///   off the diagonal, or no migration; the spatial interaction errors of the decay fit.
    /// - Parameters:
    ///   - flows: origin × destination flows (diagonal ignored).
    ///   - distances: origin × destination distances (> 0 off the diagonal).
    ///   - medianRule: the weighted median's rule (`.interpolated` for migest's value; argument label `median`).
    public static func distance(flows: Matrix, distances: Matrix, median medianRule: WeightedMedianRule = .lower) throws -> MigrationDistance {
        let n = try checkedFlows(flows)
        guard distances.rows == n, distances.cols == n else { throw FlowEstimationError.invalidInput("distances must be \(n)×\(n)") }
        var pairs: [(d: Double, f: Double)] = []
        var origins: [Int32] = [], destinations: [Int32] = [], f: [Double] = [], c: [Double] = []
        for i in 0..<n {
            for j in 0..<n where i != j {
                let d = distances[i, j]
                guard d > 0, d.isFinite else {
                    throw FlowEstimationError.invalidValue(what: "distance (\(i), \(j))", index: i * n + j, value: d, requirement: "off-diagonal distances must be positive")
                }
                pairs.append((d, flows[i, j]))
                origins.append(Int32(i)); destinations.append(Int32(j)); f.append(flows[i, j]); c.append(d)
            }
        }
        let total = f.reduce(0, +)
        guard total > 0 else { throw FlowEstimationError.invalidInput("no migration between regions: the indices are undefined") }
        let mean = pairs.reduce(0) { $0 + $1.d * $1.f } / total
        let median = weightedMedian(pairs.map(\.d), weights: pairs.map(\.f), rule: medianRule)
        let labels = (0..<n).map { "r\($0)" }
        let data = try OriginDestinationFlows(originIndex: origins, originLabels: labels, destinationIndex: destinations, destinationLabels: labels, flows: f, costs: c)
        let fit = try SpatialInteractionModel.fit(data, SpatialInteractionSpecification(constraint: .doubly, costFunction: .power))
        return MigrationDistance(mean: mean, median: median, decay: fit.costParameter, decayStandardError: fit.parameter("cost")?.standardError ?? .nan)
    }

    static func checkedFlows(_ flows: Matrix) throws -> Int {
        guard flows.rows == flows.cols, flows.rows >= 2 else {
            throw FlowEstimationError.invalidInput("flows must be a square matrix of at least 2 regions, got \(flows.rows)×\(flows.cols)")
        }
        try IterativeProportionalFitting.checkCounts(flows.elements, "flows")
        return flows.rows
    }
}
