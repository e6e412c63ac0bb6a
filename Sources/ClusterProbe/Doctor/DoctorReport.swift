/// One line of `devtui doctor`: what was checked, how it stands, and the fix when it is not fine.
public struct DoctorFinding: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Equatable, Codable, Comparable {
        /// Works.
        case ok
        /// Works, but note this (`!`).
        case warn
        /// Will fail (`✗`).
        case fail

        var rank: Int { self == .fail ? 0 : self == .warn ? 1 : 2 }
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    public var id: String
    public var status: Status
    public var summary: String
    /// A command or a sentence; nil when the status is ok.
    public var fix: String?

    public init(_ id: String, _ status: Status, _ summary: String, fix: String? = nil) {
        self.id = id
        self.status = status
        self.summary = summary
        self.fix = fix
    }
}

/// Every finding, in check order.
public struct DoctorReport: Sendable, Equatable, Codable {
    public var findings: [DoctorFinding]
    public init(findings: [DoctorFinding]) { self.findings = findings }

    /// Nothing will fail.
    public var ok: Bool { !findings.contains { $0.status == .fail } }
    /// `✗` first, then `!`, each in check order: what the dashboard shows.
    public var problems: [DoctorFinding] {
        findings.enumerated().filter { $0.element.status != .ok }
            .sorted { ($0.element.status, $0.offset) < ($1.element.status, $1.offset) }.map(\.element)
    }
    public var firstFailure: DoctorFinding? { problems.first { $0.status == .fail } }
}

private func < (a: (DoctorFinding.Status, Int), b: (DoctorFinding.Status, Int)) -> Bool {
    a.0 != b.0 ? a.0 < b.0 : a.1 < b.1
}
