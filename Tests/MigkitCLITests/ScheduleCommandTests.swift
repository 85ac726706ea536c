import Foundation
import Testing

@Suite("migkit schedule end to end")
struct ScheduleCommandTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-schedule-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func file(_ name: String, _ text: String) throws -> String {
        let u = dir.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u.path
    }

    func values(_ csv: String) -> [String: Double] {
        var d: [String: Double] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            d[f[0]] = Double(f[1]) ?? .nan
        }
        return d
    }

    /// Rogers & Castro's fundamental schedule (a1 0.02, α1 0.1, a2 0.06, α2 0.1, μ2 20, λ2 0.4,
    /// c 0.003), written out here without noise at ages 0…80, is recovered; the labour
    /// component's peak is μ2 + ln(λ2/α2)/λ2 = 20 + ln 4/0.4.
    @Test func noiseFreeSevenParameterScheduleIsRecovered() throws {
        let truth: [String: Double] = ["a1": 0.02, "alpha1": 0.1, "a2": 0.06, "alpha2": 0.1, "mu2": 20, "lambda2": 0.4, "c": 0.003]
        var text = "age,rate\n"
        for x in 0...80 {
            let a = Double(x)
            let m = 0.02 * exp(-0.1 * a) + 0.06 * exp(-0.1 * (a - 20) - exp(-0.4 * (a - 20))) + 0.003
            text += "\(x),\(m)\n"
        }
        let data = try file("rates.csv", text)
        let out = dir.appendingPathComponent("params.csv").path, fitted = dir.appendingPathComponent("fitted.csv").path
        let r = try MigkitRunner.run(["schedule", "fit", "--data", data, "--model", "7", "-o", out, "--fitted", fitted])
        #expect(r.status == 0, "\(r.stderr)")
        let params = try String(contentsOfFile: out, encoding: .utf8)
        #expect(params.hasPrefix("parameter,estimate,std_error\n"))
        let p = values(params)
        #expect(p.count == 7)
        for (k, v) in truth { #expect(abs((p[k] ?? .nan) - v) < 1e-6 * max(1, abs(v)), "\(k): \(p[k] ?? .nan) vs \(v)") }
        let m = values(try String(contentsOfFile: dir.appendingPathComponent("params_measures.csv").path, encoding: .utf8))
        #expect(abs((m["labour_component_peak"] ?? .nan) - (20 + log(4.0) / 0.4)) < 1e-6)
        let f = try String(contentsOfFile: fitted, encoding: .utf8).split(separator: "\n")
        #expect(f.first == "age,rate,fitted,residual" && f.count == 82)
    }

    @Test func logResidualsWithAZeroRateAreAClearError() throws {
        var text = "age,rate\n"
        for x in 0...30 { text += "\(x),\(x == 5 ? 0 : 0.01)\n" }
        let data = try file("rates.csv", text)
        let r = try MigkitRunner.run(["schedule", "fit", "--data", data, "--residuals", "log"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("rates.csv: line 7, column `rate`"), "\(r.stderr)")
    }

    @Test func tooFewAgesIsAClearError() throws {
        let data = try file("rates.csv", "age,rate\n0,0.02\n10,0.01\n20,0.05\n")
        let r = try MigkitRunner.run(["schedule", "fit", "--data", data, "--model", "7"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("rates.csv"), "\(r.stderr)")
    }

    @Test func unknownModelIsRejected() throws {
        let r = try MigkitRunner.run(["schedule", "fit", "--data", "x.csv", "--model", "8"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--model"))
    }

    @Test func helpShowsAnExample() throws {
        let r = try MigkitRunner.run(["schedule", "fit", "--help"])
        #expect(r.status == 0 && r.stdout.contains("migkit schedule fit --data rates.csv"))
    }
}
