/// UN DESA bilateral migrant stocks of one year joined with CEPII GeoDist: the table a gravity
/// model of migration is fitted on.
///
/// Sources: `../shared/data/migrant-stock-undesa` (through `UNDESAImporter.migrantStocks`) and
/// `../shared/data/gravity-geodist` (through `CEPIIImporter.distances`), both with their codes
/// made current (e.g. CEPII's ROM → ROU, ZAR → COD). Licences: CC BY 3.0 IGO (UN DESA) and
/// Licence Ouverte 2.0 (CEPII); both attributions are required.
public enum GravityImporter {
    /// The folders under the shared data root that the import reads.
    public static let undesaFolder = "migrant-stock-undesa"
    public static let cepiiFolder = "gravity-geodist"

    /// The output columns, in order.
    public static let columns = ["origin_iso3", "dest_iso3", "migrant_stock", "dist_km", "contig", "comlang_off", "colony"]

    /// One row per origin ≠ destination pair that UN DESA estimates in `year` and CEPII has a
    /// positive distance for, sorted by `origin_iso3`, `dest_iso3`:
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `origin_iso3`, `dest_iso3` | string | country of birth (or citizenship) and of residence, ISO 3166 alpha-3 |
    /// | `migrant_stock` | int | migrants, both sexes, at mid-year (UN DESA; 0 = a definite absence) |
    /// | `dist_km` | double | CEPII `dist`: the great-circle distance between the main cities (km) |
    /// | `contig` | int | 1 if the two countries share a border (CEPII) |
    /// | `comlang_off` | int | 1 if they share an official language (CEPII) |
    /// | `colony` | int | 1 if they were ever in a colonial relationship (CEPII) |
    ///
    /// A pair UN DESA does not estimate is absent, not zero (as in `UNDESAImporter`). Left out
    /// and counted in the report: other years; pairs with an origin or destination that is not
    /// a country (UN DESA's `OOO`, `XCX`); pairs without a CEPII distance (GeoDist predates some
    /// states, e.g. South Sudan, and lacks some territories); pairs whose distance is not
    /// positive.
    ///
    /// - Parameters:
    ///   - root: the shared data folder holding `migrant-stock-undesa` and `gravity-geodist`.
    ///   - year: the UN DESA year (1990, 1995, …, 2020, 2024).
    /// - Throws: the two importers' `ImportError`s; `.invalidRequest` for a year UN DESA does not
    ///   have.
    public static func migrantStockGravity(from root: String, year: Int) throws(ImportError) -> ImportResult {
        let stocks = try UNDESAImporter.migrantStocks(from: SourcePath.joined(root, undesaFolder), years: year...year)
        let distances = try CEPIIImporter.distances(from: SourcePath.joined(root, cepiiFolder))
        var report = ImportReport(source: "gravity")
        report.sourceRows = stocks.report.sourceRows + distances.report.sourceRows
        report.recoded = stocks.report.recoded + distances.report.recoded
        report.leftOut = stocks.report.leftOut

        // The two importers' tables, read through the same typed accessors as a source file.
        let s = SourceFile(path: "UN DESA", name: "UN DESA", table: stocks.table)
        let d = SourceFile(path: "CEPII", name: "CEPII", table: distances.table)
        let dOrigin = try d.strings("origin_iso3"), dDest = try d.strings("dest_iso3")
        let dist = try d.doubles("dist_km"), contig = try d.ints("contig")
        let language = try d.ints("comlang_off"), colony = try d.ints("colony")
        var cepiiRow: [String: Int] = [:]
        for k in 0..<d.rowCount {
            if let o = dOrigin[k], let t = dDest[k] { cepiiRow[o + " " + t] = k }
        }
        let sOrigin = try s.strings("origin_iso3"), sDest = try s.strings("dest_iso3")
        let stock = try s.ints("migrant_stock")
        var origins: [String?] = [], destinations: [String?] = [], outStock: [Int?] = []
        var outDist: [Double?] = [], outContig: [Int?] = [], outLanguage: [Int?] = [], outColony: [Int?] = []
        for k in 0..<s.rowCount {
            guard let o = sOrigin[k], let t = sDest[k] else { continue }
            if UNDESAImporter.nonISOCodes[o] != nil || UNDESAImporter.nonISOCodes[t] != nil {
                ImportReport.add(1, to: "UN DESA pairs with a non-country origin or destination (OOO, XCX)", in: &report.leftOut)
                continue
            }
            if o == t {
                ImportReport.add(1, to: "UN DESA pairs with origin = destination", in: &report.leftOut)
                continue
            }
            guard let row = cepiiRow[o + " " + t] else {
                ImportReport.add(1, to: "UN DESA pairs without a CEPII distance", in: &report.leftOut)
                continue
            }
            guard let km = dist[row], km > 0 else {
                ImportReport.add(1, to: "UN DESA pairs whose CEPII distance is not positive", in: &report.leftOut)
                continue
            }
            origins.append(o); destinations.append(t)
            outStock.append(stock[k])
            outDist.append(km)
            outContig.append(contig[row])
            outLanguage.append(language[row])
            outColony.append(colony[row])
        }
        // UN DESA's table is sorted by origin and destination already; the rows keep that order.
        let table = try assembleTable([
            ("origin_iso3", .string(origins)), ("dest_iso3", .string(destinations)), ("migrant_stock", .int(outStock)),
            ("dist_km", .double(outDist)), ("contig", .int(outContig)), ("comlang_off", .int(outLanguage)),
            ("colony", .int(outColony)),
        ], while: "building the gravity table")
        report.outputRows = table.rowCount
        return ImportResult(table: table, report: report)
    }
}
