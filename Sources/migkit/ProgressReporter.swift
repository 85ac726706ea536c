import ArgumentParser
import Foundation
import MigrationKit

/// `--progress` of `migkit project`.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    /// A bar when standard error is a terminal, plain lines otherwise.
    case auto
    /// A bar redrawn in place (on a terminal).
    case bar
    /// One line per phase and per 10 % of the projection, for logs and batch jobs.
    case plain
    /// Nothing.
    case none
}

/// Progress of a projection run on standard error: the phase (loading, fitting, projecting,
/// writing), the time elapsed and, while projecting, the share done and an estimate of the time
/// left (elapsed × (1 − f) / f within the phase). Phases only move forward and the share only
/// grows: a report that would go back (a late callback of a worker thread) is ignored. As a bar
/// it is redrawn in place four times a second, also during the fitting, which reports no share.
final class ProgressReporter: @unchecked Sendable {
    let style: ProgressMode   // .bar, .plain or .none (auto resolved)
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    private let started: Double
    private var phaseIndex = -1
    private var phaseStarted = 0.0
    private var fraction = 0.0
    private var lastPlainDecile = -1
    private var timer: DispatchSourceTimer?
    private var finished = false

    static let phases: [ProjectionRun.Phase] = [.loading, .fitting, .projecting, .writing]
    static let labels: [ProjectionRun.Phase: String] = [
        .loading: "loading data", .fitting: "fitting the models", .projecting: "projecting", .writing: "writing the reports",
    ]

    init(mode: ProgressMode, isTerminal: Bool = isatty(STDERR_FILENO) == 1,
         write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
         clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }) {
        switch mode {
        case .auto: style = isTerminal ? .bar : .plain
        default: style = mode
        }
        self.write = write
        self.clock = clock
        started = clock()
        if style == .bar {
            let t = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
            t.schedule(deadline: .now() + 0.25, repeating: 0.25)
            t.setEventHandler { [weak self] in self?.tick() }
            t.resume()
            timer = t
        }
    }

    /// The callback for `ProjectionRun.execute`.
    var callback: (@Sendable (ProjectionRun.Phase, Double) -> Void)? {
        guard style != .none else { return nil }
        let reporter = self
        return { @Sendable phase, f in reporter.update(phase, f) }
    }

    func update(_ phase: ProjectionRun.Phase, _ f: Double) {
        guard let k = Self.phases.firstIndex(of: phase) else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !finished, k >= phaseIndex else { return }   // never back to an earlier phase
        let now = clock()
        if k > phaseIndex {
            phaseIndex = k
            phaseStarted = now
            fraction = 0
            lastPlainDecile = -1
            if style == .plain { write(plainLine(now)) }
        }
        let clamped = min(1, max(0, f.isFinite ? f : 0))
        guard clamped >= fraction else { return }          // the share only grows
        let shownBefore = Int((fraction * 100).rounded(.down))
        fraction = clamped
        switch style {
        case .bar:
            // Redraw when the percentage shown changes (the timer redraws the time).
            if Int((clamped * 100).rounded(.down)) != shownBefore || clamped == 0 { write(barLine(now)) }
        case .plain:
            let decile = Int((clamped * 10).rounded(.down))
            if phase == .projecting, decile > lastPlainDecile, decile > 0 {
                lastPlainDecile = decile
                write(plainLine(now))
            }
        default: break
        }
    }

    private func tick() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished, phaseIndex >= 0 else { return }
        write(barLine(clock()))
    }

    static func seconds(_ s: Double) -> String {
        s < 60 ? String(format: "%.1f s", s) : String(format: "%d min %02d s", Int(s) / 60, Int(s) % 60)
    }

    /// "about 12 s left" from the phase's elapsed time and share done; nil before 2 % (too early).
    func remaining(_ now: Double) -> String? {
        guard Self.phases[phaseIndex] == .projecting, fraction >= 0.02, fraction < 1 else { return nil }
        let left = (now - phaseStarted) * (1 - fraction) / fraction
        return left < 60 ? String(format: "about %.0f s left", left.rounded(.up)) : "about \(Self.seconds(left.rounded(.up))) left"
    }

    func barLine(_ now: Double) -> String {
        let phase = Self.phases[phaseIndex]
        var s = "\r[\(phaseIndex + 1)/\(Self.phases.count)] \(Self.labels[phase] ?? phase.rawValue)"
        if phase == .projecting {
            let percent = Int((fraction * 100).rounded(.down))
            let filled = percent * 24 / 100
            s += " [" + String(repeating: "█", count: filled) + String(repeating: "·", count: 24 - filled) + "] \(percent) %"
        }
        s += " · \(Self.seconds(now - started))"
        if let r = remaining(now) { s += " · \(r)" }
        return s + "\u{1B}[K"
    }

    func plainLine(_ now: Double) -> String {
        let phase = Self.phases[phaseIndex]
        var s = "migkit: [\(phaseIndex + 1)/\(Self.phases.count)] \(Self.labels[phase] ?? phase.rawValue)"
        if phase == .projecting, fraction > 0 { s += " \(Int((fraction * 100).rounded(.down))) %" }
        s += " (\(Self.seconds(now - started)) elapsed"
        if let r = remaining(now) { s += ", \(r)" }
        return s + ")\n"
    }

    /// Stops the redraws and clears the bar (plain: a closing line with the total time).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        timer?.cancel()
        timer = nil
        switch style {
        case .bar: write("\r\u{1B}[K")
        case .plain: write("migkit: done in \(Self.seconds(clock() - started))\n")
        case .none, .auto: break
        }
    }
}
