import Synchronization
@testable import ClusterProbe

/// A TimeSource that moves only when the test says so (pointfreeco's TestClock, in small): a
/// sleep resumes when `advance` reaches its deadline or its task is cancelled (a blocked
/// thread: its bell rings), never by itself.
final class ManualClock: TimeSource {
    private struct Sleeper {
        let id: Int
        let deadline: Int
        /// Resumes the task, or rings the blocked thread's bell.
        let resume: @Sendable () -> Void
    }
    private struct State {
        var monotonic: Int
        var wall: Int
        var nextID = 0
        /// Sleeps begun so far: a loop that went back to sleep has looked at the world again.
        var started = 0
        var sleepers: [Sleeper] = []
    }
    private let state: Mutex<State>

    /// Wall time starts at a fixed instant (2027-01-15 08:00 UTC) so figures are exact.
    init(wallMs: Int = 1_800_000_000_000, monotonicMs: Int = 1_000_000) {
        state = Mutex(State(monotonic: monotonicMs, wall: wallMs))
    }

    func wallMs() -> Int { state.withLock { $0.wall } }
    func monotonicMs() -> Int { state.withLock { $0.monotonic } }

    func sleep(for duration: Duration) async {
        let ms = duration.milliseconds
        guard ms > 0 else { return }
        let id = state.withLock { s -> Int in s.nextID += 1; return s.nextID }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock: a cancel either comes before (resume now) or finds the sleeper.
                let resumeNow = state.withLock { s -> Bool in
                    if Task.isCancelled { return true }
                    s.started += 1
                    s.sleepers.append(Sleeper(id: id, deadline: s.monotonic + ms, resume: { continuation.resume() }))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: index)
            }
            sleeper?.resume()
        }
    }

    func block(for duration: Duration, orUntil bell: Bell) {
        let ms = duration.milliseconds
        guard ms > 0 else { return }
        let id = state.withLock { s -> Int in
            s.nextID += 1
            s.started += 1
            s.sleepers.append(Sleeper(id: s.nextID, deadline: s.monotonic + ms, resume: { bell.ring() }))
            return s.nextID
        }
        bell.wait(timeoutMs: nil)
        // Rung by someone else (a wake): the sleep is over, so it is no longer pending.
        state.withLock { s in s.sleepers.removeAll { $0.id == id } }
    }

    /// Moves both clocks on and resumes every sleep that is due. It jumps: a sleep begun by a
    /// resumed task waits for the next `advance`, so each step of a test is one visible move.
    func advance(by duration: Duration) {
        let ms = duration.milliseconds
        let due = state.withLock { s -> [Sleeper] in
            s.monotonic += ms
            s.wall += ms
            let due = s.sleepers.filter { $0.deadline <= s.monotonic }
            s.sleepers.removeAll { $0.deadline <= s.monotonic }
            return due.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.resume() }
    }

    /// How long each pending sleep has left, in ms (what the code under test is waiting for).
    var pendingSleeps: [Int] {
        state.withLock { s in s.sleepers.map { $0.deadline - s.monotonic }.sorted() }
    }

    var sleepsStarted: Int { state.withLock { $0.started } }
}
