import Synchronization

/// A value behind a lock, for state shared by a stream callback.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: Mutex<Void> = Mutex(())
    private var value: Value
    public init(_ value: Value) { self.value = value }
    public func with<R>(_ body: (inout Value) -> R) -> R {
        mutex.withLock { _ in body(&value) }
    }
}

/// Tasks to cancel together.
final class TaskBag: Sendable {
    private let tasks = Mutex<[Task<Void, Never>]>([])
    func add(_ task: Task<Void, Never>) { tasks.withLock { $0.append(task) } }
    func cancelAll() { tasks.withLock { $0.forEach { $0.cancel() }; $0.removeAll() } }
}

/// Lets an action cut a loop's sleep short ("refresh now").
public final class Wakeups: Sendable {
    public enum Source: Sendable, Hashable, CaseIterable { case vm, context, pods, app, volume, logs }
    private let pending = Mutex<Set<Source>>([])

    public func wake(_ source: Source) { pending.withLock { _ = $0.insert(source) } }

    /// Sleeps for `duration`, returning early (within 100 ms) when `source` is woken or the task is cancelled.
    func sleep(_ duration: Duration, or source: Source) async {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        while clock.now < deadline, !Task.isCancelled {
            if pending.withLock({ $0.remove(source) != nil }) { return }
            try? await Task.sleep(for: min(.milliseconds(100), deadline - clock.now))
        }
    }
}

/// Collects streamed lines and hands them over in batches: a flood of log lines becomes a few
/// model updates per second instead of one lock and one redraw per line.
final class LogBatcher: Sendable {
    private let pending = Mutex<(lines: [String], last: Int)>(([], 0))
    private let deliver: @Sendable ([String]) -> Void

    init(deliver: @escaping @Sendable ([String]) -> Void) { self.deliver = deliver }

    func add(_ line: String) {
        let batch: [String]? = pending.withLock { p in
            p.lines.append(line)
            let now = Clock.monotonicMs()
            guard p.lines.count >= 512 || now - p.last >= 50 else { return nil }
            p.last = now
            defer { p.lines.removeAll(keepingCapacity: true) }
            return p.lines
        }
        if let batch { deliver(batch) }
    }

    func flush() {
        let batch = pending.withLock { p -> [String] in defer { p.lines.removeAll() }; return p.lines }
        if !batch.isEmpty { deliver(batch) }
    }
}
