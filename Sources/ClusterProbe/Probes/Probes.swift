/// One-shot questions to each source. The poller asks them on a schedule; `devtui status` once.
public struct Probes: Sendable {
    public let config: ProbeConfig
    public let runner: any CommandRunning
    public let http: HTTPProbe

    public init(config: ProbeConfig, runner: any CommandRunning) {
        self.config = config
        self.runner = runner
        self.http = HTTPProbe(timeoutMs: config.appTimeoutMs)
    }

    public var vagrantStatusCommand: Command? {
        guard let dir = config.projectDir else { return nil }
        // Vagrant needs 1-3 s just to start; 20 s covers a busy laptop.
        return Command("vagrant", ["status", "--machine-readable"], workingDirectory: dir, timeout: .seconds(20))
    }

    public func vm() async -> Result<VMStatus, CommandError> {
        guard let command = vagrantStatusCommand else {
            // Nothing to ask, not an unreadable answer (the loops do not ask without a project).
            return .failure(.launchFailed(tool: "vagrant", reason: "no Vagrantfile in this folder or above"))
        }
        return await runner.run(command).flatMap {
            VagrantStatusParser.status(of: $0, machine: config.machine, directory: command.workingDirectory)
        }
    }

    public func pods() async -> Result<[PodSummary], CommandError> {
        await runner.runChecked(config.target.getPods()).flatMap { output in
            Result { () throws(CommandError) -> [PodSummary] in
                try KubeJSON.decode(PodList.self, from: output.stdout).items.map(PodSummary.init).sorted { $0.name < $1.name }
            }
        }
    }

    /// Warning events of the namespace (`--field-selector type=Warning`).
    public func warningEvents() async -> Result<[EventResource], CommandError> {
        await runner.runChecked(config.target.getWarningEvents(), outputLimit: 32 * 1_048_576).flatMap { output in
            Result { () throws(CommandError) -> [EventResource] in
                try EventList.parse(output.stdout)
            }
        }
    }

    public func nodes() async -> Result<[NodeHealth], CommandError> {
        await runner.runChecked(config.target.getNodes(), outputLimit: 32 * 1_048_576).flatMap { output in
            Result { () throws(CommandError) -> [NodeHealth] in
                try KubeJSON.decode(NodeList.self, from: output.stdout).items.prefix(Self.nodeLimit).map(NodeHealth.init)
            }
        }
    }

    /// A big shared cluster has hundreds of nodes; devtui keeps the first few hundred.
    static let nodeLimit = 200

    public func claim(_ name: String = "mysql-data") async -> Result<VolumeUsage, CommandError> {
        await runner.runChecked(config.target.getClaim(name)).flatMap { output in
            Result { () throws(CommandError) -> VolumeUsage in try KubeJSON.decode(ClaimResource.self, from: output.stdout).usage() }
        }
    }

    public func diskUsage(pod: String) async -> Result<DiskUsageParser.Figures, CommandError> {
        let command = config.target.diskUsage(pod: pod, container: "mysql", path: "/var/lib/mysql")
        return await runner.runChecked(command, outputLimit: 65536).flatMap { output in
            Result { () throws(CommandError) -> DiskUsageParser.Figures in try DiskUsageParser.parse(output.stdoutText) }
        }
    }

    /// The claim (from `claim()`) with the data's real use. A failing `du` is returned as the
    /// failure and the claim is not in it: snapshot() and the Poller show the claim they passed
    /// in beside the error.
    public func volume(mysqlPod: String?, claim: VolumeUsage) async -> Result<VolumeUsage, CommandError> {
        var usage = claim
        guard let mysqlPod else { return .success(usage) }
        switch await diskUsage(pod: mysqlPod) {
        case .success(let figures):
            usage.usedBytes = figures.usedBytes
            usage.filesystemSizeBytes = figures.filesystemSizeBytes
            usage.filesystemUsedBytes = figures.filesystemUsedBytes
            return .success(usage)
        case .failure(let error):
            return .failure(error)
        }
    }

    public func app() async -> AppHealth {
        health(await http.get(config.appURL))
    }

    /// `app()` on the calling thread, which blocks for up to the probe's timeout.
    func appNow() -> AppHealth {
        health(HTTPProbe.exchange(config.appURL, timeoutMs: http.timeoutMs))
    }

    private func health(_ answer: Result<HTTPProbe.Answer, HTTPProbe.Failure>) -> AppHealth {
        switch answer {
        case .success(let answer):
            return AppHealth(url: config.appURL, statusCode: answer.statusCode, latencyMs: answer.latencyMs, body: answer.body)
        case .failure(let failure):
            return AppHealth(url: config.appURL, error: failure.description)
        }
    }

    public func kubeContext() async -> String? {
        if let context = config.target.context { return context }
        guard case .success(let output) = await runner.run(config.target.currentContext()), output.exitCode == 0 else {
            return nil
        }
        let name = TextSanitizer.firstLine(output.stdoutText)
        return name.isEmpty ? nil : name
    }

    /// Everything at once, each source bounded by its own timeout: what `devtui status` prints.
    /// A warning when the repo's generated kubeconfig (cluster-admin credentials) is readable by
    /// others on the host; nil for a kubeconfig the user chose.
    public func kubeconfigWarning() -> String? {
        guard let dir = config.projectDir, let path = config.target.kubeconfig,
              path == dir + "/" + ProbeConfig.generatedKubeconfig else { return nil }
        return KubeconfigPermissions.warning(path: path)
    }

    public func snapshot(now: @Sendable () -> Int = { Timestamp.now() }) async -> EnvironmentSnapshot {
        var snap = EnvironmentSnapshot(project: config.projectName, namespace: config.target.namespace,
                                       usesVagrant: config.projectDir != nil, takenAt: now())
        async let vmResult: Result<VMStatus, CommandError>? = config.projectDir == nil ? nil : vm()
        async let podsResult = pods()
        async let claimResult = claim()
        async let appResult = app()
        async let context = kubeContext()
        async let nodeResult = nodes()

        if let result = await vmResult { snap.vm.apply(result, at: now()) }
        snap.staleKubeconfig = StaleKubeconfig.check(vm: snap.vm.value,
                                                     kubeconfigExists: config.generatedKubeconfigInUse.map(StaleKubeconfig.exists) ?? false)
        let podResult = await podsResult
        snap.pods.apply(podResult.mapError { $0 }, at: now())
        snap.kubeContext = await context
        snap.kubeconfigWarning = kubeconfigWarning()
        let health = await appResult
        if health.error != nil { snap.app.value = health; snap.app.fail(health.error!, at: now()) }
        else { snap.app.succeed(health, at: now()) }

        snap.node.apply(await nodeResult, at: now())

        switch await claimResult {
        case .success(let claim):
            let volume = await volume(mysqlPod: snap.mysqlPod.flatMap { $0.health == .healthy ? $0.name : nil }, claim: claim)
            if case .failure = volume { snap.volume.value = claim }
            snap.volume.apply(volume, at: now())
        case .failure(let error):
            snap.volume.apply(Result<VolumeUsage, CommandError>.failure(error), at: now())
        }
        // Events only when something is unhealthy: a healthy snapshot costs no extra kubectl.
        if snap.needsEvents {
            let result = await warningEvents().map { list -> [WarningEvent] in
                var table = WarningEventTable(namespace: config.target.namespace)
                table.load(list, now: now())
                return table.digest(pods: snap.pods.value ?? [], claim: snap.volume.value?.claim)
            }
            snap.events.apply(result, at: now())
        }
        return snap
    }
}
