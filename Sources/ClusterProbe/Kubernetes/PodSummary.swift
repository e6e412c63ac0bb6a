/// One row of the Pods panel: what a user needs to know about a pod at a glance.
public struct PodSummary: Sendable, Equatable, Codable {
    public enum Health: String, Sendable, Codable {
        case healthy, progressing, failing, terminating
    }

    public var name: String
    /// The pod's metadata.uid: events about an older pod of the same name are not about this one.
    public var uid: String?
    /// The node it runs on (nil until scheduled).
    public var nodeName: String?
    /// `app` or `mysql`, from the `app.kubernetes.io/name` label.
    public var component: String?
    public var phase: String
    public var readyContainers: Int
    public var totalContainers: Int
    public var restarts: Int
    /// Creation time in seconds since 1970; the age is computed when rendering.
    public var createdAt: Int?
    /// kubectl's STATUS column (`Running`, `CrashLoopBackOff`, `Init:0/1`, `Terminating`, ...).
    public var status: String
    /// Why it is in that state, when there is something to say (`7×, last: Error exit 1`).
    public var detail: String?
    public var health: Health
    public var containers: [String]
    /// How each container that restarted last ended (init containers too), newest first.
    /// JSON key `lastTermination`: the name, one entry per container.
    public var terminations: [ContainerTermination] = []

    enum CodingKeys: String, CodingKey {
        case name, uid, nodeName, component, phase, readyContainers, totalContainers, restarts, createdAt, status, detail,
             health, containers
        case terminations = "lastTermination"
    }

    public var ready: String { "\(readyContainers)/\(totalContainers)" }
}

extension PodSummary {
    public init(_ pod: PodResource) {
        let statuses = pod.status?.containerStatuses ?? []
        let specNames = pod.spec?.containers?.map(\.name) ?? statuses.map(\.name)
        name = pod.metadata.name
        uid = pod.metadata.uid
        nodeName = pod.spec?.nodeName
        component = pod.metadata.labels?["app.kubernetes.io/name"]
        phase = pod.status?.phase ?? "Unknown"
        totalContainers = max(specNames.count, statuses.count)
        readyContainers = statuses.filter { $0.ready == true }.count
        restarts = statuses.reduce(0) { $0 + ($1.restartCount ?? 0) }
        createdAt = pod.metadata.creationTimestamp.flatMap(Timestamp.parse)
        containers = specNames
        let inits = (pod.status?.initContainerStatuses ?? []).compactMap { ContainerTermination($0, initContainer: true) }
        terminations = (inits + statuses.compactMap { ContainerTermination($0, initContainer: false) })
            .sorted { ($0.finishedAt ?? Int.min) > ($1.finishedAt ?? Int.min) }

        let derived = Self.derive(pod, statuses: statuses)
        status = derived.status
        detail = derived.detail
        health = derived.health
    }

    /// kubectl's printer logic (pkg/printers/internalversion), plus the detail a user needs.
    static func derive(_ pod: PodResource, statuses: [PodResource.ContainerStatus]) -> (status: String, detail: String?, health: Health) {
        let phase = pod.status?.phase ?? "Unknown"
        if pod.metadata.deletionTimestamp != nil {
            return ("Terminating", nil, .terminating)
        }
        if let reason = pod.status?.reason, !reason.isEmpty {
            // Evicted, NodeLost, ...
            return (reason, pod.status?.message.map(reasonText), .failing)
        }

        let inits = pod.status?.initContainerStatuses ?? []
        let initTotal = max(pod.spec?.initContainers?.count ?? 0, inits.count)
        for (index, initStatus) in inits.enumerated() {
            if let term = initStatus.state?.terminated, term.exitCode == 0 { continue }
            if let term = initStatus.state?.terminated {
                let reason = term.reason.map { "Init:\($0)" } ?? "Init:ExitCode:\(term.exitCode ?? -1)"
                return (reason, term.message.map(reasonText), .failing)
            }
            if let waiting = initStatus.state?.waiting, let reason = waiting.reason, reason != "PodInitializing" {
                let failing = failingReasons.contains(reason)
                return ("Init:\(reason)", waitingDetail(initStatus), failing ? .failing : .progressing)
            }
            return ("Init:\(index)/\(initTotal)", nil, .progressing)
        }

        // The last container with something to say wins, as in kubectl.
        var status = phase
        var detail: String?
        var health: Health = phase == "Running" || phase == "Succeeded" ? .healthy : .progressing
        for container in statuses.reversed() {
            if let waiting = container.state?.waiting, let reason = waiting.reason, !reason.isEmpty {
                status = reason
                detail = waitingDetail(container)
                health = failingReasons.contains(reason) ? .failing : .progressing
                break
            }
            if let term = container.state?.terminated {
                status = term.reason ?? (term.signal.map { "Signal:\($0)" } ?? "ExitCode:\(term.exitCode ?? -1)")
                detail = term.message.map(reasonText)
                health = term.exitCode == 0 ? .healthy : .failing
                break
            }
        }

        if phase == "Running", health == .healthy, statuses.contains(where: { $0.ready != true }) {
            health = .progressing
            if let last = statuses.first(where: { $0.ready != true && ($0.restartCount ?? 0) > 0 })?.lastState?.terminated {
                detail = "not ready, last exit: \(terminatedText(last))"
            } else {
                detail = "not ready yet"
            }
        }
        if phase == "Pending", statuses.isEmpty,
           let scheduled = pod.status?.conditions?.first(where: { $0.type == "PodScheduled" && $0.status == "False" }) {
            status = scheduled.reason ?? "Pending"
            detail = scheduled.message.map(reasonText)
            health = .failing
        }
        if phase == "Failed" { health = .failing }
        return (status, detail, health)
    }

    /// A status message's first line, bounded (a kubelet message can be any size).
    static func reasonText(_ message: String) -> String {
        ClusterText.oneLine(TextSanitizer.firstLine(String(message.prefix(4096))), max: 300)
    }

    static let failingReasons: Set<String> = [
        "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "ErrImageNeverPull", "InvalidImageName",
        "CreateContainerConfigError", "CreateContainerError", "RunContainerError", "OOMKilled", "Error",
    ]

    static func waitingDetail(_ container: PodResource.ContainerStatus) -> String? {
        let restarts = container.restartCount ?? 0
        if let last = container.lastState?.terminated {
            return "\(restarts)×, last: \(terminatedText(last))"
        }
        return container.state?.waiting?.message.map(reasonText)
    }

    static func terminatedText(_ term: PodResource.StateDetail) -> String {
        let status = PodResource.ContainerStatus(name: "", lastState: PodResource.ContainerState(terminated: term))
        return ContainerTermination(status, initContainer: false)?.outcome ?? "exited"
    }
}
