import Testing
@testable import ClusterProbe

/// The log pane's follower, driven by hand: a fake kubectl whose streams the test ends, and a
/// manual clock, so reattach delays are checked exactly and no test sleeps through one.
@Suite struct LogFollowerTests {
    typealias World = PollerWorld

    /// The argv's tail: `logs -f --tail=N <pod> -c <container>`.
    static func followed(_ argv: [String]) -> [String] { Array(argv.suffix(6)) }

    @Test func attachesToTheCurrentPodAndShowsItsLines() async {
        let world = World()
        guard let loop = await world.followingLogs(of: [World.pod("app-1", "app"), World.pod("mysql-0", "mysql")]) else { return }
        defer { loop.cancel() }
        #expect(Self.followed(world.runner.streams[0]) == ["logs", "-f", "--tail=200", "app-1", "-c", "app"])
        #expect(world.runner.streams[0].contains("--namespace") && world.runner.streams[0].first == "kubectl")
        #expect(world.model.snapshot().logs.value == LogStreamInfo(pod: "app-1", container: "app"))
        #expect(world.model.snapshot().logs.error == nil)
        world.runner.send(["[INFO] Listening at: http://0.0.0.0:8000"], to: 0)
        await eventually("the line in the app log") { world.log(.app).last == "[INFO] Listening at: http://0.0.0.0:8000" }
        #expect(world.log(.app) == ["── following app-1 -c app ──", "[INFO] Listening at: http://0.0.0.0:8000"])
        #expect(world.log(.mysql).isEmpty)
    }

    @Test func waitsForARunningPodThenAttaches() async {
        let world = World()
        world.setPods([World.pod("app-1", "app", phase: "Pending", ready: false)])
        let loop = Task { await world.poller.logLoop() }
        defer { loop.cancel() }
        await eventually("the waiting message") { world.model.snapshot().logs.error == "waiting for a running app pod" }
        // It looks again within a second, or at once when the pod watch wakes it.
        await eventually("a one-second wait") { world.clock.pendingSleeps == [1000] }
        world.clock.advance(by: .seconds(1))
        await eventually("the next one-second wait") { world.clock.pendingSleeps == [1000] }
        #expect(world.runner.streams.isEmpty, "no stream for a pod that is not running")
        world.setPods([World.pod("app-1", "app")])
        await eventually("a stream once the pod runs") { world.runner.streams.count == 1 }
        await eventually("the error cleared") { world.model.snapshot().logs.error == nil }
    }

    /// A stream that ends is retried after 500 ms, then 1 s, ... and the log says when.
    @Test func reattachesWithBackoffAfterAStreamEnds() async {
        let world = World()
        guard let loop = await world.followingLogs(of: [World.pod("app-1", "app")]) else { return }
        defer { loop.cancel() }
        world.runner.end(0, with: .success(StreamEnd(exitCode: 1, message: "error: unexpected EOF")))
        await eventually("the end in the log") { world.log(.app).last?.contains("ended") == true }
        #expect(world.log(.app).last == "── log stream of app-1 ended: kubectl: unexpected EOF; reattaching in 500 ms ──")
        #expect(world.model.snapshot().logs.error == "log stream ended: kubectl: unexpected EOF")
        await eventually("a 500 ms wait") { world.clock.pendingSleeps.contains(500) }
        world.clock.advance(by: .milliseconds(499))
        await Task.yield()
        // Still asleep, with 1 ms left: a shorter delay would have woken (and left no sleep).
        #expect(world.clock.pendingSleeps.contains(1), "the 500 ms wait ended early: \(world.clock.pendingSleeps)")
        #expect(world.runner.streams.count == 1, "reattached before its delay")
        world.clock.advance(by: .milliseconds(1))
        guard await eventually("a second stream", { world.runner.streams.count == 2 }) else { return }
        #expect(Self.followed(world.runner.streams[1]) == ["logs", "-f", "--tail=200", "app-1", "-c", "app"])
        world.runner.end(1, with: .success(StreamEnd(exitCode: 0, message: "")))
        await eventually("the second end in the log") { world.log(.app).last?.contains("reattaching") == true && world.log(.app).count > 3 }
        #expect(world.log(.app).last == "── log stream of app-1 ended: exit 0; reattaching in 1.0 s ──")
        await eventually("a doubled wait") { world.clock.pendingSleeps.contains(1000) }
        world.clock.advance(by: .seconds(1))
        await eventually("a third stream") { world.runner.streams.count == 3 }
    }

