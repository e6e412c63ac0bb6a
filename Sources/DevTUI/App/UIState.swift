import ClusterProbe

/// Everything about the screen that is not data about the environment (Tilt: view state vs view data).
struct UIState: Equatable, Sendable {
    enum Overlay: Equatable, Sendable { case none, help, confirmTeardown, confirmQuit }

    var logSource: LogSource = .app
    var follow = true
    /// Lines scrolled up from the newest (0 while following).
    var scroll = 0
    var overlay: Overlay = .none
    /// Last action's outcome or a refusal, shown at the right of the footer.
    var status: StatusLine?
    var action: RunningAction?
    var ascii = false

    struct StatusLine: Equatable, Sendable {
        enum Kind: Equatable, Sendable { case info, success, failure }
        var kind: Kind
        var text: String
        /// When it was said: a refusal shows over a running action's progress for a few seconds.
        var atMs: Int = 0
    }
}

/// A long action (vagrant up, rollout) in progress, for the footer and the logs title.
struct RunningAction: Equatable, Sendable {
    var kind: ActionKind
    var startedAtMs: Int
    var latestLine: String?
}

enum ActionKind: String, Equatable, Sendable {
    case provision, restart, teardown, shell

    var verb: String {
        switch self {
        case .provision: return "provisioning (vagrant up)"
        case .restart: return "restarting app"
        case .teardown: return "tearing down (vagrant destroy)"
        case .shell: return "shell"
        }
    }

    var done: String {
        switch self {
        case .provision: return "provisioned"
        case .restart: return "restarted app"
        case .teardown: return "VM destroyed"
        case .shell: return "shell closed"
        }
    }
}
