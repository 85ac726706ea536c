import Foundation
import Testing

/// Issue 15: `cohort project`, `schedule fit`, `markov fit` and `flows indices` on hostile
/// keys and sizes — a clear error naming the line, checked before anything grows with the input.
@Suite("migkit cohort, schedule, markov, flows: hostile input")
struct DemographyHostileInputTests {
    static let population = "region,age,sex,population\nA,0,female,100\nA,0,male,100\nA,1,female,90\nA,1,male,90\n"
    static let rates = "region,age,sex,survival,fertility\nA,0,female,0.99,0\nA,0,male,0.99,0\nA,1,female,0.98,0.1\nA,1,male,0.98,0\n"

    @Test("cohort project: an age of Inf or 1e12, a fractional age and a duplicate row are errors naming the line", arguments: [
        ("A,inf,female,90", "line 4: age inf is not between 0 and 150"),
        ("A,1e12,female,90", "line 4: age 1000000000000.0 is not between 0 and 150"),
        ("A,0.5,female,90", "line 4: age 0.5 is not a whole number"),
        ("A,0,female,60", "line 4: region 'A', age 0, sex female already appears on line 2"),
    ])
    func cohortKeys(row: String, message: String) throws {
        let folder = try ScratchFolder("cohort")
        defer { folder.remove() }
        let text = Self.population.replacingOccurrences(of: "A,1,female,90", with: row)
        let pop = try folder.write("pop.csv", text)
        let rates = try folder.write("rates.csv", Self.rates)
        try expectCleanFailure(["cohort", "project", "--population", pop, "--rates", rates, "--steps", "2", "-o", folder.path("out.csv")],
                               mentions: [message])
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.csv")))
    }

    @Test("cohort project --steps -1 says what is allowed, not 'Missing value'")
    func negativeSteps() throws {
        let folder = try ScratchFolder("cohort-steps")
        defer { folder.remove() }
        let pop = try folder.write("pop.csv", Self.population), rates = try folder.write("rates.csv", Self.rates)
        let r = try expectCleanFailure(["cohort", "project", "--population", pop, "--rates", rates, "--steps", "-1"],
                                       mentions: ["--steps must be between 1 and 1000, got -1"])
        #expect(!r.stderr.contains("Missing value"))
    }

    @Test("schedule fit: every age below 10 (even with --measures none) and an age of 1e8 are clear errors")
    func scheduleAges() throws {
        let folder = try ScratchFolder("schedule")
        defer { folder.remove() }
        var young = "age,rate\n"
        for age in 0..<10 { young += "\(age),0.0\(age + 1)\n" }
        let data = try folder.write("young.csv", young)
        try expectCleanFailure(["schedule", "fit", "--data", data, "--measures", "none", "-o", "-"], mentions: ["every age is below 10"])
        let old = try folder.write("old.csv", young.replacingOccurrences(of: "\n9,", with: "\n100000000,"))
        try expectCleanFailure(["schedule", "fit", "--data", old, "-o", "-"], mentions: ["line 11", "between 0 and 150"])
    }

