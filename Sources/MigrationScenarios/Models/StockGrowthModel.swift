import Foundation

/// The baseline dynamics of the displaced stock: a random walk in logs whose annual growth is drawn
/// from what displaced stocks of the same size actually did,
///
///     log D(i,t) = log D(i,t−1) + e(i,t),   e(i,t) ~ F_k,   k = size class of D(i,t−1),
///
/// where F_k is the empirical distribution of the observed annual log growth
/// log(D(j,s)/D(j,s−1)) over every origin j and fit year s whose D(j,s−1) lies in class k
/// (classes by decade of the stock: 1–10³, 10³–10⁴, 10⁴–10⁵, 10⁵–10⁶, ≥ 10⁶ people; a class with
/// fewer than `minimumPerClass` observations is merged into the class below it).
///
/// Why a random walk: displaced stocks by origin are close to random walks — in the rolling-origin
/// backtests (FORECASTS.md) neither the past growth, nor the last year's flows, nor the stock–flow
/// model's one-step growth improved the random walk's one-year-ahead forecast of the 20 largest
/// origins; the median of F_k is near zero (a country's median forecast stays close to its last
/// stock). The distribution is right-skewed (crises erupt faster than they resolve), so the mean
/// of exp(e) exceeds 1 and sums over countries grow as the world stock has grown (6.6 % a year
/// for stocks above 10⁵, 2001–2024): the world total follows from the countries' draws with no
/// separate trend. Size classes carry the heteroscedasticity: small stocks change by larger
/// fractions. Drawing from the observed growths (a pooled bootstrap; Efron & Tibshirani 1993)
/// keeps their heavy tails without a parametric choice.
public struct StockGrowthModel: Sendable, Equatable {
    /// Lower bounds of the size classes (people), ascending; the first is the smallest stock that
    /// grows (smaller stocks are held).
    public let classLowerBounds: [Double]
    /// Observed annual log growths per class, sorted ascending.
    public let growth: [[Double]]
    public let fitYears: ClosedRange<Int>
    /// `growth` concatenated, and where each class starts in it (one more entry: the end), so a
    /// draw is one index, not an array of arrays (the projection's draw loop samples here).
    private let concatenated: [Double]
    private let classStarts: [Int]

    /// The default class bounds: decades of the stock from 1 person.
    public static let defaultBounds: [Double] = [1, 1e3, 1e4, 1e5, 1e6]
    /// Classes with fewer observations are merged into the class below.
    public static let minimumPerClass = 30

    public enum FitError: Error, CustomStringConvertible {
        case noData(String)
        public var description: String {
            switch self { case .noData(let s): return "stock growth model: \(s)" }
        }
    }

    public init(classLowerBounds: [Double], growth: [[Double]], fitYears: ClosedRange<Int>) {
        self.classLowerBounds = classLowerBounds
        self.growth = growth.map { $0.sorted() }
        self.fitYears = fitYears
        concatenated = self.growth.flatMap { $0 }
        classStarts = self.growth.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }
    }

    /// Collects the observed growths log(D(t)/D(t−1)) for t in `years` (both stocks ≥ 1) by the
    /// size class of D(t−1). Countries in `excluded` (aggregates such as "unknown origin") are
    /// left out.
    public static func fit(_ stock: CountryYearSeries, years: ClosedRange<Int>, bounds: [Double] = defaultBounds,
                           excluded: Set<String> = ["UNK", "VAR"], minimumPerClass: Int = minimumPerClass) throws -> StockGrowthModel {
        var byClass = [[Double]](repeating: [], count: bounds.count)
        for c in stock.countries where !excluded.contains(c) {
            for t in years {
                guard let d0 = stock[c, t - 1], let d1 = stock[c, t], d0 >= bounds[0], d1 >= 1 else { continue }
                byClass[classIndex(d0, bounds)].append(log(d1 / d0))
            }
        }
        // Merge thin classes downwards (the top classes are the thin ones).
        var lower = bounds, groups = byClass
        var k = groups.count - 1
        while k > 0 {
            if groups[k].count < minimumPerClass {
                groups[k - 1] += groups[k]
                groups.remove(at: k)
                lower.remove(at: k)
            }
            k -= 1
        }
        if groups.count > 1, groups[0].count < minimumPerClass {
            groups[1] += groups[0]
            groups.remove(at: 0)
            lower.remove(at: 1)
        }
        guard groups[0].count >= minimumPerClass else {
            throw FitError.noData("only \(byClass.reduce(0) { $0 + $1.count }) observed annual changes of the stock in \(years) — need at least \(minimumPerClass)")
        }
        return StockGrowthModel(classLowerBounds: lower, growth: groups, fitYears: years)
    }

    /// The size class of `stock` among ascending lower `bounds` (the first class also takes
    /// anything below its bound); shared with `CrisisLifeCycleModel`.
    @inline(__always) static func classIndex(_ stock: Double, _ bounds: [Double]) -> Int {
        var k = 0
        while k + 1 < bounds.count, stock >= bounds[k + 1] { k += 1 }
        return k
    }

    /// The growths of the class a stock of `stock` people falls in.
    public func growths(forStock stock: Double) -> [Double] {
        growth[Self.classIndex(stock, classLowerBounds)]
    }

    /// One draw of e for a stock of `stock` people: a uniformly chosen observed growth of its
    /// class, index ⌊u·n⌋ for a uniform u in (0, 1) (the projection engine draws the same way).
    /// Stocks below the first class bound are held (e = 0; see `grows`).
    public func sample(stock: Double, uniform u: Double) -> Double {
        guard grows(stock) else { return 0 }
        let k = Self.classIndex(stock, classLowerBounds)
        let count = classStarts[k + 1] - classStarts[k]
        return concatenated[classStarts[k] + min(Int(u * Double(count)), count - 1)]
    }

    /// Whether a stock of `stock` people changes at all (it is at least the first class bound).
    public func grows(_ stock: Double) -> Bool { stock >= classLowerBounds[0] }

    /// The median growth of the class (type-7), the model's one-step median log change.
    public func medianGrowth(forStock stock: Double) -> Double {
        QuantileSummary.quantile(sorted: growths(forStock: stock), 0.5)
    }

    /// E[exp(e)] for the class: the model's one-step expected growth factor.
    public func meanGrowthFactor(forStock stock: Double) -> Double {
        let g = growths(forStock: stock)
        return g.reduce(0) { $0 + exp($1) } / Double(g.count)
    }
}
