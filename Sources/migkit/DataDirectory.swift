import Foundation

/// Where `migkit` finds MigrationKit's data/ folder, so that it runs from any folder (and from
/// the PATH): `--data-dir DIR` when given, else the environment variable `MIGKIT_DATA`, else
/// `data/` in the current folder. A folder counts when it holds `countries.csv` (every shipped
/// data/ does). When none is found the error names all three places and what was looked at.
enum DataDirectory {
    /// The environment variable that names the data folder.
    static let environmentVariable = "MIGKIT_DATA"

    /// The data folder (see the type), spelled as given (a relative path stays relative, so that
    /// manifest.json records `data/scenarios/default.toml`, not a machine's absolute path).
    /// `environment` and `currentFolder` are parameters for tests.
    static func resolve(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                        currentFolder: String = FileManager.default.currentDirectoryPath) throws -> URL {
        func isDataFolder(_ path: String) -> Bool {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
                && FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("countries.csv"))
        }
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : (currentFolder as NSString).appendingPathComponent(p) }
        if let option {
            guard isDataFolder(absolute(option)) else {
                throw CLIError.message("--data-dir \(option): not a MigrationKit data folder (no countries.csv there) — pass the data/ folder of a MigrationKit clone")
            }
            return URL(fileURLWithPath: option)   // as given: manifest.json records it so
        }
        let env = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        if let env {
            guard isDataFolder(absolute(env)) else {
                throw CLIError.message("\(environmentVariable)=\(env): not a MigrationKit data folder (no countries.csv there) — set \(environmentVariable) to the data/ folder of a MigrationKit clone, or pass --data-dir DIR")
            }
            return URL(fileURLWithPath: env)
        }
        let local = absolute("data")
        if isDataFolder(local) { return URL(fileURLWithPath: "data") }
        throw CLIError.message("""
            cannot find MigrationKit's data folder: no --data-dir was given, \(environmentVariable) is not set, and \(local) is not one \
            (no countries.csv there). Pass --data-dir DIR, or set \(environmentVariable)=DIR (e.g. export \(environmentVariable)=/path/to/MigrationKit/data), \
            or run from the folder of a MigrationKit clone.
            """)
    }
}
