import Synchronization

/// Tasks to cancel together.
final class TaskBag: Sendable {
    private let tasks = Mutex<[Task<Void, Never>]>([])
    func add(_ task: Task<Void, Never>) { tasks.withLock { $0.append(task) } }
    func cancelAll() { tasks.withLock { $0.forEach { $0.cancel() }; $0.removeAll() } }
}
