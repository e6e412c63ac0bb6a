import Synchronization

/// Keeps an `EnvironmentModel` current. Each source has its own loop: never two runs of the same
/// probe at once, a failure backs off, and `stop()` cancels everything (children included).
/// Long-lived `kubectl --watch` and `logs -f` streams replace respawning kubectl every refresh.
public final class Poller: Sendable {
    public let probes: Probes
    public let model: EnvironmentModel
    private let tasks = TaskBag()
    private let started = Atomic<Bool>(false)
    let wakeups: Wakeups
    /// Every loop reads the time and sleeps through this (tests move a manual clock).
    let time: any TimeSource

    public init(probes: Probes, model: EnvironmentModel, time: any TimeSource = SystemTime()) {
        self.probes = probes
        self.model = model
        self.time = time
        wakeups = Wakeups(time: time)
    }

    var config: ProbeConfig { probes.config }
    var runner: any CommandRunning { probes.runner }

    public func start() {
        // Once: two loops on one source would keep waking each other (one wake slot a source).
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if config.projectDir != nil { tasks.add(Task { await vmLoop() }) }
        tasks.add(Task { await contextLoop() })
        tasks.add(Task { await podLoop() })
        tasks.add(Task { await appLoop() })
        tasks.add(Task { await volumeLoop() })
        tasks.add(Task { await logLoop() })
        tasks.add(Task { await eventLoop() })
        tasks.add(Task { await nodeLoop() })
        if let dir = config.projectDir {
            tasks.add(Task { await codeLoop(root: dir + "/app") })
        }
    }

    /// Cancels every loop; returns their tasks, which end once their kubectl streams are gone
    /// (for `waitForEnd`).
    @discardableResult
    public func stop() -> [Task<Void, Never>] { tasks.cancelAll() }

    /// Ask a source again now (after an action changed the world).
    public func refresh(_ source: Wakeups.Source) { wakeups.wake(source) }

    /// The API server closes long watches: one that ran this long and exited 0 is watched again
    /// at once, with nothing to report (one constant for the pod, event and node watches).
    static let longWatchMs = 10_000

    func closedByServer(_ end: Result<StreamEnd, CommandError>, startedAt: Int) -> Bool {
        guard case .success(let info) = end, info.exitCode == 0 else { return false }
        return time.monotonicMs() - startedAt > Self.longWatchMs
    }

    /// The pod, event and node watches' one way to fail: back off, and say on the source that the
    /// watch ended and when it is tried again. Returns the delay to wait.
    func watchFailed<Value>(_ problem: Problem, on source: WritableKeyPath<EnvironmentSnapshot, SourceState<Value>>,
                            backoff: inout Backoff) -> Duration {
        let delay = backoff.fail()
        let now = time.now()
        model.update { $0[keyPath: source].record(.failure(problem), at: now, nextAttemptIn: delay) }
        return delay
    }

    // MARK: - Loops

    func vmLoop() async {
        var backoff = Backoff(ceiling: config.intervals.maxBackoff)
        while !Task.isCancelled {
            let result = await probes.vm()
            let delay: Duration
            switch result {
            case .success: backoff.reset(); delay = config.intervals.vm
            case .failure: delay = max(config.intervals.vm, backoff.fail())
            }
            let now = time.now()
            let kubeconfig = config.generatedKubeconfigInUse.map(StaleKubeconfig.exists) ?? false
            model.update { snap in
                snap.vm.record(result, at: now, nextAttemptIn: delay)
                snap.staleKubeconfig = StaleKubeconfig.check(vm: snap.vm.value, kubeconfigExists: kubeconfig)
            }
            await wakeups.sleep(delay, or: .vm)
        }
    }

    func contextLoop() async {
        while !Task.isCancelled {
            let context = await probes.kubeContext()
            let warning = probes.kubeconfigWarning()  // the file appears, or is rewritten, on provisioning
            model.update { $0.kubeContext = context; $0.kubeconfigWarning = warning }
            await wakeups.sleep(.seconds(60), or: .context)
        }
    }

    func podLoop() async {
        var backoff = Backoff(ceiling: config.intervals.maxBackoff)
        while !Task.isCancelled {
            // A one-shot list first: it tells an empty namespace from a stream that has not spoken yet.
            switch await probes.pods() {
            case .failure(let error):
                let delay = backoff.fail()
                let now = time.now()
                model.update { $0.pods.record(.failure(error), at: now, nextAttemptIn: delay) }
                await wakeups.sleep(delay, or: .pods)
                continue
            case .success(let pods):
                backoff.reset()
                let now = time.now()
                // The watch below keeps the list current: no attempt is due.
                model.update { $0.pods.record(.success(pods), at: now, nextAttemptIn: nil) }
                wakeups.wake(.events)
                wakeups.wake(.nodes)
                wakeups.wake(.logs)
            }
            let watchStarted = time.monotonicMs()
            let end = await watchPods()
            guard !Task.isCancelled else { return }
            if closedByServer(end, startedAt: watchStarted) {
                // List and watch again, no error to show. (A watch that ends at once is retried
                // with backoff below, never in a tight loop.)
                continue
            }
            var reason = KubectlDiagnosis.problem(end)
            reason.text = "pod watch ended: " + reason.text
            await wakeups.sleep(watchFailed(reason, on: \.pods, backoff: &backoff), or: .pods)
        }
    }

