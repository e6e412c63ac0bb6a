/// `devtui doctor`: every check at once, each tool call bounded by its own timeout, the whole run
/// by `deadline`, so one hung tool (a stuck VBoxManage) costs its timeout and nothing more.
public struct Doctor: Sendable {
    public let config: ProbeConfig
    public let runner: any CommandRunning
    public let paths: DoctorPaths
    /// For vagrant (Ruby: 1-2 s just to start).
    public var toolTimeout: Duration = .seconds(2)
    /// For VBoxManage, kubectl and lsof, which answer in milliseconds. A child that ignores
    /// SIGTERM gets SIGKILL one second after its timeout: still inside the deadline.
    public var fastTimeout: Duration = .milliseconds(1500)
    /// Answers still missing then are reported as "no answer" (the whole command stays under 3 s).
    public var deadline: Duration = .milliseconds(2600)
    public var machine: String = HostFacts.machine()
    /// The clock the deadline is measured on (tests: a manual one).
    var time: any TimeSource = SystemTime()
    /// Told each group's key once its findings are in (tests: the deadline only after them).
    var groupDone: (@Sendable (String) -> Void)?
    /// Where the proxy variables are read (the VM gets the host's proxy).
    public var environment: [String: String] = ProcessEnvironment.current()

    /// Tests with stand-in tools on a loaded machine: `DEVTUI_DOCTOR_TIMEOUT_SCALE=N` (2-100)
    /// multiplies every tool timeout and the deadline, so a stand-in slow to start is never "no
    /// answer". Like DEVTUI_PROC_ROOT, a test's switch: scripts/test never passes DEVTUI_* on.
    public mutating func scaleTimeouts(from env: [String: String]) {
        guard let n = env["DEVTUI_DOCTOR_TIMEOUT_SCALE"].flatMap({ Int($0) }), (2...100).contains(n) else { return }
        toolTimeout *= n
        fastTimeout *= n
        deadline *= n
    }

    public init(config: ProbeConfig, runner: any CommandRunning, paths: DoctorPaths) {
        self.config = config
        self.runner = runner
        self.paths = paths
    }

    var settings: ProjectSettings { config.settings }

    static func vmStatus(_ outcome: Result<CommandOutput, CommandError>, machine: String, directory: String) -> Result<VMStatus, CommandError> {
        outcome.flatMap { VagrantStatusParser.status(of: $0, machine: machine, directory: directory) }
    }

    /// The checks in the order they print. Each group runs in its own task; at the deadline the
    /// ones still running are stopped, not waited for. Cancelled, it stops every check and returns
    /// (an empty report, which nobody reads) only once their children are gone.
    public func run() async -> DoctorReport {
        let checks = CheckTasks()
        return await withTaskCancellationHandler {
            let (report, settle) = await run(checks)
            guard let report else { await settle(); return DoctorReport(findings: []) }
            return report
        } onCancel: {
            checks.cancelAll()
        }
    }

    /// `run()` for a caller that must leave no child behind (the dashboard, which waits for this
    /// at quit): hands the report over when it is due, then returns only once every check, the
    /// ones stopped at the deadline too, has ended. A cancelled run hands nothing over.
    public func run(reporting: @escaping @Sendable (DoctorReport) -> Void) async {
        let checks = CheckTasks()
        await withTaskCancellationHandler {
            let (report, settle) = await run(checks)
            if let report { reporting(report) }
            await settle()
        } onCancel: {
            checks.cancelAll()
        }
    }

