import Testing
@testable import ClusterProbe
@testable import DevTUI

/// Every UI transition that is not a key (keys: KeyHandlerTests), through the one reducer.
@Suite struct ReducerTests {
    let context = KeyHandler.Context(snapshot: TestData.healthy(), logCount: 100, pageSize: 10, nowMs: 5000)

    func running(_ kind: ActionKind) -> UIState {
        var ui = UIState()
        ui.action = RunningAction(kind: kind, startedAtMs: 1000)
        return ui
    }

    @Test func aKeyGoesThroughTheKeyHandler() {
        var ui = UIState()
        #expect(Reducer.reduce(.key(.char("?")), &ui, context) == [])
        #expect(ui.overlay == .help)
        var idle = UIState()
        #expect(Reducer.reduce(.key(.char("r")), &idle, context) == [.restartApp])
    }

    @Test func progressAndPhaseUpdateTheRunningAction() {
        var ui = running(.provision)
        #expect(Reducer.reduce(.action(.progress("==> devenv: Booting VM...")), &ui, context).isEmpty)
        #expect(ui.action?.latestLine == "==> devenv: Booting VM...")
        let progress = UpProgress(provisioners: ["docker", "k3s", "app", "on-boot"])
        #expect(Reducer.reduce(.action(.phase(progress)), &ui, context).isEmpty)
        #expect(ui.action?.progress == progress)
        var idle = UIState()
        _ = Reducer.reduce(.action(.progress("late line")), &idle, context)
        #expect(idle.action == nil, "output after the end does not resurrect an action")
    }

    @Test func aSuccessEndsTheActionAndSaysSo() {
        var ui = running(.restart)
        #expect(Reducer.reduce(.action(.finished(kind: .restart, ok: true, message: "restarted app (4 s)")), &ui, context) == [])
        #expect(ui.action == nil)
        #expect(ui.status == .init(kind: .success, text: "restarted app (4 s)"))
    }

    @Test func aFailureRunsTheDoctorAgainAndAFailedUpIsKept() {
        var ui = running(.provision)
        let failure = UpFailed(step: "step 2/8: boot", reason: "KVM holds VT-x", fix: "sudo modprobe -r kvm_intel, then u")
        let effects = Reducer.reduce(.action(.finished(kind: .provision, ok: false, message: "provisioning failed", failure: failure)), &ui, context)
        #expect(effects == [.runDoctor])
        #expect(ui.status?.kind == .failure && ui.upFailure == failure)
        // The next successful up clears the failure.
        var next = running(.provision)
        next.upFailure = failure
        _ = Reducer.reduce(.action(.finished(kind: .provision, ok: true, message: "provisioned (9m)")), &next, context)
        #expect(next.upFailure == nil)
        // A failed restart is not a failed up.
        var restart = running(.restart)
        restart.upFailure = failure
        #expect(Reducer.reduce(.action(.finished(kind: .restart, ok: false, message: "restart failed")), &restart, context) == [.runDoctor])
        #expect(restart.upFailure == failure)
    }

    @Test func theDoctorsReportIsKept() {
        var ui = UIState()
        let report = DoctorReport(findings: [DoctorFinding("virtualbox", .fail, "VirtualBox: VBoxManage not found on PATH")])
        #expect(Reducer.reduce(.doctor(report), &ui, context).isEmpty)
        #expect(ui.doctor == report)
    }

    @Test(arguments: [
        (ShellOutcome.exited(0), UIState.StatusLine(kind: .success, text: "shell closed")),
        (.exited(130), .init(kind: .success, text: "shell closed")),
        (.exited(137), .init(kind: .failure, text: "shell exited 137")),
        (.failed("kubectl: not found on PATH"), .init(kind: .failure, text: "kubectl: not found on PATH")),
    ])
    func theShellClosing(outcome: ShellOutcome, status: UIState.StatusLine) {
        var ui = running(.shell)
        #expect(Reducer.reduce(.shellClosed(outcome), &ui, context).isEmpty)
        #expect(ui.action == nil && ui.status == status)
    }

    /// A resize is not an answer: help stays open, a question stays asked.
    @Test func aResizeClosesNothingAndAnswersNothing() {
        for overlay in [UIState.Overlay.help, .confirmTeardown, .confirmQuit, .confirmProvision] {
            var ui = UIState()
            ui.overlay = overlay
            #expect(Reducer.reduce(.key(.resize), &ui, context).isEmpty)
            #expect(ui.overlay == overlay && ui.status == nil)
        }
    }
}
