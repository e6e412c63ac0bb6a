import ClusterProbe
import Synchronization

/// Wakes the dashboard's loop from other threads (a model change, an action's output, a signal):
/// a self-pipe the loop polls beside the terminal, so an idle dashboard sleeps instead of ticking.
/// Rings are coalesced: one byte stands for every ring until the loop drains it.
final class Doorbell: Sendable {
    let readFD: Int32
    private let writeFD: Int32
    private let pending = Atomic<Bool>(false)

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        for fd in fds where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)  // children (kubectl, vagrant) must not inherit it
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    func ring() {
        guard writeFD >= 0, !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Called by the loop when it wakes, before it looks at what changed: a ring after the
    /// reset writes again, and one before it is covered by that look.
    func drain() {
        guard readFD >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
        pending.store(false, ordering: .sequentiallyConsistent)
    }
}
