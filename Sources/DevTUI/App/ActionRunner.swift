import ClusterProbe
import Synchronization

/// Runs the long actions (u, r, t) through the command runner, one at a time, streaming their
/// output into the action log. Outcomes come back through `drain()` on the UI thread.
final class ActionRunner: Sendable {
    enum Event: Equatable, Sendable {
        case progress(String)
        case finished(kind: ActionKind, ok: Bool, message: String)
    }

    private let probes: Probes
    private let model: EnvironmentModel
    private let poller: Poller?
    private let events = Mutex<[Event]>([])
    private let current = Mutex<Task<Void, Never>?>(nil)
    /// Wakes the loop that calls `drain()`.
    private let notify: @Sendable () -> Void

    init(probes: Probes, model: EnvironmentModel, poller: Poller?, notify: @escaping @Sendable () -> Void = {}) {
        self.probes = probes
        self.model = model
        self.poller = poller
        self.notify = notify
    }

    var runner: any CommandRunning { probes.runner }
    var config: ProbeConfig { probes.config }

    func drain() -> [Event] { events.withLock { e in defer { e.removeAll() }; return e } }

    func cancel() { current.withLock { $0?.cancel() } }

    func start(_ kind: ActionKind) {
        let task = Task {
            let started = Clock.monotonicMs()
            let (ok, detail) = await self.perform(kind)
            let took = LogsView.elapsed(Clock.monotonicMs() - started)
            let message = ok ? "\(kind.done) (\(took))" : "\(kind.verb) failed: \(detail)"
            self.model.appendLog(.action, ["── \(message) ──"])
            self.push(.finished(kind: kind, ok: ok, message: message))
            for source in Wakeups.Source.allCases { self.poller?.refresh(source) }
        }
        current.withLock { $0 = task }
    }

    private func push(_ event: Event) {
        events.withLock { $0.append(event) }
        notify()
    }

    private func log(_ line: String) {
        model.appendLog(.action, [line])
        let trimmed = line.trimmingCharacters()
        if !trimmed.isEmpty { push(.progress(trimmed)) }
    }

    /// Returns success and, on failure, a one-line reason.
    func perform(_ kind: ActionKind) async -> (Bool, String) {
        switch kind {
        case .provision:
            return await streamStep(vagrant(["up"]))
        case .teardown:
            return await streamStep(vagrant(["destroy", "-f"]))
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
