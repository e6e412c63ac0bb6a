import Dispatch
import Synchronization
import Testing
@testable import ClusterProbe

/// The bell a thread of its own sleeps on, with the real clock. Outcomes, not speed: an hour's
/// wait that ends was ended by its ring.
@Suite struct BellTests {
    @Test func aTimedWaitEndsOnTheRing() async {
        let bell = Bell()
        let ended = Atomic<Bool>(false)
        DispatchQueue(label: "sleeper").async {
            SystemTime().block(for: .seconds(3600), orUntil: bell)
            ended.store(true, ordering: .relaxed)
        }
        try? await Task.sleep(for: .milliseconds(20))
        bell.ring()
        await eventually("the hour's wait ended by the ring") { ended.load(ordering: .relaxed) }
    }

    @Test func aTimedWaitEndsAtItsTimeout() async {
        let bell = Bell()
        let took = Atomic<Int>(-1)
        DispatchQueue(label: "sleeper").async {
            let started = Clock.monotonicMs()
            let rung = bell.wait(timeoutMs: 120)
            took.store(rung ? -2 : Clock.monotonicMs() - started, ordering: .relaxed)
        }
        guard await eventually("the wait over", { took.load(ordering: .relaxed) != -1 }) else { bell.ring(); return }
        // Never early, and reported as a timeout (ending at all is the other half).
        let ms = took.load(ordering: .relaxed)
        #expect(ms >= 120, "waited \(ms) ms for 120 (-2: reported as rung)")
    }

    /// A ring before the wait is kept: the wait returns rung (a lost ring would time out, false).
    @Test func aRingBeforeTheWaitIsKept() {
        let bell = Bell()
        bell.ring()
        #expect(bell.wait(timeoutMs: 10_000))
    }
}
