/// The parts of a core/v1 Event that devtui reads, as `kubectl get events -o json` prints them.
///
/// Who fills what (kubernetes/kubernetes, client-go): the kubelet and most controllers use the
/// legacy recorder (tools/record), which sets firstTimestamp, lastTimestamp and count and
/// leaves eventTime null; the scheduler records through events.k8s.io/v1 (tools/events), which
/// shows in core/v1 as eventTime set, firstTimestamp/lastTimestamp null, no count, and a
/// `series` once the event repeats. kubectl's printer (pkg/printers/internalversion,
/// printEvent) reads them the same way as `lastSeen` and `occurrences` here.
public struct EventResource: Decodable, Sendable, Equatable {
    public struct Metadata: Decodable, Sendable, Equatable {
        public var name: String?
        public var namespace: String?
        public var uid: String?
        public var creationTimestamp: String?
    }

    public struct ObjectReference: Decodable, Sendable, Equatable {
        public var kind: String?
        public var namespace: String?
        public var name: String?
        public var uid: String?
    }

    public struct Series: Decodable, Sendable, Equatable {
        public var count: Int?
        public var lastObservedTime: String?
    }

    public var metadata: Metadata?
    public var involvedObject: ObjectReference?
    public var reason: String?
    public var message: String?
    public var type: String?
    public var count: Int?
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var eventTime: String?
    public var series: Series?

    /// When it last happened, as kubectl's LAST SEEN column: series, else lastTimestamp, else
    /// firstTimestamp, else eventTime (metadata.creationTimestamp as a last resort).
    public var lastSeen: Int? {
        for text in [series?.lastObservedTime, lastTimestamp, firstTimestamp, eventTime, metadata?.creationTimestamp] {
            if let text, let seconds = Timestamp.parse(text) { return seconds }
        }
        return nil
    }

    public var firstSeen: Int? {
        for text in [firstTimestamp, eventTime, metadata?.creationTimestamp] {
            if let text, let seconds = Timestamp.parse(text) { return seconds }
        }
        return nil
    }

    /// How often: series.count, else count; a singleton of the new API has neither (kubectl: 1).
    public var occurrences: Int {
        if let n = series?.count, n > 0 { return n }
        if let n = count, n > 0 { return n }
        return 1
    }
}

/// `kubectl get events -o json`: a List. Items that do not decode are skipped, not fatal:
/// one odd event must not hide the others.
public struct EventList: Decodable, Sendable {
    public var items: [EventResource]

    struct Lenient: Decodable {
        var value: EventResource?
        init(from decoder: any Decoder) throws { value = try? EventResource(from: decoder) }
    }

    /// Decodes `kubectl get events -o json`; invalid UTF-8 is replaced first (kubectl prints
    /// U+FFFD itself, but a proxy or an old client may not), so one bad byte costs one character.
    public static func parse(_ bytes: [UInt8]) throws(CommandError) -> [EventResource] {
        try KubeJSON.decode(EventList.self, from: Array(String(decoding: bytes, as: UTF8.self).utf8)).items
    }

    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey { case items }
        let container = try decoder.container(keyedBy: Keys.self)
        items = (try container.decodeIfPresent([Lenient].self, forKey: .items) ?? []).compactMap(\.value)
    }
}

/// One event of `kubectl get events -o json --watch --output-watch-events`.
public struct EventWatchEvent: Decodable, Sendable {
    public var type: String
    public var object: EventResource
}
