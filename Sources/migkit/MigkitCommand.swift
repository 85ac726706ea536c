import ArgumentParser
import MigrationKit

/// The `migkit` command line tool: one type per subcommand, parsing and printing only.
@main
struct Migkit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migkit",
        abstract: "Model migration and forced displacement: fit, project and report.",
        discussion: """
            MigrationKit fits displacement and migration models on real data (UNHCR, IDMC, WPP) and \
            projects them under climate and development scenarios.

            Examples:
              migkit fit ppml --data flows.csv --formula 'flow ~ log(dist) | orig + dest' -o coef.csv
              migkit doctor                 # check the BLAS/LAPACK set-up
              migkit doctor --threads 1     # ... with one BLAS thread
              migkit --version
            """,
        version: migrationKitVersion,
        subcommands: [Project.self, MergeCommand.self, ReportCommand.self, NotebookCommand.self, BacktestCommand.self, Fit.self, FlowsCommand.self, ScheduleCommand.self, MarkovCommand.self, CohortCommand.self, DataCommand.self, Doctor.self]
    )
}
