import Foundation
import Testing

/// Issue 15: `migkit fit` on hostile formulas and data — a clear error and no output, never a
/// trap, a hang or a silently different model.
@Suite("migkit fit: hostile input")
struct FitHostileInputTests {
    static let data = "y,x,a,o,w\n1,1,p,0.5,0\n2,2,q,0.1,0\n3,3,p,0.2,0\n4,4,q,0.9,0\n5,2,r,1,0\n"

    @Test("formula traps and silent misfits are clear errors, and -o is not written", arguments: [
        ("y ~ I(x^1e300)", "I(x^1e+300)"),
        ("y ~ log(factor(a))", "factor() must be a term of its own"),
        ("factor(a) ~ x", "factor() cannot be the response"),
        ("y ~ factor(a):x", "factor() must be a term of its own"),
    ])
    func formulas(formula: String, message: String) throws {
        let folder = try ScratchFolder("fit-formula")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        try expectCleanFailure(["fit", "ols", "--data", data, "--formula", formula, "-o", folder.path("coef.csv")], mentions: [message])
        #expect(try folder.contents() == ["d.csv"])
    }

    @Test("fit negbin on under-dispersed counts returns quickly with a clear error")
    func negbinUnderdispersed() throws {
        let folder = try ScratchFolder("fit-negbin")
        defer { folder.remove() }
        let data = try folder.write("d.csv", "y,x\n1,1\n2,2\n3,3\n4,4\n")
        let start = Date()
        try expectCleanFailure(["fit", "negbin", "--data", data, "--formula", "y ~ x", "--max-iterations", "5", "-o", "-"],
                               mentions: ["no finite estimate", "poisson"])
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test("--offset is honoured by ols: the fit equals ols of y − offset")
    func olsOffset() throws {
        let folder = try ScratchFolder("fit-offset")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        let shifted = try folder.write("s.csv", "z,x\n0.5,1\n1.9,2\n2.8,3\n3.1,4\n4,2\n")
        let a = try MigkitRunner.run(["fit", "ols", "--data", data, "--formula", "y ~ x", "--offset", "o", "-o", "-"])
        let b = try MigkitRunner.run(["fit", "ols", "--data", shifted, "--formula", "z ~ x", "-o", "-"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let estimates = { (text: String) in text.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[1]) ?? .nan } }
        let ea = estimates(a.stdout), eb = estimates(b.stdout)
        #expect(ea.count == 2 && eb.count == 2)
        for (u, v) in zip(ea, eb) { #expect(abs(u - v) < 1e-12) }
    }

    @Test("no usable observation, or every weight zero, is a clear error, not a table of NaN")
    func noObservations() throws {
        let folder = try ScratchFolder("fit-empty")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        let empty = try folder.write("e.csv", "y,x\n")
        try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x", "--weights", "w", "-o", folder.path("c.csv")],
                               mentions: ["every weight is 0"])
        try expectCleanFailure(["fit", "ols", "--data", empty, "--formula", "y ~ x", "-o", folder.path("c.csv")], mentions: ["no rows"])
        try expectCleanFailure(["fit", "poisson", "--data", data, "--formula", "y ~ x", "--weights", "w", "-o", folder.path("c.csv")],
                               mentions: ["every weight is 0"])
        #expect(try folder.contents() == ["d.csv", "e.csv"])
    }

    @Test("PPML refuses a response near 1e300 instead of returning garbage")
    func hugeResponse() throws {
        let folder = try ScratchFolder("fit-huge")
        defer { folder.remove() }
        let data = try folder.write("d.csv", "y,x\n1e300,1\n2,2\n3,3\n4,1\n")
        try expectCleanFailure(["fit", "ppml", "--data", data, "--formula", "y ~ x", "-o", "-"], mentions: ["line 2", "rescale"])
    }

    @Test("factor() with more levels than --max-factor-levels is refused before allocating")
    func factorLevels() throws {
        let folder = try ScratchFolder("fit-levels")
        defer { folder.remove() }
        var text = "y,x,g\n"
        for i in 0..<1_200 { text += "\(i % 7),\(i % 5),g\(i)\n" }
        let data = try folder.write("d.csv", text)
        try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x + factor(g)", "-o", "-"],
                               mentions: ["1200 levels", "limit of 1000", "--max-factor-levels"])
        try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x + factor(g)", "--max-factor-levels", "10", "-o", "-"],
                               mentions: ["limit of 10"])
    }

    @Test("a text cell in a numeric column is named by line and value, not a valid neighbour")
    func notNumeric() throws {
        let folder = try ScratchFolder("fit-text")
        defer { folder.remove() }
        let data = try folder.write("d.csv", "y,x\n-1.215222415,1\n2,2\nabc,3\n4,1\n")
        let r = try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x", "-o", "-"], mentions: ["line 4", "'abc'"])
        #expect(!r.stderr.contains("-1.215222415"))
    }

    @Test("errors from the fit name the file line, counting rows dropped for missing values")
    func errorsNameTheLine() throws {
        let folder = try ScratchFolder("fit-lines")
        defer { folder.remove() }
        let data = try folder.write("d.csv", "y,x\n,5\n1,1e300\n2,-1\n3,1\n")
        try expectCleanFailure(["fit", "poisson", "--data", data, "--formula", "y ~ x", "-o", "-"], mentions: ["line 3: 'x' is 1e+300"])
        let negative = try folder.write("n.csv", "y,x\n1,1\n,2\n-2,2\n3,3\n")
        try expectCleanFailure(["fit", "poisson", "--data", negative, "--formula", "y ~ x", "-o", "-"], mentions: ["line 4: the response is -2.0"])
        let logZero = try folder.write("l.csv", "y,x\n1,1\n2,0\n3,3\n")
        try expectCleanFailure(["fit", "ols", "--data", logZero, "--formula", "y ~ log(x)", "-o", "-"], mentions: ["line 3: term 'log(x)' is -inf"])
    }

    @Test("--no-separation-check skips the separation check")
    func noSeparationCheck() throws {
        let folder = try ScratchFolder("fit-nosep")
        defer { folder.remove() }
        let data = try folder.write("d.csv", "y,x\n0,1\n1,2\n0,3\n4,4\n2,2\n")
        let r = try MigkitRunner.run(["fit", "poisson", "--data", data, "--formula", "y ~ x", "--no-separation-check", "-o", "-"])
        #expect(r.status == 0, "\(r.stderr)")
    }
}
