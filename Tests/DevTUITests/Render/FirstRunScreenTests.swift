import Testing
@testable import ClusterProbe
@testable import DevTUI

/// A first run on a host that is not ready (issue 21): the doctor's panel whenever the VM does not
/// run, `vagrant status` failed or not, and `u` that never starts a `vagrant up` the doctor says will fail.
@Suite struct FirstRunScreenTests {
    /// No VirtualBox: `vagrant status` failed (no VM state at all), no kubeconfig yet.
    static func noVirtualBox() -> EnvironmentSnapshot {
        let now = TestData.nowMs / 1000
        var snap = EnvironmentSnapshot(project: "devenv", kubeContext: nil, namespace: "devenv", usesVagrant: true, takenAt: now)
        snap.vm.fail(Problem(.failed, "vagrant: exit 1: Vagrant could not detect VirtualBox! Make sure VirtualBox is properly installed."), at: now)
        snap.vm.nextAttemptAt = now + 15
        snap.pods.fail(Problem(.noKubeconfig, "no kubeconfig yet (.devenv/kubeconfig): run `vagrant up`"), at: now)
        snap.app.value = AppHealth(url: "http://127.0.0.1:8080/", error: "connection refused")
        snap.app.fail("connection refused", at: now)
        snap.volume.fail(Problem(.noKubeconfig, "no kubeconfig yet (.devenv/kubeconfig): run `vagrant up`"), at: now)
        return snap
    }

    /// What `devtui doctor` finds there (its VM line folded into the VirtualBox line).
    static func noVirtualBoxReport() -> DoctorReport {
        let out = CommandOutput(exitCode: 1, stdout: TestData.bytes("vagrant/status-no-virtualbox.txt"), stderr: [])
        return DoctorReport(findings: DoctorChecks.foldVM([
            DoctorChecks.arch("x86_64"),
            DoctorChecks.virtualBox(.failure(.notFound(tool: "VBoxManage"))).0,
            DoctorFinding("vagrant", .ok, "Vagrant 2.3.4"),
            DoctorChecks.vm(VagrantStatusParser.status(of: out, machine: "devenv"), machine: "devenv"),
        ]))
    }

    static func rows(_ input: RenderInput) -> [String] {
        Renderer.render(input).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func context(_ snap: EnvironmentSnapshot) -> KeyHandler.Context {
        KeyHandler.Context(snapshot: snap, logCount: 0, pageSize: 10, nowMs: 5000)
    }

    @Test func noVirtualBoxShowsTheDoctorNotAKubectlError() throws {
        var ui = UIState()
        ui.doctor = Self.noVirtualBoxReport()
        let input = TestData.input(Self.noVirtualBox(), ui: ui, logs: LogBuffer(), width: 100, height: 30)
        try Golden.check("no-virtualbox-100x30", input)
        let pane = Self.rows(input).dropFirst(2).prefix { !$0.hasPrefix("└") }.map { String($0.prefix(59)) }
        #expect(pane.first == "│ VM state unknown — 1 problem found by devtui doctor:     ")
        #expect(pane.contains { $0.contains("✗ VirtualBox: VBoxManage not found on PATH (so `vagrant") })
        #expect(pane.last?.contains(DoctorPanel.provisionHint) == true)
        #expect(!pane.contains { $0.contains("no kubeconfig") || $0.contains("✗ VM") })
    }

    @Test func beforeTheDoctorAnswersVagrantsOwnReasonIsShown() {
        let screen = Renderer.render(TestData.input(Self.noVirtualBox(), logs: LogBuffer(), width: 100, height: 30)).text
        #expect(screen.contains("│ ✗ vagrant: exit 1: Vagrant could not detect VirtualBox!  │"))
        #expect(screen.contains("│   Make sure VirtualBox is properly installed.            │"))
        #expect(screen.contains("VM state unknown — devtui doctor is checking…"))
        #expect(screen.contains(DoctorPanel.provisionHint))
        #expect(!screen.contains("no kubeconfig yet (.devenv/kubeconfig): run"))
    }

    /// Any VM that does not run gets the panel when the doctor has something to say; a stopped one
    /// is started, not provisioned.
    @Test func aStoppedVMWithFindingsGetsThePanelAndStartIt() {
        var snap = Self.noVirtualBox()
        snap.vm.succeed(VMStatus(state: "poweroff", stateHuman: "poweroff", provider: "virtualbox", machine: "devenv"), at: snap.takenAt)
        var ui = UIState()
        ui.doctor = DoctorReport(findings: [DoctorChecks.kvm(modules: ["kvm_intel"], kernel: ToolVersion(6, 12), enableVirtAtLoad: "Y")])
        let screen = Renderer.render(TestData.input(snap, ui: ui, logs: LogBuffer(), width: 100, height: 30)).text
        #expect(screen.contains("VM is poweroff — devtui doctor notes:"))
        #expect(screen.contains(DoctorPanel.startHint))
        #expect(!screen.contains(DoctorPanel.provisionHint))
        // Nothing to say: the one-line state as before.
        ui.doctor = DoctorReport(findings: [DoctorFinding("arch", .ok, "fine")])
        #expect(Renderer.render(TestData.input(snap, ui: ui, logs: LogBuffer(), width: 100, height: 30)).text
            .contains("VM is poweroff — press u to start it"))
    }

