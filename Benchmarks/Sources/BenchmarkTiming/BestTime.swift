import Dispatch

/// Best wall time in seconds of `repeats` runs of `body`, after one warm-up run (page cache,
/// lazy initialisation, BLAS thread start-up), as every benchmark here reports it.
public func bestTime(_ repeats: Int, _ body: () throws -> Void) throws -> Double {
    try body()
    var best = Double.infinity
    for _ in 0..<max(1, repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}
