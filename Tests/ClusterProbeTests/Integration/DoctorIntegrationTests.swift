import Foundation
import Testing
@testable import ClusterProbe

/// Adds variables to every command, so stand-ins learn their scenario without this process's
/// environment being changed while other tests spawn processes.
struct EnvironmentRunner: CommandRunning {
    let base: SubprocessRunner
    let environment: [String: String]

    func with(_ command: Command) -> Command {
        var copy = command
        copy.environment.merge(environment) { _, new in new }
        return copy
    }
    func run(_ command: Command, outputLimit: Int) async -> Result<CommandOutput, CommandError> {
        await base.run(with(command), outputLimit: outputLimit)
    }
    func stream(_ command: Command, mergeStderr: Bool, onLines: @escaping @Sendable ([String]) -> Void) async -> Result<StreamEnd, CommandError> {
        await base.stream(with(command), mergeStderr: mergeStderr, onLines: onLines)
    }
    func runInteractive(_ command: Command) async -> Result<Int32, CommandError> { await base.runInteractive(with(command)) }
}

/// The doctor's tools answered in-process from a scenario folder (no child process to start, so
/// nothing that a loaded machine makes slow), except `vagrant status`, which hangs until its
/// task is cancelled, as a child would until it is stopped (or, as a safety net for a broken
/// deadline, a minute has passed).
final class ReplayRunner: CommandRunning {
    let scenario: String
    private let stops = Locked(0)
    init(scenario: String) { self.scenario = scenario }

    /// How many hung calls were stopped by their cancellation.
    var stopped: Int { stops.with { $0 } }

    func run(_ command: Command, outputLimit: Int) async -> Result<CommandOutput, CommandError> {
        let argv = [command.executable] + command.arguments
        let key: String
        switch (argv.first, argv.dropFirst().first) {
        case ("VBoxManage", "--version"): key = "vboxmanage-version"
        case ("vagrant", "--version"): key = "vagrant-version"
        case ("kubectl", "version") where argv.contains("--client"): key = "kubectl-version-client"
        case ("vagrant", "status"):
            if (try? await Task.sleep(for: .seconds(60))) == nil { stops.with { $0 += 1 } }
            return .failure(.timedOut(tool: "vagrant", after: .seconds(60)))
        default: return .failure(.notFound(tool: command.toolName))
        }
        let text = (try? String(contentsOfFile: scenario + "/" + key, encoding: .utf8)) ?? ""
        return .success(CommandOutput(exitCode: 0, stdout: Array(text.utf8), stderr: []))
    }

    func stream(_ command: Command, mergeStderr: Bool, onLines: @escaping @Sendable ([String]) -> Void) async -> Result<StreamEnd, CommandError> {
        .failure(.notFound(tool: command.toolName))
    }
    func runInteractive(_ command: Command) async -> Result<Int32, CommandError> { .failure(.notFound(tool: command.toolName)) }
}

/// A project folder with settings.env, a stand-in scenario copied from Tests/Fixtures/doctor/ready,
/// and a bin folder with the stand-ins under the names given.
struct DoctorWorld {
    let root: String
    var project: String { root + "/project" }
    var scenario: String { root + "/scenario" }

    init(tools: [String] = ["VBoxManage", "vagrant", "kubectl"], settings: String = "") throws {
        root = NSTemporaryDirectory() + "doctor-" + UUID().uuidString
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/project", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Fixtures.repoRoot + "/Tests/Fixtures/doctor/ready", toPath: root + "/scenario")
        try "# stand-in\n".write(toFile: project + "/Vagrantfile", atomically: true, encoding: .utf8)
        try settings.write(toFile: project + "/settings.env", atomically: true, encoding: .utf8)
        for tool in tools {
            try fm.createSymbolicLink(atPath: root + "/bin/" + tool, withDestinationPath: Fixtures.standins + "/standin.py")
        }
    }

    func write(_ name: String, _ content: String) throws {
        try content.write(toFile: scenario + "/" + name, atomically: true, encoding: .utf8)
    }

