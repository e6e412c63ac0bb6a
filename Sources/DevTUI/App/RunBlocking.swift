import ClusterProbe
import Dispatch

/// Runs `body` on the concurrency pool and blocks this synchronous thread until it returns:
/// ArgumentParser's `run()` and the curses loop are not async.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let result = Locked<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let value = await body()
        result.with { $0 = value }
        done.signal()
    }
    done.wait()
    // Set before the signal, so always there.
    return result.with { $0 }!
}
