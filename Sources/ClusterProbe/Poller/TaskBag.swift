import Dispatch
import Synchronization

/// Tasks to cancel together.
final class TaskBag: Sendable {
    private let tasks = Mutex<[Task<Void, Never>]>([])
    func add(_ task: Task<Void, Never>) { tasks.withLock { $0.append(task) } }
    /// Cancels every task; returns them, for a caller that must wait for them to end.
    @discardableResult
    func cancelAll() -> [Task<Void, Never>] {
        tasks.withLock { t in
            t.forEach { $0.cancel() }
            defer { t.removeAll() }
            return t
        }
    }
}

/// Blocks the calling (non-async) thread until `tasks` have ended or `timeout` has passed. A
/// cancelled task that runs a command ends only after its child was stopped (SIGTERM to its
/// process group, SIGKILL a second later), so waiting here is what keeps children from outliving
/// the dashboard.
public func waitForEnd(of tasks: [Task<Void, Never>], timeout: Duration) {
    guard !tasks.isEmpty else { return }
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        for task in tasks { await task.value }
        done.signal()
    }
    _ = done.wait(timeout: .now() + .milliseconds(timeout.milliseconds))
}