    func doctor(host: String = "plain-6.8", networks: String? = nil, runner given: (any CommandRunning)? = nil) -> Doctor {
        let runner = given ?? EnvironmentRunner(base: SubprocessRunner(searchPath: root + "/bin:/usr/bin:/bin"),
                                                environment: ["STANDIN_DIR": scenario, "STANDIN_LOG": root + "/argv.log"])
        let config = ProbeConfig.resolve(workingDirectory: project, environment: [:])
        let paths = DoctorPaths(procRoot: Fixtures.repoRoot + "/Tests/Fixtures/doctor/hosts/\(host)/proc",
                                networksConf: networks.map { Fixtures.repoRoot + "/Tests/Fixtures/doctor/networks/" + $0 } ?? root + "/no-networks.conf",
                                vagrantHome: root + "/vagrant.d")
        var doctor = Doctor(config: config, runner: runner, paths: paths)
        doctor.machine = "x86_64"
        // The stand-ins are Python: on a loaded machine one can take longer to start than the
        // product's 1.5 s. Tests of the timeouts and the deadline set their own.
        doctor.toolTimeout = .seconds(30)
        doctor.fastTimeout = .seconds(30)
        doctor.deadline = .seconds(60)
        return doctor
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Pids of this world's stand-ins still running (found by their STANDIN_DIR).
    func liveStandins() -> [Int] {
        let marker = Array(("STANDIN_DIR=" + scenario).utf8)
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int.init) ?? []
        return pids.filter { pid in
            guard let env = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return env.split(separator: 0).contains { Array($0) == marker }
        }.sorted()
    }
}

@Suite struct DoctorIntegrationTests {
    func finding(_ report: DoctorReport, _ id: String) -> DoctorFinding? { report.findings.first { $0.id == id } }

    /// Ports the kernel just handed out and we closed again: free unless something raced us.
    static func freePorts() throws -> String {
        let a = try Listener(), b = try Listener()
        defer { a.close(); b.close() }
        return "API_HOST_PORT=\(a.port)\nAPP_HOST_PORT=\(b.port)\n"
    }

    /// The tests' switch for slow stand-ins scales every timeout and the deadline; anything but
    /// 2-100 leaves the product's own.
    @Test func theTimeoutScaleIsATestsSwitchWithinBounds() throws {
        let world = try DoctorWorld()
        defer { world.remove() }
        let plain = Doctor(config: ProbeConfig.resolve(workingDirectory: world.project, environment: [:]), runner: SubprocessRunner(),
                           paths: DoctorPaths(vagrantHome: world.root))
        var scaled = plain
        scaled.scaleTimeouts(from: ["DEVTUI_DOCTOR_TIMEOUT_SCALE": "10"])
        #expect(scaled.toolTimeout == .seconds(20) && scaled.fastTimeout == .seconds(15) && scaled.deadline == .seconds(26))
        for value in ["", "1", "0", "-3", "101", "x", "2.5"] {
            var same = plain
            same.scaleTimeouts(from: ["DEVTUI_DOCTOR_TIMEOUT_SCALE": value])
            #expect(same.toolTimeout == plain.toolTimeout && same.fastTimeout == plain.fastTimeout && same.deadline == plain.deadline, "\(value)")
        }
        #expect(plain.toolTimeout == .seconds(2) && plain.fastTimeout == .milliseconds(1500) && plain.deadline == .milliseconds(2600))
    }

    @Test func aReadyHostHasNoFailures() async throws {
        let world = try DoctorWorld(settings: try Self.freePorts())
        defer { world.remove() }
        let report = await world.doctor().run()
        let failing = report.findings.filter { $0.status == .fail && $0.id != "disk" }
        #expect(failing.isEmpty, "\(failing)")
        #expect(finding(report, "virtualbox")?.summary == "VirtualBox 7.1.4 (Ubuntu build)")
        #expect(finding(report, "vagrant-virtualbox")?.summary == "Vagrant 2.4.3 supports VirtualBox 7.1 (from 2.4.2)")
        #expect(finding(report, "kubectl")?.summary == "kubectl 1.34.2 (the pinned k3s 1.34)")
        #expect(finding(report, "vm")?.summary.hasPrefix("VM devenv: not created yet") == true)
        #expect(report.findings.map(\.id).prefix(7) == ["arch", "virtualbox", "vagrant", "vagrant-virtualbox", "kvm", "host-only-network", "port-api"])
    }

    /// Order and outcome, not speed: the hung VBoxManage is given up at its own timeout (the
    /// finding names it, where the run's deadline, far off here, would say "virtualbox: no answer
    /// within 60 s"), its process is gone once the run returns, and the other checks answered.
    @Test func aHungVBoxManageCostsItsTimeoutOnly() async throws {
        let world = try DoctorWorld(settings: try Self.freePorts())
        defer { world.remove() }
        try world.write("vboxmanage-version.hang", "")
        var doctor = world.doctor()  // vagrant's timeout and the deadline far off
        doctor.fastTimeout = .milliseconds(1500)
        let report = await doctor.run()
        let vbox = try #require(finding(report, "virtualbox"))
        #expect(vbox.status == .warn)
        #expect(vbox.summary == "VirtualBox: `VBoxManage --version` gave no answer within 1.5 s")
        #expect(world.liveStandins() == [], "the hung VBoxManage outlived the run")
        #expect(finding(report, "vagrant")?.status == .ok)
        #expect(finding(report, "vm")?.summary.hasPrefix("VM devenv: not created yet") == true)
        #expect(!report.findings.contains { $0.summary.contains("no answer within 60 s") })
    }

