import Foundation

/// A line chart with optional uncertainty bands, drawn as standalone SVG by our own code (no
/// JavaScript, nothing loaded from the network).
///
/// Members: `title`, `yTitle`, `source` (attribution line), `series` (lines with optional bands,
/// drawn in order), `yMax` (a shared top of the y axis). Coordinates: x = year, y = value; the y
/// axis starts at 0, or below it when a value is negative (then 0 is drawn darker). A title too
/// long for the width is wrapped onto more lines, never clipped. Every plotted
/// point carries `data-year` and `data-value` attributes so that tests (and people) can check
/// the drawing against the CSV it came from.
public struct SVGChart: Sendable {
    public struct Band: Sendable {
        public let label: String
        public let low: [Double]
        public let high: [Double]
        public let opacity: Double
        public init(label: String, low: [Double], high: [Double], opacity: Double) {
            self.label = label; self.low = low; self.high = high; self.opacity = opacity
        }
    }
    public struct Series: Sendable {
        public let label: String
        public let years: [Int]
        public let values: [Double]
        public let color: String
        public let dashed: Bool
        public let bands: [Band]
        public init(label: String, years: [Int], values: [Double], color: String, dashed: Bool = false, bands: [Band] = []) {
            self.label = label; self.years = years; self.values = values; self.color = color; self.dashed = dashed; self.bands = bands
        }
    }

    public var title: String
    public var yTitle: String
    public var source: String
    public var series: [Series]
    public var width = 760.0
    public var height = 420.0
    /// The top of the y axis; nil: from the data. Charts meant to be compared side by side (the
    /// fan charts of the scenarios) share one value, so that equal heights mean equal numbers.
    public var yMax: Double?

    public init(title: String, yTitle: String, source: String, series: [Series]) {
        self.title = title; self.yTitle = yTitle; self.source = source; self.series = series
    }

