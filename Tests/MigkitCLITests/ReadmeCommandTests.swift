import Testing
import Foundation

/// The README cannot mention a `migkit` subcommand that does not exist: every `migkit <sub>`
/// (and `migkit <sub> <nested>` for commands with subcommands, alternatives `a|b` included) in
/// its inline code and code blocks must answer `--help` with its own usage line. Cheap: one
/// `--help` per distinct command. scripts/check-readme runs the commands themselves.
@Suite("README: every migkit subcommand it mentions exists")
struct ReadmeCommandTests {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    /// The code in the README: inline code spans and fenced blocks (prose is left out, so a
    /// sentence like "migkit writes …" is not read as a command).
    static func code(in markdown: String) -> [String] {
        var pieces: [String] = [], block: [String]? = nil
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                if let b = block { pieces.append(b.joined(separator: "\n")); block = nil } else { block = [] }
                continue
            }
            if block != nil { block!.append(String(line)); continue }
            let spans = line.split(separator: "`", omittingEmptySubsequences: false)
            for (i, span) in spans.enumerated() where i % 2 == 1 { pieces.append(String(span)) }
        }
        return pieces
    }

    /// (subcommand, next word or alternatives) for each `migkit <word>` in the code.
    static func mentions(in markdown: String) -> [(sub: String, next: [String])] {
        let pattern = try! NSRegularExpression(
            pattern: #"(?:^|[\s/(])migkit[ \t]+([a-z][a-z-]*)(?:[ \t]+([a-z][a-z0-9-]*(?:\\?\|[a-z][a-z0-9-]*)*)(?=[\s`\\]|$))?"#,
            options: [.anchorsMatchLines])
        var found: [(String, [String])] = []
        for piece in code(in: markdown) {
            let ns = piece as NSString
            for m in pattern.matches(in: piece, range: NSRange(location: 0, length: ns.length)) {
                let sub = ns.substring(with: m.range(at: 1))
                var next: [String] = []
                if m.range(at: 2).location != NSNotFound {
                    next = ns.substring(with: m.range(at: 2)).replacingOccurrences(of: "\\", with: "")
                        .split(separator: "|").map(String.init)
                }
                found.append((sub, next))
            }
        }
        return found
    }

    /// The `USAGE:` line of `migkit <words> --help`, or nil when it fails.
    static func usage(_ words: [String]) throws -> String? {
        let r = try MigkitRunner.run(words + ["--help"])
        guard r.status == 0 else { return nil }
        return r.stdout.split(separator: "\n").first { $0.hasPrefix("USAGE: ") }.map(String.init)
    }

    @Test func everyMentionedSubcommandExists() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let mentions = Self.mentions(in: text)
        #expect(mentions.count >= 10, "found only \(mentions.count) `migkit <subcommand>` mentions in README.md")
        var usages: [[String]: String?] = [:]
        func check(_ words: [String]) throws -> String? {
            if let known = usages[words] { return known }
            let u = try Self.usage(words)
            let command = (["migkit"] + words).joined(separator: " ")
            #expect(u?.hasPrefix("USAGE: \(command)") == true,
                    "README.md mentions `\(command)`, but `\(command) --help` gives \(u ?? "an error")")
            usages[words] = u
            return u
        }
        for (sub, next) in mentions {
            // Only commands with subcommands of their own take a nested name (`migkit markov fit`);
            // for the others the next word is an argument (`migkit fit ppml`).
            guard let top = try check([sub]), top.contains("<subcommand>") else { continue }
            for nested in next { _ = try check([sub, nested]) }
        }
        #expect(usages[["project"]] != nil && usages[["markov", "analyze"]] != nil)
    }

    @Test func aMissingSubcommandIsNoticed() throws {
        // ArgumentParser answers `--help` for an unknown name with the parent's help and exit 0,
        // so the check reads the usage line rather than the exit status.
        #expect(try Self.usage(["no-such-command"])?.hasPrefix("USAGE: migkit no-such-command") != true)
        #expect(try Self.usage(["markov", "no-such-command"])?.hasPrefix("USAGE: migkit markov no-such-command") != true)
        #expect(try Self.usage(["markov", "analyze"])?.hasPrefix("USAGE: migkit markov analyze") == true)
    }

    @Test func mentionsAreFoundInCodeOnly() {
        let sample = """
            Prose about migkit project is not code. `migkit markov fit\\|analyze` and `migkit data list`.
            ```console
            $ .build/release/migkit doctor
            $ migkit fit ppml --data x.csv
            ```
            """
        let m = Self.mentions(in: sample)
        #expect(m.map(\.sub) == ["markov", "data", "doctor", "fit"])
        #expect(m[0].next == ["fit", "analyze"])
        #expect(m[1].next == ["list"])
        #expect(m[2].next.isEmpty)
    }
}
