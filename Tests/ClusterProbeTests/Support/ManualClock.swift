import Synchronization
@testable import ClusterProbe

/// A TimeSource that moves only when the test says so (pointfreeco's TestClock, in small): a
/// sleep resumes when `advance` reaches its deadline or its task is cancelled, never by itself.
final class ManualClock: TimeSource {
    private struct Sleeper {
        let id: Int
        let deadline: Int
        let continuation: CheckedContinuation<Void, Never>
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
        let ms = Self.milliseconds(duration)
        guard ms > 0 else { return }
        let id = state.withLock { s -> Int in s.nextID += 1; return s.nextID }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock: a cancel either comes before (resume now) or finds the sleeper.
                let resumeNow = state.withLock { s -> Bool in
                    if Task.isCancelled { return true }
                    s.started += 1
                    s.sleepers.append(Sleeper(id: id, deadline: s.monotonic + ms, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume()
        }
    }

    /// Moves both clocks on and resumes every sleep that is due. It jumps: a sleep begun by a
    /// resumed task waits for the next `advance`, so each step of a test is one visible move.
    func advance(by duration: Duration) {
        let ms = Self.milliseconds(duration)
        let due = state.withLock { s -> [Sleeper] in
            s.monotonic += ms
            s.wall += ms
            let due = s.sleepers.filter { $0.deadline <= s.monotonic }
            s.sleepers.removeAll { $0.deadline <= s.monotonic }
            return due.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// How long each pending sleep has left, in ms (what the code under test is waiting for).
    var pendingSleeps: [Int] {
        state.withLock { s in s.sleepers.map { $0.deadline - s.monotonic }.sorted() }
    }

    var sleepsStarted: Int { state.withLock { $0.started } }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
