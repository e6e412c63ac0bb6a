/// The parts of a Kubernetes Pod (v1) that devtui reads; unknown fields are ignored. Every pod
/// watch event decodes this, so a field nobody reads does not belong here.
public struct PodResource: Decodable, Sendable, Equatable {
    public struct Metadata: Decodable, Sendable, Equatable {
        public var name: String
        /// Tells a pod from a later one of the same name (a StatefulSet's `mysql-0`).
        public var uid: String?
        public var creationTimestamp: String?
        public var deletionTimestamp: String?
        public var labels: [String: String]?
    }

    public struct ContainerSpec: Decodable, Sendable, Equatable {
        public var name: String
    }

    public struct Spec: Decodable, Sendable, Equatable {
        public var containers: [ContainerSpec]?
        public var initContainers: [ContainerSpec]?
        public var nodeName: String?
    }

    public struct StateDetail: Decodable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
        public var exitCode: Int?
        public var signal: Int?
        public var finishedAt: String?
    }

    /// `running` is not decoded: a container neither waiting nor terminated is running.
    public struct ContainerState: Decodable, Sendable, Equatable {
        public var waiting: StateDetail?
        public var terminated: StateDetail?
    }

    public struct ContainerStatus: Decodable, Sendable, Equatable {
        public var name: String
        public var ready: Bool?
        public var restartCount: Int?
        public var state: ContainerState?
        public var lastState: ContainerState?
    }

    /// A core/v1 condition (Pod and Node conditions share these fields).
    public struct Condition: Decodable, Sendable, Equatable {
        public var type: String
        public var status: String
        public var reason: String?
        public var message: String?
    }

    public struct Status: Decodable, Sendable, Equatable {
        public var phase: String?
        public var reason: String?
        public var message: String?
        public var conditions: [Condition]?
        public var containerStatuses: [ContainerStatus]?
        public var initContainerStatuses: [ContainerStatus]?
    }

    public var metadata: Metadata
    public var spec: Spec?
    public var status: Status?
}

/// `kubectl get pods -o json` answers with a List.
public struct PodList: Decodable, Sendable {
    public var items: [PodResource]
}

/// One event of `kubectl get pods -o json --watch --output-watch-events`.
public struct PodWatchEvent: Decodable, Sendable {
    public var type: String
    public var object: PodResource
}