    /// A world whose `vagrant status` hangs (`hang`: the .hang fixture's text), and its doctor
    /// with the given tool timeout and deadline.
    static func hungVagrantStatus(_ hang: String = "", toolTimeout: Duration = .seconds(30), deadline: Duration) throws -> (DoctorWorld, Doctor) {
        let world = try DoctorWorld(settings: try freePorts())
        try world.write("vagrant-status.hang", hang)
        var doctor = world.doctor()
        doctor.toolTimeout = toolTimeout
        doctor.deadline = deadline
        return (world, doctor)
    }

    /// The deadline, not the 30 s tool timeout, ends the run: the finding says so (the tool's
    /// timeout would report the VM check itself, not "no answer within 2.5 s"); the groups that
    /// answered are reported as they answered, and the hung call is stopped. Order, not timing:
    /// the tools answer in-process and the deadline is on a manual clock, moved on only once the
    /// groups that can answer have (with Python stand-ins and the real clock, a loaded machine
    /// made them miss even a 5 s deadline, 2 runs in 10; in-process, still 2 in 10 at 2.5 s).
    @Test func theDeadlineBoundsAGroupThatNeverAnswers() async throws {
        let world = try DoctorWorld(settings: try Self.freePorts())
        defer { world.remove() }
        let runner = ReplayRunner(scenario: world.scenario)
        let clock = ManualClock()
        let done = Locked<[String]>([])
        var doctor = world.doctor(runner: runner)
        doctor.deadline = .milliseconds(2500)
        doctor.time = clock
        doctor.groupDone = { key in done.with { $0.append(key) } }
        let run = Task { await doctor.run() }
        // Every group that does not wait for `vagrant status` is in; the run is waiting on.
        guard await eventually("the groups that can answer", { Set(done.with { $0 }) == ["arch", "virtualbox", "kubectl"] }) else {
            run.cancel()
            return
        }
        clock.advance(by: .milliseconds(2500))
        let report = await run.value
        #expect(finding(report, "vm")?.summary == "vm: no answer within 2.5 s")
        #expect(finding(report, "virtualbox")?.summary == "VirtualBox 7.1.4 (Ubuntu build)")
        #expect(finding(report, "kubectl")?.summary == "kubectl 1.34.2 (the pinned k3s 1.34)")
        // The host group (ports, memory, disk) waits for the VM's state, so it is left too.
        #expect(report.findings.filter { $0.summary.contains("no answer") }.map(\.id) == ["host", "vm"])
        await eventually("the hung vagrant status stopped") { runner.stopped == 1 }
    }

    /// A hung `vagrant status` left behind at the deadline, a real child this time: stopped.
    @Test func theChildLeftAtTheDeadlineIsStopped() async throws {
        let (world, doctor) = try Self.hungVagrantStatus(deadline: .seconds(5))
        defer { world.remove() }
        let report = await doctor.run()
        #expect(finding(report, "vm")?.summary == "vm: no answer within 5.0 s")
        // It would sleep for an hour.
        await eventually("the hung vagrant status stopped") { world.liveStandins().isEmpty }
    }

    /// The dashboard's way: the report at the deadline, then the return only once the checks
    /// stopped there have ended, even one that ignores SIGTERM (SIGKILL a second later).
    @Test func reportingThenWaitingForTheChecksStoppedAtTheDeadline() async throws {
        let (world, doctor) = try Self.hungVagrantStatus("ignore SIGTERM", deadline: .milliseconds(1500))
        defer { world.remove() }
        let reported = Locked<DoctorReport?>(nil)
        await doctor.run { report in reported.with { $0 = report } }
        #expect(reported.with { $0 }.flatMap { finding($0, "vm") }?.summary == "vm: no answer within 1.5 s")
        #expect(world.liveStandins() == [], "returned before the stopped check had ended")
    }

    /// The cancelled runs below return long before the deadline (2 min) and the hung tool's
    /// timeout (5 min); run to either, they would take that long. This bound is the behaviour, and
    /// generous: a loaded machine is slow by seconds, not by a minute.
    static let cancelledRunBound = Duration.seconds(60)

