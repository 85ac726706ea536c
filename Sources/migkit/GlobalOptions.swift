import ArgumentParser
import MigrationKit
import MigrationData

/// Options every computing subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "BLAS threads (default: OPENBLAS_NUM_THREADS, else all cores); in project, merge and backtest also the engine's worker threads (project and merge run their small fits' BLAS on one thread).", valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let t = threads, !(1...1024).contains(t) {
            throw ValidationError("--threads must be between 1 and 1024, got \(t).")
        }
    }

    /// Applies the options to the process (BLAS thread count; the allocator keeps freed large
    /// arrays for reuse, see `AllocatorTuning`).
    func apply() throws {
        AllocatorTuning.reuseFreedMemory()
        if let t = threads { try BLASRuntime.setThreadCount(t) }
    }

    /// `apply()` for the commands whose model fits are small (`project`, `merge`): `--threads`
    /// sets their engine's workers, and BLAS runs on one thread — OpenBLAS's extra threads only
    /// spin-wait between such small calls (35–60 ms of CPU per process measured; outputs
    /// identical).
    func applyWithSingleThreadedBLAS() throws {
        AllocatorTuning.reuseFreedMemory()
        try BLASRuntime.setThreadCount(1)
    }
}
