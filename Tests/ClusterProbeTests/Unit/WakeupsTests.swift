import Dispatch
import Synchronization
import Testing
@testable import ClusterProbe

/// The real clock: a sleep of an hour that ends at all was ended by its wake (or its cancel);
/// nothing here measures how fast.
@Suite struct WakeupsTests {
    static let hour = Duration.seconds(3600)

    /// A task sleeping an hour on `source`, and whether that sleep has returned.
    final class Sleeper: Sendable {
        let task: Task<Void, Never>
        private let flag: Locked<Bool>
        init(_ wakeups: Wakeups, _ source: Wakeups.Source) {
            let flag = Locked(false)
            self.flag = flag
            task = Task { await wakeups.sleep(WakeupsTests.hour, or: source); flag.with { $0 = true } }
        }
        var ended: Bool { flag.with { $0 } }
    }

    func sleeping(_ wakeups: Wakeups, _ source: Wakeups.Source) -> Sleeper { Sleeper(wakeups, source) }

    /// Waits for the sleep to end (the limit is a safety net, not a measure). One that did not
    /// is cancelled and left: a wake that lost its sleeper may never let it return at all.
    func ends(_ sleeper: Sleeper, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        if !(await eventually(what, limitMs: 60_000, sourceLocation: sourceLocation) { sleeper.ended }) { sleeper.task.cancel() }
    }

    @Test func wakeCutsASleepShort() async throws {
        let wakeups = Wakeups()
        let sleeper = sleeping(wakeups, .pods)
        try await Task.sleep(for: .milliseconds(100))  // asleep by now, most likely; a wake before counts too
        wakeups.wake(.pods)
        await ends(sleeper, "the hour's sleep ended by the wake")
    }

    @Test func aWakeBeforeTheSleepIsNotLost() async {
        let wakeups = Wakeups()
        wakeups.wake(.vm)
        await ends(sleeping(wakeups, .vm), "the hour's sleep ended by the earlier wake")
    }

    @Test func otherSourcesAndCancellation() async throws {
        let wakeups = Wakeups()
        let sleeper = sleeping(wakeups, .app)
        wakeups.wake(.vm)  // not ours
        try await Task.sleep(for: .milliseconds(100))
        #expect(sleeper.ended == false, "waking .vm ended the .app sleep")
        sleeper.task.cancel()
        await ends(sleeper, "the cancelled sleep over")
    }

    /// A wake names one source: a sleeper on another source sleeps on until its own wake, and the
    /// wake is kept for the next sleep on the named source.
    @Test func aWakeEndsOnlyTheNamedSourcesSleep() async throws {
        let wakeups = Wakeups()
        let app = sleeping(wakeups, .app)
        try await Task.sleep(for: .milliseconds(200))  // the .app sleeper is waiting now, most likely
        wakeups.wake(.vm)
        wakeups.wake(.pods)
        try await Task.sleep(for: .milliseconds(300))
        #expect(app.ended == false, "waking .vm or .pods ended the .app sleep")
        // The earlier wake of .vm was kept for it.
        await ends(sleeping(wakeups, .vm), "the .vm sleep ended by the kept wake")
        #expect(app.ended == false, "the .vm sleep's wake ended the .app sleep")
        wakeups.wake(.app)
        await ends(app, "the .app sleep ended by its own wake")
    }
}

/// Wakeups sleep on the poller's injected clock, so loops built on them are tested without real time.
@Suite struct WakeupsClockTests {
    @Test func aSleepEndsWhenTheInjectedClockReachesIt() async {
        let clock = ManualClock()
        let wakeups = Wakeups(time: clock)
        let ended = Mutex(false)
        let sleeper = Task { await wakeups.sleep(.seconds(2), or: .volume); ended.withLock { $0 = true } }
        defer { sleeper.cancel() }
        guard await eventually("a 2 s sleep", { clock.pendingSleeps == [2000] }) else { return }
        clock.advance(by: .milliseconds(1999))
        #expect(clock.pendingSleeps == [1], "the sleep ended early")
        clock.advance(by: .milliseconds(1))
        await eventually("the sleep over") { ended.withLock { $0 } }
    }

