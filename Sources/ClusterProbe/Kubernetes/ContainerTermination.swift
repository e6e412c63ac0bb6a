/// How a container's previous run ended (`lastState.terminated` of a ContainerStatus, core/v1):
/// the answer to "why did it restart?", kept even when the container is Running and Ready again.
public struct ContainerTermination: Sendable, Equatable, Codable {
    public var container: String
    /// An init container (its restarts count too).
    public var initContainer: Bool
    /// The container's restartCount when this was read.
    public var restarts: Int
    /// `OOMKilled`, `Error`, `Completed`, ... (`exited` when the kubelet gave none).
    public var reason: String
    public var exitCode: Int?
    /// The signal the API reported, or the one an exit code above 128 says (137 = 128 + SIGKILL).
    public var signal: Int?
    /// When it ended, seconds since 1970 (nil when the kubelet gave no time).
    public var finishedAt: Int?
    /// The container's termination message (first line, sanitized, at most 200 characters).
    public var message: String?

    public init(container: String, initContainer: Bool = false, restarts: Int, reason: String, exitCode: Int? = nil,
                signal: Int? = nil, finishedAt: Int? = nil, message: String? = nil) {
        self.container = container
        self.initContainer = initContainer
        self.restarts = restarts
        self.reason = reason
        self.exitCode = exitCode
        self.signal = signal
        self.finishedAt = finishedAt
        self.message = message
    }

    /// Nil for a status whose `lastState` has no `terminated` (never restarted): nothing to say.
    public init?(_ status: PodResource.ContainerStatus, initContainer: Bool) {
        guard let term = status.lastState?.terminated else { return nil }
        container = ClusterText.oneLine(status.name, max: 63)
        self.initContainer = initContainer
        restarts = max(0, status.restartCount ?? 0)
        reason = term.reason.map { ClusterText.oneLine($0, max: 64) }.flatMap { $0.isEmpty ? nil : $0 } ?? "exited"
        exitCode = term.exitCode
        signal = term.signal.flatMap { $0 > 0 ? $0 : nil } ?? exitCode.flatMap(Self.signal(fromExitCode:))
        finishedAt = term.finishedAt.flatMap(Timestamp.parse)
        message = term.message.map { ClusterText.oneLine($0, max: 200) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A shell-style exit status above 128 means "killed by signal (status - 128)".
    static func signal(fromExitCode code: Int) -> Int? {
        (129...159).contains(code) ? code - 128 : nil
    }

    static let signalNames: [Int: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL",
        11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    ]

    /// `OOMKilled exit 137`, `Error exit 143 (SIGTERM)`, `Error exit 1`.
    public var outcome: String {
        var text = reason
        if let exitCode { text += " exit \(exitCode)" }
        // The OOM killer always sends SIGKILL: naming it again adds nothing.
        if let signal, reason != "OOMKilled" {
            let name = Self.signalNames[signal] ?? "signal \(signal)"
            text += exitCode == nil ? " \(name)" : " (\(name))"
        }
        return text
    }

    /// `2×, last: OOMKilled exit 137`: what kubectl's RESTARTS column hides.
    public var summary: String { "\(restarts)×, last: \(outcome)" }

    /// The one line under a pod: `2×, last: OOMKilled exit 137, 4m ago`, prefixed with the
    /// container's name when the pod has several (`init fix-permissions 1×, ...`).
    public func line(now: Int, named: Bool) -> String {
        var text = named ? (initContainer ? "init \(container) " : "\(container) ") : (initContainer ? "init " : "")
        text += summary
        if let finishedAt { text += ", " + Self.ago(finishedAt, now: now) }
        return text
    }

    /// `4m ago`; a time in the future (clock skew) reads `just now`.
    public static func ago(_ then: Int, now: Int) -> String {
        then >= now ? "just now" : DurationFormat.age(seconds: now - then) + " ago"
    }
}
