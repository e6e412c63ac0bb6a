import Testing
@testable import ClusterProbe
@testable import DevTUI

@Suite struct KeyHandlerTests {
    func context(_ snap: EnvironmentSnapshot = TestData.healthy(), logs: Int = 100) -> KeyHandler.Context {
        KeyHandler.Context(snapshot: snap, logCount: logs, pageSize: 10, nowMs: 1000)
    }

    @Test func teardownAsksFirstAndDefaultsToNo() {
        var ui = UIState()
        #expect(KeyHandler.handle(.char("t"), &ui, context()).isEmpty)
        #expect(ui.overlay == .confirmTeardown)
        #expect(KeyHandler.handle(.char("\r"), &ui, context()).isEmpty)
        #expect(ui.overlay == .none)
        #expect(ui.status?.text == "teardown cancelled")
        #expect(ui.action == nil)
        _ = KeyHandler.handle(.char("t"), &ui, context())
        #expect(KeyHandler.handle(.char("n"), &ui, context()).isEmpty)
        _ = KeyHandler.handle(.char("t"), &ui, context())
        #expect(KeyHandler.handle(.char("y"), &ui, context()) == [.teardown])
        #expect(ui.action?.kind == .teardown)
        #expect(ui.logSource == .action)
    }

    @Test func aSecondActionIsRefusedWhileOneRuns() {
        var ui = UIState()
        #expect(KeyHandler.handle(.char("u"), &ui, context()) == [.provision])
        #expect(KeyHandler.handle(.char("r"), &ui, context()).isEmpty)
        #expect(ui.status == .init(kind: .info, text: "busy: provisioning (vagrant up) is still running", atMs: 1000))
        #expect(KeyHandler.handle(.char("t"), &ui, context()).isEmpty)
        #expect(ui.overlay == .none)
    }

    @Test func quitAsksWhileAnActionRuns() {
        var ui = UIState()
        #expect(KeyHandler.handle(.char("q"), &ui, context()) == [.quit])
        _ = KeyHandler.handle(.char("r"), &ui, context())
        #expect(KeyHandler.handle(.char("q"), &ui, context()).isEmpty)
        #expect(ui.overlay == .confirmQuit)
        #expect(KeyHandler.handle(.char("x"), &ui, context()).isEmpty)
        _ = KeyHandler.handle(.char("q"), &ui, context())
        #expect(KeyHandler.handle(.char("y"), &ui, context()) == [.quit])
    }

    @Test func shellNeedsARunningAppPod() {
        var ui = UIState()
        #expect(KeyHandler.handle(.char("s"), &ui, context()) == [.shell(pod: "app-7d9f8c6b5-x2kq9")])
        var none = UIState()
        var snap = TestData.healthy()
        snap.pods.value = []
        #expect(KeyHandler.handle(.char("s"), &none, context(snap)).isEmpty)
        #expect(none.status?.text == "no running app pod to open a shell in")
        // An app pod that is there but not Running (its container not started): kubectl exec
        // would only fail, so the same sentence instead.
        for phase in ["Pending", "Failed"] {
            var pending = UIState()
            var notRunning = TestData.healthy()
            notRunning.pods.value = notRunning.pods.value?.map { pod in
                guard pod.component == "app" else { return pod }
                var p = pod
                p.phase = phase
                p.status = phase == "Pending" ? "ContainerCreating" : "Error"
                p.readyContainers = 0
                p.health = phase == "Pending" ? .progressing : .failing
                return p
            }
            #expect(notRunning.appPod?.phase == phase)
            #expect(KeyHandler.handle(.char("s"), &pending, context(notRunning)).isEmpty, "\(phase)")
            #expect(pending.status?.text == "no running app pod to open a shell in")
            #expect(pending.action == nil)
        }
    }

    @Test func withoutAVagrantfileThereIsNothingToProvisionOrDestroy() {
        var ui = UIState()
        var snap = TestData.healthy()
        snap.usesVagrant = false
        #expect(KeyHandler.handle(.char("u"), &ui, context(snap)).isEmpty)
        #expect(KeyHandler.handle(.char("t"), &ui, context(snap)).isEmpty)
        #expect(ui.overlay == .none)
        #expect(KeyHandler.handle(.char("r"), &ui, context(snap)) == [.restartApp])
    }

    @Test func scrollingUpPausesFollowAndEndResumes() {
        var ui = UIState()
        _ = KeyHandler.handle(.up, &ui, context())
        #expect(!ui.follow && ui.scroll == 1)
        _ = KeyHandler.handle(.pageUp, &ui, context())
        #expect(ui.scroll == 10)
        _ = KeyHandler.handle(.home, &ui, context())
        #expect(ui.scroll == 90)
        _ = KeyHandler.handle(.pageDown, &ui, context())
        #expect(ui.scroll == 81 && !ui.follow)
        _ = KeyHandler.handle(.end, &ui, context())
        #expect(ui.follow && ui.scroll == 0)
        _ = KeyHandler.handle(.up, &ui, context())
        _ = KeyHandler.handle(.down, &ui, context())
        #expect(ui.follow && ui.scroll == 0)
    }

    @Test func logSourceCyclesAndFollowsTheComponent() {
        var ui = UIState()
        #expect(KeyHandler.handle(.char("l"), &ui, context()) == [.followLogs(component: .mysql)])
        #expect(KeyHandler.handle(.char("l"), &ui, context()).isEmpty)
        #expect(ui.logSource == .action)
        #expect(KeyHandler.handle(.char("l"), &ui, context()) == [.followLogs(component: .app)])
    }

    @Test func helpClosesOnAnyKeyWithoutActing() {
        var ui = UIState()
        _ = KeyHandler.handle(.char("?"), &ui, context())
        #expect(ui.overlay == .help)
        #expect(KeyHandler.handle(.char("u"), &ui, context()).isEmpty)
        #expect(ui.overlay == .none && ui.action == nil)
    }
}
