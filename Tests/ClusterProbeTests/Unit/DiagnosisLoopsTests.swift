import Testing
@testable import ClusterProbe

/// The node and event watches' retry bookkeeping, on a manual clock and a fake kubectl.
@Suite struct DiagnosisLoopsTests {
    typealias World = PollerWorld

    static func isNodeWatch(_ argv: [String]) -> Bool { argv.contains("nodes") && argv.contains("--watch") }

    /// A short-lived watch backs off 1 s, 2 s and says when it retries; a long one that the API
    /// server closed is watched again at once, with nothing to report.
    @Test func theNodeWatchBacksOffAndSaysWhen() async {
        let world = World()
        world.model.update { $0.pods.succeed([World.pod("app-1", "app")], at: 0) }
        let loop = Task { await world.poller.nodeLoop() }
        defer { loop.cancel() }
        guard await eventually("a node watch", { world.runner.streams.count == 1 }) else { return }
        #expect(Self.isNodeWatch(world.runner.streams[0]))
        let end = StreamEnd(exitCode: 1, message: "Error from server (Forbidden): nodes is forbidden")
        world.runner.end(0, with: .success(end))
        await eventually("the error") { world.model.snapshot().node.error != nil }
        let node = world.model.snapshot().node
        #expect(node.error == "node watch ended: " + KubectlDiagnosis.describe(.success(end)))
        #expect(node.nextAttemptAt == world.clock.now() + 1 && node.checkedAt == world.clock.now())
        guard await eventually("a 1 s wait", { world.clock.pendingSleeps == [1000] }) else { return }
        world.clock.advance(by: .seconds(1))
        guard await eventually("a second watch", { world.runner.streams.count == 2 }) else { return }
        world.runner.end(1, with: .success(end))
        await eventually("a 2 s wait") { world.clock.pendingSleeps == [2000] }
        #expect(world.model.snapshot().node.nextAttemptAt == world.clock.now() + 2)
        world.clock.advance(by: .seconds(2))
        guard await eventually("a third watch", { world.runner.streams.count == 3 }) else { return }
        // Closed by the server after a long watch: again at once, no backoff.
        world.clock.advance(by: .milliseconds(10_001))
        world.runner.end(2, with: .success(StreamEnd(exitCode: 0, message: "")))
        await eventually("a fourth watch, with no wait") { world.runner.streams.count == 4 }
        #expect(world.clock.pendingSleeps.isEmpty)
    }

    /// README: the event watch "stops 15 s after all are healthy again": not at once (a pod that
    /// flaps between Ready and not would start a kubectl each time), and not never.
    @Test func theEventWatchOutlivesHealthByItsGrace() async {
        let world = World()
        world.model.update { $0.pods.succeed([World.pod("app-1", "app", ready: false)], at: 0) }
        let loop = Task { await world.poller.eventLoop() }
        defer { loop.cancel() }
        guard await eventually("an event watch, and its monitor asleep", {
            world.runner.openStreams == [0] && world.clock.pendingSleeps == [300_000]
        }) else { return }
        world.model.update { $0.pods.succeed([World.pod("app-1", "app")], at: 0) }
        world.poller.wakeups.wake(.events)
        guard await eventually("the 15 s grace", { world.clock.pendingSleeps == [15_000] }) else { return }
        world.clock.advance(by: .milliseconds(14_999))
        try? await Task.sleep(for: .milliseconds(50))
        #expect(world.runner.openStreams == [0], "the watch stopped before 15 s of health")
        world.clock.advance(by: .milliseconds(1))
        await eventually("the watch stopped") { world.runner.openStreams.isEmpty }
        #expect(world.runner.streams.count == 1, "another watch took its place")
    }

    /// The event watch's backoff is a plain sleep: a pod change (which wakes `.events`) does not
    /// cut it short.
    @Test func theEventWatchBackoffIsNotCutShortByPodChanges() async {
        let world = World()
        world.model.update { $0.pods.succeed([World.pod("app-1", "app", ready: false)], at: 0) }
        let loop = Task { await world.poller.eventLoop() }
        defer { loop.cancel() }
        guard await eventually("an event watch", { world.runner.streams.count == 1 }) else { return }
        #expect(world.runner.streams[0].contains("--field-selector") && world.runner.streams[0].contains("type=Warning"))
        world.runner.end(0, with: .success(StreamEnd(exitCode: 1, message: "")))
        await eventually("the error") { world.model.snapshot().events.error == "event watch ended: exit 1" }
        #expect(world.model.snapshot().events.nextAttemptAt == world.clock.now() + 1)
        guard await eventually("a 1 s wait", { world.clock.pendingSleeps == [1000] }) else { return }
        world.poller.wakeups.wake(.events)
        await Task.yield()
        #expect(world.runner.streams.count == 1 && world.clock.pendingSleeps == [1000])
        world.clock.advance(by: .seconds(1))
        await eventually("a second watch") { world.runner.streams.count == 2 }
    }
}