    private func watchPods() async -> Result<StreamEnd, CommandError> {
        let table = Locked(PodTable((model.snapshot().pods.value) ?? []))
        let stream = Locked(WatchStream())
        let model = self.model
        let wakeups = self.wakeups
        let time = self.time
        return await runner.stream(config.target.watchPods(), mergeStderr: false) { lines in
            // Lines arrive sanitized; JSON structure survives that (control characters only occur escaped).
            let objects = stream.with { $0.objects(from: lines) }
            for object in objects {
                guard let event = try? KubeJSON.decode(PodWatchEvent.self, from: object) else { continue }
                let pods = table.with { t -> [PodSummary] in t.apply(event); return t.sorted }
                let now = time.now()
                model.update { $0.pods.record(.success(pods), at: now, nextAttemptIn: nil) }
            }
            // A pod changed: the event loop decides whether events are needed now, and the log
            // follower whether a newer pod took over.
            if !objects.isEmpty {
                wakeups.wake(.events)
                wakeups.wake(.logs)
            }
        }
    }

    /// The app probe runs on a thread of its own: its GET blocks anyway, and the thread's sleep
    /// costs nothing between rounds.
    func appLoop() async {
        await loopOnOwnThread(.app) { [self] in appRound() }
    }

    /// One GET of the app; returns how long to wait before the next.
    func appRound() -> Duration {
        let previous = model.snapshot().app.value
        var health = probes.appNow()
        let now = time.now()
        // A change between two real answers (not to or from an error) is a change of the app.
        let changed = previous?.firstLine != nil && health.firstLine != nil && previous?.firstLine != health.firstLine
        health.bodyChangedAt = changed ? now : previous?.bodyChangedAt
        let nowMs = time.wallMs()
        model.update { snap in
            let result: Result<AppHealth, Problem> = health.error.map { .failure(Problem(.failed, $0)) } ?? .success(health)
            snap.app.record(result, at: now, nextAttemptIn: self.config.intervals.app)
            // A failed answer still has a value worth showing (status code, latency).
            if health.error != nil { snap.app.value = health }
            if changed, let live = snap.codeChange?.live(at: nowMs, signal: "response changed") {
                snap.codeChange = live
            }
        }
        // While a saved edit is not yet visible, look often so the figure is precise.
        let pending = model.snapshot().codeChange?.isWaiting(nowMs: time.wallMs()) ?? false
        return pending ? .milliseconds(100) : config.intervals.app
    }

    func volumeLoop() async {
        var backoff = Backoff(ceiling: config.intervals.maxBackoff)
        var claim: VolumeUsage?
        var rounds = 0
        while !Task.isCancelled {
            let mysql = model.snapshot().mysqlPod
            let running = mysql.flatMap { $0.phase == "Running" && $0.readyContainers > 0 ? $0.name : nil }
            // The claim's size rarely changes: ask for it every 4th round only. The one in hand is
            // kept when `du` or a refresh fails, so the panel still names the claim and its size.
            let asked: Result<VolumeUsage, CommandError>
            if let held = claim, rounds % 4 != 0 { asked = .success(held) } else { asked = await probes.claim() }
            rounds += 1
            let outcome: Result<VolumeUsage, CommandError>
            switch asked {
            case .success(let current):
                claim = current
                outcome = await probes.volume(mysqlPod: running, claim: current)
            case .failure(let error):
                outcome = .failure(error)
            }
            if case .success = outcome { backoff.reset() }
            let delay: Duration
            switch outcome {
            case .success(let usage) where usage.usedBytes == nil:
                // The claim is known but MySQL is not running (yet): look again soon.
                delay = .seconds(3)
            case .success: delay = config.intervals.volume
            case .failure: delay = max(backoff.fail(), .seconds(5))
            }
            let now = time.now()
            let known = claim
            model.update { snap in
                snap.volume.record(outcome, at: now, nextAttemptIn: delay)
                // A failure keeps the last figures; the claim beside them is the latest known (as
                // `devtui status` shows it when nothing was measured).
                if case .failure = outcome, let known {
                    snap.volume.value = snap.volume.value.map { $0.withClaim(of: known) } ?? known
                }
            }
            wakeups.wake(.events) // the claim's phase may have changed
            await wakeups.sleep(delay, or: .volume)
        }
    }
}
