/// Which cluster and namespace kubectl talks to; every kubectl argv starts from here.
public struct KubeTarget: Sendable, Equatable, Codable {
    public var kubeconfig: String?
    public var context: String?
    public var namespace: String
    /// Bounds each API request of a one-shot call (`--request-timeout`).
    public var requestTimeoutSeconds: Int

    public init(kubeconfig: String? = nil, context: String? = nil, namespace: String = "devenv", requestTimeoutSeconds: Int = 5) {
        self.kubeconfig = kubeconfig
        self.context = context
        self.namespace = namespace
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }

    /// Global flags, in front of every kubectl subcommand.
    public var globalFlags: [String] {
        var flags: [String] = []
        if let kubeconfig { flags += ["--kubeconfig", kubeconfig] }
        if let context { flags += ["--context", context] }
        flags += ["--namespace", namespace]
        return flags
    }

    func kubectl(_ args: [String], timeout: Duration? = .seconds(8), oneShot: Bool = true) -> Command {
        let bound = oneShot ? ["--request-timeout=\(requestTimeoutSeconds)s"] : []
        return Command("kubectl", globalFlags + bound + args, timeout: timeout)
    }

    // The commands devtui runs against the cluster, in one place so tests can name them.
    public func getPods() -> Command { kubectl(["get", "pods", "-o", "json"]) }
    public func watchPods() -> Command {
        kubectl(["get", "pods", "-o", "json", "--watch", "--output-watch-events"], timeout: nil, oneShot: false)
    }
    /// Warning events of the namespace only (the API server filters: `type` is one of the
    /// Event field selectors, kubernetes pkg/registry/core/event/strategy.go ToSelectableFields).
    public func getWarningEvents() -> Command {
        kubectl(["get", "events", "--field-selector", "type=Warning", "-o", "json"])
    }
    public func watchWarningEvents() -> Command {
        kubectl(["get", "events", "--field-selector", "type=Warning", "-o", "json", "--watch", "--output-watch-events"],
                timeout: nil, oneShot: false)
    }
    public func getNodes() -> Command { kubectl(["get", "nodes", "-o", "json"]) }
    public func watchNodes() -> Command {
        kubectl(["get", "nodes", "-o", "json", "--watch", "--output-watch-events"], timeout: nil, oneShot: false)
    }
    public func getClaim(_ name: String) -> Command { kubectl(["get", "pvc", name, "-o", "json"]) }
    public func diskUsage(pod: String, container: String, path: String) -> Command {
        // A constant script, not built from data: both figures in one exec saves a kubectl start.
        kubectl(["exec", pod, "-c", container, "--", "sh", "-c", "du -sk \"$0\" && df -Pk \"$0\"", path])
    }
    public func followLogs(pod: String, container: String, tail: Int) -> Command {
        kubectl(["logs", "-f", "--tail=\(tail)", pod, "-c", container], timeout: nil, oneShot: false)
    }
    public func previousLogs(pod: String, container: String, tail: Int) -> Command {
        kubectl(["logs", "--previous", "--tail=\(tail)", pod, "-c", container])
    }
    public func currentContext() -> Command {
        Command("kubectl", (kubeconfig.map { ["--kubeconfig", $0] } ?? []) + ["config", "current-context"], timeout: .seconds(5))
    }
    public func restartApp() -> Command { kubectl(["rollout", "restart", "deployment/app"], timeout: .seconds(30)) }
    public func rolloutStatus() -> Command {
        kubectl(["rollout", "status", "deployment/app", "--timeout=180s"], timeout: .seconds(190), oneShot: false)
    }
    public func shell(pod: String) -> Command {
        kubectl(["exec", "-it", pod, "-c", "app", "--", "sh"], timeout: nil, oneShot: false)
    }
}
