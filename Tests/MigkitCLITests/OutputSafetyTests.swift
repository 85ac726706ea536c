import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 15: where the CLI refuses to write, and what a failed or interrupted run leaves.
@Suite("migkit outputs: unsafe paths, half-written outputs, signals")
struct OutputSafetyTests {
    static let data = "y,x\n1,1\n2,2\n3,3\n4,4\n5,2\n"

    @Test("-o equal to --data is refused and the data survives (also through ./ and a second spelling)")
    func outputIsInput() throws {
        let folder = try ScratchFolder("out-input")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        for output in [data, folder.url.appendingPathComponent("./d.csv").path, folder.url.appendingPathComponent("sub/../d.csv").path] {
            try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x", "-o", output], mentions: ["also an input"])
        }
        try FileManager.default.createSymbolicLink(atPath: folder.path("alias.csv"), withDestinationPath: data)
        try expectCleanFailure(["fit", "ols", "--data", folder.path("alias.csv"), "--formula", "y ~ x", "-o", data], mentions: ["also an input"])
        #expect(try folder.read("d.csv") == Self.data)
    }

    @Test("--stats equal to -o is refused and nothing is written")
    func duplicateOutputs() throws {
        let folder = try ScratchFolder("out-dup")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x", "-o", folder.path("c.csv"), "--stats", folder.path("c.csv")],
                               mentions: ["two outputs"])
        #expect(try folder.contents() == ["d.csv"])
    }

    @Test("-o onto a device node is refused and the device is left alone")
    func deviceOutput() throws {
        let folder = try ScratchFolder("out-dev")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        for device in ["/dev/null", "/dev/full"] where FileManager.default.fileExists(atPath: device) {
            try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x", "-o", device, "--stats", "none"],
                                   mentions: ["character device"])
            var info = stat()
            #expect(lstat(device, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        }
    }

    @Test("-o onto a symbolic link is refused; the link and its target are unchanged")
    func symlinkOutput() throws {
        let folder = try ScratchFolder("out-link")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        let target = try folder.write("target.csv", "keep\n")
        try FileManager.default.createSymbolicLink(atPath: folder.path("link.csv"), withDestinationPath: target)
        try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x", "-o", folder.path("link.csv"), "--stats", "none"],
                               mentions: ["symbolic link"])
        #expect(try folder.read("target.csv") == "keep\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.path("link.csv")) == target)
    }

    @Test("replacing a 0600 output keeps it 0600")
    func permissionsKept() throws {
        let folder = try ScratchFolder("out-mode")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        let out = try folder.write("c.csv", "old\n")
        #expect(chmod(out, 0o600) == 0)
        let r = try MigkitRunner.run(["fit", "ols", "--data", data, "--formula", "y ~ x", "-o", out, "--stats", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let mode = (try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(try folder.read("c.csv").hasPrefix("term,estimate"))
    }

    @Test("a refused second output leaves none of the outputs (compute, then write all)")
    func allOrNothing() throws {
        let folder = try ScratchFolder("out-all")
        defer { folder.remove() }
        let data = try folder.write("d.csv", Self.data)
        try FileManager.default.createSymbolicLink(atPath: folder.path("stats.csv"), withDestinationPath: "/nonexistent")
        try expectCleanFailure(["fit", "ols", "--data", data, "--formula", "y ~ x", "-o", folder.path("c.csv"), "--stats", folder.path("stats.csv")],
                               mentions: ["symbolic link"])
        #expect(try folder.contents() == ["d.csv", "stats.csv"])
    }

    @Test("markov fit --errors (its help example) writes both files: NaN standard errors are empty cells")
    func markovErrorsNotHalfWritten() throws {
        let folder = try ScratchFolder("out-markov")
        defer { folder.remove() }
        let seq = try folder.write("seq.csv", "id,time,state\n1,1,idp\n1,2,idp\n1,3,returned\n2,1,idp\n2,2,refugee\n")
        let r = try MigkitRunner.run(["markov", "fit", "--sequences", seq, "-o", folder.path("transition.csv"),
                                      "--errors", folder.path("se.csv"), "--unobserved-absorbing"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try folder.contents() == ["se.csv", "seq.csv", "transition.csv"])
        let se = try folder.read("se.csv").split(separator: "\n").map(String.init)
        #expect(se.first == "from,to,probability,std_error,conf_low,conf_high")
        // Rows of a state never left have no standard error: empty cells, not "nan".
        #expect(se.contains { $0.hasPrefix("returned,returned,1.0,,") })
        #expect(!se.joined().lowercased().contains("nan"))
    }

    @Test("schedule fit and flows sim write all their outputs or none")
    func otherMultiOutputCommands() throws {
        let folder = try ScratchFolder("out-multi")
        defer { folder.remove() }
        var rates = "age,rate\n"
        for age in 0...60 {
            let x = Double(age)
            rates += "\(age),\(0.02 * exp(-0.1 * x) + 0.06 * exp(-0.1 * (x - 20) - exp(-0.4 * (x - 20))) + 0.003)\n"
        }
        let data = try folder.write("rates.csv", rates)
        try FileManager.default.createSymbolicLink(atPath: folder.path("fitted.csv"), withDestinationPath: "/nonexistent")
        try expectCleanFailure(["schedule", "fit", "--data", data, "--starts", "2", "-o", folder.path("p.csv"), "--fitted", folder.path("fitted.csv")],
                               mentions: ["symbolic link"])
        #expect(try folder.contents() == ["fitted.csv", "rates.csv"])

        let od = try folder.write("od.csv", "origin,destination,flow,cost\nA,B,10,1\nB,A,12,1\nA,C,5,2\nC,A,4,2\nB,C,7,1.5\nC,B,6,1.5\n")
        try expectCleanFailure(["flows", "sim", "--data", od, "-o", folder.path("params.csv"), "--stats", folder.path("params.csv")],
                               mentions: ["two outputs"])
        #expect(!FileManager.default.fileExists(atPath: folder.path("params.csv")))
    }

    @Test("SIGINT and SIGTERM remove the temporary output file", arguments: [SIGINT, SIGTERM])
    func signalsRemoveTemporaryFiles(signal: Int32) throws {
        guard let binary = MigkitRunner.binary else { throw MigkitRunner.RunnerError.binaryNotFound }
        let folder = try ScratchFolder("out-signal")
        defer { folder.remove() }
        // 1,500 regions: a 2.25-million-row flows table, a few seconds of writing.
        var start = "birthplace,residence,stock\n"
        for i in 0..<1_500 { start += "r\(i),r\(i),\(1000 + i)\nr\(i),r\((i + 1) % 1_500),\(i + 1)\n" }
        let s = try folder.write("s.csv", start)
        let p = Process()
        p.executableURL = binary
        p.arguments = ["flows", "from-stocks", "--start", s, "--end", s, "-o", folder.path("out.csv")]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        var sawTemporary = false
        for _ in 0..<400 where p.isRunning {
            if try folder.contents().contains(where: { $0.contains(".tmp-") }) { sawTemporary = true; break }
            usleep(10_000)
        }
        if sawTemporary && p.isRunning { kill(p.processIdentifier, signal) }
        p.waitUntilExit()
        if sawTemporary && p.terminationReason == .uncaughtSignal {
            #expect(p.terminationStatus == signal)
            #expect(try folder.contents() == ["s.csv"])
        }
        #expect(try !folder.contents().contains { $0.contains(".tmp-") })
    }

    @Test("migkit notebook refuses to write over a file of the run it exports")
    func notebookOverRunFile() throws {
        let folder = try ScratchFolder("out-notebook")
        defer { folder.remove() }
        try folder.write("manifest.json", "{}")
        try folder.write("projections.csv", "keep\n")
        try expectCleanFailure(["notebook", folder.url.path, "-o", folder.path("projections.csv")], mentions: ["also an input"])
        #expect(try folder.read("projections.csv") == "keep\n")
    }
}
