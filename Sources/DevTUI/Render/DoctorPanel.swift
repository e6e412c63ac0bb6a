import ClusterProbe

/// The pods pane while the VM does not run: a kubeconfig left from a destroyed VM, a failed
/// `vagrant up` with its fix, a `vagrant status` that failed (no VirtualBox makes it fail), the
/// doctor's findings (`✗` first) with theirs, and the way forward (`press u ...`) as the last line.
enum DoctorPanel {
    static let provisionHint = "press u to provision (first run ~10 min)"
    static let startHint = "press u to start it"

    /// Whether the VM is not running as far as devtui can tell: Vagrant said so, or `vagrant status`
    /// itself failed with no earlier answer (then `vagrant up` fails the same way), and the cluster
    /// does not answer either.
    static func vmDown(_ snap: EnvironmentSnapshot) -> Bool {
        guard snap.usesVagrant else { return false }
        if snap.pods.value != nil, snap.pods.error == nil { return false }
        return snap.vm.value.map { !$0.isRunning } ?? (snap.vm.error != nil)
    }

    /// Whether the pane shows the panel instead of pods: the VM does not run and there is something
    /// to say about why (a failed up, a failed `vagrant status`, a doctor finding, a stale kubeconfig).
    static func applies(_ snap: EnvironmentSnapshot, _ ui: UIState) -> Bool {
        guard vmDown(snap), ui.action?.kind != .provision else { return false }
        let problems = !(ui.doctor?.problems.isEmpty ?? true)
        return ui.upFailure != nil || problems || snap.vm.value == nil || snap.staleKubeconfig != nil
    }

    /// The pane's last line: create the VM, or start the one there is.
    static func hint(_ snap: EnvironmentSnapshot, _ ui: UIState) -> String {
        snap.vm.value.map { $0.isCreated } == true ? startHint : provisionHint(ui)
    }

    /// `press u to provision`, with how long the first provisioning took here when it is known.
    static func provisionHint(_ ui: UIState) -> String {
        guard let first = ui.provisionTimes?.firstBoot else { return provisionHint }
        return "press u to provision (first provisioning took \(ProvisionTimes.human(first.seconds)))"
    }

    struct Line: Equatable {
        var text: String
        var style: Style
    }

    static func lines(_ snap: EnvironmentSnapshot, _ ui: UIState, width: Int, g: Glyphs) -> [Line] {
        var out: [Line] = []
        let state = snap.vm.value.map { $0.state == "not_created" ? "VM not created" : "VM is \($0.stateHuman)" } ?? "VM state unknown"
        // Wrapped lines hang under their text: `✗ ...` / `  ...`, `  fix: ...` / `       ...`.
        func add(_ mark: String, _ text: String, _ style: Style, indent: Int, maxLines: Int) {
            let pad = String(repeating: " ", count: indent)
            for (i, piece) in Frame.wrap(text, max(1, width - indent), maxLines: maxLines).enumerated() {
                out.append(Line(text: (i == 0 ? mark : pad) + piece, style: style))
            }
        }
        if let stale = snap.staleKubeconfig { add("! ", stale, .warn, indent: 2, maxLines: 3) }
        if let failed = ui.upFailure {
            add("\(g.cross) ", failed.headline, .bad, indent: 2, maxLines: 3)
            if let fix = failed.fix { add("  fix: ", fix, .dim, indent: 7, maxLines: 3) }
        }
        let problems = ui.doctor?.problems ?? []
        // `vagrant status` failed: its reason, until the doctor has named the cause (its VirtualBox
        // line, or its own VM line, says it then).
        if snap.vm.value == nil, let error = snap.vm.error, ui.doctor?.firstFailure == nil {
            add("\(g.cross) ", error, .bad, indent: 2, maxLines: 3)
            if ui.doctor == nil {
                out.append(Line(text: Frame.fit("\(state) — devtui doctor is checking…", width), style: .dim))
            }
        }
        if !problems.isEmpty {
            let count = problems.filter { $0.status == .fail }.count
            let head = count > 0 ? "\(state) — \(count) problem\(count == 1 ? "" : "s") found by devtui doctor:"
                : "\(state) — devtui doctor notes:"
            out.append(Line(text: Frame.fit(head, width), style: .warn))
            for finding in problems {
                let mark = finding.status == .fail ? g.cross : "!"
                add("\(mark) ", finding.summary, finding.status == .fail ? .bad : .warn, indent: 2, maxLines: 3)
                if let fix = finding.fix { add("  fix: ", fix, .dim, indent: 7, maxLines: 3) }
            }
        } else if ui.upFailure != nil || snap.staleKubeconfig != nil || (snap.vm.value == nil && ui.doctor != nil) {
            out.append(Line(text: Frame.fit("\(state) — devtui doctor finds nothing else in the way", width), style: .dim))
        }
        return out
    }

    /// Draws the panel when it applies; returns whether it did.
    static func render(_ frame: inout Frame, _ inner: Rect, _ input: RenderInput) -> Bool {
        guard applies(input.snapshot, input.ui) else { return false }
        let width = inner.width - 2
        var body = lines(input.snapshot, input.ui, width: width, g: input.glyphs)
        let room = inner.height - 1
        if body.count > room {
            let cut = max(0, room - 1)
            let hidden = body.count - cut
            body = Array(body.prefix(cut))
            body.append(Line(text: Frame.fit("… \(hidden) more lines: run devtui doctor", width), style: .dim))
            body = Array(body.prefix(room))
        }
        for (i, line) in body.enumerated() {
            frame.put(line.text, x: inner.x + 1, y: inner.y + i, style: line.style)
        }
        // The way forward stays the last line.
        frame.put(Frame.fit(hint(input.snapshot, input.ui), width), x: inner.x + 1, y: inner.maxY - 1, style: .accent)
        return true
    }
}

extension PodsView {
    /// Rows the pods pane would like: one per pod, or half the doctor panel's lines
    /// (the layout gives two rows per pod for reason lines).
    static func rowDemand(_ snap: EnvironmentSnapshot, _ ui: UIState) -> Int {
        let pods = snap.pods.value?.count ?? 0
        guard DoctorPanel.applies(snap, ui) else { return pods }
        let lines = DoctorPanel.lines(snap, ui, width: 56, g: .unicode).count + 1
        return max(pods, (lines + 1) / 2)
    }
}
