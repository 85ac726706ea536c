/// CEPII GeoDist bilateral distances and links → origin × destination.
///
/// Source: `../shared/data/gravity-geodist/cepii_geodist_dist.csv` (224 × 224 pairs; see its
/// SOURCE.md). Licence Etalab Licence Ouverte 2.0 (CEPII; the cepiigeodist copy declares CC0);
/// attribution "CEPII GeoDist (Mayer & Zignago 2011)".
public enum CEPIIImporter {
    /// The default file name inside the source folder.
    public static let fileName = "cepii_geodist_dist.csv"

    /// The output columns, in order.
    public static let columns = [
        "origin_iso3", "dest_iso3", "contig", "comlang_off", "comlang_ethno", "colony", "comcol", "curcol",
        "col45", "smctry", "dist_km", "distcap_km", "distw_km", "distwces_km",
    ]

    /// GeoDist's superseded codes for territories that now have another ISO code; they are
    /// recoded (and counted in `report.recoded`).
    package static let recodings: [String: String] = ["ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "PAL": "PSE"]

    /// GeoDist codes of entities that no longer exist; kept as they are (no single successor)
    /// and counted in `report.explicitKeys`.
    package static let formerEntities: [String: String] = [
        "YUG": "Serbia and Montenegro (former)", "ANT": "Netherlands Antilles (former)",
    ]

    /// Bilateral gravity variables, one row per ordered pair (own pairs i = i included), sorted
    /// by `origin_iso3`, `dest_iso3`.
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `origin_iso3`, `dest_iso3` | string | ISO 3166 alpha-3 (GeoDist's `iso_o`, `iso_d`, recoded as in `recodings`; `YUG`, `ANT` kept) |
    /// | `contig` | int | 1 if the two share a border |
    /// | `comlang_off` | int | 1 if they share an official language |
    /// | `comlang_ethno` | int | 1 if a language is spoken by ≥ 9 % in both |
    /// | `colony` | int | 1 if they were ever in a colonial relationship |
    /// | `comcol` | int | 1 if they had a common colonizer after 1945 |
    /// | `curcol` | int | 1 if currently in a colonial relationship |
    /// | `col45` | int | 1 if in a colonial relationship after 1945 |
    /// | `smctry` | int | 1 if they were or are the same country |
    /// | `dist_km` | double | great-circle distance between the most populated cities, km (own pair: internal distance) |
    /// | `distcap_km` | double | great-circle distance between capitals, km |
    /// | `distw_km` | double | population-weighted distance (θ = 1), km; empty for 2,215 pairs |
    /// | `distwces_km` | double | population-weighted distance (θ = −1, CES), km; empty where `distw_km` is |
    ///
    /// GeoDist is static (c. 2005–2011): South Sudan, Montenegro, Serbia, Kosovo, Curaçao and
    /// other later or small entities are absent.
    ///
    /// - Parameter path: the source folder or the CSV file itself.
    /// - Throws: `ImportError.missingSourceFile`, `.missingColumn`, `.csv`, `.unknownCode` (a
    ///   code that is not three letters), `.duplicateKey` (a pair twice, also after recoding).
    public static func distances(from path: String) throws(ImportError) -> ImportResult {
        let flags = ["contig", "comlang_off", "comlang_ethno", "colony", "comcol", "curcol", "col45", "smctry"]
        let lengths = ["dist", "distcap", "distw", "distwces"]
        let file = try SourceFile.read(
            SourcePath.file(path, defaultName: fileName), source: "CEPII GeoDist",
            expected: "pass ../shared/data/gravity-geodist or its \(fileName)",
            columns: [("iso_o", .string), ("iso_d", .string)] + flags.map { ($0, ColumnType.int) }
                + lengths.map { ($0, ColumnType.double) })
        var report = ImportReport(source: "cepii")
        report.sourceRows = [ImportReport.Count(file.name, file.rowCount)]
        let origins = try file.strings("iso_o")
        let destinations = try file.strings("iso_d")
        var flagValues: [[Int?]] = []
        for name in flags { flagValues.append(try file.ints(name)) }
        var lengthValues: [[Double?]] = []
        for name in lengths { lengthValues.append(try file.doubles(name)) }

        func canonical(_ code: String, row: Int, column: String, side: String) throws(ImportError) -> String {
            guard isCountryKeyShaped(code) else {
                throw .unknownCode(file: file.path, row: row + 1, column: column, code: code,
                                   hint: "expected an ISO 3166 alpha-3 code (three capital letters)")
            }
            if let current = recodings[code] {
                ImportReport.add(1, to: "\(side) \(code) → \(current)", in: &report.recoded)
                return current
            }
            if let name = formerEntities[code] {
                ImportReport.add(1, to: "\(side) \(code) (\(name))", in: &report.explicitKeys)
            }
            return code
        }

        struct Pair: Hashable { var origin: String; var destination: String }
        var firstRow: [Pair: Int] = [:]
        var order: [(pair: Pair, row: Int)] = []
        for row in 0..<file.rowCount {
            let origin = try canonical(try file.requiredString(origins, row: row, column: "iso_o"), row: row, column: "iso_o", side: "origin")
            let destination = try canonical(try file.requiredString(destinations, row: row, column: "iso_d"), row: row, column: "iso_d", side: "destination")
            let pair = Pair(origin: origin, destination: destination)
            if let first = firstRow[pair] {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: first, key: "\(origin) → \(destination)")
            }
            firstRow[pair] = row + 1
            order.append((pair, row))
        }
        order.sort { a, b in
            a.pair.origin != b.pair.origin ? a.pair.origin < b.pair.origin : a.pair.destination < b.pair.destination
        }
        let rows = order.map(\.row)
        var output: [(String, Column)] = [
            ("origin_iso3", .string(order.map(\.pair.origin))),
            ("dest_iso3", .string(order.map(\.pair.destination))),
        ]
        for (index, name) in flags.enumerated() {
            output.append((name, Column.int(flagValues[index]).gathering(rows)))
        }
        for (index, name) in lengths.enumerated() {
            output.append((name + "_km", Column.double(lengthValues[index]).gathering(rows)))
        }
        let table = try assembleTable(output, while: "building the CEPII table")
        report.outputRows = table.rowCount
        return ImportResult(table: table, report: report)
    }
}
