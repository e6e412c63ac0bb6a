import ClusterProbe

/// The full-screen loop: keys -> effects, model -> render -> paint. It sleeps until something
/// happens: a key, a model change or an action's output (the doorbell), a signal, or the next
/// moment time alone changes the screen; a log flood is painted at most ~20 times a second.
final class Dashboard {
    let probes: Probes
    let model: EnvironmentModel
    let poller: Poller
    let actions: ActionRunner
    let terminal: Terminal
    let doorbell: Doorbell
    let signals: SignalWatcher
    var ui: UIState
    /// Local time offset for the header clock, re-read once a minute (localtime_r reads /etc/localtime).
    private var utcOffset: (minutes: Int, readAtMs: Int)?
    /// The latest `devtui doctor` run's findings, handed from its task to the UI loop.
    private let doctorResult = Locked<DoctorReport?>(nil)
    /// Doctor runs, cancelled and waited for at quit: a check still running must not leave its
    /// kubectl or vagrant behind.
    private var doctorRuns: [Task<Void, Never>] = []

    init(probes: Probes, color: Bool) {
        self.probes = probes
        let snapshot = EnvironmentSnapshot(project: probes.config.projectName, kubeContext: probes.config.target.context,
                                           namespace: probes.config.target.namespace,
                                           usesVagrant: probes.config.projectDir != nil, takenAt: Timestamp.now())
        let doorbell = Doorbell()
        self.doorbell = doorbell
        signals = SignalWatcher(onSignal: { doorbell.ring() })
        model = EnvironmentModel(snapshot: snapshot, logCapacity: probes.config.logCapacity)
        model.onChange { doorbell.ring() }
        poller = Poller(probes: probes, model: model)
        actions = ActionRunner(probes: probes, model: model, poller: poller, notify: { doorbell.ring() })
        terminal = Terminal(color: color)
        ui = UIState()
        ui.ascii = !terminal.unicode
    }

    /// Returns the process exit code. The terminal is restored on every path out.
    func run() -> Int32 {
        terminal.start()
        defer { terminal.suspend() }
        ui.provisionTimes = ProvisionTimes.load(projectDir: probes.config.projectDir)
        poller.start()
        runDoctor()
        defer {
            // All told to stop at once, the terminal given back, then one wait for them all (a
            // child that ignores SIGTERM gets SIGKILL a second later), so no kubectl watch,
            // vagrant or doctor check outlives the dashboard.
            doctorRuns.forEach { $0.cancel() }
            let stopping = poller.stop() + actions.cancel() + doctorRuns
            terminal.suspend()
            waitForEnd(of: stopping, timeout: .seconds(3))
        }

        var lastVersion = UInt64.max
        var lastSecond = -1
        var lastPaintMs = 0
        var dirty = true
        while true {
            // Drained before looking: a ring from here on wakes the next wait at once.
            doorbell.drain()
            if let signal = signals.take() {
                return 128 + signal
            }
            var events: [UIEvent] = []
            while let key = terminal.readKey() {
                if key == .resize { terminal.invalidate() }
                events.append(.key(key))
            }
            events += actions.drain().map { .action($0) }
            if let report = doctorResult.with({ r in defer { r = nil }; return r }) { events.append(.doctor(report)) }
            for event in events {
                dirty = true
                if let code = dispatch(event) { return code }
            }
            let nowMs = Clock.wallMs()
            let version = model.version
            var wakeAtMs = nextTimeChange(nowMs: nowMs)
            if dirty || version != lastVersion || timeMoved(nowMs: nowMs, lastSecond: lastSecond) {
                // A log flood bumps the version constantly: cap redraws at ~20 a second.
                if dirty || nowMs - lastPaintMs >= 50 {
                    paint(nowMs: nowMs)
                    lastPaintMs = nowMs
                    lastVersion = version
                    lastSecond = nowMs / 1000
                    dirty = false
                } else {
                    wakeAtMs = min(wakeAtMs, lastPaintMs + 50)
                }
            }
            // A terminal that hung up would make poll return at once, for ever: exit as SIGHUP would.
            guard terminal.waitForInput(or: doorbell, timeoutMs: wakeAtMs - Clock.wallMs()) else { return 128 + SIGHUP }
        }
    }