    /// A task's sleep, surely under way (its timer is pending), ends on its wake with no time
    /// passing, and its timer goes with it.
    @Test func aWakeEndsATasksSleepWithNoTimePassing() async {
        let clock = ManualClock()
        let wakeups = Wakeups(time: clock)
        let ended = Mutex(false)
        let sleeper = Task { await wakeups.sleep(.seconds(3600), or: .pods); ended.withLock { $0 = true } }
        defer { sleeper.cancel() }
        guard await eventually("an hour's sleep", { clock.pendingSleeps == [3_600_000] }) else { return }
        wakeups.wake(.vm)  // not ours
        try? await Task.sleep(for: .milliseconds(50))
        #expect(ended.withLock { $0 } == false, "another source's wake ended it")
        wakeups.wake(.pods)
        guard await eventually("woken with no time passing", { ended.withLock { $0 } }) else { return }
        await eventually("its timer cancelled") { clock.pendingSleeps == [] }
    }

    /// A thread's sleep (the app probe's) blocks on the same clock and the same wakes.
    @Test func aBlockingSleepEndsOnTheClockOrAWake() async {
        let clock = ManualClock()
        let wakeups = Wakeups(time: clock)
        let sleeper = ThreadSleeper(wakeups)
        sleeper.sleep(.seconds(2))
        guard await eventually("a 2 s blocking sleep", { clock.pendingSleeps == [2000] }) else { return }
        clock.advance(by: .milliseconds(1999))
        try? await Task.sleep(for: .milliseconds(50))
        #expect(sleeper.ended == 0, "the sleep ended early")
        clock.advance(by: .milliseconds(1))
        guard await eventually("the sleep over", { sleeper.ended == 1 }) else { return }

        sleeper.sleep(.seconds(60))
        guard await eventually("a 60 s blocking sleep", { clock.pendingSleeps == [60_000] }) else { return }
        wakeups.wake(.vm)  // not ours
        try? await Task.sleep(for: .milliseconds(50))
        #expect(sleeper.ended == 1, "another source's wake ended it")
        wakeups.wake(.app)
        await eventually("woken with no time passing") { sleeper.ended == 2 }
        #expect(clock.pendingSleeps == [])
    }

    /// A wake that comes between two blocking sleeps (during the round) ends the next one at
    /// once: the bell of a sleep that timed out does not swallow it.
    @Test func aWakeBetweenBlockingSleepsIsKept() async {
        let clock = ManualClock()
        let wakeups = Wakeups(time: clock)
        let sleeper = ThreadSleeper(wakeups)
        sleeper.sleep(.seconds(2))
        guard await eventually("asleep", { clock.pendingSleeps == [2000] }) else { return }
        clock.advance(by: .seconds(2))
        guard await eventually("the sleep over", { sleeper.ended == 1 }) else { return }
        wakeups.wake(.app)  // the round under way: nobody asleep
        sleeper.sleep(.seconds(2))
        await eventually("the next sleep over at once") { sleeper.ended == 2 }
        clock.advance(by: .seconds(2))  // frees the thread if it did sleep
    }

    /// One slot a source: a second sleeper (a thread) ends the first (a task) rather than leaving
    /// it asleep for ever.
    @Test func aSecondSleeperOnASourceEndsTheFirst() async {
        let clock = ManualClock()
        let wakeups = Wakeups(time: clock)
        let first = Atomic<Bool>(false)
        let task = Task { await wakeups.sleep(.seconds(60), or: .app); first.store(true, ordering: .relaxed) }
        defer { task.cancel() }
        guard await eventually("the task asleep", { clock.pendingSleeps == [60_000] }) else { return }
        let second = ThreadSleeper(wakeups)
        second.sleep(.seconds(30))
        await eventually("the first sleeper woken") { first.load(ordering: .relaxed) }
        #expect(second.ended == 0)
        wakeups.wake(.app)
        await eventually("the second sleeper woken") { second.ended == 1 }
    }

    @Test func aWakeBeforeABlockingSleepIsNotLost() async {
        let clock = ManualClock()
        let wakeups = Wakeups(time: clock)
        wakeups.wake(.app)
        let sleeper = ThreadSleeper(wakeups)
        sleeper.sleep(.seconds(3600))
        await eventually("the sleep over with no time passing") { sleeper.ended == 1 }
        #expect(clock.sleepsStarted == 0)
        clock.advance(by: .seconds(3600))  // frees the thread if it did sleep
    }
}

/// Blocking sleeps (the app probe's kind) on a thread of their own, counted as they end.
final class ThreadSleeper: Sendable {
    private let queue = DispatchQueue(label: "sleeper")
    private let count = Atomic<Int>(0)
    private let wakeups: Wakeups
    init(_ wakeups: Wakeups) { self.wakeups = wakeups }

    func sleep(_ duration: Duration, or source: Wakeups.Source = .app) {
        queue.async { [self] in
            wakeups.sleepBlocking(duration, or: source)
            count.add(1, ordering: .relaxed)
        }
    }

    var ended: Int { count.load(ordering: .relaxed) }
}