    /// Palette for scenarios (colour-blind safe, Okabe & Ito 2008).
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    /// Readable tick label: 1.5 M, 250 k, 12.
    package static func formatNumber(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e9 { return String(format: "%g B", (v / 1e9 * 100).rounded() / 100) }
        if a >= 1e6 { return String(format: "%g M", (v / 1e6 * 100).rounded() / 100) }
        if a >= 1e3 { return String(format: "%g k", (v / 1e3 * 100).rounded() / 100) }
        return String(format: "%g", v)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// "Nice" tick step for a range (1, 2, 5 × 10^k).
    static func niceStep(_ range: Double, ticks: Int) -> Double {
        guard range > 0 else { return 1 }
        let raw = range / Double(ticks)
        let p = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * p >= raw { return m * p }
        return 10 * p
    }

    /// The largest value a chart of `series` shows (lines and band tops), for a shared `yMax`.
    public static func largestValue(_ series: [Series]) -> Double {
        var ymax = 0.0
        for s in series {
            for v in s.values where v.isFinite { ymax = max(ymax, v) }
            for b in s.bands { for v in b.high where v.isFinite { ymax = max(ymax, v) } }
        }
        return ymax
    }

    /// `title` broken at spaces into lines of at most `characters` characters (a word longer
    /// than that gets its own line), so that no title is clipped at the chart's edge.
    public static func wrap(_ title: String, characters: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in title.split(separator: " ", omittingEmptySubsequences: true) {
            if word.hasPrefix("%") && !current.isEmpty { current += " " + word; continue }   // "80 %" stays together
            if current.isEmpty { current = String(word) } else if current.count + 1 + word.count <= characters { current += " " + word } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// How many characters of a bold title of `size` px fit in `width` px (Helvetica/Arial bold
    /// text averages about 0.5 em a character in Chromium; 0.55 em leaves a margin).
    static func titleCharacters(width: Double, size: Double) -> Int { max(10, Int(width / (size * 0.55))) }

    /// The SVG document.
    public func render() -> String {
        let titleLines = SVGChart.wrap(title, characters: SVGChart.titleCharacters(width: width - 80 - 24, size: 17))
        let left = 80.0, right = 24.0, top = 48.0 + 21 * Double(max(0, titleLines.count - 1)), bottom = 112.0
        let pw = width - left - right, ph = height - top - bottom
        let allYears = series.flatMap(\.years)
        let x0 = Double(allYears.min() ?? 0), x1 = Double(max((allYears.max() ?? 1), (allYears.min() ?? 0) + 1))
        var ymax = SVGChart.largestValue(series)
        if let yMax, yMax.isFinite, yMax > 0 { ymax = max(ymax, yMax) }
        // Negative values (differences between scenarios) extend the axis below 0.
        var ymin = 0.0
        for s in series {
            for v in s.values where v.isFinite { ymin = min(ymin, v) }
            for b in s.bands { for v in b.low where v.isFinite { ymin = min(ymin, v) } }
        }
        let step = SVGChart.niceStep(ymax - ymin, ticks: 5)
        // Near the largest double, rounding the top up to a whole step overflows: keep ymax.
        let rounded = ymax > 0 || ymin == 0 ? max(step, ceil(ymax / step) * step) : 0
        let yTop = rounded.isFinite ? rounded : max(ymax, 1)
        let floored = floor(ymin / step) * step
        let yBottom = floored.isFinite && floored < 0 ? floored : 0
        func px(_ year: Double) -> Double { left + (year - x0) / (x1 - x0) * pw }
        func py(_ v: Double) -> Double { top + ph - (v - yBottom) / (yTop - yBottom) * ph }
        func f(_ d: Double) -> String { String(format: "%.2f", d) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(SVGChart.escape(title))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        for (k, line) in titleLines.enumerated() {
            out += "<text class=\"title\" x=\"\(f(left))\" y=\"\(f(28 + 21 * Double(k)))\" font-size=\"17\" font-weight=\"bold\">\(SVGChart.escape(line))</text>\n"
        }
        // Grid and y ticks.
        // At most a few dozen ticks whatever the values (no endless loop when a step is lost
        // in rounding near the largest double).
        var v = yBottom
        var yTicks = 0
        while v <= yTop + step / 2 && yTicks < 50 {
            if yBottom < 0 && abs(v) < step * 1e-9 { v = 0 }
            out += "<line x1=\"\(f(left))\" x2=\"\(f(left + pw))\" y1=\"\(f(py(v)))\" y2=\"\(f(py(v)))\" stroke=\"\(v == 0 && yBottom < 0 ? "#555555" : "#dddddd")\"/>\n"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(py(v) + 4))\" font-size=\"12\" text-anchor=\"end\">\(SVGChart.formatNumber(v))</text>\n"
            yTicks += 1
            v = yBottom < 0 ? yBottom + Double(yTicks) * step : v + step
        }
        // x ticks: every year, 5 or 10 years, or a nice step for long spans (in Double, so that
        // no span of years can overflow an Int).
        let span = x1 - x0
        let xstep = span <= 12 ? 1.0 : span <= 30 ? 5 : span <= 300 ? 10 : SVGChart.niceStep(span, ticks: 10)
        var year = ceil(x0 / xstep) * xstep
        var xTicks = 0
        while year <= x1 && xTicks < 60 {
            let label = abs(year) < 1e15 ? String(Int(year)) : String(year)
            out += "<text x=\"\(f(px(year)))\" y=\"\(f(top + ph + 18))\" font-size=\"12\" text-anchor=\"middle\">\(label)</text>\n"
            year += xstep
            xTicks += 1
        }
        out += "<line x1=\"\(f(left))\" x2=\"\(f(left + pw))\" y1=\"\(f(top + ph))\" y2=\"\(f(top + ph))\" stroke=\"#333333\"/>\n"
        out += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(top + ph + 38))\" font-size=\"13\" text-anchor=\"middle\">Year</text>\n"
        out += "<text transform=\"translate(18 \(f(top + ph / 2))) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">\(SVGChart.escape(yTitle))</text>\n"
        // Bands, then lines.
        for s in series {
            for b in s.bands {
                var pts: [String] = []
                for (k, y) in s.years.enumerated() where b.high[k].isFinite { pts.append("\(f(px(Double(y)))),\(f(py(b.high[k])))") }
                for (k, y) in s.years.enumerated().reversed() where b.low[k].isFinite { pts.append("\(f(px(Double(y)))),\(f(py(b.low[k])))") }
                out += "<polygon class=\"band\" data-series=\"\(SVGChart.escape(s.label))\" data-band=\"\(SVGChart.escape(b.label))\" points=\"\(pts.joined(separator: " "))\" fill=\"\(s.color)\" fill-opacity=\"\(b.opacity)\" stroke=\"none\"/>\n"
            }
        }
        for s in series {
            let pts = s.years.enumerated().filter { s.values[$0.offset].isFinite }.map { "\(f(px(Double($0.element)))),\(f(py(s.values[$0.offset])))" }
            out += "<polyline class=\"series\" data-series=\"\(SVGChart.escape(s.label))\" points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"5 4\"" : "")/>\n"
            for (k, y) in s.years.enumerated() where s.values[k].isFinite {
                out += "<circle class=\"point\" data-series=\"\(SVGChart.escape(s.label))\" data-year=\"\(y)\" data-value=\"\(s.values[k])\" cx=\"\(f(px(Double(y))))\" cy=\"\(f(py(s.values[k])))\" r=\"1.8\" fill=\"\(s.color)\"/>\n"
            }
        }
        // Legend.
        var lx = left
        var ly = top + ph + 60
        for s in series {
            let needed = 40 + Double(s.label.count) * 6.6
            if lx + needed > width - right && lx > left { lx = left; ly += 18 }
            out += "<line x1=\"\(f(lx))\" x2=\"\(f(lx + 22))\" y1=\"\(f(ly))\" y2=\"\(f(ly))\" stroke=\"\(s.color)\" stroke-width=\"3\"\(s.dashed ? " stroke-dasharray=\"5 4\"" : "")/>\n"
            out += "<text x=\"\(f(lx + 28))\" y=\"\(f(ly + 4))\" font-size=\"12\">\(SVGChart.escape(s.label))</text>\n"
            lx += needed
        }
        out += "<text x=\"\(f(left))\" y=\"\(f(height - 12))\" font-size=\"10\" fill=\"#555555\">\(SVGChart.escape(source))</text>\n"
        out += "</svg>\n"
        return out
    }
}
