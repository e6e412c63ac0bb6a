/// The VM as `vagrant status --machine-readable` reports it.
public struct VMStatus: Sendable, Equatable, Codable {
    /// Vagrant's state id: `running`, `poweroff`, `saved`, `aborted`, `not_created`, `inaccessible`, ...
    public var state: String
    /// Vagrant's own short text, e.g. `not created`.
    public var stateHuman: String
    public var provider: String?
    public var machine: String

    public init(state: String, stateHuman: String, provider: String?, machine: String) {
        self.state = state
        self.stateHuman = stateHuman
        self.provider = provider
        self.machine = machine
    }

    public var isRunning: Bool { state == "running" }
    public var isCreated: Bool { state != "not_created" }
}
