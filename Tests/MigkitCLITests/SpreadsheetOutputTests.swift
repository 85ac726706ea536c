import Foundation
import Testing

/// Issue 16: outputs a spreadsheet opens correctly (`--format`), whole persons and M49 names,
/// progress on a log, and runs from any folder.
@Suite("migkit project: spreadsheet outputs, progress, data folder")
struct SpreadsheetOutputTests {
    static let repoRoot = ProjectCommandTests.repoRoot
    static let data = repoRoot.appendingPathComponent("data").path

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("migkit-sheet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func project(_ extra: [String], out: URL, environment: [String: String] = [:], removing: [String] = [],
                 cwd: URL? = nil, dataDir: Bool = true) throws -> MigkitRunner.Result {
        try MigkitRunner.run(["project"] + (dataDir ? ["--data-dir", Self.data] : []) + ["--draws", "20", "--horizon", "2030", "-o", out.path] + extra,
                             environment: environment, removing: removing, currentDirectory: cwd)
    }

    /// The text of one part of a zip file (an .xlsx), through Python's zipfile; nil where
    /// python3 is missing (the test then says so).
    static func zipPart(_ file: URL, _ part: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", file.path, part]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    @Test("projections.csv: whole persons, a note column, UN M49 names, nothing padded")
    func wholePersonsAndNames() throws {
        let out = try tempDir().appendingPathComponent("run")
        let r = try project(["--progress", "none"], out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: out.appendingPathComponent("projections.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "scenario,geography_level,geography,name,category,year,mean,p05,p10,p50,p90,p95,note")
        var names: Set<String> = []
        var fractional = 0
        for line in lines.dropFirst() {
            // Names with commas are quoted; the numeric tail is the last 7 fields before the note.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if line.contains("\"") {
                if let q1 = line.firstIndex(of: "\""), let q2 = line[line.index(after: q1)...].firstIndex(of: "\"") { names.insert(String(line[line.index(after: q1)..<q2])) }
            } else if fields.count >= 13 { names.insert(fields[3]) }
            let numbers = line.contains("\"") ? [] : Array(fields[6..<12])
            fractional += numbers.filter { $0.contains(".") || $0.contains("e") }.count
        }
        #expect(fractional == 0, "\(fractional) people counts are not whole numbers")
        for expected in ["Côte d'Ivoire", "Curaçao", "Türkiye", "Syrian Arab Republic"] {   // Réunion has no displaced stock to project
            #expect(names.contains(expected), "\(expected) is missing from projections.csv")
        }
        let padded = names.filter { $0 != $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(padded.isEmpty, "padded names: \(padded.sorted())")
        let wide = try String(contentsOf: out.appendingPathComponent("summary_wide.csv"), encoding: .utf8).split(separator: "\n")
        #expect(wide.first?.hasPrefix("scenario,geography_level,geography,category,statistic,1990,") == true)
        #expect(wide.contains { $0.hasPrefix("SSP1-2.6,world,World,displaced_stock,observed,") })
        #expect(wide.contains { $0.hasPrefix("SSP1-2.6,world,World,displaced_stock,p05,") })
        #expect(wide.contains { $0.hasPrefix("SSP1-2.6,world,World,displaced_stock,p95,") })
    }

    @Test("--format csv-excel: a UTF-8 byte-order mark and CRLF, and the report still reads them")
    func csvExcel() throws {
        let out = try tempDir().appendingPathComponent("run")
        let r = try project(["--format", "csv-excel", "--progress", "none"], out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let bytes = try [UInt8](Data(contentsOf: out.appendingPathComponent("projections.csv")))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let firstLF = bytes.firstIndex(of: 0x0A) ?? 0
        #expect(firstLF > 0 && bytes[firstLF - 1] == 0x0D)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("projections from 2025"))
    }

    @Test("--format xlsx: workbook.xlsx beside the CSV, a World sheet first, numbers stored as numbers")
    func xlsxWorkbook() throws {
        let out = try tempDir().appendingPathComponent("run")
        let r = try project(["--format", "xlsx", "--progress", "none"], out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let file = out.appendingPathComponent("workbook.xlsx")
        let bytes = try [UInt8](Data(contentsOf: file))
        #expect(Array(bytes.prefix(2)) == [0x50, 0x4B], "not a zip file")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("projections.csv").path))
        guard let workbook = Self.zipPart(file, "xl/workbook.xml"), let world = Self.zipPart(file, "xl/worksheets/sheet1.xml") else {
            print("SKIPPED: python3 is not available to open the workbook's parts (scripts/check-workbook reads it with openpyxl)")
            return
        }
        #expect(workbook.contains("name=\"World\""))
        #expect(workbook.contains("name=\"projections\""))
        // A2 is the first year (a number: no t="s"/"inlineStr"), B1 the header text.
        #expect(world.contains("<c r=\"A2\"><v>"), "the first year is not a number cell")
        #expect(world.contains("<pane ySplit=\"1\""), "the header row is not frozen")
    }

    @Test("an unknown --format is refused before any work, naming the formats")
    func unknownFormat() throws {
        let dir = try tempDir()
        let out = dir.appendingPathComponent("run")
        let r = try project(["--format", "xls"], out: out)
        #expect(r.status != 0)
        #expect(r.stderr.contains("csv-excel") && r.stderr.contains("xlsx"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("a workbook that cannot be written is a clear error and leaves no file")
    func unwritableWorkbook() throws {
        let dir = try tempDir()
        let data = Self.repoRoot.appendingPathComponent("data/displacement_panel.csv").path
        let args = ["fit", "ppml", "--data", data, "--formula", "returned_refugees ~ log1p(refugees) | iso3 + year", "--format", "xlsx"]
        // A folder where the workbook should go.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("returns.xlsx"), withIntermediateDirectories: true)
        let r1 = try MigkitRunner.run(args + ["-o", dir.appendingPathComponent("returns.csv").path])
        #expect(r1.status != 0)
        #expect(r1.stderr.contains("returns.xlsx"), "\(r1.stderr)")
        // A parent that is a file.
        try "x".write(to: dir.appendingPathComponent("plain"), atomically: true, encoding: .utf8)
        let r2 = try MigkitRunner.run(args + ["-o", dir.appendingPathComponent("plain/returns.csv").path])
        #expect(r2.status != 0)
        #expect(r2.stderr.contains("plain/returns.xlsx"), "\(r2.stderr)")
        // Standard output.
        let r3 = try MigkitRunner.run(args)
        #expect(r3.status != 0)
        #expect(r3.stderr.contains("xlsx"), "\(r3.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["plain", "returns.xlsx"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("returns.xlsx").path).isEmpty)
    }

    @Test("fit --format xlsx writes one workbook with the coefficients and the fit statistics")
    func fitWorkbook() throws {
        let dir = try tempDir()
        let data = Self.repoRoot.appendingPathComponent("data/displacement_panel.csv").path
        let r = try MigkitRunner.run(["fit", "ppml", "--data", data, "--formula", "returned_refugees ~ log1p(refugees) | iso3 + year",
                                      "--format", "xlsx", "-o", dir.appendingPathComponent("returns.csv").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["returns.xlsx"])
        if let workbook = Self.zipPart(dir.appendingPathComponent("returns.xlsx"), "xl/workbook.xml") {
            #expect(workbook.contains("name=\"returns\"") && workbook.contains("name=\"returns_fit\""))
        }
    }

    @Test("fit --format csv-excel: both files with a byte-order mark and CRLF")
    func fitCSVExcel() throws {
        let dir = try tempDir()
        let data = Self.repoRoot.appendingPathComponent("data/displacement_panel.csv").path
        let r = try MigkitRunner.run(["fit", "ppml", "--data", data, "--formula", "returned_refugees ~ log1p(refugees) | iso3 + year",
                                      "--format", "csv-excel", "-o", dir.appendingPathComponent("returns.csv").path])
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["returns.csv", "returns_fit.csv"] {
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(file)))
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(file)")
            #expect(bytes.contains(0x0D), "\(file) has no CRLF")
        }
    }

    /// The percentages of progress lines, in order.
    static func percents(_ text: String) -> [Int] {
        var out: [Int] = []
        let scanner = text.replacingOccurrences(of: "\r", with: "\n").split(separator: "\n")
        for line in scanner where line.contains("projecting") {
            if let r = line.range(of: #"(\d+) %"#, options: .regularExpression) {
                out.append(Int(line[r].split(separator: " ")[0]) ?? -1)
            }
        }
        return out
    }

    @Test("--progress plain: one line per phase and per 10 %, fitting included, never backwards")
    func plainProgress() throws {
        let out = try tempDir().appendingPathComponent("run")
        let r = try project(["--progress", "plain"], out: out)
        #expect(r.status == 0, "\(r.stderr)")
        for phase in ["[1/4] loading data", "[2/4] fitting the models", "[3/4] projecting", "[4/4] writing the reports", "done in"] {
            #expect(r.stderr.contains(phase), "no '\(phase)' line: \(r.stderr)")
        }
        let p = Self.percents(r.stderr)
        #expect(!p.isEmpty && p == p.sorted(), "\(p)")
        #expect(r.stderr.contains("left"), "no time estimate: \(r.stderr)")
        // stderr is a pipe here: auto is plain.
        let auto = try project([], out: out)
        #expect(auto.stderr.contains("migkit: [2/4] fitting the models"), "\(auto.stderr)")
    }

    @Test("--progress bar never goes backwards; --quiet and --progress none print no progress")
    func barAndQuiet() throws {
        let out = try tempDir().appendingPathComponent("run")
        let bar = try project(["--progress", "bar"], out: out)
        #expect(bar.status == 0, "\(bar.stderr)")
        let p = Self.percents(bar.stderr)
        #expect(!p.isEmpty && p == p.sorted(), "\(p)")
        let quiet = try project(["--quiet"], out: out)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout.isEmpty, "\(quiet.stderr)\(quiet.stdout)")
        let none = try project(["--progress", "none"], out: out)
        #expect(none.stderr.isEmpty && none.stdout.contains("observed in 2024"))
    }

    @Test("the data folder: --data-dir, else MIGKIT_DATA, else data/ here; otherwise an error naming all three")
    func dataFolder() throws {
        let elsewhere = try tempDir()
        let out = elsewhere.appendingPathComponent("run")
        let missing = try project(["--progress", "none"], out: out, removing: ["MIGKIT_DATA"], cwd: elsewhere, dataDir: false)
        #expect(missing.status != 0)
        for word in ["--data-dir", "MIGKIT_DATA", elsewhere.appendingPathComponent("data").path] {
            #expect(missing.stderr.contains(word), "the error does not name \(word): \(missing.stderr)")
        }
        let env = try project(["--progress", "none"], out: out, environment: ["MIGKIT_DATA": Self.data], cwd: elsewhere, dataDir: false)
        #expect(env.status == 0, "\(env.stderr)")
        let bad = try project(["--progress", "none"], out: out, environment: ["MIGKIT_DATA": elsewhere.path], cwd: elsewhere, dataDir: false)
        #expect(bad.status != 0 && bad.stderr.contains("MIGKIT_DATA=\(elsewhere.path)"), "\(bad.stderr)")
        // data/ in the current folder.
        let local = try project(["--progress", "none"], out: out, removing: ["MIGKIT_DATA"], cwd: Self.repoRoot, dataDir: false)
        #expect(local.status == 0, "\(local.stderr)")
    }
}
