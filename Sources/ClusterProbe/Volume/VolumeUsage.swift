/// The MySQL data volume: what the claim grants and what the data really uses.
public struct VolumeUsage: Sendable, Equatable, Codable {
    public var claim: String
    public var storageClass: String?
    public var phase: String?
    /// The claim's capacity (or its request, before it is bound), in bytes.
    public var capacityBytes: Int64?
    /// `du -sk` of the data directory, in bytes.
    public var usedBytes: Int64?
    /// The filesystem that holds the volume (for local-path: the VM's disk), from `df -Pk`.
    public var filesystemSizeBytes: Int64?
    public var filesystemUsedBytes: Int64?

    public init(claim: String, storageClass: String? = nil, phase: String? = nil, capacityBytes: Int64? = nil,
                usedBytes: Int64? = nil, filesystemSizeBytes: Int64? = nil, filesystemUsedBytes: Int64? = nil) {
        self.claim = claim
        self.storageClass = storageClass
        self.phase = phase
        self.capacityBytes = capacityBytes
        self.usedBytes = usedBytes
        self.filesystemSizeBytes = filesystemSizeBytes
        self.filesystemUsedBytes = filesystemUsedBytes
    }

    /// These figures with `other`'s claim: its name, class, phase and size.
    public func withClaim(of other: VolumeUsage) -> VolumeUsage {
        var copy = self
        copy.claim = other.claim
        copy.storageClass = other.storageClass
        copy.phase = other.phase
        copy.capacityBytes = other.capacityBytes
        return copy
    }

    /// Data used as a fraction of the claim, 0...1 (nil when either figure is unknown).
    public var claimFraction: Double? {
        guard let used = usedBytes, let cap = capacityBytes, cap > 0 else { return nil }
        return min(1, Double(used) / Double(cap))
    }

    public var filesystemPercent: Int? {
        guard let used = filesystemUsedBytes, let size = filesystemSizeBytes, size > 0 else { return nil }
        return Int((Double(used) * 100 / Double(size)).rounded(.up))
    }
}

/// A PersistentVolumeClaim's fields that matter here.
public struct ClaimResource: Decodable, Sendable {
    public struct Resources: Decodable, Sendable { public var requests: [String: String]? }
    public struct Spec: Decodable, Sendable {
        public var storageClassName: String?
        public var resources: Resources?
    }
    public struct Status: Decodable, Sendable {
        public var phase: String?
        public var capacity: [String: String]?
    }
    public struct Metadata: Decodable, Sendable { public var name: String }
    public var metadata: Metadata
    public var spec: Spec?
    public var status: Status?

    public func usage() -> VolumeUsage {
        let size = status?.capacity?["storage"] ?? spec?.resources?.requests?["storage"]
        return VolumeUsage(
            claim: metadata.name,
            storageClass: spec?.storageClassName,
            phase: status?.phase,
            capacityBytes: size.flatMap(Quantity.bytes)
        )
    }
}

/// Parses `du -sk DIR` followed by `df -Pk DIR` (the output of one exec).
public enum DiskUsageParser {
    public struct Figures: Equatable, Sendable {
        public var usedBytes: Int64
        public var filesystemSizeBytes: Int64?
        public var filesystemUsedBytes: Int64?
    }

    public static func parse(_ text: String) throws(CommandError) -> Figures {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
        guard let duLine = lines.first, duLine.count >= 2, let kib = Int64(duLine[0]) else {
            throw .malformedOutput(tool: "du", reason: "expected `SIZE PATH`, got \(quoted(lines.first))")
        }
        var figures = Figures(usedBytes: kib * 1024)
        // df -P: a header, then `FS 1024-blocks Used Available Capacity Mounted-on` (names may wrap: take the last 5).
        if let row = lines.dropFirst().last(where: { $0.count >= 5 && Int64($0[$0.count - 4]) != nil }) {
            let n = row.count
            if let size = Int64(row[n - 5]), let used = Int64(row[n - 4]) {
                figures.filesystemSizeBytes = size * 1024
                figures.filesystemUsedBytes = used * 1024
            }
        } else if lines.count > 1 {
            throw .malformedOutput(tool: "df", reason: "no filesystem row")
        }
        return figures
    }

    static func quoted(_ line: [Substring]?) -> String {
        guard let line, !line.isEmpty else { return "nothing" }
        return "`" + String(line.joined(separator: " ").prefix(40)) + "`"
    }
}
