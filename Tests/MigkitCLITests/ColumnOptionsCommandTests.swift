import Foundation
import Testing

/// Column-name options on every command that reads a CSV, and the results that used to reach
/// only standard error (Markov log-likelihood, IPF iterations, balancing factors), written to files.
@Suite("migkit column options and result files")
struct ColumnOptionsCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-columns-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func file(_ name: String, _ text: String) throws -> String {
        let u = dir.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u.path
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// statistic → value of a `statistic,value` CSV.
    func statistics(_ path: String) throws -> [String: String] {
        var d: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            d[f[0]] = f.count > 1 ? f[1] : ""
        }
        return d
    }

    /// key columns joined by "|" → the numeric column `column`.
    func values(_ path: String, keyColumns: Int, column: Int) throws -> [String: Double] {
        var d: [String: Double] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            d[f[0..<keyColumns].joined(separator: "|")] = Double(f[column]) ?? .nan
        }
        return d
    }

    /// Histories: A d d r, B d r, C d d d → d→d 3, d→r 2; r never left.
    @Test("markov fit reads other column names; --stats has the log-likelihood 3 ln 0.6 + 2 ln 0.4 (by hand)")
    func markovColumnsAndStatistics() throws {
        let renamed = try file("panel.csv", "person,year,status\nA,2000,d\nA,2001,d\nA,2002,r\nB,2000,d\nB,2001,r\nC,2000,d\nC,2001,d\nC,2002,d\n")
        let plain = try file("plain.csv", "id,time,state\nA,2000,d\nA,2001,d\nA,2002,r\nB,2000,d\nB,2001,r\nC,2000,d\nC,2001,d\nC,2002,d\n")
        let r = try MigkitRunner.run(["markov", "fit", "--sequences", renamed, "--id-column", "person", "--time-column", "year",
                                      "--state-column", "status", "--unobserved-absorbing", "-o", path("p.csv"), "--stats", path("s.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let q = try MigkitRunner.run(["markov", "fit", "--sequences", plain, "--unobserved-absorbing", "-o", path("q.csv")])
        #expect(q.status == 0)
        #expect(try String(contentsOfFile: path("p.csv"), encoding: .utf8) == String(contentsOfFile: path("q.csv"), encoding: .utf8))
        let s = try statistics(path("s.csv"))
        let expected = 3 * log(0.6) + 2 * log(0.4)
        #expect(abs((Double(s["log_likelihood"] ?? "") ?? .nan) - expected) < 1e-12)
        #expect(s["states"] == "2" && s["sequences"] == "3" && s["transitions"] == "5.0" && s["unobserved_states"] == "r")
        // A wrong column name says which options exist.
        let bad = try MigkitRunner.run(["markov", "fit", "--sequences", renamed, "-o", path("x.csv")])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--id-column"), "\(bad.stderr)")
    }

    /// The README's transition matrix with its first column named `status`.
    @Test("markov analyze reads a transition matrix whose first column has another name")
    func markovAnalyzeFromColumn() throws {
        let m = try file("t.csv", "status,displaced,returned,resettled\ndisplaced,0.90,0.08,0.02\nreturned,0,1,0\nresettled,0,0,1\n")
        let r = try MigkitRunner.run(["markov", "analyze", "--transition", m, "--from-column", "status", "--absorbing", "returned,resettled"])
        #expect(r.status == 0, "\(r.stderr)")
        let v = r.stdout.split(separator: "\n")[1].split(separator: ",")
        #expect(abs((Double(v[1]) ?? .nan) - 10) < 1e-12 && abs((Double(v[3]) ?? .nan) - 0.8) < 1e-12)   // 1/0.1; 0.08/0.1
        let bad = try MigkitRunner.run(["markov", "analyze", "--transition", m])
        #expect(bad.status != 0 && bad.stderr.contains("--from-column"))
    }

    /// Willekens (1999) again, with other column names; the iterations and deviation in --stats.
    @Test("flows ipf reads other column names and writes its iterations and deviation to --stats")
    func ipfColumnsAndStatistics() throws {
        let seed = try file("seed.csv", "from,to,n\nA,A,5\nA,B,2\nB,A,1\nB,B,7\n")
        let rows = try file("rows.csv", "region,out\nA,18\nB,20\n"), cols = try file("cols.csv", "region,out\nA,16\nB,22\n")
        let r = try MigkitRunner.run(["flows", "ipf", "--seed", seed, "--row-totals", rows, "--column-totals", cols,
                                      "--origin-column", "from", "--destination-column", "to", "--value-column", "n",
                                      "--name-column", "region", "--total-column", "out", "-o", path("f.csv"), "--stats", path("s.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let v = try values(path("f.csv"), keyColumns: 2, column: 2)
        #expect(abs((v["A|A"] ?? .nan) - 13.2502) < 5e-5 && abs((v["B|B"] ?? .nan) - 17.2502) < 5e-5)
        let s = try statistics(path("s.csv"))
        #expect(Int(s["iterations"] ?? "") ?? 0 >= 1)
        #expect((Double(s["max_relative_deviation"] ?? "") ?? 1) <= 1e-10)
        #expect(s["converged"] == "true" && s["rows"] == "2" && s["columns"] == "2")
        #expect(r.stderr.contains("\(s["iterations"]!) iterations"))
    }

    static func flowsReference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/flows/reference.json"))
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require((obj?["stocks"] as? [String: Any])?[name] as? [String: Any])
    }

    static func matrix(_ any: Any?) -> [[Double]] { ((any as? [[NSNumber]]) ?? []).map { $0.map(\.doubleValue) } }
    static func vector(_ any: Any?) -> [Double] { ((any as? [NSNumber]) ?? []).map(\.doubleValue) }

    /// The migest ffs_demo options from the CLI equal the library's numpy references
    /// (Tests/Fixtures/flows: demo_imr_open, demo_imr_independent_seed), summed over birthplace.
    @Test("flows from-stocks: renamed columns, --birthplace-matching open, --stayers independent --seed and --births-method proportion match the ffs_demo references", arguments: [
        "demo_imr_open", "demo_imr_independent_seed", "demo_science_births_proportion",
    ])
    func fromStocksOptions(_ name: String) throws {
        let c = try Self.flowsReference(name)
        let s1 = Self.matrix(c["s1"]), s2 = Self.matrix(c["s2"]), births = Self.vector(c["births"]), deaths = Self.vector(c["deaths"])
        let n = s1.count
        let regions = (0..<n).map { "R\($0)" }
        func stocks(_ m: [[Double]]) -> String {
            var t = "born,lives,count\n"
            for k in 0..<n { for j in 0..<n { t += "\(regions[k]),\(regions[j]),\(m[k][j])\n" } }
            return t
        }
        let start = try file("s1-\(name).csv", stocks(s1)), end = try file("s2-\(name).csv", stocks(s2))
        let b = try file("b-\(name).csv", "area,b\n" + (0..<n).map { "\(regions[$0]),\(births[$0])\n" }.joined())
        let d = try file("d-\(name).csv", "area,d\n" + (0..<n).map { "\(regions[$0]),\(deaths[$0])\n" }.joined())
        var args = ["flows", "from-stocks", "--start", start, "--end", end, "--method", "demographic", "--births", b, "--deaths", d,
                    "--birthplace-column", "born", "--residence-column", "lives", "--stock-column", "count",
                    "--region-column", "area", "--births-column", "b", "--deaths-column", "d",
                    "--birthplace-matching", (c["method"] as? String) ?? "rescale", "-o", path("f-\(name).csv"), "--stats", path("s-\(name).csv")]
        if (c["stayer"] as? Bool) == false { args += ["--stayers", "independent"] }
        if let births = c["birth_method"] as? String { args += ["--births-method", births] }
        if c["seed_used"] != nil {
            let seed = Self.matrix(c["seed_used"])
            var t = "origin,destination,value\n"
            for i in 0..<n { for j in 0..<n { t += "\(regions[i]),\(regions[j]),\(seed[i][j])\n" } }
            args += ["--seed", try file("seed-\(name).csv", t)]
        }
        let r = try MigkitRunner.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        let got = try values(path("f-\(name).csv"), keyColumns: 2, column: 2)
        // flows[i, j, k] row-major (origin, destination, birthplace), summed over k.
        let flows = Self.vector(c["flows"])
        #expect(flows.count == n * n * n)
        var worst = 0.0
        for i in 0..<n { for j in 0..<n where i != j {
            var sum = 0.0
            for k in 0..<n { sum += flows[(i * n + j) * n + k] }
            worst = max(worst, abs((got["\(regions[i])|\(regions[j])"] ?? .nan) - sum))
        } }
        #expect(worst < 1e-6, "\(name): max |Δ| = \(worst)")
        let s = try statistics(path("s-\(name).csv"))
        #expect(s["method"] == "demographic" && Int(s["iterations"] ?? "") != nil)
    }

    /// The balancing factors reproduce the fitted flows: μᵢⱼ = AᵢOᵢ·BⱼDⱼ·exp(β cᵢⱼ), and the contrasts
    /// and intercept follow from them.
    @Test("flows sim writes the balancing factors of the doubly constrained model; with β they give back the fitted flows")
    func simBalancingFactors() throws {
        let data = Self.root.appendingPathComponent("Tests/Fixtures/flows/synthetic_od.csv").path
        let r = try MigkitRunner.run(["flows", "sim", "--data", data, "--model", "doubly", "-o", path("p.csv"), "--stats", path("s.csv"),
                                      "--fitted", path("f.csv"), "--balancing-factors", path("b.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let beta = try #require(try values(path("p.csv"), keyColumns: 1, column: 1)["cost"])
        let logFactor = try values(path("b.csv"), keyColumns: 2, column: 4)
        let contrast = try values(path("b.csv"), keyColumns: 2, column: 5)
        // log_effect = log(factor · total) (Wilson's AᵢOᵢ).
        let factor = try values(path("b.csv"), keyColumns: 2, column: 2), total = try values(path("b.csv"), keyColumns: 2, column: 3)
        #expect(logFactor.keys.allSatisfy { abs(log(factor[$0]! * total[$0]!) - logFactor[$0]!) < 1e-12 })
        let header = try String(contentsOfFile: path("b.csv"), encoding: .utf8).split(separator: "\n").first
        #expect(header == "side,region,factor,total,log_effect,contrast")
        let od = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let fitted = try values(path("f.csv"), keyColumns: 2, column: 3)
        var worst = 0.0
        for row in od {
            let a = try #require(logFactor["origin|\(row[0])"]), b = try #require(logFactor["destination|\(row[1])"])
            let mu = exp(a + b + beta * Double(row[3])!)
            worst = max(worst, abs(mu - fitted["\(row[0])|\(row[1])"]!) / max(1, mu))
        }
        #expect(worst < 1e-9, "max relative |Δ| = \(worst)")
        let origins = Set(od.map { $0[0] }).sorted(), destinations = Set(od.map { $0[1] }).sorted()
        let intercept = Double(try statistics(path("s.csv"))["intercept"] ?? "") ?? .nan
        #expect(abs(intercept - (logFactor["origin|\(origins[0])"]! + logFactor["destination|\(destinations[0])"]!)) < 1e-12)
        #expect(contrast["origin|\(origins[0])"] == 0 && contrast["destination|\(destinations[0])"] == 0)
        let o1 = origins[1]
        #expect(abs(contrast["origin|\(o1)"]! - (logFactor["origin|\(o1)"]! - logFactor["origin|\(origins[0])"]!)) < 1e-12)
    }

    /// statsmodels' treatment-coded GLM (Tests/Fixtures/flows/make_balancing_reference.py).
    @Test("the intercept and contrasts of the constrained models equal statsmodels' treatment-coded dummies", arguments: ["production", "attraction", "doubly"])
    func simContrastsMatchStatsmodels(_ model: String) throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/flows/balancing_reference.json"))
        let cases = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cases"] as? [String: Any])
        let c = try #require(cases[model] as? [String: Any])
        let od = Self.root.appendingPathComponent("Tests/Fixtures/flows/synthetic_od.csv").path
        let r = try MigkitRunner.run(["flows", "sim", "--data", od, "--model", model, "-o", path("p-\(model).csv"),
                                      "--stats", path("s-\(model).csv"), "--balancing-factors", path("b-\(model).csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let intercept = Double(try statistics(path("s-\(model).csv"))["intercept"] ?? "") ?? .nan
        #expect(abs(intercept - ((c["intercept"] as? NSNumber)?.doubleValue ?? .nan)) < 1e-7)
        let contrast = try values(path("b-\(model).csv"), keyColumns: 2, column: 5)
        let expected = ((c["contrasts"] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
        #expect(!expected.isEmpty)
        for (key, value) in expected {
            #expect(abs((contrast[key] ?? .nan) - value) < 1e-7, "\(model) \(key)")
        }
    }

    /// FlowsCommandTests' hand calculations (least squares 12, 2; CMI 100·20/300) from files
    /// with other column names.
    @Test("net-to-flows and indices read other column names")
    func netToFlowsAndIndicesColumns() throws {
        let net = try file("net.csv", "zone,balance\nA,-10\nB,10\n")
        let prior = try file("prior.csv", "o,d,m\nA,B,10\nB,A,4\n")
        let r = try MigkitRunner.run(["flows", "net-to-flows", "--net", net, "--prior", prior, "--method", "least-squares",
                                      "--region-column", "zone", "--net-column", "balance", "--origin-column", "o",
                                      "--destination-column", "d", "--value-column", "m", "-o", path("n.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let l = try values(path("n.csv"), keyColumns: 2, column: 2)
        #expect(abs((l["A|B"] ?? .nan) - 12) < 1e-9 && abs((l["B|A"] ?? .nan) - 2) < 1e-9)
        let f = try file("od.csv", "o,d,n\nA,B,10\nB,A,5\nA,C,5\n")
        let p = try file("pop.csv", "zone,people\nA,100\nB,100\nC,100\n")
        let i = try MigkitRunner.run(["flows", "indices", "--flows", f, "--populations", p, "--origin-column", "o", "--destination-column", "d",
                                      "--flow-column", "n", "--region-column", "zone", "--population-column", "people", "-o", path("i.csv")])
        #expect(i.status == 0, "\(i.stderr)")
        let v = try values(path("i.csv"), keyColumns: 1, column: 1)
        #expect(abs((v["cmi"] ?? .nan) - 100.0 * 20 / 300) < 1e-12)
        #expect(abs((v["connectivity"] ?? .nan) - 0.5) < 1e-12)
    }
}
