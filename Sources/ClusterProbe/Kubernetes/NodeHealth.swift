/// The parts of a core/v1 Node that devtui reads: its name and conditions.
public struct NodeResource: Decodable, Sendable, Equatable {
    public struct Metadata: Decodable, Sendable, Equatable {
        public var name: String
    }
    /// A Node's condition has the same fields as a Pod's.
    public typealias Condition = PodResource.Condition
    public struct Status: Decodable, Sendable, Equatable {
        public var conditions: [Condition]?
    }
    public var metadata: Metadata
    public var status: Status?
}

/// `kubectl get nodes -o json` (a List), or `kubectl get node NAME -o json` (the Node itself).
public struct NodeList: Decodable, Sendable {
    public var items: [NodeResource]

    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey { case items, kind }
        let container = try decoder.container(keyedBy: Keys.self)
        if container.contains(.items) {
            items = try container.decode([NodeResource].self, forKey: .items)
        } else {
            items = [try NodeResource(from: decoder)]
        }
    }
}

/// One event of `kubectl get nodes -o json --watch --output-watch-events`.
public struct NodeWatchEvent: Decodable, Sendable {
    public var type: String
    public var object: NodeResource
}

/// What a user needs to know about a node: is it Ready, and is the kubelet reporting pressure.
/// Conditions as the kubelet sets them (kubernetes/api core/v1 NodeConditionType: Ready,
/// MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable); a Ready of `Unknown` (the
/// node controller's "kubelet stopped posting") counts as not Ready, as kubectl's NotReady.
public struct NodeHealth: Sendable, Equatable, Codable {
    public var name: String
    /// Ready condition True; nil when the node reports no Ready condition.
    public var ready: Bool?
    /// The Ready condition's reason/message when it is not True (one line each).
    public var readyReason: String?
    public var readyMessage: String?
    /// Pressure conditions that are True: `MemoryPressure`, `DiskPressure`, `PIDPressure`.
    public var pressure: [String]

    public init(name: String, ready: Bool?, readyReason: String? = nil, readyMessage: String? = nil, pressure: [String] = []) {
        self.name = name
        self.ready = ready
        self.readyReason = readyReason
        self.readyMessage = readyMessage
        self.pressure = pressure
    }

    static let pressureTypes = ["MemoryPressure", "DiskPressure", "PIDPressure"]

    public init(_ node: NodeResource) {
        name = ClusterText.oneLine(node.metadata.name, max: 253)
        let conditions = node.status?.conditions ?? []
        let readyCondition = conditions.first { $0.type == "Ready" }
        ready = readyCondition.map { $0.status == "True" }
        if let readyCondition, readyCondition.status != "True" {
            readyReason = readyCondition.reason.map { ClusterText.oneLine($0, max: 64) }
            readyMessage = readyCondition.message.map { ClusterText.oneLine($0, max: 200) }
        }
        pressure = Self.pressureTypes.filter { type in conditions.contains { $0.type == type && $0.status == "True" } }
    }

    /// `NotReady`, `DiskPressure`, ... (empty when all is well).
    public var problems: [String] { (ready == false ? ["NotReady"] : []) + pressure }
}
