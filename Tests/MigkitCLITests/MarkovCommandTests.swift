import Foundation
import Testing

@Suite("migkit markov end to end")
struct MarkovCommandTests {
    func temp(_ name: String, _ text: String) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-markov-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        let u = d.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u
    }

    /// Hand-computed: from idp, 1/(1 − 0.8) = 5 periods displaced, then a quarter go on to
    /// exile (10 more periods): 5 + 0.25·10 = 7.5; from home, 1/0.03 = 33.3 periods, then
    /// 2/3·7.5 + 1/3·10: 41.67.
    @Test func expectedDurationsByHand() throws {
        let p = try temp("P.csv", "from,home,idp,refugee,returned\nhome,0.97,0.02,0.01,0\nidp,0,0.8,0.05,0.15\nrefugee,0,0,0.9,0.1\nreturned,0,0,0,1\n")
        let r = try MigkitRunner.run(["markov", "analyze", "--transition", p.path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "state,expected_duration,duration_sd,p_end_returned")
        let d = Dictionary(uniqueKeysWithValues: lines.dropFirst().map { l -> (String, Double) in
            let f = l.split(separator: ","); return (String(f[0]), Double(f[1]) ?? .nan)
        })
        #expect(abs((d["idp"] ?? 0) - 7.5) < 1e-12)
        #expect(abs((d["refugee"] ?? 0) - 10) < 1e-12)
        #expect(abs((d["home"] ?? 0) - 125.0 / 3) < 1e-10)
    }

    @Test func rowsThatDoNotSumToOneAreAClearError() throws {
        let p = try temp("P.csv", "from,a,b\na,0.5,0.4\nb,0,1\n")
        let r = try MigkitRunner.run(["markov", "analyze", "--transition", p.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("P.csv"))
        #expect(r.stderr.lowercased().contains("sum"))
    }

    @Test func fitCountsTransitions() throws {
        let s = try temp("seq.csv", "id,time,state\n1,2000,idp\n1,2001,idp\n1,2002,returned\n2,2000,refugee\n2,2001,refugee\n2,2002,refugee\n2,2003,returned\n3,2000,idp\n3,2001,refugee\n3,2002,returned\n")
        let r = try MigkitRunner.run(["markov", "fit", "--sequences", s.path, "--unobserved-absorbing"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("idp,0.3333333333333333,0.3333333333333333,0.3333333333333333"))
        #expect(r.stdout.contains("refugee,0.0,0.5,0.5"))
    }
}
