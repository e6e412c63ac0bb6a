import ClusterProbe

/// Keys -> (new UI state, effects). Pure, so every binding is unit tested without a terminal.
enum KeyHandler {
    struct Context: Sendable {
        var snapshot: EnvironmentSnapshot
        /// Log lines in the current buffer and rows visible, for scrolling bounds.
        var logCount: Int
        var pageSize: Int
        var nowMs: Int
    }

    static func handle(_ key: Key, _ ui: inout UIState, _ context: Context) -> [Effect] {
        switch ui.overlay {
        case .help:
            ui.overlay = .none
            return []
        case .confirmTeardown:
            ui.overlay = .none
            if key == .char("y") || key == .char("Y") {
                return start(.teardown, &ui, context, effect: .teardown)
            }
            ui.status = .init(kind: .info, text: "teardown cancelled")
            return []
        case .confirmQuit:
            ui.overlay = .none
            return key == .char("y") || key == .char("Y") ? [.quit] : []
        case .confirmProvision:
            ui.overlay = .none
            if key == .char("y") || key == .char("Y") {
                return start(.provision, &ui, context, effect: .provision)
            }
            ui.status = .init(kind: .info, text: "provisioning cancelled", atMs: context.nowMs)
            return []
        case .none:
            break
        }

        switch Keymap.command(for: key) {
        case .quit:
            if ui.action != nil, ui.action?.kind != .shell {
                ui.overlay = .confirmQuit
                return []
            }
            return [.quit]
        case .help:
            ui.overlay = .help
        case .provision:
            return provision(&ui, context)
        case .restartApp:
            return start(.restart, &ui, context, effect: .restartApp)
        case .shell:
            guard let pod = context.snapshot.appPod, pod.phase == "Running" else {
                ui.status = .init(kind: .failure, text: "no running app pod to open a shell in")
                return []
            }
            return start(.shell, &ui, context, effect: .shell(pod: pod.name))
        case .teardown:
            guard context.snapshot.usesVagrant else {
                ui.status = .init(kind: .failure, text: "no Vagrantfile here: nothing to tear down")
                return []
            }
            if let refusal = busy(ui, nowMs: context.nowMs) { ui.status = refusal; return [] }
            ui.overlay = .confirmTeardown
        case .cycleLogs:
            ui.logSource = ui.logSource.next
            ui.scroll = 0
            ui.follow = true
            if let component = ui.logSource.component { return [.followLogs(component: component)] }
        case .toggleFollow:
            ui.follow.toggle()
            if ui.follow { ui.scroll = 0 }
        case .scroll(.lineUp): scroll(&ui, by: 1, context)
        case .scroll(.lineDown): scroll(&ui, by: -1, context)
        case .scroll(.pageUp): scroll(&ui, by: max(1, context.pageSize - 1), context)
        case .scroll(.pageDown): scroll(&ui, by: -max(1, context.pageSize - 1), context)
        case .scroll(.oldest): scroll(&ui, by: context.logCount, context)
        case .scroll(.newest):
            ui.scroll = 0
            ui.follow = true
        case nil:
            break
        }
        return []
    }

    /// `u`: `vagrant up`, after a question when the doctor found a failure.
    static func provision(_ ui: inout UIState, _ context: Context) -> [Effect] {
        guard context.snapshot.usesVagrant else {
            ui.status = .init(kind: .failure, text: "no Vagrantfile here: provision your cluster yourself")
            return []
        }
        // A doctor finding that will make `vagrant up` fail: say it, default No.
        // (A running VM proves the host can run it: no question then.)
        if context.snapshot.vm.value?.isRunning != true {
            if let refusal = busy(ui, nowMs: context.nowMs) { ui.status = refusal; return [] }
            if ui.doctor == nil {
                // Doctor's first run is still going (at most ~3 s): its answer decides.
                ui.provisionAfterDoctor = true
                ui.status = .init(kind: .info, text: "u: devtui doctor is still checking this machine, then vagrant up", atMs: context.nowMs)
                return []
            }
            if ui.doctor?.firstFailure != nil {
                ui.overlay = .confirmProvision
                return []
            }
        }
        return start(.provision, &ui, context, effect: .provision)
    }

    /// Scrolling up pauses follow; scrolling back to the newest line resumes it.
    static func scroll(_ ui: inout UIState, by lines: Int, _ context: Context) {
        let maxScroll = max(0, context.logCount - context.pageSize)
        let from = ui.follow ? 0 : ui.scroll
        ui.scroll = min(maxScroll, max(0, from + lines))
        ui.follow = ui.scroll == 0
    }

    static func busy(_ ui: UIState, nowMs: Int) -> UIState.StatusLine? {
        guard let action = ui.action else { return nil }
        return .init(kind: .info, text: "busy: \(action.kind.verb) is still running", atMs: nowMs)
    }

    static func start(_ kind: ActionKind, _ ui: inout UIState, _ context: Context, effect: Effect) -> [Effect] {
        if let refusal = busy(ui, nowMs: context.nowMs) {
            ui.status = refusal
            return []
        }
        ui.action = RunningAction(kind: kind, startedAtMs: context.nowMs)
        ui.status = nil
        if kind == .provision { ui.upFailure = nil }
        if kind != .shell {
            ui.logSource = .action
            ui.follow = true
            ui.scroll = 0
        }
        return [effect]
    }
}