    /// A `vagrant status` that fails while the cluster answers (a slow Vagrant, a VM it keeps
    /// running) must not hide the pods.
    @Test func aFailedVagrantStatusDoesNotHideAnswersFromTheCluster() {
        var snap = TestData.healthy()
        snap.vm = SourceState()
        snap.vm.fail(Problem(.timedOut, "vagrant: no answer within 20 s"), at: snap.takenAt)
        var ui = UIState()
        ui.doctor = Self.noVirtualBoxReport()
        #expect(!DoctorPanel.applies(snap, ui))
        #expect(Renderer.render(TestData.input(snap, ui: ui, width: 100, height: 30)).text.contains("app-7d9f8c6b5-x2kq9"))
    }

    /// A kubeconfig left by a destroyed VM: said first in the pods pane, and in the MySQL pane
    /// instead of kubectl's TLS error.
    @Test func aStaleKubeconfigIsNamedNotItsTLSError() {
        var snap = Self.noVirtualBox()
        snap.vm = SourceState()
        snap.vm.succeed(VMStatus(state: "not_created", stateHuman: "not created", provider: "virtualbox", machine: "devenv"), at: snap.takenAt)
        let tls = Problem(.credentials, "cluster TLS not trusted: E1207 memcache.go:265] \"Unhandled Error\" err=\"couldn't get current server API group list")
        snap.pods.fail(tls, at: snap.takenAt)
        snap.volume.fail(tls, at: snap.takenAt)
        snap.staleKubeconfig = StaleKubeconfig.message
        var ui = UIState()
        ui.doctor = DoctorReport(findings: [DoctorFinding("arch", .ok, "fine")])
        let rows = Self.rows(TestData.input(snap, ui: ui, logs: LogBuffer(), width: 100, height: 30))
        #expect(rows[2].hasPrefix("│ ! .devenv/kubeconfig belongs to a VM that no longer      │"))
        #expect(rows[3].hasPrefix("│   exists (destroyed): `vagrant up` writes a new one      │"))
        #expect(rows[7].hasSuffix("│ .devenv/kubeconfig belongs to a VM   │"))
        #expect(!rows.joined().contains("TLS") && !rows.joined().contains("memcache"))
        #expect(rows.contains { $0.contains(DoctorPanel.provisionHint) })
    }

    /// The words are the command's (`devtui status` prints them too); the dashboard adds its key.
    @Test func aRunningVMWithoutAKubeconfigGetsTheKeyAsAHint() {
        var snap = TestData.healthy()
        snap.pods = SourceState()
        snap.pods.fail(Problem(.noKubeconfig, "no kubeconfig yet (.devenv/kubeconfig): run `vagrant up`"), at: snap.takenAt)
        let rows = Self.rows(TestData.input(snap, width: 100, height: 30))
        #expect(rows[2].hasPrefix("│ no kubeconfig yet (.devenv/kubeconfig): run `vagrant up`"))
        #expect(rows[3].hasPrefix("│ press u to provision "))
    }

    @Test func uAsksWithVagrantStatusFailedAndDefaultsToCancel() {
        var ui = UIState()
        ui.doctor = Self.noVirtualBoxReport()
        let context = Self.context(Self.noVirtualBox())
        #expect(KeyHandler.handle(.char("u"), &ui, context).isEmpty)
        #expect(ui.overlay == .confirmProvision)
        let screen = Renderer.render(TestData.input(Self.noVirtualBox(), ui: ui, logs: LogBuffer(), width: 100, height: 30)).text
        #expect(screen.contains("doctor: VirtualBox: VBoxManage not found on PATH (so `vagrant status` fails"))
        for key in [Key.char("\r"), .char("n"), .char(" "), .char("u")] {
            ui.overlay = .confirmProvision
            #expect(KeyHandler.handle(key, &ui, context).isEmpty)
            #expect(ui.action == nil && ui.status?.text == "provisioning cancelled")
        }
    }

