import Dispatch
import Synchronization

extension Poller {
    /// Runs `round` again and again on a thread of its own, sleeping between rounds for as long
    /// as it says (cut short by `wakeups.wake(source)`), until the calling task is cancelled; the
    /// task ends with the thread. For a probe that blocks anyway (the app's HTTP GET): the thread
    /// sleeps in the kernel and wakes only for its round, where a task would take a timer on
    /// Dispatch's timer thread, a hand-off to a worker for the blocking call and one back.
    func loopOnOwnThread(_ source: Wakeups.Source, _ round: @escaping @Sendable () -> Duration) async {
        let stopped = Atomic<Bool>(false)
        let wakeups = self.wakeups
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                // A private serial queue gets a thread even when the shared pool is busy.
                DispatchQueue(label: "devtui.\(source)").async {
                    while !stopped.load(ordering: .acquiring) {
                        // A cancel during the round left a wake behind: this sleep returns at once.
                        wakeups.sleepBlocking(round(), or: source)
                    }
                    done.resume()
                }
            }
        } onCancel: {
            // The wake ends a sleep under way, or the next one at once (a wake is never lost).
            stopped.store(true, ordering: .releasing)
            wakeups.wake(source)
        }
    }
}
