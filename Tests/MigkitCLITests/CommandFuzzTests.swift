import Foundation
import Testing

/// Deterministic, bounded fuzzing of every file-reading `migkit` command end to end (issue 15):
/// valid seed inputs mutated with hostile pieces (quotes, NUL, formula starters, NaN, 1e300,
/// duplicate keys, huge ages). Each run must end with status 0 or a clear error — never a trap,
/// a signal or a hang — and a failed run must leave no output file and no temporary file.
@Suite("migkit command fuzz")
struct CommandFuzzTests {
    /// Runs per command (each is a process start; the whole test takes a few seconds).
    static let runsPerCommand = 16

    struct Case {
        let name: String
        /// Input files by name.
        let files: [String: String]
        /// The file that is mutated.
        let mutated: String
        let arguments: [String]
    }

    static let cases: [Case] = [
        Case(name: "fit", files: ["in.csv": "y,x,a,w\n1,1,p,1\n2,2,q,1\n3,3,p,2\n4,4,q,1\n5,2,r,1\n0,1,r,1\n7,3,p,1\n"], mutated: "in.csv",
             arguments: ["fit", "poisson", "--data", "in.csv", "--formula", "y ~ x + factor(a)", "--weights", "w", "-o", "out.csv"]),
        Case(name: "cohort", files: [
            "pop.csv": "region,age,sex,population\nA,0,female,100\nA,0,male,100\nA,1,female,90\nA,1,male,90\n",
            "rates.csv": "region,age,sex,survival,fertility\nA,0,female,0.99,0\nA,0,male,0.99,0\nA,1,female,0.98,0.1\nA,1,male,0.98,0\n",
        ], mutated: "pop.csv", arguments: ["cohort", "project", "--population", "pop.csv", "--rates", "rates.csv", "--steps", "3", "-o", "out.csv"]),
        Case(name: "schedule", files: ["in.csv": "age,rate\n" + stride(from: 0, through: 60, by: 3).map { age in
            let x = Double(age)
            return "\(age),\(0.02 * exp(-0.1 * x) + 0.06 * exp(-0.1 * (x - 20) - exp(-0.4 * (x - 20))) + 0.003)\n"
        }.joined()], mutated: "in.csv", arguments: ["schedule", "fit", "--data", "in.csv", "--starts", "1", "-o", "out.csv", "--fitted", "out_fitted.csv"]),
        Case(name: "markov", files: ["in.csv": "id,time,state\n1,1,idp\n1,2,idp\n1,3,returned\n2,1,idp\n2,2,refugee\n2,3,refugee\n3,1,refugee\n3,2,returned\n"],
             mutated: "in.csv", arguments: ["markov", "fit", "--sequences", "in.csv", "--unobserved-absorbing", "-o", "out.csv", "--errors", "out_se.csv"]),
        Case(name: "markov-analyze", files: ["in.csv": "from,home,idp,returned\nhome,0.9,0.1,0\nidp,0,0.8,0.2\nreturned,0,0,1\n"],
             mutated: "in.csv", arguments: ["markov", "analyze", "--transition", "in.csv", "-o", "out.csv"]),
        Case(name: "flows-sim", files: ["in.csv": "origin,destination,flow,cost\nA,B,10,1\nB,A,12,1\nA,C,5,2\nC,A,4,2\nB,C,7,1.5\nC,B,6,1.2\n"],
             mutated: "in.csv", arguments: ["flows", "sim", "--data", "in.csv", "-o", "out.csv", "--stats", "out_stats.csv"]),
        Case(name: "flows-indices", files: ["in.csv": "origin,destination,flow\nA,B,10\nB,A,12\nA,C,5\nC,A,4\nB,C,7\nC,B,6\n"],
             mutated: "in.csv", arguments: ["flows", "indices", "--flows", "in.csv", "-o", "out.csv"]),
        Case(name: "flows-net", files: ["in.csv": "region,net\nA,5\nB,-3\nC,-2\n"],
             mutated: "in.csv", arguments: ["flows", "net-to-flows", "--net", "in.csv", "-o", "out.csv"]),
    ]

    static let pieces = [",", "\"", "\n", "\r", "\u{0}", "=", "-", "@", "+", "e", ".", "9", "inf", "nan", "NA", "1e300", "-1", "1e12", "0.5", "", "A", "\t", "é"]

    static func mutate(_ text: String, _ generator: inout SplitMix) -> String {
        var chars = Array(text)
        for _ in 0..<(1 + Int(generator.next() % 4)) {
            let position = Int(generator.next() % UInt64(chars.count + 1))
            let piece = Array(pieces[Int(generator.next() % UInt64(pieces.count))])
            switch generator.next() % 3 {
            case 0 where position < chars.count: chars.removeSubrange(position..<min(chars.count, position + 1 + Int(generator.next() % 4)))
            case 1: chars.insert(contentsOf: piece, at: position)
            default:
                if position < chars.count, let first = piece.first { chars[position] = first } else { chars.insert("\n", at: position) }
            }
        }
        return String(chars)
    }

    @Test("mutated inputs: every command returns or fails cleanly, leaving no partial output", arguments: cases.map(\.name))
    func fuzzCommand(name: String) throws {
        guard let c = Self.cases.first(where: { $0.name == name }) else { return }
        var generator = SplitMix(seed: name.utf8.reduce(15) { $0 &* 31 &+ UInt64($1) })   // stable across runs
        for run in 0..<Self.runsPerCommand {
            let folder = try ScratchFolder("fuzz-\(name)")
            defer { folder.remove() }
            for (file, text) in c.files {
                try folder.write(file, file == c.mutated ? Self.mutate(text, &generator) : text)
            }
            let arguments = c.arguments.map { $0.hasSuffix(".csv") ? folder.path($0) : $0 }
            let start = Date()
            let r = try MigkitRunner.run(arguments)
            let input = (try? folder.read(c.mutated)) ?? ""
            #expect(Date().timeIntervalSince(start) < 60, "\(name) run \(run) took too long on \(input.debugDescription)")
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("crashed") && !r.stderr.contains("Backtrace"),
                    "\(name) run \(run) trapped on \(input.debugDescription): \(r.stderr)")
            let leftovers = try folder.contents().filter { $0.hasPrefix("out") || $0.contains(".tmp-") }
            if r.status != 0 {
                #expect(leftovers.isEmpty, "\(name) run \(run) failed but left \(leftovers): \(r.stderr)")
                #expect(r.stderr.hasPrefix("Error: "), "\(name) run \(run): \(r.stderr)")
            }
        }
    }
}

/// SplitMix64, seeded per command so that every run sees the same inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
