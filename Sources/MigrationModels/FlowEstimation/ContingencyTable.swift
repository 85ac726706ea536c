/// A dense n-dimensional table of non-negative numbers (flows by origin × destination × type,
/// …) in row-major order — the last axis varies fastest, as numpy's default layout.
///
/// Members: `shape` (sizes of the axes), `values` (count = product of the sizes).
public struct ContingencyTable: Sendable, Equatable {
    public let shape: [Int]
    public internal(set) var values: [Double]

    /// - Throws: `FlowEstimationError.invalidInput` for an empty shape, a size < 1 or a value
    ///   count that does not match.
    public init(shape: [Int], values: [Double]) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else {
            throw FlowEstimationError.invalidInput("a table needs at least one axis and every size ≥ 1, got shape \(shape)")
        }
        let count = shape.reduce(1, *)
        guard values.count == count else {
            throw FlowEstimationError.invalidInput("shape \(shape) needs \(count) values, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    /// A table of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Double) throws {
        try self.init(shape: shape, values: [Double](repeating: value, count: max(1, shape.reduce(1, *))))
    }

    /// Row-major strides of the axes.
    var strides: [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        for a in stride(from: shape.count - 2, through: 0, by: -1) { s[a] = s[a + 1] * shape[a + 1] }
        return s
    }

    /// The value at a multi-index (0-based). Traps when out of range, like `Array`.
    public subscript(_ index: [Int]) -> Double {
        get { values[zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }] }
        set { values[zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }] = newValue }
    }

    /// The totals over every axis not in `axes` (strictly increasing), in row-major order of
    /// the kept axes: `margin([0])` are the row totals of a 2-D table.
    /// - Throws: `FlowEstimationError.invalidInput` for axes out of range or not increasing.
    public func margin(_ axes: [Int]) throws -> [Double] {
        let map = try cellToMarginMap(axes)
        var totals = [Double](repeating: 0, count: map.count)
        for (k, v) in values.enumerated() { totals[Int(map.cells[k])] += v }
        return totals
    }

    /// For every cell, the index of its margin cell over `axes`.
    func cellToMarginMap(_ axes: [Int]) throws -> (cells: [Int32], count: Int) {
        guard !axes.isEmpty, axes.allSatisfy({ $0 >= 0 && $0 < shape.count }), zip(axes, axes.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw FlowEstimationError.invalidInput("margin axes must be strictly increasing and within 0..<\(shape.count), got \(axes)")
        }
        let st = strides
        var marginStrides = [Int](repeating: 1, count: axes.count)
        for a in stride(from: axes.count - 2, through: 0, by: -1) { marginStrides[a] = marginStrides[a + 1] * shape[axes[a + 1]] }
        let count = axes.reduce(1) { $0 * shape[$1] }
        var cells = [Int32](repeating: 0, count: values.count)
        for k in 0..<values.count {
            var m = 0
            for (q, a) in axes.enumerated() { m += ((k / st[a]) % shape[a]) * marginStrides[q] }
            cells[k] = Int32(m)
        }
        return (cells, count)
    }
}
