import Dispatch
import Synchronization
import Testing
@testable import ClusterProbe

/// A loop on a thread of its own (the app probe's), on a manual clock: it sleeps as long as its
/// round says, a wake starts the next round at once, and cancelling its task ends the thread.
@Suite struct OwnThreadLoopTests {
    @Test func roundsSleepAsToldAndAWakeCutsTheSleepShort() async {
        let world = PollerWorld()
        let rounds = Atomic<Int>(0)
        let loop = Task { await world.poller.loopOnOwnThread(.volume) { rounds.add(1, ordering: .relaxed); return .seconds(5) } }
        defer { loop.cancel() }
        guard await eventually("the first round, then a 5 s sleep", {
            rounds.load(ordering: .relaxed) == 1 && world.clock.pendingSleeps == [5000]
        }) else { return }
        world.clock.advance(by: .milliseconds(4999))
        try? await Task.sleep(for: .milliseconds(50))  // time for a round, were the sleep over
        #expect(rounds.load(ordering: .relaxed) == 1, "the sleep ended early")
        world.clock.advance(by: .milliseconds(1))
        guard await eventually("the second round", { rounds.load(ordering: .relaxed) == 2 && world.clock.pendingSleeps == [5000] }) else { return }
        world.poller.wakeups.wake(.app)  // another source's wake: not ours
        try? await Task.sleep(for: .milliseconds(50))
        #expect(rounds.load(ordering: .relaxed) == 2, "another source's wake started a round")
        world.poller.wakeups.wake(.volume)
        await eventually("a third round with no time passing") { rounds.load(ordering: .relaxed) == 3 }
    }

    @Test func cancellingTheTaskEndsTheThreadAsleep() async {
        let world = PollerWorld()
        let rounds = Atomic<Int>(0)
        let loop = Task { await world.poller.loopOnOwnThread(.app) { rounds.add(1, ordering: .relaxed); return .seconds(3600) } }
        guard await eventually("asleep for an hour", { world.clock.pendingSleeps == [3_600_000] }) else { loop.cancel(); return }
        let ended = Atomic<Bool>(false)
        Task { await loop.value; ended.store(true, ordering: .relaxed) }  // once the thread has left the loop
        loop.cancel()
        guard await eventually("the task ended", { ended.load(ordering: .relaxed) }) else {
            world.clock.advance(by: .seconds(3600)); return
        }
        #expect(world.clock.pendingSleeps == [], "the thread is still asleep")
        #expect(rounds.load(ordering: .relaxed) == 1, "a round ran after the cancel")
    }

    /// A cancel during a round (the GET under way) ends the loop when the round returns, with no sleep.
    @Test func cancellingDuringARoundEndsTheLoopAfterIt() async {
        let world = PollerWorld()
        let release = DispatchSemaphore(value: 0)
        let rounds = Atomic<Int>(0)
        let loop = Task {
            await world.poller.loopOnOwnThread(.app) {
                rounds.add(1, ordering: .relaxed)
                release.wait()
                return .seconds(2)
            }
        }
        guard await eventually("the first round", { rounds.load(ordering: .relaxed) == 1 }) else { loop.cancel(); release.signal(); return }
        let ended = Atomic<Bool>(false)
        Task { await loop.value; ended.store(true, ordering: .relaxed) }
        loop.cancel()
        release.signal()
        guard await eventually("the task ended", { ended.load(ordering: .relaxed) }) else { world.clock.advance(by: .seconds(2)); return }
        #expect(rounds.load(ordering: .relaxed) == 1, "a round ran after the cancel")
        #expect(world.clock.pendingSleeps == [], "the thread is still asleep")
    }
}