    /// The report (nil when cancelled) and a wait for every check to end.
    private func run(_ checks: CheckTasks) async -> (DoctorReport?, settle: @Sendable () async -> Void) {
        let results = Locked<[String: [DoctorFinding]]>([:])
        let order = Locked<[String]>([])
        let time = self.time
        let started = time.monotonicMs()
        var tasks: [Task<Void, Never>] = []
        let groupDone = self.groupDone

        func launch(_ key: String, _ body: @escaping @Sendable () async -> [DoctorFinding]) {
            order.with { $0.append(key) }
            let task = Task { let found = await body(); results.with { $0[key] = found }; groupDone?(key) }
            tasks.append(task)
            checks.add { task.cancel() }
        }

        let project = config.projectDir
        let timeout = toolTimeout
        let fast = min(fastTimeout, toolTimeout)
        let runner = self.runner
        let settings = self.settings
        let paths = self.paths
        let machine = self.machine
        let proxy = ProxySettings.from(environment: environment, settings: settings.values)
        let vmState = Task<Result<VMStatus, CommandError>?, Never> {
            guard let project else { return nil }
            let command = Command("vagrant", ["status", "--machine-readable"], workingDirectory: project, timeout: timeout)
            return Doctor.vmStatus(await runner.run(command, outputLimit: 1_048_576), machine: config.machine, directory: project)
        }
        checks.add { vmState.cancel() }
        let serverTask = Task<(DoctorFinding, ToolVersion?)?, Never> {
            if let kubeconfig = config.target.kubeconfig, FileText.readBytes(kubeconfig, limit: 1) == nil { return nil }
            var target = config.target
            target.requestTimeoutSeconds = 1
            let command = Command("kubectl", target.globalFlags + ["--request-timeout=1s", "version", "-o", "json"], timeout: fast)
            return DoctorChecks.api(await runner.run(command, outputLimit: 65536))
        }
        checks.add { serverTask.cancel() }

        if project != nil {
            launch("arch") { [DoctorChecks.arch(machine)] }
            launch("virtualbox") {
                async let vboxOutput = runner.run(Command("VBoxManage", ["--version"], timeout: fast), outputLimit: 65536)
                async let vagrantOutput = runner.run(Command("vagrant", ["--version"], workingDirectory: project, timeout: timeout), outputLimit: 65536)
                let (vbox, vboxVersion) = DoctorChecks.virtualBox(await vboxOutput)
                let (vagrant, vagrantVersion) = DoctorChecks.vagrant(await vagrantOutput)
                var found = [vbox, vagrant]
                if let vboxVersion, let vagrantVersion { found.append(DoctorChecks.pair(vagrant: vagrantVersion, virtualBox: vboxVersion)) }
                if let vboxVersion {
                    let nameservers = HostFacts.isLinux ? HostFacts.nameservers(resolvConf: paths.resolvConf) : nil
                    found += DoctorChecks.virtualBoxNAT(vboxVersion, nameservers: nameservers)
                }
                if HostFacts.isLinux {
                    found.append(DoctorChecks.kvm(modules: HostFacts.modules(procRoot: paths.procRoot),
                                                  kernel: HostFacts.kernel(procRoot: paths.procRoot),
                                                  enableVirtAtLoad: HostFacts.kvmEnableVirtAtLoad(sysRoot: paths.sysRoot)))
                }
                let conf = FileText.text(paths.networksConf).map(NetworksConf.parse) ?? NetworksConf.absent()
                found.append(DoctorChecks.hostOnly(ip: settings.vmIP, conf: conf, confPath: paths.networksConf, virtualBox: vboxVersion))
                return found
            }
            launch("host") {
                let vm = await vmState.value
                let running = (try? vm?.get())?.isRunning == true
                // Unknown VM state: a taken port may be the VM's own forward.
                let unsure: Bool
                if case .success? = vm { unsure = false } else { unsure = true }
                var found: [DoctorFinding] = []
                for (port, id, role, key) in [(settings.apiHostPort, "port-api", "Kubernetes API", "API_HOST_PORT"),
                                              (settings.appHostPort, "port-app", "app", "APP_HOST_PORT")] {
                    let state = running ? .free : PortProbe.state(port: port)
                    var owner: (pid: Int, name: String)?
                    if state == .taken {
                        if let inodes = PortProbe.listeningInodes(procRoot: paths.procRoot, port: port) {
                            owner = PortProbe.owner(procRoot: paths.procRoot, inodes: inodes)
                        } else if case .success(let out) = await runner.run(PortProbe.lsofCommand(port: port, timeout: fast), outputLimit: 65536) {
                            // No /proc (macOS): lsof when it is there; else just the port.
                            owner = PortProbe.parseLsof(out.stdoutText)
                        }
                    }
                    var finding = DoctorChecks.port(port, id: id, role: role, key: key, state: state, owner: owner, vmRunning: running)
                    if unsure, finding.status == .fail {
                        finding.status = .warn
                        finding.summary += " (or by the VM itself: its state is unknown)"
                    }
                    found.append(finding)
                }
                let available = HostFacts.isLinux ? HostFacts.availableMemory(procRoot: paths.procRoot) : nil
                found.append(DoctorChecks.memory(available: available, total: HostFacts.totalMemory(), vmMB: settings.memoryMB, vmRunning: running))
                found.append(DoctorChecks.disk(free: HostFacts.freeDisk(at: paths.vagrantHome), vagrantHome: paths.vagrantHome))
                if let finding = DoctorChecks.proxy(proxy, vmIP: settings.vmIP) { found.append(finding) }
                return found
            }
        }
        launch("kubectl") {
            let client = await runner.run(Command("kubectl", ["version", "--client", "-o", "json"], timeout: fast), outputLimit: 65536)
            let server = await serverTask.value?.1
            return [DoctorChecks.kubectl(client, cluster: server, pinned: settings.k3sVersion)]
        }
        if let project {
            launch("vm") {
                let vm = await vmState.value
                var found = [DoctorChecks.vm(vm, machine: settings.vmName)]
                if case .success(let status)? = vm, status.isRunning {
                    let path = config.target.kubeconfig ?? project + "/" + ProbeConfig.generatedKubeconfig
                    let exists = FileText.readBytes(path, limit: 1) != nil
                    found.append(DoctorChecks.kubeconfig(path: path, exists: exists))
                    if exists, let api = await serverTask.value { found.append(api.0) }
                }
                return found
            }
        } else {
            launch("cluster") {
                var found = [DoctorFinding("project", .ok, "no Vagrantfile here or above: VM checks skipped, cluster checked")]
                if let api = await serverTask.value { found.append(api.0) }
                return found
            }
        }

        // Wait for every group or the deadline, whichever comes first.
        let keys = order.with { $0 }
        let launched = tasks
        let settle: @Sendable () async -> Void = {
            for task in launched { await task.value }
            _ = await vmState.value
            _ = await serverTask.value
        }
        while results.with({ $0.count }) < keys.count, time.monotonicMs() - started < deadline.milliseconds, !Task.isCancelled {
            await time.sleep(for: .milliseconds(10))
        }
        if Task.isCancelled { return (nil, settle) }
        let done = results.with { $0 }
        let waited = DurationFormat.short(deadline)
        var findings: [DoctorFinding] = []
        if let path = settings.path, !settings.problems.isEmpty {
            let more = settings.problems.count > 1 ? " (+\(settings.problems.count - 1) more)" : ""
            findings.append(DoctorFinding("settings", .warn, "\(settings.problems[0])\(more): ignored, defaults used",
                                          fix: "make each line of \(path) KEY=value or a # comment"))
        }
        for key in keys {
            if let found = done[key] {
                findings += found
            } else {
                findings.append(DoctorFinding(key, .warn, "\(key): no answer within \(waited)", fix: "run `devtui doctor` again; a tool may be hung"))
            }
        }
        // Leftover checks are stopped (SIGTERM to their children); the report is due now.
        if done.count < keys.count { checks.cancelAll() }
        return (DoctorReport(findings: DoctorChecks.foldVM(findings)), settle)
    }
}

/// The doctor's check tasks, cancelled together when its run is (they are not its children, so
/// that a hung one can be left behind at the deadline). One added after the cancel is cancelled at once.
private final class CheckTasks: Sendable {
    private let state = Locked<(cancelled: Bool, cancels: [@Sendable () -> Void])>((false, []))

    func add(_ cancel: @escaping @Sendable () -> Void) {
        let now = state.with { s -> Bool in
            if s.cancelled { return true }
            s.cancels.append(cancel)
            return false
        }
        if now { cancel() }
    }

    func cancelAll() {
        let cancels = state.with { s -> [@Sendable () -> Void] in
            s.cancelled = true
            defer { s.cancels.removeAll() }
            return s.cancels
        }
        cancels.forEach { $0() }
    }
}
