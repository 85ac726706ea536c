import Testing
import Foundation

@Suite("migkit end to end: --version, --help, doctor")
struct DoctorCommandTests {
    @Test func versionAndHelp() throws {
        let v = try MigkitRunner.run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let h = try MigkitRunner.run(["--help"])
        #expect(h.status == 0)
        #expect(h.stdout.contains("doctor"))
        #expect(h.stdout.contains("Examples"))
        let dh = try MigkitRunner.run(["doctor", "--help"])
        #expect(dh.status == 0)
        #expect(dh.stdout.contains("Example"))
        #expect(dh.stdout.contains("--threads"))
    }

    @Test func doctorReportsKernelThreadsAndSelfCheck() throws {
        let r = try MigkitRunner.run(["doctor", "--threads", "1"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Kernel:"))
        #expect(r.stdout.contains("Threads:        1"))
        #expect(r.stdout.contains("Self-check:     ok"))
        #expect(r.stdout.contains("OpenBLAS"))
    }

    @Test func doctorWarnsOnGenericKernel() throws {
        // Forcing OpenBLAS's Prescott kernel on a CPU with AVX2 must produce the warning and fix.
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let r = try MigkitRunner.run(["doctor"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(r.status == 0)
        if cpuinfo.contains(" avx2") && r.stdout.contains("Kernel:         Prescott") {
            #expect(r.stderr.contains("OPENBLAS_CORETYPE="))
        } else {
            #expect(!r.stderr.contains("warning:"))
        }
    }

    @Test func badThreadCountIsAClearError() throws {
        let r = try MigkitRunner.run(["doctor", "--threads", "0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--threads must be between 1 and 1024"))
    }
}
