import ArgumentParser
import Foundation
import MigrationKit

/// `migkit doctor`: reports the BLAS/LAPACK set-up and warns when it is slow for this CPU.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",   // spelled out: the derived name costs a reflection of the type at every start
        abstract: "Check the BLAS/LAPACK set-up: library, kernel, threads, CPU features.",
        discussion: """
            Prints the loaded BLAS library, the OpenBLAS kernel (openblas_get_corename), the \
            thread count and the CPU's SIMD features, runs a small LAPACK self-check, and warns \
            with the fix when OpenBLAS runs a generic kernel on a CPU with AVX2/AVX-512.

            Example:
              migkit doctor --threads 2
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.apply()
        let cpu = CPUFeatures.current
        var out = ""
        out += "MigrationKit \(migrationKitVersion)\n"
        out += "BLAS library:   \(BLASRuntime.loadedLibraries.first { $0.contains("openblas") } ?? BLASRuntime.loadedLibraries.first ?? "unknown")\n"
        let lapacke = BLASRuntime.loadedLibraries.first { $0.contains("lapacke") }
        if let lapacke { out += "LAPACKE:        \(lapacke)\n" }
        out += "OpenBLAS:       \(BLASRuntime.configuration)\n"
        out += "Kernel:         \(BLASRuntime.coreName)\n"
        out += "Threads:        \(BLASRuntime.threadCount) (processors seen: \(BLASRuntime.processorCount))\n"
        let env = ProcessInfo.processInfo.environment
        for key in ["OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] {
            if let v = env[key] { out += "               \(key)=\(v)\n" }
        }
        out += "CPU:            \(cpu.modelName)\n"
        out += "CPU features:   \(cpu.simdSummary.isEmpty ? "none detected" : cpu.simdSummary.joined(separator: " "))\n"
        out += "Self-check:     \(selfCheck())\n"
        print(out, terminator: "")
        if let warning = BLASRuntime.kernelWarning(cpu: cpu) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
    }

    /// Solves a small system and a least-squares problem through LAPACK and checks the residual.
    func selfCheck() -> String {
        do {
            let a = try Matrix([[4, 1, 0], [1, 3, 1], [0, 1, 2]])
            let x = try a.solve([1, 2, 3])
            let back = try a.multiplied(by: x)
            let err = zip(back, [1.0, 2, 3]).map { abs($0 - $1) }.max() ?? .infinity
            let ls = try a.leastSquares([1, 2, 3], method: .svd())
            let err2 = zip(ls, x).map { abs($0 - $1) }.max() ?? .infinity
            guard err < 1e-12, err2 < 1e-12 else { return "FAILED (residual \(err), \(err2))" }
            return "ok (dgesv, dgelsd)"
        } catch {
            return "FAILED: \(error)"
        }
    }
}
