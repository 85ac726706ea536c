/// The level of a projection's geography: the world, a UNHCR region, a UN (M49) region, or a
/// single country (ISO 3166-1 alpha-3 code).
///
/// The raw values are the names written in the `geography_level` column of projections.csv,
/// contrasts.csv and summary_wide.csv (and in a shard's layout); `description` is the raw value,
/// so that a level interpolated into text reads as in the files. A run reports the world, then
/// the UNHCR regions of origin, then the UN regions of origin (every category of
/// `ProjectionCategory.categories` for the world and the UNHCR regions, those of
/// `ProjectionCategory.unRegionCategories` for the UN regions), then the countries
/// (`ProjectionCategory.countryCategories`).
///
/// Decoding an unknown name (a damaged or foreign shard layout) throws a `DecodingError` whose
/// description names the value and the names expected.
public enum GeographyLevel: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// The whole world (geography `World`).
    case world = "world"
    /// A UNHCR region of origin (the `unhcr_region` column of countries.csv).
    case unhcrRegion = "unhcr_region"
    /// A UN M49 region of origin (the `un_region` column of countries.csv).
    case unRegion = "un_region"
    /// One country of origin, named by its ISO 3166-1 alpha-3 code.
    case country = "country"

    /// The name written in the files (the raw value).
    public var description: String { rawValue }

    /// Reads a level from its name in the files.
    /// - Throws: `DecodingError.dataCorrupted` naming an unknown value and the names expected.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let level = GeographyLevel(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "unknown geography level \"\(name)\" (expected one of \(GeographyLevel.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        self = level
    }
}
