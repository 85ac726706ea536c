/// What an importer returns: the canonical table and an account of every source row.
///
/// Members: `table` (the canonical table; its columns are documented on the importer function),
/// `report` (rows read per file, explicit non-country keys kept, codes recoded, rows left out and
/// why).
public struct ImportResult: Sendable, Equatable {
    /// The canonical table, sorted by its key columns.
    public internal(set) var table: Table
    /// Where the rows came from and what happened to them.
    public internal(set) var report: ImportReport

    /// A result from its parts.
    package init(table: Table, report: ImportReport) {
        self.table = table
        self.report = report
    }
}

/// An account of an import, so that no source row disappears silently.
///
/// - `sourceRows`: rows read, per file (file name → rows);
/// - `explicitKeys`: rows whose key is not a country but is kept as an explicit key, e.g.
///   `population.csv origin UNK (Unknown)` → source rows, or `output origin UNK (Unknown)` →
///   output rows (UNHCR "Unknown", "Various", stateless; UN DESA "other"; IDMC's Abyei Area);
/// - `recoded`: rows whose code was changed to the current ISO code, e.g. `ROM → ROU`;
/// - `leftOut`: rows that are not in the output, with the reason (outside the requested years,
///   regional aggregates without a country code). Unknown and Various are never left out.
///
/// Each list keeps its entries in a fixed order (the order the importer checks them), so a report
/// prints the same way every time.
public struct ImportReport: Sendable, Equatable, CustomStringConvertible {
    /// One counted category.
    public struct Count: Sendable, Equatable {
        /// What was counted, in words (`"population.csv origin UNK (Unknown)"`).
        public internal(set) var what: String
        /// The number of source rows.
        public internal(set) var rows: Int

        /// `rows` source rows counted under `what`.
        package init(_ what: String, _ rows: Int) {
            self.what = what
            self.rows = rows
        }
    }

    /// The source's short name (`unhcr`, `idmc`, …).
    public internal(set) var source: String
    /// Rows read, per file.
    public internal(set) var sourceRows: [Count] = []
    /// Rows kept under a non-country key (see the type).
    public internal(set) var explicitKeys: [Count] = []
    /// Rows whose code was changed.
    public internal(set) var recoded: [Count] = []
    /// Rows not in the output, by reason.
    public internal(set) var leftOut: [Count] = []
    /// Rows in the output table.
    public internal(set) var outputRows: Int = 0

    /// An empty report for `source`.
    package init(source: String) {
        self.source = source
    }

    /// The rows counted under `what` in `explicitKeys` (0 when absent).
    public func explicitKeyRows(_ what: String) -> Int {
        explicitKeys.first { $0.what == what }?.rows ?? 0
    }

    /// The rows counted under `what` in `leftOut` (0 when absent).
    public func leftOutRows(_ what: String) -> Int {
        leftOut.first { $0.what == what }?.rows ?? 0
    }

    /// Adds `rows` to the entry `what` of `list`, appending it the first time.
    static func add(_ rows: Int, to what: String, in list: inout [Count]) {
        guard rows != 0 else { return }
        if let index = list.firstIndex(where: { $0.what == what }) {
            list[index].rows += rows
        } else {
            list.append(Count(what, rows))
        }
    }

    /// Several lines: the files read, the explicit keys kept, the recodings, the rows left out.
    public var description: String {
        var lines = ["\(source): \(outputRows) output rows"]
        for count in sourceRows { lines.append("  read \(count.rows) rows from \(count.what)") }
        for count in explicitKeys { lines.append("  kept \(count.rows) rows: \(count.what)") }
        for count in recoded { lines.append("  recoded \(count.rows) rows: \(count.what)") }
        for count in leftOut { lines.append("  left out \(count.rows) rows: \(count.what)") }
        return lines.joined(separator: "\n")
    }
}
