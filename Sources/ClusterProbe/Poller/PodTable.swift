/// The pod list kept current from a watch stream's ADDED / MODIFIED / DELETED events.
public struct PodTable: Sendable, Equatable {
    private var pods: [String: PodSummary] = [:]

    public init(_ initial: [PodSummary] = []) {
        for pod in initial { pods[pod.name] = pod }
    }

    public mutating func apply(_ event: PodWatchEvent) {
        switch event.type {
        case "DELETED": pods[event.object.metadata.name] = nil
        case "ADDED", "MODIFIED": pods[event.object.metadata.name] = PodSummary(event.object)
        default: break // BOOKMARK, ERROR: nothing to change
        }
    }

    public var sorted: [PodSummary] { pods.values.sorted { $0.name < $1.name } }
}
