/// The English names of countries and areas in the UN's standard country or area codes for
/// statistical use (M49), for the keys whose UNHCR name differs from them.
///
/// **Why.** UNHCR's `countries.csv` mixes abbreviations (`Dem. Rep. of the Congo`,
/// `Iran (Islamic Rep. of)`), ASCII spellings (`Cote d'Ivoire`, `Reunion`, `Curacao ` with a
/// trailing space) and UTF-8 ones (`Türkiye`). Every table MigrationKit writes names places
/// with one standard instead: the M49 English name in UTF-8, trimmed, so that a spreadsheet's
/// lookup of `Curaçao` or `Côte d'Ivoire` finds the row.
///
/// **Source.** United Nations Statistics Division, *Standard country or area codes for
/// statistical use (M49)*, "Overview" table in English,
/// https://unstats.un.org/unsd/methodology/m49/overview/ (names as in force in 2024: Türkiye
/// since 2022, Netherlands (Kingdom of the) since 2023). One deliberate deviation: M49 writes the
/// apostrophe of Côte d’Ivoire as U+2019; it is written as the ASCII apostrophe U+0027 here,
/// which every keyboard types and every spreadsheet formula matches.
///
/// Keys not listed keep UNHCR's name, which is already the M49 name (checked for every country
/// key of the 2025.12.1 release; `Tests/MigrationDataTests` asserts the names that matter).
/// Keys that are not countries (Unknown, Stateless, Tibetan, Abyei Area, …) keep their labels.
public enum M49Names {
    /// ISO 3166 alpha-3 → M49 English name, where UNHCR's name differs.
    public static let byISO3: [String: String] = [
        "BES": "Bonaire, Sint Eustatius and Saba",
        "CAF": "Central African Republic",
        "CIV": "Côte d'Ivoire",
        "COD": "Democratic Republic of the Congo",
        "CUW": "Curaçao",
        "DOM": "Dominican Republic",
        "FRO": "Faroe Islands",
        "HKG": "China, Hong Kong Special Administrative Region",
        "IRN": "Iran (Islamic Republic of)",
        "KOR": "Republic of Korea",
        "LAO": "Lao People's Democratic Republic",
        "MAC": "China, Macao Special Administrative Region",
        "MAF": "Saint Martin (French Part)",
        "MDA": "Republic of Moldova",
        "PRK": "Democratic People's Republic of Korea",
        "REU": "Réunion",
        "SJM": "Svalbard and Jan Mayen Islands",
        "SPM": "Saint Pierre and Miquelon",
        "SRB": "Serbia",
        "SYR": "Syrian Arab Republic",
        "TUR": "Türkiye",
        "TZA": "United Republic of Tanzania",
    ]

    /// The name to write for `iso3`: the M49 name where it differs from `given`, else `given`
    /// with leading and trailing white space (including no-break spaces) removed.
    public static func name(iso3: String, given: String) -> String {
        byISO3[iso3] ?? trimmed(given)
    }

    /// `text` without leading or trailing white space or newlines (Unicode: also U+00A0).
    public static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