    /// `u` before the doctor's first report: it waits for the report, which then decides.
    @Test func uBeforeTheDoctorWaitsForIt() {
        let context = Self.context(Self.noVirtualBox())
        var ui = UIState()
        #expect(Reducer.reduce(.key(.char("u")), &ui, context).isEmpty)
        #expect(ui.action == nil && ui.overlay == .none && ui.provisionAfterDoctor)
        #expect(ui.status?.text == "u: devtui doctor is still checking this machine, then vagrant up")
        #expect(Reducer.reduce(.doctor(Self.noVirtualBoxReport()), &ui, context).isEmpty)
        #expect(ui.overlay == .confirmProvision && !ui.provisionAfterDoctor)

        var clean = UIState()
        _ = Reducer.reduce(.key(.char("u")), &clean, context)
        #expect(Reducer.reduce(.doctor(DoctorReport(findings: [DoctorFinding("kvm", .warn, "note")])), &clean, context) == [.provision])
        #expect(clean.action?.kind == .provision)
        // A report with no `u` waiting starts nothing.
        var idle = UIState()
        #expect(Reducer.reduce(.doctor(DoctorReport(findings: [])), &idle, context).isEmpty)
        #expect(idle.action == nil)
        // A running VM needs no doctor first.
        var up = UIState()
        #expect(KeyHandler.handle(.char("u"), &up, Self.context(TestData.healthy())) == [.provision])
    }

    /// `.devenv/provision-times.json` (issue 21 item 9): the first provisioning's time beside `u`,
    /// and each provisioner's earlier time beside its step while `vagrant up` runs.
    @Test func provisionTimesBesideUAndBesideEachStep() throws {
        let times = try KubeJSON.decode(ProvisionTimes.self, from: TestData.bytes("provision-times/first-boot.json"))
        var snap = Self.noVirtualBox()
        snap.vm = SourceState()
        snap.vm.succeed(VMStatus(state: "not_created", stateHuman: "not created", provider: "virtualbox", machine: "devenv"), at: snap.takenAt)
        var ui = UIState()
        ui.provisionTimes = times
        ui.doctor = DoctorReport(findings: [DoctorFinding("arch", .ok, "fine")])
        #expect(Renderer.render(TestData.input(snap, ui: ui, logs: LogBuffer(), width: 160, height: 30)).text
            .contains("VM not created — press u to provision (first provisioning took 8m13s)"))
        ui.doctor = Self.noVirtualBoxReport()
        #expect(Renderer.render(TestData.input(snap, ui: ui, logs: LogBuffer(), width: 100, height: 30)).text
            .contains("│ press u to provision (first provisioning took 8m13s)"))
        // Without the file: the estimate.
        ui.provisionTimes = nil
        #expect(Renderer.render(TestData.input(snap, ui: ui, logs: LogBuffer(), width: 100, height: 30)).text.contains(DoctorPanel.provisionHint))

        var progress = UpProgress(provisioners: ["docker", "k3s", "app", "on-boot"])
        progress.feed("==> devenv: Running provisioner: docker (shell)...", nowMs: 0)
        var running = UIState()
        running.logSource = .action
        running.action = RunningAction(kind: .provision, startedAtMs: TestData.nowMs - 65_000, progress: progress,
                                       usual: times.usualRun(vmCreated: false))
        let screen = Renderer.render(TestData.input(snap, ui: running, logs: LogBuffer(), width: 120, height: 30)).text
        #expect(screen.contains("Logs · vagrant up 1m 5s · step 4/8: provisioner docker (usually 2m10s) · follow"))
        #expect(screen.contains("step 4/8: provisioner docker (usually 2m10s) 1m 5s"))
        progress.feed("==> devenv: Running provisioner: app (shell)...", nowMs: 0)
        running.action?.progress = progress
        #expect(running.action?.stepTitle == "step 6/8: provisioner app (usually 4m17s)")
        // Nothing timed to compare with: the step alone.
        progress.feed("==> devenv: Mounting shared folders...", nowMs: 0)
        running.action?.progress = progress
        #expect(running.action?.stepTitle == "step 3/8: shared folders")
        running.action?.usual = nil
        running.action?.progress?.feed("==> devenv: Running provisioner: k3s (shell)...", nowMs: 0)
        #expect(running.action?.stepTitle == "step 5/8: provisioner k3s")
    }
}
