import Foundation

/// A coefficient plot: one row per term, the estimate as a dot and its confidence interval as a
/// line, with a vertical line at zero. Standalone SVG; each dot carries `data-term`,
/// `data-estimate`, `data-low` and `data-high` for checking against the CSV.
public struct SVGCoefficientPlot: Sendable {
    public struct Row: Sendable {
        public let label: String
        public let estimate: Double
        public let low: Double
        public let high: Double
        public init(label: String, estimate: Double, low: Double, high: Double) {
            self.label = label; self.estimate = estimate; self.low = low; self.high = high
        }
    }
    public var title: String
    public var source: String
    public var rows: [Row]
    public var width = 760.0

    public init(title: String, source: String, rows: [Row]) {
        self.title = title; self.source = source; self.rows = rows
    }

    public func render() -> String {
        let longest = Double(rows.map(\.label.count).max() ?? 10)
        let left = min(width * 0.55, max(160, 7 * longest + 24)), right = 30.0, top = 50.0, rowHeight = 26.0
        let height = top + Double(max(rows.count, 1)) * rowHeight + 70
        let pw = width - left - right
        var lo = 0.0, hi = 0.0
        for r in rows { for v in [r.estimate, r.low, r.high] where v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
        if hi - lo < 1e-12 { hi = lo + 1 }
        let pad = (hi - lo) * 0.05
        lo -= pad; hi += pad
        func px(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * pw }
        func f(_ d: Double) -> String { String(format: "%.2f", d) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(SVGChart.escape(title))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"20\" y=\"28\" font-size=\"17\" font-weight=\"bold\">\(SVGChart.escape(title))</text>\n"
        let bottom = top + Double(rows.count) * rowHeight
        // x ticks.
        let step = SVGChart.niceStep(hi - lo, ticks: 6)
        var t = (lo / step).rounded(.up) * step
        var ticks = 0
        while t <= hi && ticks < 50 {   // bounded whatever the estimates
            ticks += 1
            out += "<line x1=\"\(f(px(t)))\" x2=\"\(f(px(t)))\" y1=\"\(f(top - 6))\" y2=\"\(f(bottom))\" stroke=\"#eeeeee\"/>\n"
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(bottom + 18))\" font-size=\"12\" text-anchor=\"middle\">\(String(format: "%g", (t * 1e6).rounded() / 1e6))</text>\n"
            t += step
        }
        out += "<line x1=\"\(f(px(0)))\" x2=\"\(f(px(0)))\" y1=\"\(f(top - 6))\" y2=\"\(f(bottom))\" stroke=\"#333333\" stroke-dasharray=\"4 3\"/>\n"
        for (k, r) in rows.enumerated() {
            let y = top + (Double(k) + 0.5) * rowHeight
            out += "<text x=\"\(f(left - 10))\" y=\"\(f(y + 4))\" font-size=\"12\" text-anchor=\"end\">\(SVGChart.escape(r.label))</text>\n"
            if r.low.isFinite && r.high.isFinite {
                out += "<line x1=\"\(f(px(r.low)))\" x2=\"\(f(px(r.high)))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#0072B2\" stroke-width=\"2\"/>\n"
            }
            if r.estimate.isFinite {
                out += "<circle class=\"estimate\" data-term=\"\(SVGChart.escape(r.label))\" data-estimate=\"\(r.estimate)\" data-low=\"\(r.low)\" data-high=\"\(r.high)\" cx=\"\(f(px(r.estimate)))\" cy=\"\(f(y))\" r=\"4\" fill=\"#0072B2\"/>\n"
            }
        }
        out += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(bottom + 38))\" font-size=\"13\" text-anchor=\"middle\">Estimate with 95 % confidence interval</text>\n"
        out += "<text x=\"20\" y=\"\(f(height - 12))\" font-size=\"10\" fill=\"#555555\">\(SVGChart.escape(source))</text>\n"
        out += "</svg>\n"
        return out
    }
}
