/// Countries and the other origin keys of the UNHCR data: ISO 3166 alpha-3 ↔ UNHCR code ↔ name ↔
/// UNHCR region ↔ UN (UNSD M49) region and subregion, read from UNHCR's `countries.csv`.
///
/// **Canonical key.** ISO 3166 alpha-3 is the key every canonical table uses (`iso3`). UNHCR's
/// data files key countries by UNHCR's own codes (`coo`, `coa`), which often differ from ISO and
/// sometimes collide with another country's ISO code (UNHCR `AUS` is Austria, ISO `AUS` is
/// Australia), so UNHCR rows must be mapped through `entry(unhcrCode:)`, never by assuming the
/// codes agree.
///
/// **Keys that are not countries** stay explicit and are never dropped (`kind` tells them apart):
///
/// | key | UNHCR code | name | kind | why this key |
/// |---|---|---|---|---|
/// | `UNK` | `UKN` | Unknown | `unknown` | the `*_iso` code of population, solutions, idmc, unrwa and asylum files; `countries.csv` writes `XXX` and `flows.csv` writes `UKN` — both are accepted as aliases by `entry(iso3:)` |
/// | `VAR` | `VAR` | Various | `various` | not in the 2025.12.1 files; kept so that a release that has it maps it explicitly |
/// | `XXA` | `STA` | Stateless | `stateless` | `countries.csv` and population.csv (ICAO's code for stateless persons); `flows.csv` writes `STA`, an alias |
/// | `TIB` | `TIB` | Tibetan | `other` | UNHCR's code; no ISO code |
/// | `CRB`, `CUR` | same | as in the file | `other` | rows of `countries.csv` without an ISO code (not used by the data files) |
/// | `AB9` | `AB9` | Abyei Area | `other` | IDMC's code for the area disputed by Sudan and South Sudan (unhcr/idmc.csv); not in `countries.csv` |
///
/// Members: `entries` (sorted by `iso3`), `entry(unhcrCode:)`, `entry(iso3:)` (aliases
/// included), `table()` (the `data/countries.csv` table), `load(from:)`.
public struct CountryRegistry: Sendable, Equatable {
    /// What a key stands for.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A country or territory with an ISO 3166 alpha-3 code.
        case country
        /// Origin (or asylum country) not known.
        case unknown
        /// Several origins, not broken down.
        case various
        /// Stateless people (no country of nationality).
        case stateless
        /// A group or area with no ISO code (Tibetan, Abyei Area, …).
        case other
    }

    /// One key.
    public struct Entry: Sendable, Hashable {
        /// The canonical key: ISO 3166 alpha-3, or a documented non-ISO key (see the type).
        public var iso3: String
        /// UNHCR's code (`coo`/`coa` in the UNHCR files).
        public var unhcrCode: String
        /// The UN M49 English name in UTF-8, trimmed ("Syrian Arab Republic", "Côte d'Ivoire"; see
        /// `M49Names`), or UNHCR's label for keys that are not countries ("Unknown").
        public var name: String
        /// Country, or which kind of non-country key.
        public var kind: Kind
        /// UNHCR's regional bureau (e.g. "Asia and the Pacific"); `nil` for non-country keys.
        public var unhcrRegion: String?
        /// UN M49 region (Africa, Americas, Asia, Europe, Oceania).
        public var unRegion: String?
        /// UN M49 subregion (e.g. "Sub-Saharan Africa", "Western Asia").
        public var unSubregion: String?

        /// An entry from its fields.
        public init(iso3: String, unhcrCode: String, name: String, kind: Kind,
                    unhcrRegion: String? = nil, unRegion: String? = nil, unSubregion: String? = nil) {
            self.iso3 = iso3
            self.unhcrCode = unhcrCode
            self.name = name
            self.kind = kind
            self.unhcrRegion = unhcrRegion
            self.unRegion = unRegion
            self.unSubregion = unSubregion
        }
    }

    /// The keys, sorted by `iso3`.
    public let entries: [Entry]
    private let byUNHCRCode: [String: Int]
    private let byISO3: [String: Int]

    /// Codes that `countries.csv` or the data files' `*_iso` columns use for a key that is
    /// spelled differently here.
    package static let iso3Aliases: [String: String] = ["XXX": "UNK", "UKN": "UNK", "STA": "XXA"]

    /// Keys that `countries.csv` lacks but the data use (see the type's table).
    package static let supplementaryEntries: [Entry] = [
        Entry(iso3: "AB9", unhcrCode: "AB9", name: "Abyei Area", kind: .other),
        Entry(iso3: "VAR", unhcrCode: "VAR", name: "Various", kind: .various),
    ]

    /// A registry of `entries` (plus nothing else). Throws `ImportError.invalidRequest` when two
    /// entries share a key or a UNHCR code.
    public init(entries: [Entry]) throws(ImportError) {
        let sorted = entries.sorted { $0.iso3 < $1.iso3 }
        var byCode: [String: Int] = [:]
        var byISO: [String: Int] = [:]
        for (index, entry) in sorted.enumerated() {
            if byCode[entry.unhcrCode] != nil {
                throw .invalidRequest("two country entries have UNHCR code \(entry.unhcrCode)")
            }
            if byISO[entry.iso3] != nil {
                throw .invalidRequest("two country entries have key \(entry.iso3)")
            }
            byCode[entry.unhcrCode] = index
            byISO[entry.iso3] = index
        }
        self.entries = sorted
        self.byUNHCRCode = byCode
        self.byISO3 = byISO
    }

    /// Reads UNHCR's `countries.csv` (`path` is the file or the folder holding it) and adds the
    /// supplementary entries.
    ///
    /// Columns used: `iso_code`, `unhcr_code`, `name`, `unhcr_region`, `unsd_region`,
    /// `unsd_subregion`. Names become the M49 English names (`M49Names`), trimmed. A row without
    /// `iso_code` keys on its UNHCR code (kind `other`); `XXX`
    /// (Unknown) becomes `UNK`, `XXA` is kind `stateless`.
    ///
    /// Throws `ImportError.missingSourceFile`, `.missingColumn`, `.csv`, `.invalidValue` (an
    /// empty UNHCR code or a code that is not three letters or digits) or `.duplicateKey`.
    public static func load(from path: String) throws(ImportError) -> CountryRegistry {
        let file = try SourceFile.read(
            SourcePath.file(path, defaultName: "countries.csv"), source: "UNHCR countries",
            expected: "pass the UNHCR folder (../shared/data/unhcr) or its countries.csv",
            columns: [("iso_code", .string), ("unhcr_code", .string), ("name", .string),
                      ("unhcr_region", .string), ("unsd_region", .string), ("unsd_subregion", .string)])
        let iso = try file.strings("iso_code")
        let codes = try file.strings("unhcr_code")
        let names = try file.strings("name")
        let unhcrRegions = try file.strings("unhcr_region")
        let unRegions = try file.strings("unsd_region")
        let unSubregions = try file.strings("unsd_subregion")
        var entries: [Entry] = []
        var firstRowOfCode: [String: Int] = [:]
        var firstRowOfKey: [String: Int] = [:]
        for row in 0..<file.rowCount {
            let code = try file.requiredString(codes, row: row, column: "unhcr_code")
            guard isCountryKeyShaped(code) else {
                throw .invalidValue(file: file.path, row: row + 1, column: "unhcr_code", value: code,
                                    reason: "is not a three-letter code — correct the file")
            }
            if let first = firstRowOfCode[code] {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: first, key: "unhcr_code \(code)")
            }
            firstRowOfCode[code] = row + 1
            let given = iso[row].flatMap { $0.isEmpty ? nil : $0 }
            if let given, !isCountryKeyShaped(given) {
                throw .invalidValue(file: file.path, row: row + 1, column: "iso_code", value: given,
                                    reason: "is not an ISO 3166 alpha-3 code — correct the file")
            }
            let key = given.map { iso3Aliases[$0] ?? $0 } ?? code
            let kind: Kind
            switch key {
            case "UNK": kind = .unknown
            case "VAR": kind = .various
            case "XXA": kind = .stateless
            default: kind = given == nil ? .other : .country
            }
            if let first = firstRowOfKey[key] {
                throw .duplicateKey(file: file.path, row: row + 1, firstRow: first, key: "iso_code \(key)")
            }
            firstRowOfKey[key] = row + 1
            entries.append(Entry(
                iso3: key, unhcrCode: code, name: M49Names.name(iso3: key, given: names[row] ?? code), kind: kind,
                unhcrRegion: unhcrRegions[row], unRegion: unRegions[row], unSubregion: unSubregions[row]))
        }
        for extra in supplementaryEntries where firstRowOfCode[extra.unhcrCode] == nil && firstRowOfKey[extra.iso3] == nil {
            entries.append(extra)
        }
        return try CountryRegistry(entries: entries)
    }

    /// The entry for a UNHCR code (`coo`, `coa`), or `nil`.
    public func entry(unhcrCode code: String) -> Entry? {
        byUNHCRCode[code].map { entries[$0] }
    }

    /// The entry for a canonical key or one of its aliases (`XXX`/`UKN` → `UNK`, `STA` →
    /// `XXA`), or `nil`.
    public func entry(iso3 code: String) -> Entry? {
        (byISO3[code] ?? Self.iso3Aliases[code].flatMap { byISO3[$0] }).map { entries[$0] }
    }

    /// The registry as the `data/countries.csv` table, one row per key, sorted by `iso3`:
    ///
    /// | column | type | meaning |
    /// |---|---|---|
    /// | `iso3` | string | canonical key (ISO 3166 alpha-3 or a documented non-ISO key) |
    /// | `unhcr_code` | string | UNHCR's code |
    /// | `name` | string | UN M49 English name, UTF-8, trimmed (`M49Names`) |
    /// | `kind` | string | `country`, `unknown`, `various`, `stateless` or `other` |
    /// | `unhcr_region` | string | UNHCR regional bureau (empty for non-country keys) |
    /// | `un_region` | string | UN M49 region |
    /// | `un_subregion` | string | UN M49 subregion |
    ///
    /// Throws only `ImportError.table`, which would be a bug.
    public func table() throws(ImportError) -> Table {
        try assembleTable([
            ("iso3", .string(entries.map(\.iso3))),
            ("unhcr_code", .string(entries.map(\.unhcrCode))),
            ("name", .string(entries.map(\.name))),
            ("kind", .string(entries.map(\.kind.rawValue))),
            ("unhcr_region", .string(entries.map(\.unhcrRegion))),
            ("un_region", .string(entries.map(\.unRegion))),
            ("un_subregion", .string(entries.map(\.unSubregion))),
        ], while: "building the countries table")
    }

    /// `countries.csv` as the canonical countries table (see `table()`), with a report counting
    /// the non-country keys.
    public static func importTable(from path: String) throws(ImportError) -> ImportResult {
        let registry = try load(from: path)
        var report = ImportReport(source: "countries")
        let file = SourcePath.file(path, defaultName: "countries.csv")
        let supplementary = registry.entries.filter { entry in Self.supplementaryEntries.contains(entry) }
        report.sourceRows = [ImportReport.Count(SourcePath.lastComponent(of: file), registry.entries.count - supplementary.count)]
        for entry in registry.entries where entry.kind != .country {
            let added = supplementary.contains(entry) ? "; added, not in countries.csv" : ""
            ImportReport.add(1, to: "key \(entry.iso3) (\(entry.name), kind \(entry.kind.rawValue)\(added))", in: &report.explicitKeys)
        }
        report.outputRows = registry.entries.count
        return ImportResult(table: try registry.table(), report: report)
    }
}
