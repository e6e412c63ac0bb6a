import ClusterProbe
import Synchronization

/// Runs the long actions (u, r, t) through the command runner, one at a time, streaming their
/// output into the action log. Outcomes come back through `drain()` on the UI thread.
final class ActionRunner: Sendable {
    enum Event: Equatable, Sendable {
        case progress(String)
        /// A `vagrant up` moved on (step, percentage, step line).
        case phase(UpProgress)
        case finished(kind: ActionKind, ok: Bool, message: String, failure: UpFailed? = nil)
    }

    private let probes: Probes
    private let model: EnvironmentModel
    private let poller: Poller?
    private let events = Mutex<[Event]>([])
    private let current = Mutex<Task<Void, Never>?>(nil)
    /// Wakes the loop that calls `drain()`.
    private let notify: @Sendable () -> Void
    /// The running `vagrant up`'s steps and its recent output (for the failure's diagnosis).
    private let up = Mutex<(progress: UpProgress, tail: [String])?>(nil)
    /// What a teardown did with `.devenv/kubeconfig`, for its closing line.
    private let teardownNote = Mutex<String?>(nil)

    init(probes: Probes, model: EnvironmentModel, poller: Poller?, notify: @escaping @Sendable () -> Void = {}) {
        self.probes = probes
        self.model = model
        self.poller = poller
        self.notify = notify
    }

    var runner: any CommandRunning { probes.runner }
    var config: ProbeConfig { probes.config }

    func drain() -> [Event] { events.withLock { e in defer { e.removeAll() }; return e } }

    /// Stops the running action; returns its task, which ends once its command is gone.
    @discardableResult
    func cancel() -> [Task<Void, Never>] {
        current.withLock { task in
            task?.cancel()
            return task.map { [$0] } ?? []
        }
    }

    func start(_ kind: ActionKind) {
        let task = Task {
            let started = Clock.monotonicMs()
            let (ok, detail) = await self.perform(kind)
            let took = LogsView.elapsed(Clock.monotonicMs() - started)
            var message = ok ? "\(kind.done) (\(took))" : "\(kind.verb) failed: \(detail)"
            if let note = self.teardownNote.withLock({ n in defer { n = nil }; return n }) { message += "; " + note }
            let failure = ok ? nil : self.upFailure(fallback: detail)
            self.up.withLock { $0 = nil }
            if let failure { message = failure.footer }
            self.model.appendLog(.action, ["── \(message) ──"])
            self.push(.finished(kind: kind, ok: ok, message: message, failure: failure))
            for source in Wakeups.Source.allCases { self.poller?.refresh(source) }
        }
        current.withLock { $0 = task }
    }

    private func push(_ event: Event) {
        events.withLock { $0.append(event) }
        notify()
    }

    private func log(_ line: String) {
        if trackUp(line) { return }
        model.appendLog(.action, [line])
        let trimmed = line.trimmingCharacters()
        if !trimmed.isEmpty { push(.progress(trimmed)) }
    }

    /// Returns success and, on failure, a one-line reason.
    func perform(_ kind: ActionKind) async -> (Bool, String) {
        switch kind {
        case .provision:
            let provisioners = config.projectDir.flatMap { FileText.text($0 + "/Vagrantfile") }.map(UpProgress.provisioners) ?? []
            up.withLock { $0 = (UpProgress(provisioners: provisioners), []) }
            var command = vagrant(["up"])
            command.carriageReturnEndsLine = true
            let result = await streamStep(command)
            if result.0 {
                let done = up.withLock { state -> UpProgress? in
                    state?.progress.finish(nowMs: Clock.wallMs())
                    return state?.progress
                }
                if let done { push(.phase(done)) }
            }
            return result
        case .teardown:
            let result = await streamStep(vagrant(["destroy", "-f"]))
            // Only a destroy that worked makes the cluster's kubeconfig worthless.
            if result.0, let dir = config.projectDir {
                let path = dir + "/" + ProbeConfig.generatedKubeconfig
                let existed = StaleKubeconfig.exists(path)
                if let error = StaleKubeconfig.remove(path) {
                    teardownNote.withLock { $0 = error }
                } else if existed {
                    teardownNote.withLock { $0 = "removed \(ProbeConfig.generatedKubeconfig) (it belonged to the destroyed VM)" }
                }
            }
            return result
        case .restart:
            let restart = config.target.restartApp()
            log("$ \(restart)")
            switch await runner.runChecked(restart) {
            case .failure(let error): return (false, KubectlDiagnosis.describe(error))
            case .success(let output): TextSanitizer.clean(output.stdout).split(separator: "\n").forEach { log(String($0)) }
            }
            return await streamStep(config.target.rolloutStatus())
        case .shell:
            return (true, "")
        }
    }

    /// Feeds a `vagrant up` line to its progress; returns true when the line is a download
    /// progress redraw that the log does not need (only every 10% is kept).
    private func trackUp(_ line: String) -> Bool {
        let outcome = up.withLock { state -> (UpProgress?, Bool) in
            guard state != nil else { return (nil, false) }
            let before = state!.progress.percent
            let changed = state!.progress.feed(line, nowMs: Clock.wallMs())
            state!.tail.append(line)
            if state!.tail.count > 400 { state!.tail.removeFirst(state!.tail.count - 400) }
            let redraw = line.contains("Progress: ") && state!.progress.phase == .download
                && (before.map { $0 / 10 } == state!.progress.percent.map { $0 / 10 })
            return (changed ? state!.progress : nil, redraw)
        }
        if let progress = outcome.0 { push(.phase(progress)) }
        return outcome.1
    }

    /// The failed `vagrant up`'s step and, for known errors, reason and fix; nil for other actions.
    private func upFailure(fallback: String) -> UpFailed? {
        guard let state = up.withLock({ s in defer { s = nil }; return s }) else { return nil }
        let known = UpFailure.diagnose(state.tail, vmIP: config.settings.vmIP)
        return UpFailed(step: state.progress.title, reason: known?.reason ?? fallback, fix: known?.fix)
    }

    func vagrant(_ args: [String]) -> Command {
        // No timeout: a first `vagrant up` downloads a box and takes minutes; q cancels it.
        Command("vagrant", args, workingDirectory: config.projectDir, timeout: nil)
    }

    private func streamStep(_ command: Command) async -> (Bool, String) {
        log("$ \(command)")
        let lastLine = Locked("")
        let result = await runner.stream(command, mergeStderr: true) { lines in
            for line in lines {
                if !line.trimmingCharacters().isEmpty { lastLine.with { $0 = line } }
                self.log(line)
            }
        }
        switch result {
        case .failure(let error):
            return (false, command.toolName == "kubectl" ? KubectlDiagnosis.describe(error) : error.description)
        case .success(let end) where end.exitCode == 0:
            return (true, "")
        case .success(let end):
            let last = lastLine.with { $0 }
            return (false, "exit \(end.exitCode)" + (last.isEmpty ? "" : ": \(last.trimmingCharacters())"))
        }
    }
}
