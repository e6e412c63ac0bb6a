import Foundation
import Synchronization
import Testing
@testable import ClusterProbe

/// Edit-to-live on a manual clock: a save starts the clock, a Gunicorn worker booting or the
/// app's answer changing stops it, and nothing counts after the 15 s limit.
@Suite struct EditToLiveTests {
    typealias World = PollerWorld

    @Test func aSaveStartsTheClockAndWakesTheAppProbe() async {
        let world = World()
        let now = world.clock.wallMs()
        world.poller.noticeSave(file: "application.py", mtimeMs: now - 40)
        #expect(world.model.snapshot().codeChange == CodeChangeInfo(file: "application.py", savedAtMs: now - 40))
        // A file stamped in the future (a skewed clock) starts the clock now: never a negative figure.
        world.poller.noticeSave(file: "views.py", mtimeMs: now + 60_000)
        #expect(world.model.snapshot().codeChange == CodeChangeInfo(file: "views.py", savedAtMs: now))
        // The app probe was woken: its next sleep ends at once, with no time passing.
        let woke = Mutex(false)
        let slept = Task { await world.poller.wakeups.sleep(.seconds(60), or: .app); woke.withLock { $0 = true } }
        defer { slept.cancel() }
        await eventually("the app probe's sleep cut short") { woke.withLock { $0 } }
    }

    /// Where there is no inotify: modification times are looked at every 250 ms (manual time).
    @Test func thePollingPathNoticesASave() async throws {
        let dir = NSTemporaryDirectory() + "edit-to-live-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let world = World()
        let loop = Task { await world.poller.pollCodeChanges(root: dir) }
        defer { loop.cancel() }
        guard await eventually("a 250 ms wait", { world.clock.pendingSleeps == [250] }) else { return }
        try "print('hi')\n".write(toFile: dir + "/application.py", atomically: false, encoding: .utf8)
        #expect(world.model.snapshot().codeChange == nil, "noticed before its poll")
        world.clock.advance(by: .milliseconds(250))
        await eventually("the save noticed") { world.model.snapshot().codeChange?.file == "application.py" }
        let mtime = CodeWatcher.scan(dir)["application.py"] ?? -1
        #expect(world.model.snapshot().codeChange?.savedAtMs == min(mtime, world.clock.wallMs()))
    }

    @Test func aWorkerBootingAfterTheSaveMarksItLive() async {
        let world = World()
        guard let loop = await world.followingLogs(of: [World.pod("app-1", "app")]) else { return }
        defer { loop.cancel() }
        let saved = world.clock.wallMs()
        world.poller.noticeSave(file: "application.py", mtimeMs: saved)
        world.clock.advance(by: .milliseconds(300))
        world.runner.send(["10.42.0.1 - - \"GET / HTTP/1.1\" 200 12"], to: 0)
        await eventually("the request line logged") { world.log(.app).count == 2 }
        #expect(world.model.snapshot().codeChange?.liveAfterMs == nil, "a request is not a reload")
        world.clock.advance(by: .milliseconds(420))
        world.runner.send(["[2027-01-15 08:00:00 +0000] [12] [INFO] Booting worker with pid: 12"], to: 0)
        await eventually("the change live") { world.model.snapshot().codeChange?.liveAfterMs != nil }
        #expect(world.model.snapshot().codeChange == CodeChangeInfo(file: "application.py", savedAtMs: saved,
                                                                     liveAfterMs: 720, signal: "worker reloaded"))
    }

    /// The 15 s limit: a worker that boots later is not this save showing.
    @Test func aWorkerBootingAfterTheLimitIsNotCounted() async {
        let world = World()
        guard let loop = await world.followingLogs(of: [World.pod("app-1", "app")]) else { return }
        defer { loop.cancel() }
        world.poller.noticeSave(file: "application.py", mtimeMs: world.clock.wallMs())
        world.clock.advance(by: .milliseconds(CodeChangeInfo.waitLimitMs))
        world.runner.send(["[INFO] Booting worker with pid: 13"], to: 0)
        await eventually("the boot line logged") { world.log(.app).count == 2 }
        #expect(world.model.snapshot().codeChange?.liveAfterMs == nil)
        #expect(CodeChangeInfo.waitLimitMs == 15_000)
    }

    /// The app probe: a save wakes it; while the save waits it asks every 100 ms; the first
    /// different answer marks it live; then it goes back to its 2 s interval.
    @Test func aChangedResponseMarksItLive() async {
        let server = SequenceServer(bodies: ["Hello v1", "Hello v1", "Hello v2"])
        let world = World(appURL: server.url)
        let loop = Task { await world.poller.appLoop() }
        defer { loop.cancel() }
        guard await eventually("the first answer, then the 2 s interval", {
            world.model.snapshot().app.value?.firstLine == "Hello v1" && world.clock.pendingSleeps == [2000]
        }) else { return }
        let saved = world.clock.wallMs()
        world.poller.noticeSave(file: "application.py", mtimeMs: saved)
        // Woken by the save (no time passed): the same answer, then a 100 ms wait.
        guard await eventually("a 100 ms wait while the save is pending", { world.clock.pendingSleeps == [100] }) else { return }
        #expect(world.model.snapshot().codeChange?.liveAfterMs == nil, "the same answer is not a change")
        world.clock.advance(by: .milliseconds(100))
        await eventually("the changed answer") { world.model.snapshot().app.value?.firstLine == "Hello v2" }
        #expect(world.model.snapshot().codeChange == CodeChangeInfo(file: "application.py", savedAtMs: saved,
                                                                     liveAfterMs: 100, signal: "response changed"))
        await eventually("back to the 2 s interval") { world.clock.pendingSleeps == [2000] }
        #expect(world.model.snapshot().app.nextAttemptAt == world.clock.now() + 2)
    }

    /// Past the limit a change no longer counts, and the probe stops asking often.
    @Test func aChangedResponseAfterTheLimitIsNotCounted() async {
        let server = SequenceServer(bodies: ["Hello v1", "Hello v1", "Hello v2"])
        let world = World(appURL: server.url)
        let loop = Task { await world.poller.appLoop() }
        defer { loop.cancel() }
        guard await eventually("the 2 s interval", { world.clock.pendingSleeps == [2000] }) else { return }
        world.poller.noticeSave(file: "application.py", mtimeMs: world.clock.wallMs())
        guard await eventually("a 100 ms wait", { world.clock.pendingSleeps == [100] }) else { return }
        world.clock.advance(by: .milliseconds(CodeChangeInfo.waitLimitMs))
        await eventually("the changed answer") { world.model.snapshot().app.value?.firstLine == "Hello v2" }
        #expect(world.model.snapshot().codeChange?.liveAfterMs == nil)
        await eventually("the 2 s interval again") { world.clock.pendingSleeps == [2000] }
    }
}
