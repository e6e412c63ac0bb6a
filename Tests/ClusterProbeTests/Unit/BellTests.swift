import Dispatch
import Synchronization
import Testing
@testable import ClusterProbe

/// The bell a thread of its own sleeps on, with the real clock.
@Suite struct BellTests {
    @Test func aTimedWaitEndsOnTheRing() async {
        let bell = Bell()
        let ended = Atomic<Bool>(false)
        let started = Clock.monotonicMs()
        DispatchQueue(label: "sleeper").async {
            SystemTime().block(for: .seconds(30), orUntil: bell)
            ended.store(true, ordering: .relaxed)
        }
        try? await Task.sleep(for: .milliseconds(20))
        bell.ring()
        await eventually("rung") { ended.load(ordering: .relaxed) }
        #expect(Clock.monotonicMs() - started < 10_000)
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
        let ms = took.load(ordering: .relaxed)
        #expect(ms >= 120 && ms < 5000, "waited \(ms) ms for 120 (-2: reported as rung)")
    }

    /// A ring before the wait is kept: the wait returns at once.
    @Test func aRingBeforeTheWaitIsKept() {
        let bell = Bell()
        bell.ring()
        let started = Clock.monotonicMs()
        #expect(bell.wait(timeoutMs: 10_000))
        #expect(Clock.monotonicMs() - started < 1000)
    }
}