    /// One event through the reducer, then its effects; an exit code when one says quit.
    func dispatch(_ event: UIEvent) -> Int32? {
        let state = model.read()
        let context = KeyHandler.Context(snapshot: state.snapshot, logCount: state.logs[ui.logSource]?.count ?? 0,
                                         pageSize: logRows(), nowMs: Clock.wallMs())
        let effects = Reducer.reduce(event, &ui, context)
        if case .action(.finished(kind: .provision, _, _, _)) = event {
            ui.provisionTimes = ProvisionTimes.load(projectDir: probes.config.projectDir)  // the run just wrote it
        }
        for effect in effects {
            switch effect {
            case .quit: return 0
            case .followLogs(let component):
                model.setFollowed(component)
                poller.refresh(.logs)
            case .provision:
                // The file a run writes at its end: this run is compared with the one it holds.
                let times = ProvisionTimes.load(projectDir: probes.config.projectDir)
                ui.provisionTimes = times
                // Computed first: `ui.action?.usual = ui...` would read ui while writing it.
                let usual = times?.usualRun(vmCreated: state.snapshot.vm.value?.isCreated ?? false)
                ui.action?.usual = usual
                actions.start(.provision)
            case .restartApp: actions.start(.restart)
            case .teardown: actions.start(.teardown)
            case .runDoctor: runDoctor()
            case .shell(let pod):
                if let code = dispatch(.shellClosed(openShell(pod))) { return code }
            }
        }
        return nil
    }

    /// `devtui doctor` in the background (a Vagrant project only): at start and after a failed action.
    func runDoctor() {
        guard probes.config.projectDir != nil else { return }
        let env = ProcessEnvironment.current()
        var doctor = Doctor(config: probes.config, runner: probes.runner, paths: DoctorPaths.from(env))
        doctor.scaleTimeouts(from: env)
        let box = doctorResult
        let doorbell = self.doorbell
        doctorRuns.append(Task.detached {
            // Returns when the checks stopped at the deadline have ended too: waited for at quit.
            await doctor.run { report in
                box.with { $0 = report }
                doorbell.ring()  // the loop sleeps until told
            }
        })
    }

    func paint(nowMs: Int) {
        let state = model.read()
        let (width, height) = terminal.size
        let input = RenderInput(snapshot: state.snapshot, logs: state.logs[ui.logSource] ?? LogBuffer(),
                                followed: state.followed, ui: ui, width: width, height: height, nowMs: nowMs,
                                utcOffsetMinutes: currentUTCOffset(nowMs: nowMs))
        terminal.paint(Renderer.render(input))
    }

    /// Time alone changes the screen every second only while something counts, else every 5 s.
    func timeMoved(nowMs: Int, lastSecond: Int) -> Bool {
        guard nowMs / 1000 != lastSecond else { return false }
        let tick = timeTickSeconds(nowMs: nowMs)
        return nowMs / 1000 / tick != lastSecond / tick
    }

    /// When time alone next changes the screen: the start of the next tick (1 s or 5 s).
    func nextTimeChange(nowMs: Int) -> Int {
        let tick = timeTickSeconds(nowMs: nowMs)
        return (nowMs / 1000 / tick + 1) * tick * 1000
    }

    private func timeTickSeconds(nowMs: Int) -> Int {
        ui.action != nil || Self.counting(model.snapshot(), nowMs: nowMs) ? 1 : 5
    }

    /// Whether a countdown or a seconds-level age is on screen.
    static func counting(_ snap: EnvironmentSnapshot, nowMs: Int) -> Bool {
        let now = nowMs / 1000
        let retrying = [snap.vm.error != nil, snap.pods.error != nil, snap.app.error != nil, snap.volume.error != nil].contains(true)
        // One second past the limit: the tick that replaces the countdown with "not live".
        let waitingEdit = snap.codeChange?.isWaiting(nowMs: nowMs - 1000) ?? false
        let youngPod = (snap.pods.value ?? []).contains { now - ($0.createdAt ?? 0) < 120 }
        return retrying || waitingEdit || youngPod
    }

    func logRows() -> Int {
        let (width, height) = terminal.size
        let layout = Layout.compute(width: width, height: height, podCount: PodsView.rowDemand(model.snapshot(), ui))
        return max(1, layout.logs.innerHeight)
    }

    /// Leaves curses, runs `kubectl exec -it` on the real terminal, comes back redrawn.
    func openShell(_ pod: String) -> ShellOutcome {
        terminal.suspend()
        print("devtui: shell in \(pod) (container app). Type exit to return.")
        let command = probes.config.target.shell(pod: pod)
        let runner = probes.runner
        let result = runBlocking { await runner.runInteractive(command) }
        // Ctrl-C inside the shell reached us too: it was meant for the shell (nothing else is).
        signals.discard(SIGINT)
        terminal.resume()
        switch result {
        case .success(let code): return .exited(code)
        case .failure(let error): return .failed(KubectlDiagnosis.describe(error))
        }
    }

    func currentUTCOffset(nowMs: Int) -> Int {
        if let cached = utcOffset, nowMs - cached.readAtMs < 60_000 { return cached.minutes }
        let minutes = Self.utcOffsetMinutes()
        utcOffset = (minutes, nowMs)
        return minutes
    }

    static func utcOffsetMinutes() -> Int {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return Int(parts.tm_gmtoff) / 60
    }
}
