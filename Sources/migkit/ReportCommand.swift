import ArgumentParser
import Foundation
import MigrationKit

/// `migkit report RUN_DIR`: the HTML report and SVG charts of a projection run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the self-contained HTML report and SVG charts of a projection run.",
        discussion: """
            Reads projections.csv, in_sample_fit.csv, coefficients.csv and manifest.json from the \
            run folder and writes report.html (inline SVG and CSS, nothing loaded from the \
            network) and charts/*.svg. `migkit project` runs this at its end.

            Example:
              migkit report reports/
            """
    )
    @Argument(help: ArgumentHelp("The run folder written by `migkit project`.", valueName: "run-dir")) var runDirectory: String

    func run() throws {
        let url = URL(fileURLWithPath: runDirectory)
        guard ProjectionRun.isComplete(url) else {
            throw CLIError.message("\(runDirectory)/manifest.json: not found — the folder does not hold a complete run (it is written last); run `migkit project -o \(runDirectory)` again")
        }
        do { try HTMLReport.write(directory: url) } catch { throw CLIError.message("\(error)") }
        print("wrote \(runDirectory)/report.html and \(runDirectory)/charts/")
    }
}
