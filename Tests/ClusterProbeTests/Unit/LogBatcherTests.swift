import Synchronization
import Testing
@testable import ClusterProbe

@Suite struct LogBatcherTests {
    /// A line held back (it came within 50 ms of the last batch) still arrives when the stream goes
    /// quiet: the batcher schedules one flush instead of a loop polling it.
    @Test func aHeldBackLineArrivesWithoutAnotherAdd() async throws {
        let delivered = Mutex<[[String]]>([])
        let batcher = LogBatcher { lines in delivered.withLock { $0.append(lines) } }
        batcher.add(["first"])
        batcher.add(["second"])
        batcher.add(["third"])
        #expect(delivered.withLock { $0.first } == ["first"])
        // On the real clock how the rest is batched depends on the machine's speed (the manual
        // clock's test below pins it): what counts is that all of it arrives, in order, with no
        // other add.
        await eventually("the held-back lines") { delivered.withLock { $0.joined().count } == 3 }
        #expect(Array(delivered.withLock { $0.joined() }) == ["first", "second", "third"])
    }

    @Test func aFloodGoesOutInChunksAndNothingIsLost() async throws {
        let delivered = Mutex<[String]>([])
        let batcher = LogBatcher { lines in delivered.withLock { $0.append(contentsOf: lines) } }
        for i in 0..<10_000 { batcher.add(["line \(i)"]) }
        batcher.flush()
        let lines = delivered.withLock { $0 }
        #expect(lines.count == 10_000 && lines.first == "line 0" && lines.last == "line 9999")
    }
}

/// The batcher's 50 ms, on a manual clock: exact, and no test waits for it.
@Suite struct LogBatcherClockTests {
    @Test func aHeldBackLineArrivesFiftyMillisecondsLater() async {
        let clock = ManualClock()
        let delivered = Mutex<[[String]]>([])
        let batcher = LogBatcher(time: clock) { lines in delivered.withLock { $0.append(lines) } }
        batcher.add(["first"])
        clock.advance(by: .milliseconds(49))
        batcher.add(["second"])
        #expect(delivered.withLock { $0 } == [["first"]], "a line within 50 ms of the last batch went out alone")
        guard await eventually("the flush waiting", { clock.pendingSleeps == [50] }) else { return }
        clock.advance(by: .milliseconds(50))
        await eventually("the held-back line") { delivered.withLock { $0.count } == 2 }
        #expect(delivered.withLock { $0 } == [["first"], ["second"]])
        // Quiet for 50 ms: the next line goes out at once.
        batcher.add(["third"])
        #expect(delivered.withLock { $0.last } == ["third"])
    }
}
