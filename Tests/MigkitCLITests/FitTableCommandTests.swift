import Foundation
import Testing

/// `migkit fit` with several models, `--table`, `--level`, `--vcov-out` and `--fitted`, against
/// pyfixest (Tests/Fixtures/etable/make_reference.py → reference.json).
@Suite("migkit fit: model tables, level, variance and fitted outputs")
struct FitTableCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let ols = root.appendingPathComponent("Tests/Fixtures/regression/ols.csv").path
    static let panel = root.appendingPathComponent("data/displacement_panel.csv").path

    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/etable/reference.json"))
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (obj?["cases"] as? [String: Any]) ?? [:]
    }

    static func models(_ name: String) throws -> [[String: Any]] {
        let c = try #require(try reference()[name] as? [String: Any])
        if let m = c["models"] as? [[String: Any]] { return m }
        return [try #require(c["model"] as? [String: Any])]
    }

    static func numbers(_ model: [String: Any], _ key: String) -> [String: Double] {
        ((model[key] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    static func pairs(_ model: [String: Any], _ key: String) -> [String: [Double]] {
        ((model[key] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? [NSNumber])?.map(\.doubleValue) }
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-table-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Rows of a CSV without quoted fields.
    func rows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The number a table cell shows: "0.4868***" → 0.4868, "(0.1188)" → 0.1188, "$-$1.986" → −1.986.
    func cellNumber(_ cell: String) -> Double? {
        let cleaned = cell.replacingOccurrences(of: "$-$", with: "-")
            .filter { "0123456789.-e".contains($0) }
        return Double(cleaned)
    }

    /// A Markdown or LaTeX table's rows as cells.
    func cells(_ text: String, latex: Bool) -> [[String]] {
        text.split(separator: "\n").map { line in
            if latex {
                return line.replacingOccurrences(of: "\\\\", with: "").split(separator: "&", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
            }
            return line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Checks the coefficient and standard-error cells of a rendered table against pyfixest,
    /// to the table's 4 significant digits, and the stars against fixest's codes.
    func checkTable(_ text: String, latex: Bool, _ models: [[String: Any]]) {
        let grid = cells(text, latex: latex)
        for (k, model) in models.enumerated() {
            let coef = Self.numbers(model, "coef"), se = Self.numbers(model, "se"), p = Self.numbers(model, "p")
            #expect(!coef.isEmpty)
            for (term, value) in coef {
                guard let r = grid.firstIndex(where: { $0.first == term }), r + 1 < grid.count, grid[r].count > k + 1 else {
                    Issue.record("no row for \(term) in\n\(text)"); continue
                }
                let shown = grid[r][k + 1], below = grid[r + 1][k + 1]
                let estimate = cellNumber(shown), error = cellNumber(below)
                #expect(estimate.map { abs($0 - value) <= 5e-4 * abs(value) } == true, "\(term) model \(k + 1): \(shown) vs \(value)")
                #expect(error.map { abs($0 - se[term]!) <= 5e-4 * se[term]! } == true, "\(term) model \(k + 1): \(below) vs \(se[term]!)")
                let stars = p[term]! < 0.01 ? "***" : p[term]! < 0.05 ? "**" : p[term]! < 0.1 ? "*" : ""
                let starCount = shown.filter { $0 == "*" }.count
                #expect(starCount == stars.count, "\(term) model \(k + 1): \(shown), p = \(p[term]!)")
            }
        }
    }

    @Test("two OLS models with clustered errors: Markdown, LaTeX and CSV tables match pyfixest (fixest)")
    func twoClusteredOLSModels() throws {
        let models = try Self.models("ols_two_models")
        let dir = try tempDir()
        for ext in ["md", "tex", "csv"] {
            let table = dir.appendingPathComponent("models.\(ext)")
            let r = try MigkitRunner.run(["fit", "ols", "--data", Self.ols, "--formula", "y ~ x1 | fe1",
                                          "--formula", "y ~ x1 + x2 | fe1 + fe2", "--vcov", "cluster:cl1",
                                          "-o", dir.appendingPathComponent("coef-\(ext).csv").path, "--table", table.path])
            #expect(r.status == 0, "\(r.stderr)")
            let text = try String(contentsOf: table, encoding: .utf8)
            switch ext {
            case "md":
                checkTable(text, latex: false, models)
                #expect(text.contains("| S.E. type | Clustered (cl1) | Clustered (cl1) |"))
                #expect(text.contains("| Statistic | t(14) | t(14) |"))   // G − 1 = 14 clusters' df
                #expect(text.contains("| fe2 | No | Yes |"))
                #expect(text.contains("Signif. codes: ***: 0.01, **: 0.05, *: 0.1"))
            case "tex":
                checkTable(text, latex: true, models)
                #expect(text.hasPrefix("\\begin{tabular}{lcc}\n\\toprule\n"))
                #expect(text.contains("\\bottomrule"))
                // Negative numbers carry a math minus, never a text hyphen: x2 = −1.931 in model 2.
                let grid = cells(text, latex: true)
                let x2 = grid.first { $0.first == "x2" }
                #expect(x2?.last?.hasPrefix("$-$1.931") == true, "\(x2 ?? [])")
                let hyphenated = grid.flatMap { $0.dropFirst() }.filter { cell in
                    cell.replacingOccurrences(of: "$-$", with: "").range(of: #"(^|[(\[ ;])-[0-9.]"#, options: .regularExpression) != nil
                }
                #expect(hyphenated.isEmpty, "\(hyphenated)")
            default:
                // Full precision: estimate and std_error rows per term, one column per model.
                let grid = try rows(table)
                #expect(grid.first == ["section", "label", "(1)", "(2)"])
                for (k, model) in models.enumerated() {
                    for (term, value) in Self.numbers(model, "coef") {
                        let e = grid.first { $0[0] == "estimate" && $0[1] == term }.flatMap { Double($0[k + 2]) }
                        let s = grid.first { $0[0] == "std_error" && $0[1] == term }.flatMap { Double($0[k + 2]) }
                        #expect(e.map { abs($0 - value) <= 1e-8 * abs(value) } == true, "\(term) (\(k + 1))")
                        #expect(s.map { abs($0 - Self.numbers(model, "se")[term]!) <= 1e-8 * Self.numbers(model, "se")[term]! } == true)
                    }
                    let df = grid.first { $0[0] == "fit" && $0[1] == "t_degrees_of_freedom" }.flatMap { Double($0[k + 2]) }
                    #expect(df == (model["df_t"] as? NSNumber)?.doubleValue)
                    let n = grid.first { $0[0] == "fit" && $0[1] == "observations" }?[k + 2]
                    #expect(n == "\((model["nobs"] as? NSNumber)?.intValue ?? -1)")
                    let r2 = grid.first { $0[0] == "fit" && $0[1] == "r_squared" }.flatMap { Double($0[k + 2]) }
                    let r2Ref = (model["r2"] as? NSNumber)?.doubleValue ?? .nan
                    #expect(r2.map { abs($0 - r2Ref) < 1e-10 } == true)
                }
            }
        }
    }

    @Test("the coefficients CSV of several models has a model column and pyfixest's 90 % intervals (t(G−1))")
    func severalModelsCoefficientCSV() throws {
        let models = try Self.models("ols_two_models")
        let dir = try tempDir()
        let coef = dir.appendingPathComponent("coef.csv")
        let r = try MigkitRunner.run(["fit", "ols", "--data", Self.ols, "--formula", "y ~ x1 | fe1",
                                      "--formula", "y ~ x1 + x2 | fe1 + fe2", "--vcov", "cluster:cl1", "--level", "0.9", "-o", coef.path])
        #expect(r.status == 0, "\(r.stderr)")
        let grid = try rows(coef)
        #expect(grid.first == ["model", "term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"])
        for (k, model) in models.enumerated() {
            for (term, ci) in Self.pairs(model, "ci_90") {
                let row = try #require(grid.first { $0[0] == "\(k + 1)" && $0[1] == term })
                #expect(abs(Double(row[6])! - ci[0]) < 1e-7 && abs(Double(row[7])! - ci[1]) < 1e-7, "\(row) vs \(ci)")
                #expect(abs(Double(row[5])! - Self.numbers(model, "p")[term]!) < 1e-9)
            }
        }
    }

    @Test("stepwise csw() and sw0() expand into pyfixest's models, in its order")
    func stepwiseFormulas() throws {
        for (name, formula, vcov) in [("ols_csw", "y ~ csw(x1, x2) | fe1", "cluster:cl1"), ("ols_sw0_fe", "y ~ x1 | sw0(fe1, fe2)", "iid")] {
            let models = try Self.models(name)
            let dir = try tempDir()
            let coef = dir.appendingPathComponent("coef.csv")
            let r = try MigkitRunner.run(["fit", "ols", "--data", Self.ols, "--formula", formula, "--vcov", vcov, "-o", coef.path])
            #expect(r.status == 0, "\(r.stderr)")
            let grid = try rows(coef)
            let fitted = Set(grid.dropFirst().map { $0[0] })
            #expect(fitted.count == models.count, "\(name): \(fitted.count) models, pyfixest \(models.count)")
            for (k, model) in models.enumerated() {
                for (term, value) in Self.numbers(model, "coef") {
                    let row = grid.first { $0[0] == "\(k + 1)" && $0[1] == term }
                    #expect(row.flatMap { Double($0[2]) }.map { abs($0 - value) < 1e-8 * max(1, abs(value)) } == true,
                            "\(name) model \(k + 1) (\(model["formula"] ?? "")) \(term)")
                }
            }
        }
    }

    @Test("--ssc fixest reproduces pyfixest's fepois on the README example: z statistics, normal intervals; --level 0.9 gives ±1.645 s.e.")
    func readmePPMLUnderFixestConventions() throws {
        let model = try #require(try Self.models("readme_ppml").first)
        let dir = try tempDir()
        let term = "log1p(refugees)"
        for (level, key) in [("0.95", "ci_95"), ("0.9", "ci_90")] {
            let coef = dir.appendingPathComponent("coef-\(level).csv")
            let stats = dir.appendingPathComponent("fit-\(level).csv")
            let r = try MigkitRunner.run(["fit", "ppml", "--data", Self.panel, "--formula", "returned_refugees ~ log1p(refugees) | iso3 + year",
                                          "--vcov", "cluster:iso3", "--ssc", "fixest", "--level", level, "-o", coef.path, "--stats", stats.path])
            #expect(r.status == 0, "\(r.stderr)")
            let row = try #require(try rows(coef).first { $0.first == term })
            let (estimate, se, p, low, high) = (Double(row[1])!, Double(row[2])!, Double(row[4])!, Double(row[5])!, Double(row[6])!)
            let ci = try #require(Self.pairs(model, key)[term])
            #expect(abs(estimate - Self.numbers(model, "coef")[term]!) < 1e-7)
            #expect(abs(se - Self.numbers(model, "se")[term]!) < 1e-7)
            // The standard errors agree to ~5e-8 (X̃ is demeaned to the solver's tolerance); a
            // p-value of 4.6e-8 moves ~z times as much, relatively.
            #expect(abs(p - Self.numbers(model, "p")[term]!) < 1e-5 * Self.numbers(model, "p")[term]!)
            #expect(abs(low - ci[0]) < 1e-6 && abs(high - ci[1]) < 1e-6, "[\(low), \(high)] vs \(ci)")
            if level == "0.9" { #expect(abs((high - estimate) / se - 1.6448536269514722) < 1e-9) }
            let fit = try rows(stats)
            #expect(fit.contains(["distribution", "normal"]))
            #expect(fit.contains(["confidence_level", level == "0.9" ? "0.9" : "0.95"]))
            #expect(!fit.contains { $0.first == "t_degrees_of_freedom" })
        }
    }

    @Test("--vcov-out is term × term and symmetric; --fitted has one row per used observation with working weights for GLMs")
    func varianceAndFittedOutputs() throws {
        let dir = try tempDir()
        let vcov = dir.appendingPathComponent("vcov.csv"), fitted = dir.appendingPathComponent("fitted.csv")
        let coef = dir.appendingPathComponent("coef.csv"), stats = dir.appendingPathComponent("fit.csv")
        let gravity = Self.root.appendingPathComponent("Tests/Fixtures/regression/gravity.csv").path
        let r = try MigkitRunner.run(["fit", "ppml", "--data", gravity, "--formula", "flow ~ ldist + contig | orig^year + dest^year",
                                      "--vcov", "cluster:pair", "-o", coef.path, "--stats", stats.path,
                                      "--vcov-out", vcov.path, "--fitted", fitted.path])
        #expect(r.status == 0, "\(r.stderr)")
        let v = try rows(vcov)
        #expect(v.count == 3 && v[0] == ["term", "ldist", "contig"] && v[1][0] == "ldist" && v[2][0] == "contig")
        #expect(abs(Double(v[1][2])! - Double(v[2][1])!) <= 1e-12 * abs(Double(v[1][2])!))
        // The diagonal is the squared standard error.
        let c = try rows(coef)
        let se = Double(c[1][2])!
        #expect(abs(Double(v[1][1])!.squareRoot() - se) < 1e-12 * se)
        let f = try rows(fitted)
        #expect(f[0] == ["row", "fitted", "residual", "working_weight"])
        #expect(f.count - 1 == 2523)   // pyfixest's nobs_used (Tests/Fixtures/regression)
        // fitted + residual = the flow of that data row; the Poisson working weight is μ.
        let data = try rows(URL(fileURLWithPath: gravity))
        let flowColumn = try #require(data[0].firstIndex(of: "flow"))
        var sameResponse = true, weightIsMean = true
        for line in f.dropFirst() {
            let row = Int(line[0])!, mu = Double(line[1])!, e = Double(line[2])!, w = Double(line[3])!
            if abs(mu + e - Double(data[row][flowColumn])!) > 1e-8 * max(1, mu) { sameResponse = false }
            // μ of the last IRLS iterate (the weights of the final bread), within its tolerance.
            if abs(w - mu) > 1e-8 * max(1, mu) { weightIsMean = false }
        }
        #expect(sameResponse)
        #expect(weightIsMean)
        // OLS has no working weights.
        let olsFitted = dir.appendingPathComponent("ols-fitted.csv")
        let o = try MigkitRunner.run(["fit", "ols", "--data", Self.ols, "--formula", "y ~ x1", "-o", dir.appendingPathComponent("o.csv").path,
                                      "--fitted", olsFitted.path])
        #expect(o.status == 0)
        let of = try rows(olsFitted)
        #expect(of[0] == ["row", "fitted", "residual"] && of.count == 201)
    }

    @Test("a bad --table extension, --level outside (0, 1) and two stepwise calls on one side are refused before any work")
    func refusals() throws {
        let dir = try tempDir()
        let bad: [([String], String)] = [
            (["--table", dir.appendingPathComponent("t.txt").path], "--table"),
            (["--level", "1.5"], "--level must lie strictly between 0 and 1"),
            (["--formula", "y ~ sw(x1, x2) + csw(fe1, fe2)"], "only one stepwise call"),
        ]
        for (extra, message) in bad {
            var args = ["fit", "ols", "--data", Self.ols, "-o", dir.appendingPathComponent("c.csv").path]
            if !extra.contains("--formula") { args += ["--formula", "y ~ x1"] }
            let r = try MigkitRunner.run(args + extra)
            #expect(r.status != 0)
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.csv").path))
        }
    }
}