    /// Cancelled before a check started: each is cancelled as it is added.
    @Test func aRunCancelledBeforeItStartsLeavesNothing() async throws {
        let (world, doctor) = try Self.hungVagrantStatus(toolTimeout: .seconds(300), deadline: .seconds(120))
        defer { world.remove() }
        let started = ContinuousClock.now
        let run = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await doctor.run()
        }
        _ = await run.value
        #expect(ContinuousClock.now - started < Self.cancelledRunBound)
        #expect(world.liveStandins() == [])
    }

    /// The dashboard quitting cancels a run: every check is stopped and the run returns only once
    /// their children are gone, long before a hung tool's timeout or the deadline.
    @Test func aCancelledRunStopsItsChecksAndWaitsForThem() async throws {
        let (world, doctor) = try Self.hungVagrantStatus(toolTimeout: .seconds(300), deadline: .seconds(120))
        defer { world.remove() }
        let started = ContinuousClock.now
        let run = Task { await doctor.run() }
        guard await eventually("the hung vagrant status running", { !world.liveStandins().isEmpty }) else {
            run.cancel()
            _ = await run.value
            return
        }
        run.cancel()
        let report = await run.value
        #expect(ContinuousClock.now - started < Self.cancelledRunBound, "the cancelled run took \(ContinuousClock.now - started)")
        #expect(world.liveStandins() == [], "checks outlived the cancelled run")
        #expect(report.findings.isEmpty)
    }

    @Test func oldVagrantNewVirtualBoxAndGarbage() async throws {
        let world = try DoctorWorld(settings: try Self.freePorts())
        defer { world.remove() }
        try world.write("vagrant-version", "Vagrant 2.3.4\n")
        var report = await world.doctor().run()
        #expect(finding(report, "vagrant-virtualbox")?.status == .fail)
        #expect(!report.ok)
        try world.write("vboxmanage-version", "\u{1B}[2Jsomething broke\n")
        try world.write("vboxmanage-version.exit", "1")
        report = await world.doctor().run()
        #expect(finding(report, "virtualbox")?.summary.hasPrefix("VirtualBox: `VBoxManage --version` printed no version (exit 1") == true)
        #expect(finding(report, "vagrant-virtualbox") == nil)
    }

    @Test func missingToolsAndARefusedRange() async throws {
        let world = try DoctorWorld(tools: ["vagrant"], settings: try Self.freePorts() + "VM_IP=192.168.56.10\n")
        defer { world.remove() }
        let report = await world.doctor(networks: "other-range.conf").run()
        #expect(finding(report, "virtualbox")?.summary == "VirtualBox: VBoxManage not found on PATH")
        #expect(finding(report, "kubectl")?.status == .warn)
        #expect(finding(report, "host-only-network")?.status == .fail)
    }

    @Test func aTakenPortIsAFailureUnlessTheVMRuns() async throws {
        let listener = try Listener()
        defer { listener.close() }
        let other = try Listener()
        let free = other.port
        other.close()
        let world = try DoctorWorld(settings: "API_HOST_PORT=\(free)\nAPP_HOST_PORT=\(listener.port)\n")
        defer { world.remove() }
        var report = await world.doctor().run()
        let port = try #require(finding(report, "port-app"))
        #expect(port.status == .fail)
        #expect(port.summary.hasPrefix("port 127.0.0.1:\(listener.port) (app) is taken"))
        #expect(finding(report, "port-api")?.status == .ok)
        try world.write("vagrant-status", Fixtures.text("scenarios/healthy/vagrant-status"))
        report = await world.doctor().run()
        #expect(finding(report, "port-app")?.status == .ok)
        // Running VM: the kubeconfig is checked (absent here).
        #expect(finding(report, "kubeconfig")?.status == .fail)
    }

    @Test func withoutProcNetTheOwnerComesFromLsof() async throws {
        let listener = try Listener()
        defer { listener.close() }
        let world = try DoctorWorld(settings: "APP_HOST_PORT=\(listener.port)\n")
        defer { world.remove() }
        // A stand-in lsof answering in its -F format; the fixture host has no /proc/net.
        let script = world.root + "/bin/lsof"
        try "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/lsof.args\"\nprintf 'p4321\\ncweb-server\\n'\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let report = await world.doctor(host: "kvm-intel-6.12").run()
        #expect(finding(report, "port-app")?.summary == "port 127.0.0.1:\(listener.port) (app) is taken by web-server (pid 4321): Vagrant cannot forward it")
        let args = try String(contentsOfFile: world.root + "/bin/lsof.args", encoding: .utf8)
        #expect(args == "-nP -iTCP:\(listener.port) -sTCP:LISTEN -Fpc\n")
    }
}
