import Foundation

/// Runs the built `migkit` binary (next to the test runner in .build/<config>/) and captures
/// its output, as a user would run it.
struct MigkitRunner {
    struct Result { let status: Int32; let stdout: String; let stderr: String }

    static var binary: URL? {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("migkit")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
                    currentDirectory: URL? = nil) throws -> Result {
        guard let binary else { throw RunnerError.binaryNotFound }
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        for k in removing { env[k] = nil }
        p.environment = env
        if let currentDirectory { p.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    enum RunnerError: Error { case binaryNotFound }
}
