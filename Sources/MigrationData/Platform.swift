// The few C library calls the CSV layer needs (open, read, write, lseek, rename, fsync),
// imported from the platform's C module. No Foundation: the data layer stays light.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers around POSIX file calls, so that the rest of the module does not repeat the
/// platform conditionals. Every function reports failure with the `errno` text instead of
/// trapping.
enum POSIX {
    /// The message for the current `errno`, e.g. "No such file or directory".
    static func lastErrorMessage() -> String {
        let code = errno
        defer { errno = code }
        if let text = strerror(code) {
            return String(cString: text)
        }
        return "error \(code)"
    }

    /// Opens `path` for reading; returns the descriptor or the error text.
    static func openForReading(_ path: String) -> Result<Int32, PlatformFailure> {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return .success(fd) }
            if errno == EINTR { continue }
            return .failure(PlatformFailure(lastErrorMessage()))
        }
    }

    /// Creates a new file that must not exist yet (`O_EXCL`), writable, mode 0666 less umask.
    static func createExclusive(_ path: String) -> Result<Int32, PlatformFailure> {
        while true {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 { return .success(fd) }
            if errno == EINTR { continue }
            return .failure(PlatformFailure(lastErrorMessage()))
        }
    }

    /// Reads up to `count` bytes; returns the number read (0 at end of file).
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Result<Int, PlatformFailure> {
        while true {
            #if canImport(Darwin)
            let n = Darwin.read(fd, buffer, count)
            #elseif canImport(Glibc)
            let n = Glibc.read(fd, buffer, count)
            #else
            let n = Musl.read(fd, buffer, count)
            #endif
            if n >= 0 { return .success(n) }
            if errno == EINTR { continue }
            return .failure(PlatformFailure(lastErrorMessage()))
        }
    }

    /// Writes all `count` bytes, retrying short writes.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawPointer, count: Int) -> Result<Void, PlatformFailure> {
        var written = 0
        while written < count {
            #if canImport(Darwin)
            let n = Darwin.write(fd, buffer + written, count - written)
            #elseif canImport(Glibc)
            let n = Glibc.write(fd, buffer + written, count - written)
            #else
            let n = Musl.write(fd, buffer + written, count - written)
            #endif
            if n > 0 {
                written += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return .failure(PlatformFailure(lastErrorMessage()))
            }
        }
        return .success(())
    }

    /// The descriptor's current offset, `nil` when it cannot seek (pipes, terminals).
    static func currentOffset(_ fd: Int32) -> Int? {
        let offset = lseek(fd, 0, SEEK_CUR)
        return offset < 0 ? nil : Int(offset)
    }

    /// Moves the descriptor to absolute byte `offset`; fails on pipes and terminals.
    static func seek(_ fd: Int32, to offset: Int) -> Bool {
        lseek(fd, off_t(offset), SEEK_SET) == off_t(offset)
    }

    /// Flushes the file's data to the storage device.
    static func sync(_ fd: Int32) -> Result<Void, PlatformFailure> {
        while true {
            if fsync(fd) == 0 { return .success(()) }
            if errno == EINTR { continue }
            // EINVAL: the descriptor does not support syncing (a pipe, a special file); not a failure.
            if errno == EINVAL || errno == EROFS { return .success(()) }
            return .failure(PlatformFailure(lastErrorMessage()))
        }
    }

    static func close(_ fd: Int32) -> Result<Void, PlatformFailure> {
        #if canImport(Darwin)
        let status = Darwin.close(fd)
        #elseif canImport(Glibc)
        let status = Glibc.close(fd)
        #else
        let status = Musl.close(fd)
        #endif
        return status == 0 ? .success(()) : .failure(PlatformFailure(lastErrorMessage()))
    }

    static func rename(_ from: String, _ to: String) -> Result<Void, PlatformFailure> {
        #if canImport(Darwin)
        let status = Darwin.rename(from, to)
        #elseif canImport(Glibc)
        let status = Glibc.rename(from, to)
        #else
        let status = Musl.rename(from, to)
        #endif
        return status == 0 ? .success(()) : .failure(PlatformFailure(lastErrorMessage()))
    }

    /// Removes `path`; returns whether it is gone (removed now, or already absent).
    @discardableResult
    static func unlink(_ path: String) -> Bool {
        #if canImport(Darwin)
        let status = Darwin.unlink(path)
        #elseif canImport(Glibc)
        let status = Glibc.unlink(path)
        #else
        let status = Musl.unlink(path)
        #endif
        return status == 0 || errno == ENOENT
    }

    /// What an existing path is, without following a final symbolic link (`lstat`).
    enum PathKind: Equatable {
        case absent
        case regular(mode: UInt32, owner: UInt32, group: UInt32)
        case directory
        case symbolicLink
        /// A device node, FIFO or socket, named for messages.
        case special(String)
    }

    static func pathKind(_ path: String) -> PathKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular(mode: UInt32(info.st_mode & 0o7777), owner: UInt32(info.st_uid), group: UInt32(info.st_gid))
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        case S_IFCHR: return .special("a character device")
        case S_IFBLK: return .special("a block device")
        case S_IFIFO: return .special("a FIFO (named pipe)")
        case S_IFSOCK: return .special("a socket")
        default: return .special("not a regular file")
        }
    }

    /// Gives the open file `fd` the permission bits `mode` and (best effort: only root may
    /// give a file away) the owner and group of the file it replaces.
    static func copyAttributes(to fd: Int32, mode: UInt32, owner: UInt32, group: UInt32) -> Result<Void, PlatformFailure> {
        _ = fchown(fd, uid_t(owner), gid_t(group))
        return fchmod(fd, mode_t(mode)) == 0 ? .success(()) : .failure(PlatformFailure(lastErrorMessage()))
    }


    /// The process id, used to name temporary files.
    static func processID() -> Int { Int(getpid()) }

    /// Nanoseconds from a monotonic clock, used to make temporary names unlikely to collide.
    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Whether `count` bytes at `a` and `b` are equal (memcmp).
    @inline(__always)
    static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        memcmp(a, b, count) == 0
    }

    static let standardInput: Int32 = 0
    static let standardOutput: Int32 = 1

    /// The size of a regular file, `nil` for pipes and other special files.
    static func regularFileSize(_ fd: Int32) -> Int? {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Whether `path` names an existing directory (used to refuse writing onto a directory).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// The `errno` code and text of a failed system call.
struct PlatformFailure: Error {
    let message: String
    let code: Int32
    init(_ message: String, code: Int32 = errno) {
        self.message = message
        self.code = code
    }

    /// The call failed because the file already exists (`EEXIST`).
    var isAlreadyExists: Bool { code == EEXIST }
}

extension POSIX {
    /// The number of processors this process may run on: its CPU affinity (e.g. under
    /// `taskset`; Linux's `Cpus_allowed` mask in /proc/self/status), else the number online;
    /// at least 1.
    static var activeProcessorCount: Int {
        let online = Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        guard case .success(let descriptor) = openForReading("/proc/self/status") else { return online }
        defer { _ = close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 16_384)
        var filled = 0
        while filled < bytes.count {
            let result = bytes.withUnsafeMutableBytes { read(descriptor, into: $0.baseAddress! + filled, count: $0.count - filled) }
            guard case .success(let count) = result, count > 0 else { break }
            filled += count
        }
        let text = String(decoding: bytes[0..<filled], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return online }
        var allowed = 0
        for character in line.dropFirst("Cpus_allowed:".count) {
            if let digit = character.hexDigitValue { allowed += digit.nonzeroBitCount }
        }
        return allowed > 0 ? Swift.min(allowed, online) : online
    }

    /// The offset of the first `byte` in `bytes[0..<count]`, or `nil` (the C library's
    /// vectorised `memchr`).
    static func firstIndex(of byte: UInt8, in bytes: UnsafePointer<UInt8>, count: Int) -> Int? {
        guard count > 0, let found = memchr(bytes, Int32(byte), count) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(bytes)
    }
}

/// How many processors this process may use (its CPU affinity, e.g. under `taskset`, else the
/// processors online), for the layers above that split work across threads.
package enum ProcessorCount {
    /// Computed once per process.
    package static let available: Int = POSIX.activeProcessorCount
}

/// Process-wide allocator settings for the command-line tool.
package enum AllocatorTuning {
    /// Lets glibc's `malloc` serve arrays of up to 64 MB from its heap and keep up to 256 MB of
    /// freed memory there (`mallopt` `M_MMAP_THRESHOLD`, `M_TRIM_THRESHOLD`). The default maps
    /// every large array afresh and returns it on `free`, so an iterative fit that allocates
    /// million-row arrays every iteration page-faults them in again each time (measured: 8 %
    /// of a PPML fit, 19 % of a spatial interaction fit). Peak memory is unchanged: what is kept
    /// is reused by the next allocation. No effect on other C libraries.
    package static func reuseFreedMemory() {
        #if canImport(Glibc)
        // `mallopt` is not in the Glibc module map: look it up. M_TRIM_THRESHOLD = -1,
        // M_MMAP_THRESHOLD = -3 (glibc's <malloc.h>).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 64 << 20)
        _ = mallopt(-1, 256 << 20)
        #endif
    }

    /// Prepares the first `bytes` of the heap (at most 64 MB) for a run that will use about
    /// that much: the region is taken from the system once and given back to `malloc`, which
    /// then serves the run's arrays from it (`reuseFreedMemory` must have been called, so that
    /// it is kept), with the kernel asked to back it by 2 MB pages (`madvise(MADV_HUGEPAGE)`,
    /// honoured when transparent huge pages are `madvise` or `always`). One fault then maps
    /// 2 MB instead of 4 KB: the kernel's per-page work (charging, LRU, mapping) is most of a
    /// small run's page-fault cost — `flows sim` at 249,500 flows: 7,700 → 1,800 faults and
    /// ≈ 7 ms less CPU; pre-faulting 4 KB pages (`MADV_POPULATE_WRITE`) saved nothing.
    /// Nothing is touched here: pages the run never uses are never mapped. Bounded because a
    /// large run's many huge pages can wait on memory compaction (glibc's own
    /// `glibc.malloc.hugetlb=1` for the whole heap: 0.21 → 1.03 s system time at 4 million
    /// flows); beyond the region the heap grows in 4 KB pages as before.
    package static func prepareHeap(bytes: Int) {
        #if canImport(Glibc)
        let huge = 2 << 20
        let size = Swift.min(bytes, 64 << 20) - 1024   // below M_MMAP_THRESHOLD: from the heap
        guard size >= 2 * huge, let p = malloc(size) else { return }
        let address = UInt(bitPattern: p)
        let start = (address + UInt(huge - 1)) & ~UInt(huge - 1), end = (address + UInt(size)) & ~UInt(huge - 1)
        if end > start, let region = UnsafeMutableRawPointer(bitPattern: start) {
            _ = madvise(region, Int(end - start), 14)  // MADV_HUGEPAGE (<sys/mman.h>)
        }
        free(p)
        #endif
    }
}
