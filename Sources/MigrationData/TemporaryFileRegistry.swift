// Removing the writers' temporary files when the process is interrupted (SIGINT, SIGTERM).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files that `CSVWriter` has open, so that SIGINT (Ctrl-C) and SIGTERM remove
/// them instead of leaving `.NAME.tmp-PID-N` files behind.
///
/// The first registration installs a handler for both signals. The handler only calls
/// async-signal-safe functions: it `unlink`s every registered path (kept as C strings in a
/// fixed table of `capacity` slots, so nothing is allocated in the handler), restores the
/// previous disposition of the signal and raises it again, so the process still ends the way it
/// would have (exit status 128 + signal, or the previous handler runs). SIGKILL cannot be caught;
/// a killed writer's temporary file stays (the destination is never touched before the rename).
/// More than `capacity` files open at once are written normally but not cleaned on a signal.
/// A registered folder is removed after the files (`rmdir`, so only once it is empty): a run's
/// temporary folder registers itself and every file written into it.
package enum TemporaryFileRegistry {
    static let capacity = 256

    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        table.initialize(repeating: nil, count: capacity)
        return table
    }()
    nonisolated(unsafe) private static var previousInterrupt = sigaction()
    nonisolated(unsafe) private static var previousTerminate = sigaction()
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var lock = pthread_mutex_t()
    nonisolated(unsafe) private static var lockReady: Bool = {
        pthread_mutex_init(&lock, nil)
        return true
    }()

    /// Registers `path`; returns the slot to pass to `unregister`, or nil when the table is full.
    package static func register(_ path: String) -> Int? {
        _ = lockReady
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let table = slots   // initialised before a handler can read it
        installHandlers()
        for k in 0..<capacity where table[k] == nil {
            table[k] = strdup(path)
            return k
        }
        return nil
    }

    /// Forgets the path in `slot` (after the file was renamed into place or removed).
    package static func unregister(_ slot: Int?) {
        guard let slot else { return }
        _ = lockReady
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let text = slots[slot]
        slots[slot] = nil
        free(text)
    }

    /// Installs the handlers once (called with the lock held). A signal the process ignores
    /// (e.g. SIGINT of a background job, or under `nohup`) stays ignored.
    private static func installHandlers() {
        guard !installed else { return }
        installed = true
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = { signal in TemporaryFileRegistry.handle(signal) }
        #else
        action.__sigaction_handler.sa_handler = { signal in TemporaryFileRegistry.handle(signal) }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        if !isIgnored(SIGINT) { sigaction(SIGINT, &action, &previousInterrupt) }
        if !isIgnored(SIGTERM) { sigaction(SIGTERM, &action, &previousTerminate) }
    }

    /// Whether the signal's current disposition is SIG_IGN.
    private static func isIgnored(_ signal: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signal, nil, &current) == 0 else { return false }
        #if canImport(Darwin)
        let handler = current.__sigaction_u.__sa_handler
        #else
        let handler = current.__sigaction_handler.sa_handler
        #endif
        return unsafeBitCast(handler, to: Int.self) == 1   // SIG_IGN is the handler value 1
    }

    /// The signal handler: unlink, restore the previous disposition, re-raise.
    private static func handle(_ signal: Int32) {
        for k in 0..<capacity {
            if let path = slots[k] { _ = unlink(path) }
        }
        // Registered folders (a run's temporary folder), now empty, go too.
        for k in 0..<capacity {
            if let path = slots[k] { _ = rmdir(path) }
        }
        if signal == SIGINT {
            sigaction(SIGINT, &previousInterrupt, nil)
        } else {
            sigaction(SIGTERM, &previousTerminate, nil)
        }
        raise(signal)
    }
}
