import ArgumentParser
import Foundation
import MigrationKit

/// `migkit notebook`: exports a projection run as a Jupyter notebook.
struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Export a projection run as a Jupyter notebook (nbformat 4).",
        discussion: """
            Writes a notebook with a narrative, the run's charts as SVG outputs, and Python cells \
            that load the run's CSVs with pandas and redraw the main chart with matplotlib. The \
            notebook records a fingerprint of the data/ files, the default scenario file and the \
            MigrationKit version; --check tells whether a notebook is stale against them.

            Examples:
              migkit project -o reports && migkit notebook reports -o notebooks-export/default_run.ipynb
              migkit notebook --check notebooks-export/default_run.ipynb
            """
    )
    @Argument(help: ArgumentHelp("The run folder written by `migkit project`.", valueName: "run-dir")) var runDirectory: String?
    @Option(name: [.short, .long], help: ArgumentHelp("The notebook to write.", valueName: "file")) var output: String = "notebooks-export/default_run.ipynb"
    @Option(name: .long, help: ArgumentHelp("MigrationKit's data folder, for the fingerprint (default: $MIGKIT_DATA, else data/ in the current folder).", valueName: "dir")) var dataDir: String?
    @Option(name: .long, help: ArgumentHelp("Check that this notebook is up to date instead of writing one.", valueName: "file")) var check: String?

    static func currentFingerprint(dataDir: String) -> String {
        let dir = URL(fileURLWithPath: dataDir)
        let csvs = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
        let files = csvs.map { dir.appendingPathComponent($0) } + [dir.appendingPathComponent("scenarios/default.toml")]
        return NotebookExport.fingerprint(files: files, extra: [migrationKitVersion])
    }

    func validate() throws {
        if check == nil && runDirectory == nil { throw ValidationError("give the run folder, or --check NOTEBOOK.") }
    }

    func run() throws {
        let fingerprint = Self.currentFingerprint(dataDir: try DataDirectory.resolve(dataDir).path)
        if let check {
            guard let data = FileManager.default.contents(atPath: check),
                  let nb = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let meta = (nb["metadata"] as? [String: Any])?["migrationkit"] as? [String: Any],
                  let recorded = meta["fingerprint"] as? String else {
                throw CLIError.message("\(check): not a notebook written by `migkit notebook` (no metadata.migrationkit.fingerprint)")
            }
            guard recorded == fingerprint else {
                throw CLIError.message("\(check): stale — it was made from other data, scenarios or version (fingerprint \(recorded), now \(fingerprint)); regenerate with `migkit project -o reports && migkit notebook reports -o \(check)`")
            }
            print("\(check): up to date (fingerprint \(fingerprint))")
            return
        }
        guard let runDirectory else { return }
        // The notebook must not replace one of the run's files (or the data it fingerprints).
        let runFiles = ((try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? [])
            .map { (runDirectory as NSString).appendingPathComponent($0) }
        try CLIOutput.checkPaths([output], inputs: runFiles)
        let outURL = URL(fileURLWithPath: output)
        // Path from the notebook's folder to the run folder, for the Python cells.
        let runURL = URL(fileURLWithPath: runDirectory).standardizedFileURL
        let nbDir = outURL.deletingLastPathComponent().standardizedFileURL
        let relative = Self.relativePath(from: nbDir, to: runURL)
        do {
            let data = try NotebookExport.build(runDirectory: runURL, relativeRunPath: relative, fingerprint: fingerprint)
            try FileManager.default.createDirectory(at: nbDir, withIntermediateDirectories: true)
            try AtomicFile.write(Array(data), to: outURL.path)   // refuses links and special files
        } catch let error as CSVError {
            throw CLIError.message("\(error)")
        } catch { throw CLIError.message("\(runDirectory): \(error)") }
        print("wrote \(output)")
    }

    static func relativePath(from base: URL, to target: URL) -> String {
        let b = base.pathComponents, t = target.pathComponents
        var i = 0
        while i < min(b.count, t.count) && b[i] == t[i] { i += 1 }
        let ups = Array(repeating: "..", count: b.count - i)
        let rest = Array(t[i...])
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
