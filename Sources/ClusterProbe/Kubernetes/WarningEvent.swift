/// The Warning event devtui shows for one object (a pod or the claim): reason, message (one
/// sanitized line of at most 300 characters), how often and when. Kept small: a 100 kB message
/// is cut when it arrives, never stored.
public struct WarningEvent: Sendable, Equatable, Codable {
    /// `Pod` or `PersistentVolumeClaim`.
    public var kind: String
    public var name: String
    public var uid: String?
    public var reason: String
    public var message: String
    public var count: Int
    /// Seconds since 1970; nil when the event gave no usable time (or one far in the future).
    public var firstSeenAt: Int?
    public var lastSeenAt: Int?

    public init(kind: String, name: String, uid: String? = nil, reason: String, message: String, count: Int = 1,
                firstSeenAt: Int? = nil, lastSeenAt: Int? = nil) {
        self.kind = kind
        self.name = name
        self.uid = uid
        self.reason = reason
        self.message = message
        self.count = count
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
    }

    static let messageLimit = 300
    /// Clock skew between laptop and VM is forgiven up to this much; later times are not trusted.
    static let futureSlack = 300

    /// Nil for what devtui never shows: not a Warning, not about a pod or claim in `namespace`.
    public init?(_ event: EventResource, namespace: String, now: Int) {
        guard event.type == "Warning", let object = event.involvedObject,
              let kind = object.kind, kind == "Pod" || kind == "PersistentVolumeClaim",
              let name = object.name, !name.isEmpty,
              (object.namespace ?? event.metadata?.namespace ?? namespace) == namespace
        else { return nil }
        self.kind = kind
        self.name = name
        uid = object.uid.flatMap { $0.isEmpty ? nil : $0 }
        reason = ClusterText.oneLine(event.reason ?? "", max: 64)
        if reason.isEmpty { reason = "Warning" }
        message = ClusterText.oneLine(event.message ?? "", max: Self.messageLimit)
        count = min(event.occurrences, 999_999)
        let trusted: (Int?) -> Int? = { t in t.flatMap { $0 > now + Self.futureSlack ? nil : $0 } }
        firstSeenAt = trusted(event.firstSeen)
        lastSeenAt = trusted(event.lastSeen) ?? firstSeenAt
    }

    /// `FailedMount ×6, 40s ago: hostPath type check failed: ...`
    public func line(now: Int) -> String {
        var text = reason
        if count > 1 { text += " ×\(count)" }
        if let lastSeenAt { text += ", " + ContainerTermination.ago(lastSeenAt, now: now) }
        if !message.isEmpty { text += ": " + message }
        return text
    }

    /// Reasons that only restate what STATUS and the last-termination line already say.
    static let restating: Set<String> = ["BackOff"]

    /// "The" event for an object: the most recent Warning about it (about this very pod: an event
    /// about an older pod of the same name has another uid), preferring one that says something
    /// STATUS does not (a probe failing) over BackOff. Undated events lose to dated ones.
    public static func choose(_ candidates: some Sequence<WarningEvent>, kind: String, name: String, uid: String?) -> WarningEvent? {
        var best: WarningEvent?
        for event in candidates where event.kind == kind && event.name == name {
            if let uid, let eventUID = event.uid, uid != eventUID { continue }
            guard let current = best else { best = event; continue }
            if ranks(event, above: current) { best = event }
        }
        return best
    }

    static func ranks(_ a: WarningEvent, above b: WarningEvent) -> Bool {
        let ar = restating.contains(a.reason), br = restating.contains(b.reason)
        if ar != br { return br }
        switch (a.lastSeenAt, b.lastSeenAt) {
        case let (x?, y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.count > b.count
        }
    }
}

/// Warning events kept from a watch, bounded: thousands of events in the namespace cost at most
/// `capacity` small records; the oldest fall off.
public struct WarningEventTable: Sendable {
    public let namespace: String
    public let capacity: Int
    private var events: [String: WarningEvent] = [:]

    public init(namespace: String, capacity: Int = 1000) {
        self.namespace = namespace
        self.capacity = capacity
    }

    public var count: Int { events.count }

    static func key(_ event: EventResource) -> String? {
        event.metadata?.uid ?? event.metadata?.name.map { (event.metadata?.namespace ?? "") + "/" + $0 }
    }

    public mutating func apply(_ change: EventWatchEvent, now: Int) {
        guard let key = Self.key(change.object) else { return }
        switch change.type {
        case "DELETED": events[key] = nil
        case "ADDED", "MODIFIED":
            events[key] = WarningEvent(change.object, namespace: namespace, now: now)
        default: break
        }
        if events.count > capacity + capacity / 5 {
            let keep = events.sorted { ($0.value.lastSeenAt ?? Int.min) > ($1.value.lastSeenAt ?? Int.min) }.prefix(capacity)
            events = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }

    public mutating func load(_ list: [EventResource], now: Int) {
        for event in list { apply(EventWatchEvent(type: "ADDED", object: event), now: now) }
    }

    /// The chosen event of each current pod and of the claim (only objects that have one).
    public func digest(pods: [PodSummary], claim: String?) -> [WarningEvent] {
        Self.digest(Array(events.values), pods: pods, claim: claim)
    }

    public static func digest(_ all: [WarningEvent], pods: [PodSummary], claim: String?) -> [WarningEvent] {
        var byName: [String: [WarningEvent]] = [:]
        for event in all { byName[event.kind + "/" + event.name, default: []].append(event) }
        var result: [WarningEvent] = []
        for pod in pods {
            if let e = WarningEvent.choose(byName["Pod/" + pod.name] ?? [], kind: "Pod", name: pod.name, uid: pod.uid) { result.append(e) }
        }
        if let claim, let e = WarningEvent.choose(byName["PersistentVolumeClaim/" + claim] ?? [], kind: "PersistentVolumeClaim", name: claim, uid: nil) {
            result.append(e)
        }
        return result
    }
}
