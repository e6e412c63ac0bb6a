import Foundation
import Testing
@testable import ClusterProbe
@testable import DevTUI

/// The first-boot screens: doctor findings in the pods pane, the `u` question, `vagrant up` steps, a failed up.
@Suite struct DoctorScreenTests {
    static func notCreated() -> EnvironmentSnapshot {
        let now = TestData.nowMs / 1000
        var snap = EnvironmentSnapshot(project: "devenv", namespace: "devenv", usesVagrant: true, takenAt: now)
        snap.vm.succeed(VMStatus(state: "not_created", stateHuman: "not created", provider: "virtualbox", machine: "devenv"), at: now)
        snap.pods.fail(Problem(.noKubeconfig, "no kubeconfig yet (.devenv/kubeconfig): press u to provision"), at: now)
        snap.app.value = AppHealth(url: "http://127.0.0.1:8080/", error: "connection refused")
        snap.app.fail("connection refused", at: now)
        snap.volume.fail(Problem(.noKubeconfig, "no kubeconfig yet (.devenv/kubeconfig): press u to provision"), at: now)
        return snap
    }

    static func report() -> DoctorReport {
        DoctorReport(findings: [
            DoctorFinding("arch", .ok, "host x86_64: the box geerlingguy/ubuntu1604 is amd64"),
            DoctorFinding("virtualbox", .ok, "VirtualBox 7.1.4 (Ubuntu build)"),
            DoctorFinding("vagrant", .ok, "Vagrant 2.3.4"),
            DoctorChecks.pair(vagrant: ToolVersion(2, 3, 4), virtualBox: ToolVersion(7, 1, 4), macOS: false),
            DoctorChecks.kvm(modules: ["kvm_intel"], kernel: ToolVersion(6, 12), enableVirtAtLoad: "Y"),
            DoctorChecks.port(8080, id: "port-app", role: "app", key: "APP_HOST_PORT", state: .taken, owner: (31337, "nginx"), vmRunning: false),
        ])
    }

    /// A recorded `vagrant up`, split as the runner splits a stream with `\r` line ends.
    static func transcript(_ name: String) -> [String] {
        var splitter = LineSplitter(carriageReturnEndsLine: true)
        var out: [String] = []
        splitter.feed(TestData.bytes("transcripts/\(name)")) { out.append($0) }
        splitter.finish { out.append($0) }
        return out
    }

    func check(_ name: String, _ input: RenderInput) throws {
        try Golden.check(name, input)
    }

    @Test func findingsFailuresFirstAndTheWayForwardLast() throws {
        var ui = UIState()
        ui.doctor = Self.report()
        ui.logSource = .action
        let input = TestData.input(Self.notCreated(), ui: ui, logs: LogBuffer(), width: 100, height: 30)
        try check("not-created-doctor-100x30", input)
        let rows = Renderer.render(input).text.split(separator: "\n").map(String.init)
        let vagrant = try #require(rows.firstIndex { $0.contains("✗ Vagrant 2.3.4 cannot drive VirtualBox 7.1") })
        let port = try #require(rows.firstIndex { $0.contains("✗ port 127.0.0.1:8080 (app) is taken by nginx") })
        let kvm = try #require(rows.firstIndex { $0.contains("! KVM: kvm_intel is loaded") })
        let hint = try #require(rows.firstIndex { $0.contains(DoctorPanel.provisionHint) })
        #expect(vagrant < port && port < kvm && kvm < hint)
        // Narrow screens cut the list but keep the last line.
        let small = Renderer.render(TestData.input(Self.notCreated(), ui: ui, logs: LogBuffer(), width: 80, height: 24)).text
        #expect(small.contains(DoctorPanel.provisionHint))
        #expect(small.contains("more lines: run devtui doctor"))
    }

    @Test func nothingFoundKeepsTheUsualScreen() throws {
        var ui = UIState()
        ui.doctor = DoctorReport(findings: [DoctorFinding("arch", .ok, "fine")])
        let plain = Renderer.render(TestData.input(Self.notCreated(), logs: LogBuffer(), width: 80, height: 24)).text
        let checked = Renderer.render(TestData.input(Self.notCreated(), ui: ui, logs: LogBuffer(), width: 80, height: 24)).text
        #expect(plain == checked)
        #expect(plain.contains("VM not created — press u to provision (first run 10-30 min)"))
    }

