import Foundation
import Testing
@testable import ClusterProbe
@testable import DevTUI

/// The renderer against screens checked into Tests/DevTUITests/Golden at fixed sizes (Golden.check).
@Suite struct GoldenScreenTests {
    @Test func healthyAtEverySize() throws {
        for (w, h) in [(100, 30), (80, 24), (120, 40), (60, 15), (40, 10)] {
            try Golden.check("healthy-\(w)x\(h)", TestData.input(TestData.healthy(), width: w, height: h))
        }
    }

    @Test func vmNotCreated() throws {
        var snap = EnvironmentSnapshot(project: "devenv", namespace: "devenv", usesVagrant: true, takenAt: TestData.nowMs / 1000)
        let now = TestData.nowMs / 1000
        snap.vm.succeed(VMStatus(state: "not_created", stateHuman: "not created", provider: "virtualbox", machine: "devenv"), at: now)
        snap.pods.fail(Problem(.noKubeconfig, "no kubeconfig yet (.devenv/kubeconfig): press u to provision"), at: now)
        snap.pods.nextAttemptAt = now + 4
        snap.app.value = AppHealth(url: "http://127.0.0.1:8080/", error: "connection refused")
        snap.app.fail("connection refused", at: now)
        snap.app.nextAttemptAt = now + 2
        snap.volume.fail(Problem(.noKubeconfig, "no kubeconfig yet (.devenv/kubeconfig): press u to provision"), at: now)
        try Golden.check("not-created-80x24", TestData.input(snap, logs: LogBuffer(), width: 80, height: 24))
    }

    @Test func crashLoopAndUnreachable() throws {
        var snap = TestData.healthy()
        snap.pods.value = TestData.pods("crashloop")
        snap.app.value = AppHealth(url: "http://127.0.0.1:8080/", statusCode: 502, latencyMs: 3, firstLine: "Bad Gateway")
        try Golden.check("crashloop-100x30", TestData.input(snap, width: 100, height: 30))

        var gone = TestData.healthy()
        gone.pods.fail(Problem(.unreachable, "cluster unreachable: connection refused"), at: TestData.nowMs / 1000)
        gone.pods.nextAttemptAt = TestData.nowMs / 1000 + 3
        try Golden.check("unreachable-100x30", TestData.input(gone, width: 100, height: 30))
    }

    @Test func overlaysAndActions() throws {
        var ui = UIState()
        ui.overlay = .confirmTeardown
        try Golden.check("teardown-confirm-80x24", TestData.input(TestData.healthy(), ui: ui, width: 80, height: 24))
        ui.overlay = .help
        try Golden.check("help-100x30", TestData.input(TestData.healthy(), ui: ui, width: 100, height: 30))

        var running = UIState()
        running.logSource = .action
        running.action = RunningAction(kind: .provision, startedAtMs: TestData.nowMs - 73_000, latestLine: "==> devenv: Running provisioner: app (shell)...")
        var actionLog = LogBuffer()
        ["$ vagrant up", "Bringing machine 'devenv' up with 'virtualbox' provider...", "==> devenv: Running provisioner: app (shell)..."].forEach { actionLog.append($0) }
        try Golden.check("provisioning-100x30", TestData.input(TestData.healthy(), ui: running, logs: actionLog, width: 100, height: 30))

        var paused = UIState()
        paused.follow = false
        paused.scroll = 3
        paused.ascii = true
        paused.status = .init(kind: .success, text: "restarted app (4 s)")
        try Golden.check("paused-ascii-80x24", TestData.input(TestData.healthy(), ui: paused, width: 80, height: 24))
    }

    @Test func hostileLogLinesCannotBreakTheFrame() {
        var logs = LogBuffer()
        logs.append(TextSanitizer.line(Array("\u{1B}[2J\u{1B}[31mred\u{07} 漢字漢字漢字 ok".utf8) + [0xFF, 0xFE]))
        logs.append(String(repeating: "x", count: 10_000))
        let frame = Renderer.render(TestData.input(TestData.healthy(), logs: logs, width: 80, height: 24))
        for line in frame.text.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(TextWidth.of(String(line)) <= 80)
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 })
        }
        #expect(frame.text.contains("red"))
    }
}
