/// The variance estimator of a fit from a formula, naming cluster variables by column.
///
/// The one way to ask for clustered errors in the formula API (`LinearModel/fit(_:data:weights:variance:correction:options:)`,
/// `GeneralizedLinearModel/fit(_:data:family:offset:weights:variance:correction:options:)`) and
/// in `migkit fit --vcov`. The fits resolve the columns into the groupings of
/// `VarianceEstimator`, which the array API takes directly. The estimators' formulas are
/// `VarianceEstimator`'s.
public enum VarianceSpecification: Sendable, Equatable, Hashable, CustomStringConvertible {
    case iid
    case hc0, hc1, hc2, hc3
    /// One-way clustering (CRV1) on a column.
    case cluster(String)
    /// Two-way clustering (Cameron, Gelbach & Miller 2011) on two columns.
    case twoWayCluster(String, String)

    /// Parses the CLI's spelling: `iid`, `hc0`, `hc1` (also `hetero`, `robust`), `hc2`, `hc3`,
    /// `cluster:COLUMN`, `twoway:A,B`.
    /// - Parameter text: the specification.
    /// - Throws: `RegressionError.invalidInput` naming what is accepted.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "iid": self = .iid
        case "hc0": self = .hc0
        case "hc1", "hetero", "robust": self = .hc1
        case "hc2": self = .hc2
        case "hc3": self = .hc3
        default:
            if text.hasPrefix("cluster:") {
                let c = String(text.dropFirst("cluster:".count))
                guard !c.isEmpty else { throw RegressionError.invalidInput("cluster:COLUMN needs a column name") }
                self = .cluster(c)
            } else if text.hasPrefix("twoway:") {
                let parts = text.dropFirst("twoway:".count).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw RegressionError.invalidInput("twoway:A,B needs exactly two column names, got '\(text)'")
                }
                self = .twoWayCluster(parts[0], parts[1])
            } else {
                throw RegressionError.invalidInput("variance '\(text)' is not one of iid, hc0, hc1, hc2, hc3, cluster:COLUMN, twoway:A,B")
            }
        }
    }

    /// The columns it clusters on (none, one or two).
    public var clusterColumns: [String] {
        switch self {
        case .cluster(let c): return [c]
        case let .twoWayCluster(a, b): return [a, b]
        default: return []
        }
    }

    /// The CLI spelling (`hc1`, `cluster:iso3`, `twoway:a,b`).
    public var description: String {
        switch self {
        case .iid: return "iid"
        case .hc0: return "hc0"
        case .hc1: return "hc1"
        case .hc2: return "hc2"
        case .hc3: return "hc3"
        case .cluster(let c): return "cluster:\(c)"
        case let .twoWayCluster(a, b): return "twoway:\(a),\(b)"
        }
    }

    /// The estimator over a model frame's groupings (the frame must have read the cluster columns).
    /// - Parameter clusters: the frame's cluster groupings by column (`ModelFrame/clusters`).
    /// - Throws: `RegressionError.invalidInput` when a cluster column was not read.
    public func estimator(clusters: [String: FixedEffect]) throws -> VarianceEstimator {
        func group(_ c: String) throws -> FixedEffect {
            guard let g = clusters[c] else { throw RegressionError.invalidInput("cluster column '\(c)' was not read (build the ModelFrame with clusters: [\"\(c)\"])") }
            return g
        }
        switch self {
        case .iid: return .iid
        case .hc0: return .hc0
        case .hc1: return .hc1
        case .hc2: return .hc2
        case .hc3: return .hc3
        case .cluster(let c): return .cluster(try group(c))
        case let .twoWayCluster(a, b): return .twoWayCluster(try group(a), try group(b))
        }
    }
}
