import ClusterProbe

/// Everything about the screen that is not data about the environment (Tilt: view state vs view data).
struct UIState: Equatable, Sendable {
    enum Overlay: Equatable, Sendable { case none, help, confirmTeardown, confirmQuit, confirmProvision }

    var logSource: LogSource = .app
    var follow = true
    /// Lines scrolled up from the newest (0 while following).
    var scroll = 0
    var overlay: Overlay = .none
    /// Last action's outcome or a refusal, shown at the right of the footer.
    var status: StatusLine?
    var action: RunningAction?
    var ascii = false
    /// The last `devtui doctor` findings (at start and after each failed action); nil until the first run ends.
    var doctor: DoctorReport?
    /// Why the last `vagrant up` failed, until the next one starts.
    var upFailure: UpFailed?
    /// `u` came before the first doctor report: provision (or ask) once it arrives.
    var provisionAfterDoctor = false
    /// The project's `.devenv/provision-times.json` (at start and after each `vagrant up`).
    var provisionTimes: ProvisionTimes?

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
    /// Where a `vagrant up` is (provision only).
    var progress: UpProgress?
    /// The earlier run this `vagrant up` is compared with (`usually 2m10s` beside a step).
    var usual: ProvisionTimes.Run?

    /// `step 4/8: provisioner docker (usually 2m10s)`: the step, and how long it took last time when known.
    var stepTitle: String? {
        guard let progress, let title = progress.title else { return nil }
        guard let usual, let phase = progress.phase, let seconds = ProvisionTimes.seconds(of: phase, in: usual) else { return title }
        return "\(title) (usually \(ProvisionTimes.human(seconds)))"
    }
}

/// A failed `vagrant up`: the step it reached and, for known errors, the reason and the fix.
struct UpFailed: Equatable, Sendable {
    var step: String?
    var reason: String
    var fix: String?

    /// `vagrant up failed at step 2/8: boot: KVM holds VT-x (...)`, for the pods pane.
    var headline: String {
        "vagrant up failed" + (step.map { " at \($0)" } ?? "") + ": " + reason
    }

    /// The footer's one line: `up failed at 2/8 boot: KVM holds VT-x · fix: sudo modprobe -r kvm_intel, then u`.
    var footer: String {
        var short = reason
        if short.hasSuffix(")"), let open = short.lastIndex(of: "("), open > short.startIndex {
            short = String(short[..<open]).trimmingCharacters()
        }
        let at = step.map { " at " + $0.split(separator: " ").filter { $0 != "step" }.joined(separator: " ").filter { $0 != ":" } } ?? ""
        return "up failed\(at): \(short)" + (fix.map { " · fix: \($0)" } ?? "")
    }
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
