import Foundation
import Testing
@testable import MigrationReports

@Suite("SVG charts")
struct ChartTests {
    @Test func plottedPointsCarryTheirValuesAndSitInsideThePlot() throws {
        let chart = SVGChart(title: "T & <test>", yTitle: "People", source: "Data: UNHCR (CC BY 4.0)", series: [
            .init(label: "A", years: [2025, 2026, 2027], values: [1.5e6, 2e6, 2.5e6], color: "#000000",
                  bands: [.init(label: "90 %", low: [1e6, 1.5e6, 2e6], high: [2e6, 2.5e6, 3e6], opacity: 0.2)]),
        ])
        let svg = chart.render()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("T &amp; &lt;test&gt;"))
        #expect(svg.contains("Data: UNHCR (CC BY 4.0)"))
        // Points: data-value equals the input, cy decreases as the value grows.
        let pattern = #/data-year="(\d+)" data-value="([^"]+)" cx="([0-9.]+)" cy="([0-9.]+)"/#
        let points = svg.matches(of: pattern).map { (Int($0.1)!, Double($0.2)!, Double($0.3)!, Double($0.4)!) }
        #expect(points.map(\.0) == [2025, 2026, 2027])
        #expect(points.map(\.1) == [1.5e6, 2e6, 2.5e6])
        #expect(points[0].3 > points[1].3 && points[1].3 > points[2].3)
        #expect(points.allSatisfy { $0.2 >= 80 && $0.2 <= 760 - 24 && $0.3 >= 48 && $0.3 <= 420 - 112 })
        #expect(svg.contains("3 M"))      // y tick labels in millions
        #expect(svg.contains("class=\"band\""))
    }

    @Test func tickLabelsAreReadable() {
        #expect(SVGChart.formatNumber(1_500_000) == "1.5 M")
        #expect(SVGChart.formatNumber(250_000) == "250 k")
        #expect(SVGChart.formatNumber(2e9) == "2 B")
        #expect(SVGChart.formatNumber(12) == "12")
    }
}
