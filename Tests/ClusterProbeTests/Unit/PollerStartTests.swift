import Testing
@testable import ClusterProbe

/// `start()` runs each loop once however often it is called: two loops on one source would
/// keep waking each other (a source has one wake slot).
@Suite struct PollerStartTests {
    @Test func startingTwiceRunsEachLoopOnce() async {
        let world = PollerWorld()
        world.poller.start()
        world.poller.start()
        defer { waitForEnd(of: world.poller.stop(), timeout: .seconds(2)) }
        let pods = { world.runner.calls.filter { $0.contains("pods") }.count }
        // Every loop has asked once and gone to sleep on the manual clock.
        guard await eventually("the loops asleep", { pods() >= 1 && world.clock.pendingSleeps.count >= 4 }) else { return }
        try? await Task.sleep(for: .milliseconds(100))
        #expect(pods() == 1, "the pod list was asked for by two loops")
        #expect(world.runner.calls.filter { $0.contains("current-context") }.count == 1)
    }
}
