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

/// Lets an action cut a loop's sleep short ("refresh now"). Sleeping loops cost no wake-ups:
/// a sleep is one timer, raced against a continuation that `wake` resumes.
public final class Wakeups: Sendable {
    public enum Source: Sendable, Hashable, CaseIterable { case vm, context, pods, app, volume, logs, events, nodes }

    private struct State {
        var pending: Set<Source> = []
        var waiters: [Source: CheckedContinuation<Void, Never>] = [:]
    }
    private let state = Mutex(State())

    public func wake(_ source: Source) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let waiter = s.waiters.removeValue(forKey: source) { return waiter }
            s.pending.insert(source)
            return nil
        }
        waiter?.resume()
    }

    /// Sleeps for `duration`; returns early when `source` is woken or the task is cancelled.
    func sleep(_ duration: Duration, or source: Source) async {
        if state.withLock({ $0.pending.remove(source) != nil }) { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask { await self.woken(source) }
            await group.next()
            group.cancelAll()
            await group.waitForAll()
        }
    }

    private func woken(_ source: Source) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if Task.isCancelled || s.pending.remove(source) != nil { return true }
                    s.waiters[source] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: source) }
            waiter?.resume()
        }
    }
}

/// Collects streamed lines and hands them over in batches: a flood of log lines becomes a few
/// model updates per second instead of one lock and one redraw per line.
final class LogBatcher: Sendable {
    private let pending = Mutex<(lines: [String], last: Int)>(([], 0))
    private let deliver: @Sendable ([String]) -> Void

    init(deliver: @escaping @Sendable ([String]) -> Void) { self.deliver = deliver }

    func add(_ lines: [String]) {
        let batch: [String]? = pending.withLock { p in
            p.lines.append(contentsOf: lines)
            let now = Clock.monotonicMs()
            // A quiet stream's line goes out at once; a flood goes out in chunks, at most every 50 ms.
            guard p.lines.count >= 4096 || now - p.last >= 50 else { return nil }
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
