import Testing
@testable import ClusterProbe

/// A Poller on a manual clock and a fake runner, for tests that drive one of its loops by hand.
struct PollerWorld {
    let clock = ManualClock()
    let runner: FakeRunner
    let model = EnvironmentModel(snapshot: EnvironmentSnapshot(project: "t"))
    let poller: Poller

    init(appURL: String = "http://127.0.0.1:9/", answer: @escaping @Sendable ([String]) -> Result<CommandOutput, CommandError> = { _ in
        .success(CommandOutput(exitCode: 0, stdout: [], stderr: []))
    }) {
        runner = FakeRunner(answer: answer)
        let config = ProbeConfig(projectDir: nil, target: KubeTarget(), appURL: appURL)
        poller = Poller(probes: Probes(config: config, runner: runner), model: model, time: clock)
    }

    /// Sets the pod list and wakes the log follower, as the pod watch does.
    func setPods(_ pods: [PodSummary]) {
        model.update { $0.pods.succeed(pods, at: 0) }
        poller.wakeups.wake(.logs)
    }

    /// Sets the pod list, starts the log follower and returns it once its first stream is open
    /// (nil, the follower stopped and the miss recorded, when none opens).
    func followingLogs(of pods: [PodSummary]) async -> Task<Void, Never>? {
        setPods(pods)
        let loop = Task { await poller.logLoop() }
        guard await eventually("a log stream", { runner.streams.count == 1 }) else { loop.cancel(); return nil }
        return loop
    }

    func log(_ source: LogSource) -> [String] { model.read().logs[source]?.lines ?? [] }

    /// A pod of `component`, running and ready unless told otherwise.
    static func pod(_ name: String, _ component: String, phase: String = "Running", ready: Bool = true,
                    restarts: Int = 0, createdAt: Int = 1000) -> PodSummary {
        PodSummary(name: name, uid: name + "-uid", nodeName: "devenv", component: component, phase: phase,
                   readyContainers: ready ? 1 : 0, totalContainers: 1, restarts: restarts, createdAt: createdAt,
                   status: phase, detail: nil, health: ready ? .healthy : .progressing, containers: [component])
    }
}
