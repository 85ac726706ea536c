import CLAPACK
import Foundation

/// The BLAS library at run time: which OpenBLAS kernel runs, on how many threads, on what CPU.
///
/// OpenBLAS reads `OPENBLAS_NUM_THREADS` (and `OPENBLAS_CORETYPE`) when the library loads;
/// `setThreadCount` changes the thread count afterwards. The kernel can only be chosen by the
/// environment before the process starts.
public enum BLASRuntime {
    /// Threads OpenBLAS uses now (`openblas_get_num_threads`).
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Processors OpenBLAS sees (`openblas_get_num_procs`).
    public static var processorCount: Int { Int(openblas_get_num_procs()) }

    /// Sets the OpenBLAS thread count (`openblas_set_num_threads`).
    /// - Throws: `invalidArgument` when `count < 1` or above 1024.
    public static func setThreadCount(_ count: Int) throws {
        guard count >= 1, count <= 1024 else {
            throw LinalgError.invalidArgument(operation: "setThreadCount", details: "thread count must be between 1 and 1024, got \(count)")
        }
        openblas_set_num_threads(Int32(count))
    }

    /// The compute kernel in use (`openblas_get_corename`), e.g. "Haswell", "SkylakeX", "Prescott".
    public static var coreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p).trimmingCharacters(in: .whitespaces)
    }

    /// OpenBLAS build configuration (`openblas_get_config`), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ...".
    public static var configuration: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p).trimmingCharacters(in: .whitespaces)
    }

    /// Paths of the loaded BLAS/LAPACK shared libraries (from /proc/self/maps on Linux).
    public static var loadedLibraries: [String] {
        guard let maps = readWhole("/proc/self/maps") else { return [] }
        var seen: [String] = []
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            let name = (path as NSString).lastPathComponent
            if name.contains("openblas") || name.contains("lapack") || name.contains("blas"), !seen.contains(path) {
                seen.append(path)
            }
        }
        return seen
    }

    /// A file read to its end by `read(2)` until it returns 0. `/proc` files report size 0, and
    /// `String(contentsOfFile:)` returned only their first 4 KB (the libraries mapped later in
    /// /proc/self/maps were missed).
    static func readWhole(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            bytes.append(contentsOf: chunk[0..<got])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// OpenBLAS kernels that use no AVX2 (slow on modern CPUs).
    package static let genericKernels: Set<String> = [
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
        "Northwood", "Banias", "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat", "Sandybridge",
        "Bulldozer", "Piledriver", "Steamroller", "Excavator", "Generic", "generic", "Unknown", "unknown",
    ]

    /// A warning with its fix when OpenBLAS runs a kernel below what the CPU supports, else nil.
    package static func kernelWarning(cpu: CPUFeatures = .current) -> String? {
        let core = coreName
        guard cpu.hasAVX2, genericKernels.contains(core) || core.lowercased().contains("prescott") else { return nil }
        let suggestion = cpu.hasAVX512F ? "SkylakeX (AVX-512; on CPUs where that kernel misbehaves, Haswell)" : "Haswell"
        return """
            OpenBLAS runs its '\(core)' kernel, but this CPU supports \(cpu.hasAVX512F ? "AVX-512" : "AVX2"): \
            matrix products run several times slower than they could. Fix: start migkit with \
            OPENBLAS_CORETYPE=\(suggestion.split(separator: " ").first ?? "Haswell") in the environment \
            (e.g. `export OPENBLAS_CORETYPE=\(suggestion.split(separator: " ").first ?? "Haswell")`), or install a newer \
            OpenBLAS that knows this CPU. Suggested kernel: \(suggestion).
            """
    }
}

/// CPU identification and SIMD features, read from /proc/cpuinfo (Linux).
package struct CPUFeatures: Sendable {
    package let modelName: String
    package let flags: Set<String>

    package var hasAVX: Bool { flags.contains("avx") }
    package var hasAVX2: Bool { flags.contains("avx2") }
    package var hasFMA: Bool { flags.contains("fma") }
    package var hasAVX512F: Bool { flags.contains("avx512f") }

    /// The SIMD features worth reporting, in order.
    package var simdSummary: [String] {
        ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512vl", "avx512_bf16"].filter { flags.contains($0) }
    }

    package init(modelName: String, flags: Set<String>) {
        self.modelName = modelName
        self.flags = flags
    }

    /// The machine's CPU; empty flags where /proc/cpuinfo is unavailable.
    package static var current: CPUFeatures {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            return CPUFeatures(modelName: "unknown", flags: [])
        }
        var model = "unknown"
        var flags: Set<String> = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if key == "model name", model == "unknown" { model = parts[1].trimmingCharacters(in: .whitespaces) }
            if key == "flags", flags.isEmpty { flags = Set(parts[1].split(separator: " ").map(String.init)) }
            if model != "unknown", !flags.isEmpty { break }
        }
        return CPUFeatures(modelName: model, flags: flags)
    }
}
