import Foundation
import Testing
@testable import MigrationScenarios

/// Issue 17 item 6: the projection API's levels and categories are enums whose raw values are
/// the names in the files; the files and a shard's layout keep the exact bytes of the strings.
@Suite("Geography levels and projection categories as enums")
struct GeographyLevelTests {
    @Test("raw values are the geography_level names of projections.csv, in output order")
    func rawValues() {
        #expect(GeographyLevel.allCases.map(\.rawValue) == ["world", "unhcr_region", "un_region", "country"])
        #expect("\(GeographyLevel.unhcrRegion)" == "unhcr_region")
        #expect("\(ProjectionCategory.displaced)" == "displaced_stock")
        #expect("\(ProjectionCategory.attributableOther)" == "climate_attributable_new_disaster_displacement_other")
    }

    /// A layout with every level and category, as the engine would hand it to a shard writer.
    static let layout = DrawLayout(
        scenarios: ["a", "b"], referenceIndex: 0, years: [2025, 2026], countries: ["AFG"],
        countryCategories: ProjectionCategory.countryCategories(.lifecycle),
        aggregates: [DrawLayout.Aggregate(level: .world, name: "World", categories: ProjectionCategory.allCases),
                     DrawLayout.Aggregate(level: .unhcrRegion, name: "Asia and the Pacific", categories: [.displaced, .exits]),
                     DrawLayout.Aggregate(level: .unRegion, name: "Asia", categories: ProjectionCategory.unRegionCategories(.lifecycle))],
        draws: 0..<10, blocks: 1)

    @Test("a shard layout's JSON writes levels and categories as their names (the bytes of the string layout)")
    func layoutJSONKeepsTheNames() throws {
        let json = String(decoding: try ShardFormat.layoutJSON(Self.layout), as: UTF8.self)
        #expect(json.contains(#""level":"unhcr_region""#))
        #expect(json.contains(#""level":"un_region""#))
        #expect(json.contains(#""categories":["displaced_stock","exits"]"#))
        #expect(json.contains(#""countryCategories":["displaced_stock","displaced_cross_border","#))
        // The same bytes as the layout written with strings (the shard format of main before
        // the enums): a JSON object with the same keys and string arrays.
        struct StringAggregate: Encodable { let level: String, name: String, categories: [String] }
        struct StringLayout: Encodable {
            let scenarios: [String], referenceIndex: Int, years: [Int], countries: [String], countryCategories: [String]
            let aggregates: [StringAggregate], firstDraw: Int, drawCount: Int, blocks: Int
        }
        let l = Self.layout
        let strings = StringLayout(scenarios: l.scenarios, referenceIndex: l.referenceIndex, years: l.years, countries: l.countries,
                                   countryCategories: l.countryCategories.map(\.rawValue),
                                   aggregates: l.aggregates.map { StringAggregate(level: $0.level.rawValue, name: $0.name, categories: $0.categories.map(\.rawValue)) },
                                   firstDraw: l.firstDraw, drawCount: l.drawCount, blocks: l.blocks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let same = try encoder.encode(strings) == ShardFormat.layoutJSON(l)
        #expect(same)
        #expect(try JSONDecoder().decode(DrawLayout.self, from: ShardFormat.layoutJSON(l)) == l)
    }

    @Test("an unknown level or category in a layout is a decoding error naming the value")
    func unknownNamesAreNamed() throws {
        let json = String(decoding: try ShardFormat.layoutJSON(Self.layout), as: UTF8.self)
        for (from, to, word) in [(#""level":"un_region""#, #""level":"continent""#, "continent"),
                                 (#""exits""#, #""departures""#, "departures")] {
            let bad = Data(json.replacingOccurrences(of: from, with: to).utf8)
            do {
                _ = try JSONDecoder().decode(DrawLayout.self, from: bad)
                Issue.record("expected an error for \(word)")
            } catch let DecodingError.dataCorrupted(context) {
                #expect(context.debugDescription.contains("\"\(word)\""), "\(context.debugDescription)")
                #expect(context.debugDescription.contains(word == "continent" ? "unhcr_region" : "displaced_stock"), "\(context.debugDescription)")
            }
        }
    }
}
