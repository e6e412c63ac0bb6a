/// What kind of trouble a source is in, so views branch on a kind and never on the wording.
public enum ProblemKind: String, Sendable, Equatable, Codable {
    /// The cluster's API server does not answer (refused, no route, unknown host, timed out).
    case unreachable
    /// No kubeconfig yet (the VM was never provisioned) or none configured.
    case noKubeconfig
    /// The cluster answers but refuses us: Unauthorized, or its certificate is not trusted.
    case credentials
    /// A tool (kubectl, vagrant) is not on PATH.
    case toolMissing
    /// A command gave no answer in time.
    case timedOut
    /// A command answered with something we cannot read.
    case malformedOutput
    /// Anything else; the text says what.
    case failed
}

/// One problem: its kind, and the one line shown to the user.
public struct Problem: Sendable, Equatable {
    public var kind: ProblemKind
    public var text: String

    public init(_ kind: ProblemKind, _ text: String) {
        self.kind = kind
        self.text = text
    }
}
