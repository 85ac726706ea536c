import Foundation
import Testing

@Suite("migkit cohort project end to end")
struct CohortCommandTests {
    func temp(_ files: [String: String]) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-cohort-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        for (n, t) in files { try t.write(to: d.appendingPathComponent(n), atomically: true, encoding: .utf8) }
        return d
    }

    /// No deaths, no births, 10 % of region A moves to B each step: by hand, after one step A's
    /// cohorts keep 90 % and B gains those 10 %; the open last age group collects two cohorts.
    @Test func migrationOnlyStepByHand() throws {
        var pop = "region,age,sex,population\n", rates = "region,age,sex,survival,fertility,outmigration\n"
        for r in ["A", "B"] { for a in 0...2 { for s in ["female", "male"] {
            pop += "\(r),\(a),\(s),100\n"
            rates += "\(r),\(a),\(s),1,0,\(r == "A" ? 0.1 : 0)\n"
        } } }
        let d = try temp(["pop.csv": pop, "rates.csv": rates, "dest.csv": "from,to,share\nA,B,1\nB,A,1\n"])
        let r = try MigkitRunner.run(["cohort", "project", "--population", d.appendingPathComponent("pop.csv").path,
                                      "--rates", d.appendingPathComponent("rates.csv").path,
                                      "--destinations", d.appendingPathComponent("dest.csv").path, "--steps", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        var v: [String: Double] = [:]
        for line in r.stdout.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            v["\(f[1]) \(f[2]) \(f[3])"] = Double(f[4])
        }
        #expect(v["A 0 female"] == 0)
        #expect(v["A 1 female"] == 90)
        #expect(v["B 1 female"] == 110)
        #expect(v["A 2 male"] == 180)
        #expect(v["B 2 male"] == 220)
        #expect(r.stderr.contains("largest inter-regional migration imbalance"))
    }

    @Test func survivalAboveOneIsAClearError() throws {
        let d = try temp(["pop.csv": "region,age,sex,population\nA,0,female,1\nA,0,male,1\nA,1,female,1\nA,1,male,1\n",
                          "rates.csv": "region,age,sex,survival,fertility\nA,0,female,1.5,0\nA,0,male,1,0\nA,1,female,1,0\nA,1,male,1,0\n"])
        let r = try MigkitRunner.run(["cohort", "project", "--population", d.appendingPathComponent("pop.csv").path,
                                      "--rates", d.appendingPathComponent("rates.csv").path, "--steps", "1"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("rates.csv"))
        #expect(r.stderr.contains("survival"))
    }

    /// The same projection from files with other column names, sex codes F/M and age-group
    /// labels (0-4, 5-9, 10+) with --age-width 5 gives the same output as the default layout.
    @Test func otherColumnNamesSexCodesAndAgeLabels() throws {
        var pop = "region,age,sex,population\n", rates = "region,age,sex,survival,fertility,outmigration\n"
        var pop2 = "area,age_group,gender,persons\n", rates2 = "area,age_group,gender,s,f,o\n"
        let labels = ["0-4", "5-9", "10+"]
        for r in ["A", "B"] { for (k, a) in [0, 5, 10].enumerated() { for s in ["female", "male"] {
            let fert = s == "female" && a == 5 ? 0.2 : 0
            pop += "\(r),\(a),\(s),\(100 + a)\n"
            rates += "\(r),\(a),\(s),0.95,\(fert),\(r == "A" ? 0.1 : 0.05)\n"
            pop2 += "\(r),\(labels[k]),\(s == "female" ? "F" : "M"),\(100 + a)\n"
            rates2 += "\(r),\(labels[k]),\(s == "female" ? "F" : "M"),0.95,\(fert),\(r == "A" ? 0.1 : 0.05)\n"
        } } }
        let d = try temp(["pop.csv": pop, "rates.csv": rates, "pop2.csv": pop2, "rates2.csv": rates2, "dest.csv": "from,to,share\nA,B,1\nB,A,1\n",
                          "dest2.csv": "o,d,p\nA,B,1\nB,A,1\n"])
        func run(_ p: String, _ r: String, _ extra: [String]) throws -> MigkitRunner.Result {
            let renamed = p == "pop2.csv"
            let dest = renamed ? ["--destinations", d.appendingPathComponent("dest2.csv").path, "--from-column", "o", "--to-column", "d",
                                  "--share-column", "p", "--survival-column", "s", "--fertility-column", "f", "--outmigration-column", "o"]
                               : ["--destinations", d.appendingPathComponent("dest.csv").path]
            return try MigkitRunner.run(["cohort", "project", "--population", d.appendingPathComponent(p).path, "--rates", d.appendingPathComponent(r).path,
                                         "--steps", "3", "--age-width", "5"] + dest + extra)
        }
        let a = try run("pop.csv", "rates.csv", [])
        let b = try run("pop2.csv", "rates2.csv", ["--region-column", "area", "--age-column", "age_group", "--sex-column", "gender",
                                                   "--population-column", "persons", "--female-label", "F", "--male-label", "M"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(!a.stdout.isEmpty && a.stdout == b.stdout)
        let bad = try run("pop2.csv", "rates2.csv", ["--region-column", "area", "--age-column", "age_group", "--sex-column", "gender",
                                                     "--population-column", "persons"])
        #expect(bad.status != 0 && bad.stderr.contains("--female-label"), "\(bad.stderr)")
    }

    /// The hand example of CohortVariantTests from the CLI: two regions, women only (--one-sex),
    /// 100 women aged 1 in A with fertility 0.5, births from the start of the step (50), newborn
    /// survival 0.8 in A (file), every birth kept (--sex-ratio 0), 30 % of A's newborns end in B:
    /// age 0 at the end A 28, B 12.
    @Test func oneSexStartOfStepBirthsBirthMigrationAndRegionalBirthSurvival() throws {
        let d = try temp(["pop.csv": "region,age,population\nA,0,0\nA,1,100\nA,2,0\nB,0,0\nB,1,0\nB,2,0\n",
                          "rates.csv": "region,age,survival,fertility\nA,0,1,0\nA,1,1,0.5\nA,2,1,0\nB,0,1,0\nB,1,1,0.5\nB,2,1,0\n",
                          "bm.csv": "from,to,share\nA,A,0.7\nA,B,0.3\nB,B,1\n",
                          "bs.csv": "region,survival\nA,0.8\nB,0.6\n"])
        let r = try MigkitRunner.run(["cohort", "project", "--population", d.appendingPathComponent("pop.csv").path,
                                      "--rates", d.appendingPathComponent("rates.csv").path, "--steps", "1", "--one-sex", "--sex-ratio", "0",
                                      "--births-from", "start", "--birth-migration", d.appendingPathComponent("bm.csv").path,
                                      "--birth-survival-file", d.appendingPathComponent("bs.csv").path])
        #expect(r.status == 0, "\(r.stderr)")
        var v: [String: Double] = [:]
        for line in r.stdout.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            v["\(f[1]) \(f[2])"] = Double(f[4])
        }
        #expect(abs((v["A 0"] ?? .nan) - 28) < 1e-9 && abs((v["B 0"] ?? .nan) - 12) < 1e-9, "\(r.stdout)")
        #expect(v["A 2"] == 100)
        // The step's account: A's 50 births, 10 newborn deaths, 12 newborns leaving for B.
        let accounts = d.appendingPathComponent("accounts.csv")
        let withAccounts = try MigkitRunner.run(["cohort", "project", "--population", d.appendingPathComponent("pop.csv").path,
                                                 "--rates", d.appendingPathComponent("rates.csv").path, "--steps", "1", "--one-sex", "--sex-ratio", "0",
                                                 "--births-from", "start", "--birth-migration", d.appendingPathComponent("bm.csv").path,
                                                 "--birth-survival-file", d.appendingPathComponent("bs.csv").path, "-o", d.appendingPathComponent("o.csv").path,
                                                 "--accounts", accounts.path])
        #expect(withAccounts.status == 0, "\(withAccounts.stderr)")
        let rows = try String(contentsOf: accounts, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "step,region,births,deaths,out_migrants,in_migrants,emigrants,immigrants,population_end")
        #expect(rows.dropFirst().first == "1,A,50.0,10.0,12.0,0.0,0.0,0.0,128.0")
        // Averaged births (the default): B = 0.5·½(100 + 0) = 25, A keeps 25·0.8·0.7 = 14.
        let avg = try MigkitRunner.run(["cohort", "project", "--population", d.appendingPathComponent("pop.csv").path,
                                        "--rates", d.appendingPathComponent("rates.csv").path, "--steps", "1", "--one-sex", "--sex-ratio", "0",
                                        "--birth-migration", d.appendingPathComponent("bm.csv").path,
                                        "--birth-survival-file", d.appendingPathComponent("bs.csv").path])
        #expect(avg.status == 0, "\(avg.stderr)")
        #expect(avg.stdout.contains("\nA,0,female,14") || avg.stdout.contains(",A,0,female,14"), "\(avg.stdout)")
    }
}
