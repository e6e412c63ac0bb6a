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
        #expect(delivered.withLock { $0 } == [["first"]])
        let deadline = Clock.monotonicMs() + 2000
        while delivered.withLock({ $0.count }) < 2, Clock.monotonicMs() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(delivered.withLock { $0 } == [["first"], ["second", "third"]])
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
