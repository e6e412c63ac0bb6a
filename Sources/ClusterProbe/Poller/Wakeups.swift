import Synchronization

/// Lets an action cut a loop's sleep short ("refresh now"). Sleeping loops cost no wake-ups:
/// a task's sleep is one timer, raced against a continuation that `wake` resumes; a thread's
/// sleep blocks on a bell that `wake` rings.
public final class Wakeups: Sendable {
    public enum Source: Sendable, Hashable, CaseIterable { case vm, context, pods, app, volume, logs, events, nodes }

    private enum Waiter {
        case task(CheckedContinuation<Void, Never>)
        case thread(Bell)

        func resume() {
            switch self {
            case .task(let continuation): continuation.resume()
            case .thread(let bell): bell.ring()
            }
        }
    }

    private struct State {
        var pending: Set<Source> = []
        var waiters: [Source: Waiter] = [:]
    }
    private let state = Mutex(State())
    private let time: any TimeSource

    public init(time: any TimeSource = SystemTime()) { self.time = time }

    public func wake(_ source: Source) {
        let waiter = state.withLock { s -> Waiter? in
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
            group.addTask { await self.time.sleep(for: duration) }
            group.addTask { await self.woken(source) }
            await group.next()
            group.cancelAll()
            await group.waitForAll()
        }
    }

    /// `sleep` for a loop on a thread of its own: blocks the thread; returns early when `source`
    /// is woken.
    func sleepBlocking(_ duration: Duration, or source: Source) {
        let bell = Bell()
        let (wokenAlready, displaced) = state.withLock { s -> (Bool, Waiter?) in
            if s.pending.remove(source) != nil { return (true, nil) }
            return (false, s.waiters.updateValue(.thread(bell), forKey: source))
        }
        displaced?.resume()
        guard !wokenAlready else { return }
        time.block(for: duration, orUntil: bell)
        state.withLock { s in
            if case .thread(let mine) = s.waiters[source], mine === bell { s.waiters[source] = nil }
        }
    }

    private func woken(_ source: Source) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (resumeNow, displaced) = state.withLock { s -> (Bool, Waiter?) in
                    if Task.isCancelled || s.pending.remove(source) != nil { return (true, nil) }
                    // One slot a source, as each source has one loop (Poller.start runs once). A
                    // second sleeper wakes the first rather than leaving it asleep for ever.
                    return (false, s.waiters.updateValue(.task(continuation), forKey: source))
                }
                displaced?.resume()
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: source) }
            waiter?.resume()
        }
    }
}
