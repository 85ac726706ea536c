extension ProjectionCategory: Codable, CustomStringConvertible {
    /// The name written in the files' `category` column (the raw value), so that a category
    /// interpolated into text reads as in projections.csv.
    public var description: String { rawValue }

    /// Reads a category from its name in the files (a shard's layout).
    /// - Throws: `DecodingError.dataCorrupted` naming an unknown value.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let category = ProjectionCategory(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "unknown projection category \"\(name)\" (expected one of the \(ProjectionCategory.allCases.count) names of ProjectionCategory, e.g. \(ProjectionCategory.displaced.rawValue))"))
        }
        self = category
    }
}
