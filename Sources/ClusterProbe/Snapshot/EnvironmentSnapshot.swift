/// Everything devtui knows about the environment at one instant: a value, safe to hand to a renderer.
public struct EnvironmentSnapshot: Sendable, Equatable, Codable {
    public var project: String
    /// The kubeconfig context kubectl will use (nil until asked); the namespace is beside it.
    public var kubeContext: String?
    public var namespace: String
    public var vm: SourceState<VMStatus>
    public var pods: SourceState<[PodSummary]>
    public var app: SourceState<AppHealth>
    public var volume: SourceState<VolumeUsage>
    /// The latest Warning event of each pod (and of the claim) while something is unhealthy;
    /// no value while all is healthy (events are not asked then).
    public var events: SourceState<[WarningEvent]>
    /// Conditions of the cluster's nodes (Ready, MemoryPressure, DiskPressure, PIDPressure).
    public var node: SourceState<[NodeHealth]>
    /// The log stream's state: which pod it follows, and why it is not following.
    public var logs: SourceState<LogStreamInfo>
    /// Whether this environment is driven by Vagrant (a Vagrantfile was found).
    public var usesVagrant: Bool
    /// Last edit-to-live measurement, if any.
    public var codeChange: CodeChangeInfo?
    /// The generated kubeconfig is readable by others (one line with the fix), if it is.
    public var kubeconfigWarning: String?
    /// The VM is not created but the generated kubeconfig is still there (one line), if so.
    public var staleKubeconfig: String?
    /// Time the snapshot was taken (seconds since 1970).
    public var takenAt: Int

    public init(project: String, kubeContext: String? = nil, namespace: String = "devenv", usesVagrant: Bool = true, takenAt: Int = 0) {
        self.project = project
        self.kubeContext = kubeContext
        self.namespace = namespace
        self.usesVagrant = usesVagrant
        self.takenAt = takenAt
        vm = SourceState()
        pods = SourceState()
        app = SourceState()
        volume = SourceState()
        logs = SourceState()
        events = SourceState()
        node = SourceState()
    }

    /// The pod running the app (the newest ready one if a rollout is in progress).
    public var appPod: PodSummary? { pod(for: "app") }
    public var mysqlPod: PodSummary? { pod(for: "mysql") }

    /// The event shown for a pod: about this very pod (same uid), not an older one of its name.
    public func warning(for pod: PodSummary) -> WarningEvent? {
        events.value?.first { $0.kind == "Pod" && $0.name == pod.name && ($0.uid == nil || pod.uid == nil || $0.uid == pod.uid) }
    }

    public func warning(forClaim claim: String) -> WarningEvent? {
        events.value?.first { $0.kind == "PersistentVolumeClaim" && $0.name == claim }
    }

    /// Whether anything calls for events: a pod that is not healthy and Ready, or a claim not Bound.
    public var needsEvents: Bool {
        guard pods.error == nil else { return false }
        let pod = (pods.value ?? []).contains { $0.health != .terminating && ($0.health != .healthy || $0.readyContainers < $0.totalContainers) }
        let claim = volume.value.map { $0.phase != nil && $0.phase != "Bound" } ?? false
        return pod || claim
    }

    /// Nodes that matter here: those running a pod of the namespace, or every node while none is
    /// scheduled (a pod that cannot be scheduled may be waiting for exactly that node).
    public var nodesOfConcern: [NodeHealth] {
        let all = node.value ?? []
        let used = Set((pods.value ?? []).compactMap(\.nodeName))
        return used.isEmpty ? all : all.filter { used.contains($0.name) }
    }

    public func pod(for component: String) -> PodSummary? {
        let candidates = (pods.value ?? []).filter {
            ($0.component == component || ($0.component == nil && $0.name.hasPrefix(component + "-")))
                && $0.health != .terminating
        }
        return candidates.sorted { a, b in
            if (a.readyContainers == a.totalContainers) != (b.readyContainers == b.totalContainers) {
                return a.readyContainers == a.totalContainers
            }
            return (a.createdAt ?? 0) > (b.createdAt ?? 0)
        }.first
    }
}

public struct LogStreamInfo: Sendable, Equatable, Codable {
    public var pod: String
    public var container: String
    public init(pod: String, container: String) {
        self.pod = pod
        self.container = container
    }
}
