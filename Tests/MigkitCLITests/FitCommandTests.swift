import Foundation
import Testing

@Suite("migkit fit end to end")
struct FitCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/regression")

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-fit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Parses the tidy coefficient CSV (no quoted fields in it).
    func coefficients(_ url: URL) throws -> [String: (estimate: Double, se: Double)] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "term,estimate,std_error,statistic,p_value,conf_low,conf_high")
        var out: [String: (Double, Double)] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            out[String(f[0])] = (Double(f[1]) ?? .nan, Double(f[2]) ?? .nan)
        }
        return out
    }

    @Test func ppmlGravityMatchesPyfixestAndListsDroppedRows() throws {
        let dir = try tempDir()
        let coef = dir.appendingPathComponent("coef.csv")
        let dropped = dir.appendingPathComponent("dropped.csv")
        let r = try MigkitRunner.run(["fit", "ppml", "--data", Self.fixtures.appendingPathComponent("gravity.csv").path,
                                      "--formula", "flow ~ ldist + contig | orig^year + dest^year", "--vcov", "cluster:pair",
                                      "--ssc", "fixest", "-o", coef.path, "--dropped", dropped.path])
        #expect(r.status == 0, "\(r.stderr)")
        let c = try coefficients(coef)
        // pyfixest 0.60 (Tests/Fixtures/regression/reference.json, pf_ppml_gravity).
        #expect(abs(c["ldist"]!.estimate / -1.0890644072589268 - 1) < 1e-8)
        #expect(abs(c["contig"]!.estimate / 0.6043207352978492 - 1) < 1e-8)
        #expect(abs(c["ldist"]!.se / 0.03792300381522926 - 1) < 1e-6)
        #expect(abs(c["contig"]!.se / 0.049078422730642994 - 1) < 1e-6)
        let stats = try String(contentsOf: dir.appendingPathComponent("coef_fit.csv"), encoding: .utf8)
        #expect(stats.contains("observations,2523"))
        #expect(stats.contains("dropped_separation_fixed_effects,87"))
        #expect(stats.contains("converged,true"))
        let droppedLines = try String(contentsOf: dropped, encoding: .utf8).split(separator: "\n")
        #expect(droppedLines.count == 88)
        #expect(r.stderr.contains("ppml: poisson, 2523 observations, 87 dropped"))
    }

    @Test func unknownColumnPointsIntoTheFormula() throws {
        let r = try MigkitRunner.run(["fit", "ols", "--data", Self.fixtures.appendingPathComponent("ols.csv").path,
                                      "--formula", "y ~ x1 + log(dist)"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("formula error at character 14: unknown column 'dist'"))
        #expect(r.stderr.contains("the data has 9 columns"))
    }

    @Test func badVcovIsRejectedBeforeAnyWork() throws {
        let r = try MigkitRunner.run(["fit", "ols", "--data", "nonexistent.csv", "--formula", "y ~ x", "--vcov", "cluster:"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--vcov cluster:COLUMN needs a column name."))
    }

    @Test("fit parses only the columns it uses: bytes that are not UTF-8 in another column do not stop it")
    func readsOnlyTheColumnsItUses() throws {
        let dir = try tempDir()
        let data = dir.appendingPathComponent("wide.csv")
        var bytes = Array("y,x,note,w\n".utf8)
        for (i, y) in [1.0, 2.5, 2.0, 4.5, 5.0, 6.5].enumerated() {
            bytes += Array("\(y),\(i),".utf8) + (i == 3 ? [0x41, 0xFF, 0x42] : Array("ok".utf8)) + Array(",1\n".utf8)
        }
        try Data(bytes).write(to: data)
        let coef = dir.appendingPathComponent("coef.csv")
        let fine = try MigkitRunner.run(["fit", "ols", "--data", data.path, "--formula", "y ~ x", "--weights", "w", "-o", coef.path])
        #expect(fine.status == 0, "\(fine.stderr)")
        // numpy.polyfit(range(6), [1, 2.5, 2, 4.5, 5, 6.5], 1): slope 15/14, intercept 19/21.
        let c = try coefficients(coef)
        #expect(abs((c["x"]?.estimate ?? .nan) - 15.0 / 14.0) < 1e-12)
        #expect(abs((c["Intercept"]?.estimate ?? .nan) - 19.0 / 21.0) < 1e-12)
        // The same bytes in a column the formula uses are the reader's error, with line and column.
        let used = try MigkitRunner.run(["fit", "ols", "--data", data.path, "--formula", "y ~ x + note", "-o", coef.path])
        #expect(used.status != 0)
        #expect(used.stderr.contains("wide.csv:5:3: column 3 (\"note\")"), "\(used.stderr)")
        #expect(used.stderr.contains("invalid UTF-8"), "\(used.stderr)")
    }

    @Test func missingFileIsNamed() throws {
        let r = try MigkitRunner.run(["fit", "ols", "--data", "/nonexistent/flows.csv", "--formula", "y ~ x"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent/flows.csv"))
    }
}
