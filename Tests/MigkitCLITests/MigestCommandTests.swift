import Foundation
import Testing

/// The migest functions of issue 17 from the CLI, against Tests/Fixtures/flows/migest_reference.json.
@Suite("migkit flows: migest's rates, net totals with a grand total, fitted parameters")
struct MigestCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func reference(_ key: String) throws -> Any {
        let data = try Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/flows/migest_reference.json"))
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(obj?[key])
    }

    static func matrix(_ any: Any?) -> [[Double]] { ((any as? [[NSNumber]]) ?? []).map { $0.map(\.doubleValue) } }
    static func vector(_ any: Any?) -> [Double] { ((any as? [NSNumber]) ?? []).map(\.doubleValue) }

    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-migest-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func file(_ name: String, _ text: String) throws -> String {
        let u = dir.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u.path
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func values(_ path: String, keyColumns: Int, column: Int) throws -> [String: Double] {
        var d: [String: Double] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            d[f[0..<keyColumns].joined(separator: "|")] = Double(f[column]) ?? .nan
        }
        return d
    }

    let regions = ["A", "B", "C", "D"]

    func stocks(_ name: String, _ m: [[Double]]) throws -> String {
        var t = "birthplace,residence,stock\n"
        for i in m.indices { for j in m.indices { t += "\(regions[i]),\(regions[j]),\(m[i][j])\n" } }
        return try file(name, t)
    }

    @Test("from-stocks --method dennett and rogers-von-rabenau equal ffs_rates on its example")
    func rates() throws {
        let c = try #require(try Self.reference("ffs_rates") as? [String: Any])
        let s1 = try stocks("s1.csv", Self.matrix(c["s1"])), s2 = try stocks("s2.csv", Self.matrix(c["s2"]))
        let m = try #require((c["M"] as? NSNumber)?.doubleValue)
        for (method, key, extra) in [("dennett", "dennett", ["--total-flow", "\(m)"]), ("rogers-von-rabenau", "rogers_von_rabenau", [])] {
            let out = path("\(key).csv")
            let r = try MigkitRunner.run(["flows", "from-stocks", "--start", s1, "--end", s2, "--method", method, "-o", out] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            let got = try values(out, keyColumns: 2, column: 2), expected = Self.matrix(c[key])
            for i in 0..<4 { for j in 0..<4 where i != j {
                #expect(abs((got["\(regions[i])|\(regions[j])"] ?? .nan) - expected[i][j]) < 1e-9, "\(method) \(i)→\(j)")
            } }
        }
        let missing = try MigkitRunner.run(["flows", "from-stocks", "--start", s1, "--end", s2, "--method", "dennett"])
        #expect(missing.status != 0 && missing.stderr.contains("--total-flow"))
    }

    @Test("net-to-flows --total and --parameters equal cm_net_tot's second example (flows, α, λ)")
    func netWithTotal() throws {
        let c = try #require((try Self.reference("cm_net_tot") as? [[String: Any]])?.last)
        let net = Self.vector(c["net"]), m = Self.matrix(c["m"])
        let total = try #require((c["tot"] as? NSNumber)?.doubleValue)
        let netFile = try file("net.csv", "region,net\n" + net.indices.map { "\(regions[$0]),\(net[$0])\n" }.joined())
        var prior = "origin,destination,value\n"
        for i in 0..<4 { for j in 0..<4 where i != j { prior += "\(regions[i]),\(regions[j]),\(m[i][j])\n" } }
        let priorFile = try file("prior.csv", prior)
        let r = try MigkitRunner.run(["flows", "net-to-flows", "--net", netFile, "--prior", priorFile, "--total", "\(total)",
                                      "-o", path("f.csv"), "--parameters", path("p.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try values(path("f.csv"), keyColumns: 2, column: 2), expected = Self.matrix(c["n"])
        for i in 0..<4 { for j in 0..<4 where i != j { #expect(abs((got["\(regions[i])|\(regions[j])"] ?? .nan) - expected[i][j]) < 1e-6) } }
        let p = try values(path("p.csv"), keyColumns: 2, column: 2)
        for (k, a) in Self.vector(c["alpha"]).enumerated() { #expect(abs((p["alpha|\(regions[k])"] ?? .nan) - a) < 1e-6) }
        #expect(abs((p["lambda|"] ?? .nan) - ((c["lambda"] as? NSNumber)?.doubleValue ?? .nan)) < 1e-6)
    }

    @Test("net-to-flows --rescale no-switches --integer uses rescale_net's integer result")
    func rescaleInteger() throws {
        let c = try #require(try Self.reference("rescale_net_integer") as? [String: Any])
        let x = Self.vector(c["x"]), expected = Self.vector(c["no_switches"])
        let names = x.indices.map { "R\($0)" }
        let netFile = try file("net8.csv", "region,net\n" + x.indices.map { "\(names[$0]),\(x[$0])\n" }.joined())
        let r = try MigkitRunner.run(["flows", "net-to-flows", "--net", netFile, "--rescale", "no-switches", "--integer", "-o", path("f8.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        // The flows' nets are the rescaled integers.
        let flows = try values(path("f8.csv"), keyColumns: 2, column: 2)
        for (k, name) in names.enumerated() {
            var netK = 0.0
            for (key, v) in flows {
                let parts = key.split(separator: "|").map(String.init)
                if parts[1] == name { netK += v }
                if parts[0] == name { netK -= v }
            }
            #expect(abs(netK - expected[k]) < 1e-6, "\(name): \(netK) vs \(expected[k])")
        }
    }

    @Test("flows ipf --parameters gives cm2's factors on Willekens' example")
    func ipfParameters() throws {
        let c = try #require(try Self.reference("cm2") as? [String: Any])
        let seed = try file("seed.csv", "origin,destination,value\nA,A,5\nA,B,2\nB,A,1\nB,B,7\n")
        let rows = try file("rows.csv", "name,total\nA,18\nB,20\n"), cols = try file("cols.csv", "name,total\nA,16\nB,22\n")
        let r = try MigkitRunner.run(["flows", "ipf", "--seed", seed, "--row-totals", rows, "--column-totals", cols, "-o", path("f.csv"),
                                      "--parameters", path("p.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let p = try values(path("p.csv"), keyColumns: 2, column: 2)
        for (k, a) in Self.vector(c["alpha_normalised"]).enumerated() { #expect(abs((p["row|\(["A", "B"][k])"] ?? .nan) - a) < 1e-8) }
        for (k, b) in Self.vector(c["beta_normalised"]).enumerated() { #expect(abs((p["column|\(["A", "B"][k])"] ?? .nan) - b) < 1e-8) }
    }

    @Test("flows ipf --type-column equals cm3's first example: flows by type and the factors (--parameters), stats")
    func ipfByType() throws {
        let c = try #require(try Self.reference("cm3") as? [String: Any])
        let m = Self.vector(c["m_row_major"]), n = Self.vector(c["n_row_major"])
        let rows = Self.vector(c["row_tot"]), cols = Self.vector(c["col_tot"])
        let labels = ["A", "B"], types = ["ILL", "HEALTHY"]
        var seedText = "from,to,group,aux\n"
        for i in 0..<2 { for j in 0..<2 { for k in 0..<2 { seedText += "\(labels[i]),\(labels[j]),\(types[k]),\(m[(i * 2 + j) * 2 + k])\n" } } }
        let seed = try file("seed3.csv", seedText)
        let rowFile = try file("rows3.csv", "name,total\nA,\(rows[0])\nB,\(rows[1])\n")
        let colFile = try file("cols3.csv", "name,total\nA,\(cols[0])\nB,\(cols[1])\n")
        let r = try MigkitRunner.run(["flows", "ipf", "--seed", seed, "--type-column", "group", "--origin-column", "from",
                                      "--destination-column", "to", "--value-column", "aux", "--row-totals", rowFile, "--column-totals", colFile,
                                      "--tolerance", "1e-13", "-o", path("f3.csv"), "--parameters", path("p3.csv"), "--stats", path("s3.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let fitted = try values(path("f3.csv"), keyColumns: 3, column: 3)
        #expect(fitted.count == 8)
        for i in 0..<2 { for j in 0..<2 { for k in 0..<2 {
            #expect(abs((fitted["\(labels[i])|\(labels[j])|\(types[k])"] ?? .nan) - n[(i * 2 + j) * 2 + k]) < 1e-8)
        } } }
        let p = try values(path("p3.csv"), keyColumns: 2, column: 2)
        for (k, a) in Self.vector(c["alpha_normalised"]).enumerated() { #expect(abs((p["row|\(labels[k])"] ?? .nan) - a) < 1e-8) }
        for (k, b) in Self.vector(c["beta_normalised"]).enumerated() { #expect(abs((p["column|\(labels[k])"] ?? .nan) - b) < 1e-8) }
        let s = try values(path("s3.csv"), keyColumns: 1, column: 1)
        #expect(s["types"] == 2)
        #expect(try String(contentsOfFile: path("s3.csv"), encoding: .utf8).contains("converged,true\n"))
        #expect((s["max_relative_deviation"] ?? 1) <= 1e-13)
        // --type-column without column totals is refused before any work.
        let bad = try MigkitRunner.run(["flows", "ipf", "--seed", seed, "--type-column", "group", "--row-totals", rowFile, "-o", path("x3.csv")])
        #expect(bad.status != 0 && bad.stderr.contains("--type-column"))
        // A duplicated cell names its line.
        let dup = try file("dup3.csv", seedText + "A,A,ILL,1\n")
        let d = try MigkitRunner.run(["flows", "ipf", "--seed", dup, "--type-column", "group", "--origin-column", "from", "--destination-column", "to",
                                      "--value-column", "aux", "--row-totals", rowFile, "--column-totals", colFile, "-o", path("y3.csv")])
        #expect(d.status != 0 && d.stderr.contains("line 10"))
    }

    @Test("flows indices --median interpolated gives matrixStats' weighted median of the distances")
    func interpolatedMedian() throws {
        var f = "origin,destination,flow\n", d = "origin,destination,distance\n"
        let flows: [[Double]] = [[0, 10, 5, 4], [3, 0, 8, 1], [6, 2, 0, 7], [2, 9, 3, 0]]
        let dist: [[Double]] = [[0, 100, 200, 300], [100, 0, 150, 250], [200, 150, 0, 120], [300, 250, 120, 0]]
        for i in 0..<4 { for j in 0..<4 where i != j { f += "\(regions[i]),\(regions[j]),\(flows[i][j])\n"; d += "\(regions[i]),\(regions[j]),\(dist[i][j])\n" } }
        let ff = try file("od.csv", f), df = try file("dist.csv", d)
        // By hand: sorted distances with flows 100 (13), 120 (10), 150 (10), 200 (11), 250 (10), 300 (6); W = 60.
        // Mid-point shares c = (cum − w/2)/W: 100 → 6.5/60, 120 → 18/60, 150 → 28/60, 200 → 38.5/60 ≥ ½.
        // Interpolated: 200 + (0.5 − 38.5/60)/((38.5 − 28)/60)·(200 − 150) = 200 − 8.5/10.5·50.
        let expected = 200 - 8.5 / 10.5 * 50
        let r = try MigkitRunner.run(["flows", "indices", "--flows", ff, "--distances", df, "--median", "interpolated", "-o", path("i.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let v = try values(path("i.csv"), keyColumns: 1, column: 1)
        #expect(abs((v["median_distance"] ?? .nan) - expected) < 1e-9)
        let lower = try MigkitRunner.run(["flows", "indices", "--flows", ff, "--distances", df, "-o", path("j.csv")])
        #expect(lower.status == 0)
        #expect(try values(path("j.csv"), keyColumns: 1, column: 1)["median_distance"] == 150)
    }

    @Test("schedule index gives index_age's measures (migest's code re-implemented) from a rates file")
    func ageIndex() throws {
        let c = try #require((try Self.reference("index_age") as? [[String: Any]])?.last)
        let ages = Self.vector(c["age"]), mi = Self.vector(c["mi"])
        let data = try file("age.csv", "years,m\n" + ages.indices.map { "\(ages[$0]),\(mi[$0])\n" }.joined())
        let r = try MigkitRunner.run(["schedule", "index", "--data", data, "--age-column", "years", "--rate-column", "m", "-o", path("a.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try values(path("a.csv"), keyColumns: 1, column: 1)
        let expected = ((c["values"] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
        #expect(expected.count == 8)
        for (key, value) in expected { #expect(abs((got[key] ?? .nan) - value) < 1e-9 * max(1, abs(value)), "\(key)") }
    }

    /// ipf3_qi's example tables (Tests/Fixtures/flows demo_dr_stayers: no births or deaths), as
    /// origin × birthplace and destination × birthplace totals.
    @Test("flows ipf3 --stayers fixed equals the ipf3_qi fit of the demo_dr_stayers reference; rescale-net its integer example")
    func ipf3AndRescaleNet() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/flows/reference.json"))
        let stocks = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["stocks"] as? [String: Any])
        let c = try #require(stocks["demo_dr_stayers"] as? [String: Any])
        let p1 = Self.matrix(c["s1"]), p2 = Self.matrix(c["s2"]), flows = Self.vector(c["flows"])
        var o = "region,type,total\n", d = "region,type,total\n"
        for i in 0..<4 { for k in 0..<4 { o += "\(regions[i]),\(regions[k]),\(p1[k][i])\n"; d += "\(regions[i]),\(regions[k]),\(p2[k][i])\n" } }
        let r = try MigkitRunner.run(["flows", "ipf3", "--origin-totals", try file("o.csv", o), "--destination-totals", try file("d.csv", d),
                                      "--tolerance", "1e-12", "-o", path("f.csv"), "--stats", path("s.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try values(path("f.csv"), keyColumns: 3, column: 3)
        #expect(got.count == 64)
        var worst = 0.0
        for i in 0..<4 { for j in 0..<4 { for k in 0..<4 {
            worst = max(worst, abs((got["\(regions[i])|\(regions[j])|\(regions[k])"] ?? .nan) - flows[(i * 4 + j) * 4 + k]))
        } } }
        #expect(worst < 1e-7, "max |Δ| = \(worst)")
        let e = try #require(try Self.reference("rescale_net_integer") as? [String: Any])
        let x = Self.vector(e["x"]), expected = Self.vector(e["switches"])
        let net = try file("n.csv", "region,net\n" + x.indices.map { "R\($0),\(x[$0])\n" }.joined())
        let q = try MigkitRunner.run(["flows", "rescale-net", "--net", net, "--method", "switches", "--integer", "-o", path("r.csv")])
        #expect(q.status == 0, "\(q.stderr)")
        let rescaled = try values(path("r.csv"), keyColumns: 1, column: 2)
        #expect(x.indices.allSatisfy { rescaled["R\($0)"] == expected[$0] })
    }

    @Test("net-to-flows --method minimum-cost: migest net_matrix_lp's example (total 70) and a random-cost case's unique optimum (HiGHS)")
    func minimumCost() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/flows/lp_reference.json"))
        let cases = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cases"] as? [String: [String: Any]])
        // migest's example, with its prior for prior_deviation.
        let example = try #require(cases["migest_example"])
        let net = Self.vector(example["net"]), m = Self.matrix(example["prior"])
        let netFile = try file("lp-net.csv", "region,net\n" + net.indices.map { "\(regions[$0]),\(net[$0])\n" }.joined())
        var prior = "origin,destination,value\n"
        for i in 0..<4 { for j in 0..<4 where i != j { prior += "\(regions[i]),\(regions[j]),\(m[i][j])\n" } }
        let priorFile = try file("lp-prior.csv", prior)
        let r = try MigkitRunner.run(["flows", "net-to-flows", "--net", netFile, "--prior", priorFile, "--method", "minimum-cost",
                                      "-o", path("lp.csv"), "--stats", path("lp-stats.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let flows = try values(path("lp.csv"), keyColumns: 2, column: 2)
        #expect(abs(flows.values.reduce(0, +) - 70) < 1e-9)
        for (k, region) in regions.enumerated() {
            let inflow = flows.filter { $0.key.hasSuffix("|\(region)") }.values.reduce(0, +)
            let outflow = flows.filter { $0.key.hasPrefix("\(region)|") }.values.reduce(0, +)
            #expect(abs(inflow - outflow - net[k]) < 1e-9)
        }
        let stats = try values(path("lp-stats.csv"), keyColumns: 1, column: 1)
        #expect(abs((stats["total_cost"] ?? .nan) - 70) < 1e-9)
        var deviation = 0.0
        for i in 0..<4 { for j in 0..<4 where i != j { deviation += abs((flows["\(regions[i])|\(regions[j])"] ?? .nan) - m[i][j]) } }
        #expect(abs((stats["prior_deviation"] ?? .nan) - deviation) < 1e-9)

        // Random costs (a masked case: pairs not listed in --costs are not allowed), other column names.
        let c = try #require(cases["random_costs_9_masked"])
        let net9 = Self.vector(c["net"]), cost = Self.matrix(c["costs"]), expected = Self.matrix(c["flows"])
        let mask = try #require(c["mask"] as? [[Bool]])
        let names = (0..<9).map { "R\($0)" }
        let net9File = try file("lp-net9.csv", "area,balance\n" + net9.indices.map { "\(names[$0]),\(net9[$0])\n" }.joined())
        var costs = "from,to,distance\n"
        for i in 0..<9 { for j in 0..<9 where !mask[i][j] { costs += "\(names[i]),\(names[j]),\(cost[i][j])\n" } }
        let costFile = try file("lp-costs.csv", costs)
        let q = try MigkitRunner.run(["flows", "net-to-flows", "--net", net9File, "--region-column", "area", "--net-column", "balance",
                                      "--method", "minimum-cost", "--costs", costFile, "--origin-column", "from", "--destination-column", "to",
                                      "--cost-column", "distance", "-o", path("lp9.csv"), "--stats", path("lp9-stats.csv")])
        #expect(q.status == 0, "\(q.stderr)")
        let got = try values(path("lp9.csv"), keyColumns: 2, column: 2)
        var worst = 0.0
        for i in 0..<9 { for j in 0..<9 where i != j { worst = max(worst, abs((got["\(names[i])|\(names[j])"] ?? .nan) - expected[i][j])) } }
        #expect(worst < 1e-9)
        let stats9 = try values(path("lp9-stats.csv"), keyColumns: 1, column: 1)
        #expect(abs((stats9["total_cost"] ?? .nan) - ((c["objective"] as? NSNumber)?.doubleValue ?? .nan)) < 1e-9 * 1000)

        // Errors: --costs without minimum-cost; nets not summing to zero.
        let bad = try MigkitRunner.run(["flows", "net-to-flows", "--net", netFile, "--costs", costFile, "-o", path("x.csv")])
        #expect(bad.status != 0 && bad.stderr.contains("--costs needs --method minimum-cost"))
        let unbalanced = try file("lp-bad.csv", "region,net\nA,1\nB,2\n")
        let u = try MigkitRunner.run(["flows", "net-to-flows", "--net", unbalanced, "--method", "minimum-cost", "-o", path("y.csv")])
        #expect(u.status != 0 && u.stderr.contains("not zero"))
    }

    @Test("from-stocks --include-native-born equals ffs_diff(include_native_born = TRUE) on its example, diagonal rows included")
    func differencingWithNativeBorn() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/flows/reference.json"))
        let stocks = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["stocks"] as? [String: Any])
        let c = try #require(stocks["ffs_diff"] as? [String: Any])
        let start = try self.stocks("nb-s1.csv", Self.matrix(c["stock_start"])), end = try self.stocks("nb-s2.csv", Self.matrix(c["stock_end"]))
        for (decrease, key) in [("zero", "native_zero"), ("return", "native_return")] {
            let r = try MigkitRunner.run(["flows", "from-stocks", "--start", start, "--end", end, "--decrease", decrease, "--include-native-born",
                                          "-o", path("nb-\(decrease).csv")])
            #expect(r.status == 0, "\(r.stderr)")
            let got = try values(path("nb-\(decrease).csv"), keyColumns: 2, column: 2), expected = Self.matrix(c[key])
            #expect(got.count == 16)
            for i in 0..<4 { for j in 0..<4 { #expect(got["\(regions[i])|\(regions[j])"] == expected[i][j]) } }
        }
        let bad = try MigkitRunner.run(["flows", "from-stocks", "--start", start, "--end", end, "--method", "dennett", "--total-flow", "10",
                                        "--include-native-born"])
        #expect(bad.status != 0 && bad.stderr.contains("--include-native-born"))
    }
}
