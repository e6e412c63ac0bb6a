import ClusterProbe

/// Everything that changes the UI state, as one event type.
enum UIEvent: Equatable, Sendable {
    case key(Key)
    /// A long action's output, step or end (from the ActionRunner).
    case action(ActionRunner.Event)
    /// `devtui doctor` finished in the background.
    case doctor(DoctorReport)
    /// The foreground shell (`kubectl exec -it`) returned.
    case shellClosed(ShellOutcome)
}

/// How the foreground shell ended.
enum ShellOutcome: Equatable, Sendable {
    case exited(Int32)
    /// It could not run: the one-line reason.
    case failed(String)
}

/// The one place the UI state changes: (event, state, context) -> (state, effects). Pure, so every
/// transition is unit tested without a terminal; the Dashboard only pumps events and runs effects.
enum Reducer {
    static func reduce(_ event: UIEvent, _ ui: inout UIState, _ context: KeyHandler.Context) -> [Effect] {
        switch event {
        case .key(.resize):
            return []  // a resize is not an answer to a question, nor a key that closes help
        case .key(let key):
            return KeyHandler.handle(key, &ui, context)
        case .action(.progress(let line)):
            ui.action?.latestLine = line
        case .action(.phase(let progress)):
            ui.action?.progress = progress
        case .action(.finished(let kind, let ok, let message, let failure)):
            ui.action = nil
            ui.status = .init(kind: ok ? .success : .failure, text: message)
            if kind == .provision { ui.upFailure = failure }
            // Something failed: look at the host again.
            if !ok { return [.runDoctor] }
        case .doctor(let report):
            ui.doctor = report
            // A `u` that waited for this report: the key again, now that the doctor has spoken.
            if ui.provisionAfterDoctor {
                ui.provisionAfterDoctor = false
                guard ui.overlay == .none, ui.action == nil else { return [] }
                ui.status = nil
                return KeyHandler.provision(&ui, context)
            }
        case .shellClosed(let outcome):
            ui.action = nil
            switch outcome {
            case .exited(let code) where code == 0 || code == 130:  // 130: the shell's last command took a Ctrl-C
                ui.status = .init(kind: .success, text: "shell closed")
            case .exited(let code):
                ui.status = .init(kind: .failure, text: "shell exited \(code)")
            case .failed(let reason):
                ui.status = .init(kind: .failure, text: reason)
            }
        }
        return []
    }
}