    @Test("markov fit: more states than --max-states is refused before the n² matrices")
    func markovStates() throws {
        let folder = try ScratchFolder("markov-states")
        defer { folder.remove() }
        var text = "id,time,state\n"
        for i in 0..<30 { text += "\(i),1,s\(i)\n\(i),2,s\(i + 1)\n" }
        let data = try folder.write("seq.csv", text)
        try expectCleanFailure(["markov", "fit", "--sequences", data, "--max-states", "20", "-o", "-"],
                               mentions: ["more than 20 distinct states", "--max-states"])
        let r = try MigkitRunner.run(["markov", "fit", "--sequences", data, "--max-states", "40", "--unobserved-absorbing", "-o", "-"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("flows indices: more regions than --max-regions is refused before the n² matrix")
    func flowsRegions() throws {
        let folder = try ScratchFolder("flows-regions")
        defer { folder.remove() }
        var text = "origin,destination,flow\n"
        for i in 0..<40 { text += "r\(i),r\(i + 1),1\n" }
        let data = try folder.write("od.csv", text)
        try expectCleanFailure(["flows", "indices", "--flows", data, "--max-regions", "10", "-o", "-"],
                               mentions: ["41 regions, more than the limit of 10", "--max-regions"])
        let r = try MigkitRunner.run(["flows", "indices", "--flows", data, "-o", "-"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("cohort project: a duplicate destination pair is an error naming both lines")
    func cohortDuplicateDestination() throws {
        let folder = try ScratchFolder("cohort-dest")
        defer { folder.remove() }
        let pop = try folder.write("pop.csv", Self.population + "B,0,female,10\nB,0,male,10\nB,1,female,9\nB,1,male,9\n")
        let rates = try folder.write("rates.csv", "region,age,sex,survival,fertility,outmigration\n"
            + ["A", "B"].flatMap { r in ["\(r),0,female,0.99,0,0.1", "\(r),0,male,0.99,0,0.1", "\(r),1,female,0.98,0.1,0.1", "\(r),1,male,0.98,0,0.1"] }
                .joined(separator: "\n") + "\n")
        let dest = try folder.write("dest.csv", "from,to,share\nA,B,1\nB,A,1\nA,B,0.5\n")
        try expectCleanFailure(["cohort", "project", "--population", pop, "--rates", rates, "--destinations", dest, "--steps", "1", "-o", "-"],
                               mentions: ["line 4: the pair A → B already appears on line 2"])
    }

    @Test("negative numbers given to numeric options say what is allowed", arguments: [
        (["fit", "ols", "--data", "d.csv", "--formula", "y ~ x", "--max-iterations", "-3"], "--max-iterations must be between 1 and 100000, got -3"),
        (["schedule", "fit", "--data", "d.csv", "--starts", "-1"], "--starts must be between 0 and 1000"),
        (["markov", "fit", "--sequences", "d.csv", "--max-states", "-5"], "--max-states must be at least 1"),
        (["flows", "indices", "--flows", "d.csv", "--max-regions", "-1"], "--max-regions must be at least 2"),
    ])
    func negativeOptions(arguments: [String], message: String) throws {
        let r = try expectCleanFailure(arguments, mentions: [message])
        #expect(!r.stderr.contains("Missing value"))
    }

    @Test("flows net-to-flows: more regions than --max-regions is refused before the n² prior")
    func netToFlowsRegions() throws {
        let folder = try ScratchFolder("flows-net")
        defer { folder.remove() }
        var text = "region,net\n"
        for i in 0..<30 { text += "r\(i),\(i % 2 == 0 ? 1 : -1)\n" }
        let net = try folder.write("net.csv", text)
        try expectCleanFailure(["flows", "net-to-flows", "--net", net, "--max-regions", "10", "-o", "-"],
                               mentions: ["30 regions, more than the limit of 10", "--max-regions"])
    }

    @Test("a text cell in a numeric column is named by line and value in flows, cohort and markov inputs")
    func notNumericByLine() throws {
        let folder = try ScratchFolder("not-numeric")
        defer { folder.remove() }
        let od = try folder.write("od.csv", "origin,destination,flow\nA,B,1.5\nB,A,abc\n")
        try expectCleanFailure(["flows", "indices", "--flows", od, "-o", "-"], mentions: ["column `flow` must be numeric, but line 3 holds 'abc'"])
        // flows sim parses flow and cost as declared doubles; a text cell reads the file again
        // undeclared, for the same message (and a text cost likewise).
        let odCost = try folder.write("od-cost.csv", "origin,destination,flow,cost\nA,B,1,1\nB,A,abc,1\nA,C,5,2\nC,A,4,2\n")
        try expectCleanFailure(["flows", "sim", "--data", odCost, "-o", "-"], mentions: ["column `flow` must be numeric, but line 3 holds 'abc'"])
        let textCost = try folder.write("od-text-cost.csv", "origin,destination,flow,cost\nA,B,1,1\nB,A,2,near\nA,C,5,2\nC,A,4,2\n")
        try expectCleanFailure(["flows", "sim", "--data", textCost, "-o", "-"], mentions: ["column `cost` must be numeric, but line 3 holds 'near'"])
        let pop = try folder.write("pop.csv", Self.population.replacingOccurrences(of: "A,1,male,90", with: "A,1,male,ninety"))
        let rates = try folder.write("rates.csv", Self.rates)
        try expectCleanFailure(["cohort", "project", "--population", pop, "--rates", rates, "--steps", "1"],
                               mentions: ["column `population` must be numeric, but line 5 holds 'ninety'"])
        let seq = try folder.write("seq.csv", "id,time,state\n1,1,a\n1,t2,b\n")
        try expectCleanFailure(["markov", "fit", "--sequences", seq], mentions: ["column `time` must be numeric, but line 3 holds 't2'"])
    }

    @Test("cohort project --every-step refuses an output of more than 20 million rows before projecting")
    func cohortOutputSize() throws {
        let folder = try ScratchFolder("cohort-size")
        defer { folder.remove() }
        let pop = try folder.write("pop.csv", "region,age,sex,population\n" + (0..<67).map { "R\($0),150,female,1\n" }.joined())
        let rates = try folder.write("rates.csv", "region,age,sex,survival,fertility\nR0,0,female,0.99,0\n")
        let start = Date()
        try expectCleanFailure(["cohort", "project", "--population", pop, "--rates", rates, "--steps", "1000", "--every-step", "-o", folder.path("out.csv")],
                               mentions: ["more than 20000000", "--every-step"])
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.csv")))
    }

    @Test("iteration limits are bounded: --max-iterations 1e9 is refused, not a day-long loop")
    func iterationLimits() throws {
        try expectCleanFailure(["fit", "poisson", "--data", "d.csv", "--formula", "y ~ x", "--max-iterations", "1000000000"],
                               mentions: ["--max-iterations must be between 1 and 100000"])
        try expectCleanFailure(["flows", "ipf", "--row-totals", "r.csv", "--column-totals", "c.csv", "--max-iterations", "100000000000"],
                               mentions: ["--max-iterations must be between 1 and 10000000"])
    }

    @Test("cohort project: an empty survival or population cell, or a population of 1e308, is an error naming the line")
    func cohortValues() throws {
        let folder = try ScratchFolder("cohort-values")
        defer { folder.remove() }
        let pop = try folder.write("pop.csv", Self.population)
        let rates = try folder.write("rates.csv", Self.rates)
        let huge = try folder.write("huge.csv", Self.population.replacingOccurrences(of: "A,0,female,100", with: "A,0,female,1e308"))
        try expectCleanFailure(["cohort", "project", "--population", huge, "--rates", rates, "--steps", "3"], mentions: ["line 2, column `population` is 1e+308"])
        let emptySurvival = try folder.write("r2.csv", Self.rates.replacingOccurrences(of: "A,0,male,0.99,0", with: "A,0,male,,0"))
        try expectCleanFailure(["cohort", "project", "--population", pop, "--rates", emptySurvival, "--steps", "3"], mentions: ["line 3, column `survival` is empty"])
    }

    @Test("flows: a flow of 1e300 is refused, not fitted into garbage with exit 0")
    func hugeFlows() throws {
        let folder = try ScratchFolder("flows-huge")
        defer { folder.remove() }
        let od = try folder.write("od.csv", "origin,destination,flow,cost\nA,B,1e300,1\nB,A,12,1\nA,C,5,2\nC,A,4,2\nB,C,7,1.5\nC,B,6,1.2\n")
        try expectCleanFailure(["flows", "sim", "--data", od, "-o", "-"], mentions: ["line 2, column `flow` is 1e+300", "rescale"])
        try expectCleanFailure(["flows", "indices", "--flows", od, "-o", "-"], mentions: ["line 2, column `flow` is 1e+300"])
    }

    @Test("markov fit: two states of one id at one time, or a time of 1e300, are errors naming the line")
    func markovKeys() throws {
        let folder = try ScratchFolder("markov-keys")
        defer { folder.remove() }
        let dup = try folder.write("dup.csv", "id,time,state\n1,1,a\n1,2,b\n1,1,c\n")
        try expectCleanFailure(["markov", "fit", "--sequences", dup], mentions: ["line 4: id '1' already has a state at time 1.0 (line 2)"])
        let huge = try folder.write("huge.csv", "id,time,state\n1,1e300,a\n1,2,b\n")
        try expectCleanFailure(["markov", "fit", "--sequences", huge], mentions: ["line 2: time 1e+300"])
    }

    @Test("the issue's examples at full size: flows indices with 40,000 regions and markov fit with 30,000 states stop at the default limits")
    func fullSizeExamples() throws {
        let folder = try ScratchFolder("full-size")
        defer { folder.remove() }
        var od = "origin,destination,flow\n"
        od.reserveCapacity(1_000_000)
        for i in 0..<40_000 { od += "r\(i),r\((i + 1) % 40_000),1\n" }
        let flows = try folder.write("od.csv", od)
        let start = Date()
        try expectCleanFailure(["flows", "indices", "--flows", flows, "-o", "-"], mentions: ["40000 regions, more than the limit of 5000", "--max-regions"])
        var seq = "id,time,state\n"
        for i in 0..<30_000 { seq += "\(i),1,s\(i)\n\(i),2,s\((i + 1) % 30_000)\n" }
        let sequences = try folder.write("seq.csv", seq)
        try expectCleanFailure(["markov", "fit", "--sequences", sequences, "-o", "-"], mentions: ["more than 2000 distinct states", "--max-states"])
        #expect(Date().timeIntervalSince(start) < 30)
    }
}