    @Test func switchesWhenTheFollowedComponentChanges() async {
        let world = World()
        guard let loop = await world.followingLogs(of: [World.pod("app-1", "app"), World.pod("mysql-0", "mysql")]) else { return }
        defer { loop.cancel() }
        world.model.setFollowed(.mysql)
        world.poller.refresh(.logs)  // what the dashboard does after `l`
        guard await eventually("a mysql stream", { world.runner.streams.count == 2 }) else { return }
        #expect(Self.followed(world.runner.streams[1]) == ["logs", "-f", "--tail=200", "mysql-0", "-c", "mysql"])
        #expect(world.runner.openStreams == [1], "the app stream was stopped")
        #expect(world.log(.app).last == "── switched away from app-1 ──")
        #expect(world.log(.mysql) == ["── following mysql-0 -c mysql ──"])
        #expect(world.model.snapshot().logs.value == LogStreamInfo(pod: "mysql-0", container: "mysql"))
        #expect(world.clock.pendingSleeps.allSatisfy { $0 != 500 }, "a switch is not a failure: no backoff")
    }

    /// A rollout: the new pod takes over only once it is ready; until then the old one is followed.
    @Test func switchesWhenANewerReadyPodTakesOver() async {
        let world = World()
        guard let loop = await world.followingLogs(of: [World.pod("app-1", "app", createdAt: 1000)]) else { return }
        defer { loop.cancel() }
        await eventually("the follower asleep") { world.clock.pendingSleeps == [60_000] }
        let sleeps = world.clock.sleepsStarted
        world.setPods([World.pod("app-1", "app", createdAt: 1000), World.pod("app-2", "app", ready: false, createdAt: 2000)])
        // The follower looked (it went back to sleep) and stayed.
        await eventually("the follower asleep again") { world.clock.sleepsStarted > sleeps && world.clock.pendingSleeps == [60_000] }
        #expect(world.runner.streams.count == 1 && world.runner.openStreams == [0])
        // Both unready (the old one crashing too): the newer one is not taken until it is ready.
        let sleeps2 = world.clock.sleepsStarted
        world.setPods([World.pod("app-1", "app", ready: false, createdAt: 1000), World.pod("app-2", "app", ready: false, createdAt: 2000)])
        await eventually("the follower asleep again") { world.clock.sleepsStarted > sleeps2 && world.clock.pendingSleeps == [60_000] }
        #expect(world.runner.streams.count == 1 && world.runner.openStreams == [0])
        world.setPods([World.pod("app-1", "app", createdAt: 1000), World.pod("app-2", "app", createdAt: 2000)])
        guard await eventually("a stream of the new pod", { world.runner.streams.count == 2 }) else { return }
        #expect(Self.followed(world.runner.streams[1]) == ["logs", "-f", "--tail=200", "app-2", "-c", "app"])
        #expect(world.log(.app).suffix(2) == ["── switched away from app-1 ──", "── following app-2 -c app ──"])
    }

    /// After a crash the last container's log is shown once per restart, not on every reattach.
    @Test func previousContainerLogsAfterARestartAreFetchedOnce() async {
        let world = World { argv in
            .success(CommandOutput(exitCode: 0, stdout: argv.contains("--previous") ? Array("boom\nTraceback (most recent call last):".utf8) : [], stderr: []))
        }
        world.setPods([World.pod("app-1", "app", restarts: 3)])
        let loop = Task { await world.poller.logLoop() }
        defer { loop.cancel() }
        let previous = { world.runner.calls.filter { $0.contains("--previous") } }
        guard await eventually("a log stream", { world.runner.streams.count == 1 }) else { return }
        #expect(previous().count == 1)
        #expect(previous().first.map { Array($0.suffix(6)) } == ["logs", "--previous", "--tail=50", "app-1", "-c", "app"])
        #expect(world.log(.app) == ["── previous container of app-1 (restart 3) ──", "boom", "Traceback (most recent call last):",
                                    "── end of previous container ──", "── following app-1 -c app ──"])
        world.runner.end(0, with: .success(StreamEnd(exitCode: 1, message: "")))
        await eventually("a 500 ms wait") { world.clock.pendingSleeps.contains(500) }
        world.clock.advance(by: .milliseconds(500))
        guard await eventually("a second stream", { world.runner.streams.count == 2 }) else { return }
        #expect(previous().count == 1, "the same restart's log was fetched again")
        // Another restart: its log is new.
        world.setPods([World.pod("app-1", "app", restarts: 4)])
        world.runner.end(1, with: .success(StreamEnd(exitCode: 1, message: "")))
        await eventually("a 1 s wait") { world.clock.pendingSleeps.contains(1000) }
        world.clock.advance(by: .seconds(1))
        guard await eventually("a third stream", { world.runner.streams.count == 3 }) else { return }
        #expect(previous().count == 2)
        #expect(world.log(.app).contains("── previous container of app-1 (restart 4) ──"))
    }
}
