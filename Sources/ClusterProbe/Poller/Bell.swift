import Dispatch

/// What a loop on a thread of its own sleeps on: the thread blocks in the kernel until `ring`
/// or the timeout, with no timer thread and no hand-off involved. One bell serves one sleep.
public final class Bell: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)

    public init() {}

    public func ring() { semaphore.signal() }

    /// Blocks until rung (true) or until `timeoutMs` has passed (false); nil waits for the ring.
    @discardableResult
    public func wait(timeoutMs: Int?) -> Bool {
        guard let timeoutMs else { semaphore.wait(); return true }
        return semaphore.wait(timeout: .now() + .milliseconds(max(0, timeoutMs))) == .success
    }
}