    @Test func uAsksWhenDoctorFoundAFailure() throws {
        var ui = UIState()
        ui.doctor = Self.report()
        let context = KeyHandler.Context(snapshot: Self.notCreated(), logCount: 0, pageSize: 10, nowMs: 5000)
        #expect(KeyHandler.handle(.char("u"), &ui, context).isEmpty)
        #expect(ui.overlay == .confirmProvision)
        try check("confirm-provision-80x24", TestData.input(Self.notCreated(), ui: ui, logs: LogBuffer(), width: 80, height: 24))
        let screen = Renderer.render(TestData.input(Self.notCreated(), ui: ui, logs: LogBuffer(), width: 100, height: 30)).text
        #expect(screen.contains("doctor: Vagrant 2.3.4 cannot drive VirtualBox 7.1 (needs Vagrant 2.4.2+)."))
        #expect(screen.contains("Provision anyway? [y/N]"))
        // Default No.
        #expect(KeyHandler.handle(.char("\r"), &ui, context).isEmpty)
        #expect(ui.status?.text == "provisioning cancelled")
        #expect(ui.action == nil)
        _ = KeyHandler.handle(.char("u"), &ui, context)
        #expect(KeyHandler.handle(.char("y"), &ui, context) == [.provision])
        #expect(ui.action?.kind == .provision)
        // No failure found: u provisions straight away.
        var clean = UIState()
        clean.doctor = DoctorReport(findings: [DoctorFinding("kvm", .warn, "note")])
        #expect(KeyHandler.handle(.char("u"), &clean, context) == [.provision])
    }

    /// u asks first exactly when memory is short of the VM plus 1 GiB (a byte short), and not at
    /// the boundary or above it; the question names the memory finding.
    @Test func uAsksAboutMemoryOnlyBelowTheHeadRoom() {
        let context = KeyHandler.Context(snapshot: Self.notCreated(), logCount: 0, pageSize: 10, nowMs: 5000)
        let need = 3072 * 1_048_576 + DoctorChecks.hostReserve
        for (available, asks) in [(need - 1, true), (need, false), (need + 1, false)] {
            var ui = UIState()
            ui.doctor = DoctorReport(findings: [DoctorFinding("arch", .ok, "host x86_64: the box geerlingguy/ubuntu1604 is amd64"),
                                                DoctorChecks.memory(available: available, total: nil, vmMB: 3072, vmRunning: false)])
            let effects = KeyHandler.handle(.char("u"), &ui, context)
            #expect(effects == (asks ? [] : [.provision]), "\(available - need) bytes from the need")
            #expect((ui.overlay == .confirmProvision) == asks)
            if asks {
                let screen = Renderer.render(TestData.input(Self.notCreated(), ui: ui, logs: LogBuffer(), width: 100, height: 30)).text
                #expect(screen.contains("doctor: memory: 4.0 GiB free, the VM needs 3.0 GiB + 1 GiB for the host."))
            }
        }
    }

    @Test func provisioningShowsTheStep() throws {
        var progress = UpProgress(provisioners: ["docker", "k3s", "app", "on-boot"])
        for line in Self.transcript("first-up.txt").prefix(12) { progress.feed(line, nowMs: 0) }
        #expect(progress.title == "step 1/8: box download 37%")
        var ui = UIState()
        ui.logSource = .action
        ui.action = RunningAction(kind: .provision, startedAtMs: TestData.nowMs - 65_000, latestLine: nil, progress: progress)
        var logs = LogBuffer()
        for line in Self.transcript("first-up.txt").prefix(12) { logs.append(line) }
        try check("provisioning-steps-100x30", TestData.input(Self.notCreated(), ui: ui, logs: logs, width: 100, height: 30))
        let screen = Renderer.render(TestData.input(Self.notCreated(), ui: ui, logs: logs, width: 100, height: 30)).text
        #expect(screen.contains("Logs · vagrant up 1m 5s · step 1/8: box download 37% · follow"))
        #expect(screen.contains("step 1/8: box download 37% 1m 5s"))
    }

    @Test func aFailedUpSaysWhereAndTheFix() throws {
        let lines = Self.transcript("fail-kvm.txt")
        var progress = UpProgress(provisioners: ["docker", "k3s", "app", "on-boot"])
        for line in lines { progress.feed(line, nowMs: 0) }
        let known = try #require(UpFailure.diagnose(lines, vmIP: "192.168.56.10"))
        var ui = UIState()
        ui.upFailure = UpFailed(step: progress.title, reason: known.reason, fix: known.fix)
        ui.status = .init(kind: .failure, text: ui.upFailure!.footer)
        ui.doctor = DoctorReport(findings: [DoctorChecks.kvm(modules: ["kvm_intel"], kernel: ToolVersion(6, 12), enableVirtAtLoad: nil)])
        ui.logSource = .action
        var logs = LogBuffer()
        lines.forEach { logs.append($0) }
        let input = TestData.input(Self.notCreated(), ui: ui, logs: logs, width: 100, height: 30)
        try check("up-failed-100x30", input)
        let screen = Renderer.render(input).text
        #expect(screen.contains("✗ vagrant up failed at step 2/8: boot: KVM holds VT-x"))
        #expect(screen.contains("  (VERR_VMX_IN_VMX_ROOT_MODE)"))
        #expect(screen.contains("fix: sudo modprobe -r kvm_intel"))
        #expect(screen.contains("✗ up failed at 2/8 boot: KVM holds VT-x · fix: sudo modprobe -r kvm_intel, then u"))
    }
}
