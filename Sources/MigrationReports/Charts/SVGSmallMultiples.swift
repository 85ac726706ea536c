import Foundation

/// Small multiples: one small line chart per panel (a region, an origin), all on the same axes —
/// one y scale from 0 to the largest value of any panel, one span of years — so that heights can
/// be compared across panels by eye. Each panel shows a median line with a 90 % band and,
/// optionally, the observed history in black.
///
/// Members: `title`, `source`, `panels`, `columns` (panels per row), `yTitle`. Every plotted
/// point carries `data-panel`, `data-year` and `data-value`, like `SVGChart`.
public struct SVGSmallMultiples: Sendable {
    public struct Panel: Sendable {
        public let label: String
        public let years: [Int]
        public let median: [Double]
        public let low: [Double]
        public let high: [Double]
        public let observedYears: [Int]
        public let observed: [Double]
        public init(label: String, years: [Int], median: [Double], low: [Double], high: [Double],
                    observedYears: [Int] = [], observed: [Double] = []) {
            self.label = label; self.years = years; self.median = median; self.low = low; self.high = high
            self.observedYears = observedYears; self.observed = observed
        }
    }

    public var title: String
    public var yTitle: String
    public var source: String
    public var panels: [Panel]
    public var columns: Int
    public var color = "#0072B2"
    public var width = 960.0

    public init(title: String, yTitle: String, source: String, panels: [Panel], columns: Int = 4) {
        self.title = title; self.yTitle = yTitle; self.source = source; self.panels = panels; self.columns = max(1, columns)
    }

    /// The shared top of the y axis: the largest finite value (median, band top, observed) of
    /// any panel, rounded up to a "nice" step.
    public var sharedTop: Double {
        var ymax = 0.0
        for p in panels {
            for v in p.median + p.high + p.observed where v.isFinite { ymax = max(ymax, v) }
        }
        let step = SVGChart.niceStep(ymax, ticks: 4)
        let top = max(step, ceil(ymax / step) * step)
        return top.isFinite ? top : max(ymax, 1)
    }

    public func render() -> String {
        let titleLines = SVGChart.wrap(title, characters: SVGChart.titleCharacters(width: width - 32, size: 17))
        let headerHeight = 24.0 + 21 * Double(titleLines.count)
        let rows = max(1, (panels.count + columns - 1) / columns)
        let left = 64.0, gap = 14.0, panelW = (width - left - 16 - gap * Double(columns - 1)) / Double(columns)
        let panelH = 120.0, labelH = 18.0, axisH = 18.0
        let height = headerHeight + Double(rows) * (labelH + panelH + axisH + gap) + 40
        let allYears = panels.flatMap { $0.years + $0.observedYears }
        let x0 = Double(allYears.min() ?? 0), x1 = Double(max(allYears.max() ?? 1, (allYears.min() ?? 0) + 1))
        let yTop = sharedTop
        let step = SVGChart.niceStep(yTop, ticks: 4)
        func f(_ d: Double) -> String { String(format: "%.2f", d) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(SVGChart.escape(title))\" font-family=\"Helvetica, Arial, sans-serif\" data-shared-top=\"\(yTop)\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        for (k, line) in titleLines.enumerated() {
            out += "<text class=\"title\" x=\"16\" y=\"\(f(28 + 21 * Double(k)))\" font-size=\"17\" font-weight=\"bold\">\(SVGChart.escape(line))</text>\n"
        }
        out += "<text transform=\"translate(14 \(f(headerHeight + Double(rows) * (labelH + panelH + axisH + gap) / 2))) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">\(SVGChart.escape(yTitle))</text>\n"
        for (i, p) in panels.enumerated() {
            let col = i % columns, row = i / columns
            let ox = left + Double(col) * (panelW + gap)
            let oy = headerHeight + Double(row) * (labelH + panelH + axisH + gap) + labelH
            func px(_ year: Double) -> Double { ox + (year - x0) / (x1 - x0) * panelW }
            func py(_ v: Double) -> Double { oy + panelH - v / yTop * panelH }
            let maxChars = max(8, Int(panelW / 7))
            let label = p.label.count > maxChars ? String(p.label.prefix(maxChars - 1)) + "…" : p.label
            out += "<g class=\"panel\" data-panel=\"\(SVGChart.escape(p.label))\">\n<title>\(SVGChart.escape(p.label))</title>\n"
            out += "<text x=\"\(f(ox))\" y=\"\(f(oy - 5))\" font-size=\"12\" font-weight=\"bold\">\(SVGChart.escape(label))</text>\n"
            var v = 0.0
            var ticks = 0
            while v <= yTop + step / 2 && ticks < 20 {
                out += "<line x1=\"\(f(ox))\" x2=\"\(f(ox + panelW))\" y1=\"\(f(py(v)))\" y2=\"\(f(py(v)))\" stroke=\"#e4e4e4\"/>\n"
                if col == 0 { out += "<text x=\"\(f(ox - 6))\" y=\"\(f(py(v) + 4))\" font-size=\"10\" text-anchor=\"end\">\(SVGChart.formatNumber(v))</text>\n" }
                v += step
                ticks += 1
            }
            out += "<line x1=\"\(f(ox))\" x2=\"\(f(ox + panelW))\" y1=\"\(f(oy + panelH))\" y2=\"\(f(oy + panelH))\" stroke=\"#333333\"/>\n"
            for year in [x0, x1] {
                out += "<text x=\"\(f(px(year)))\" y=\"\(f(oy + panelH + 13))\" font-size=\"10\" text-anchor=\"\(year == x0 ? "start" : "end")\">\(Int(year))</text>\n"
            }
            var band: [String] = []
            for (k, y) in p.years.enumerated() where k < p.high.count && p.high[k].isFinite { band.append("\(f(px(Double(y)))),\(f(py(p.high[k])))") }
            for (k, y) in p.years.enumerated().reversed() where k < p.low.count && p.low[k].isFinite { band.append("\(f(px(Double(y)))),\(f(py(p.low[k])))") }
            if !band.isEmpty {
                out += "<polygon class=\"band\" data-band=\"90 %\" points=\"\(band.joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
            }
            let obs = p.observedYears.enumerated().filter { $0.offset < p.observed.count && p.observed[$0.offset].isFinite }
            if !obs.isEmpty {
                out += "<polyline class=\"observed\" points=\"\(obs.map { "\(f(px(Double($0.element)))),\(f(py(p.observed[$0.offset])))" }.joined(separator: " "))\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>\n"
            }
            let med = p.years.enumerated().filter { $0.offset < p.median.count && p.median[$0.offset].isFinite }
            out += "<polyline class=\"series\" points=\"\(med.map { "\(f(px(Double($0.element)))),\(f(py(p.median[$0.offset])))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for (k, y) in med {
                out += "<circle class=\"point\" data-panel=\"\(SVGChart.escape(p.label))\" data-year=\"\(y)\" data-value=\"\(p.median[k])\" cx=\"\(f(px(Double(y))))\" cy=\"\(f(py(p.median[k])))\" r=\"1.2\" fill=\"\(color)\"/>\n"
            }
            out += "</g>\n"
        }
        out += "<text x=\"16\" y=\"\(f(height - 12))\" font-size=\"10\" fill=\"#555555\">\(SVGChart.escape(source))</text>\n"
        out += "</svg>\n"
        return out
    }
}
