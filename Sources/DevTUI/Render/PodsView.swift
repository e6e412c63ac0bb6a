import ClusterProbe

enum PodsView {
    static func render(_ frame: inout Frame, _ rect: Rect, _ input: RenderInput) {
        let snap = input.snapshot
        let inner = Renderer.box(&frame, rect, title: "Pods · \(snap.namespace)", input.glyphs)
        guard inner.width > 0, inner.height > 0 else { return }
        if DoctorPanel.render(&frame, inner, input) { return }

        if let (message, style) = blockingMessage(snap, now: input.now, ui: input.ui) {
            let hintLines = hint(snap).map { Frame.wrap($0, inner.width - 2, maxLines: 2) } ?? []
            let lines = Frame.wrap(message, inner.width - 2, maxLines: max(1, inner.height - hintLines.count))
            for (i, line) in lines.enumerated() { frame.put(line, x: inner.x + 1, y: inner.y + i, style: style) }
            for (i, line) in hintLines.enumerated() where lines.count + i < inner.height {
                frame.put(line, x: inner.x + 1, y: inner.y + lines.count + i, style: .dim)
            }
            return
        }
        let pods = snap.pods.value ?? []
        // Names as wide as the longest, as long as STATUS keeps 12 columns.
        let others = 1 + 2 + 6 + 1 + 9 + 4
        let nameWidth = max(4, min(pods.map { TextWidth.of($0.name) }.max() ?? 4, inner.width - others - 12))
        let statusWidth = max(8, inner.width - others - nameWidth)
        let header = " " + Frame.pad("NAME", nameWidth) + "  " + Frame.pad("READY", 6) + Frame.pad("STATUS", statusWidth)
            + " " + Frame.pad("RESTARTS", 9) + "AGE"
        frame.put(header, x: inner.x, y: inner.y, style: .bold, maxWidth: inner.width)

        // Rows: each pod, and under it the lines that say why (see `detailLines`), while there is
        // room: every pod's first line before any pod's second.
        let lines = pods.map { detailLines($0, snap, now: input.now) }
        var granted = Array(repeating: 0, count: pods.count)
        var spare = max(0, inner.height - 1 - pods.count)
        var depth = 0
        while spare > 0, pods.indices.contains(where: { lines[$0].count > depth }) {
            for i in pods.indices where spare > 0 && lines[i].count > depth {
                granted[i] += 1
                spare -= 1
            }
            depth += 1
        }
        // Rows still spare let a cut line go on below (the end of a FailedMount message is the
        // part that says which path): up to 3 rows per line, in the same order.
        let textWidth = inner.width - 6
        var wrapped: [[[String]]] = pods.indices.map { i in lines[i].prefix(granted[i]).map { [$0.0] } }
        var rowsOf: [[Int]] = wrapped.map { $0.map { _ in 1 } }
        var grew = true
        while spare > 0, grew {
            grew = false
            for i in pods.indices {
                for j in rowsOf[i].indices where spare > 0 && rowsOf[i][j] < 3 {
                    let text = lines[i][j].0
                    guard TextWidth.of(text) > textWidth * rowsOf[i][j] else { continue }
                    rowsOf[i][j] += 1
                    spare -= 1
                    grew = true
                    wrapped[i][j] = Frame.wrap(text, textWidth, maxLines: rowsOf[i][j])
                }
            }
        }
        var rows: [(PodSummary, detail: (String, Style)?)] = []
        for (i, pod) in pods.enumerated() {
            rows.append((pod, nil))
            for (j, chunks) in wrapped[i].enumerated() {
                for (k, chunk) in chunks.enumerated() { rows.append((pod, ((k == 0 ? "└ " : "  ") + chunk, lines[i][j].1))) }
            }
        }
        for (i, row) in rows.prefix(inner.height - 1).enumerated() {
            let y = inner.y + 1 + i
            let pod = row.0
            if let (text, style) = row.detail {
                // A locale without UTF-8 gets ASCII for the marks devtui adds.
                let shown = input.ui.ascii ? text.replacingOccurrences("└", "`").replacingOccurrences("×", "x") : text
                frame.put(Frame.fit(shown, inner.width - 4), x: inner.x + 3, y: y, style: style)
                continue
            }
            var x = inner.x
            x += frame.put(" " + Frame.pad(pod.name, nameWidth) + "  ", x: x, y: y)
            x += frame.put(Frame.pad(pod.ready, 6), x: x, y: y, style: pod.readyContainers == pod.totalContainers ? .normal : .warn)
            // Without a reason line of its own, the first reason goes into the STATUS column.
            let index = pods.firstIndex { $0.name == pod.name } ?? 0
            let status = granted[index] == 0 ? lines[index].first.map { "\(pod.status) (\($0.0))" } ?? pod.status : pod.status
            x += frame.put(Frame.pad(status, statusWidth), x: x, y: y, style: Renderer.healthStyle(pod.health))
            let age = pod.createdAt.map { DurationFormat.age(seconds: input.now - $0) } ?? "?"
            frame.put(" " + Frame.pad(String(pod.restarts), 9) + age, x: x, y: y, style: pod.restarts > 0 ? .warn : .normal,
                      maxWidth: inner.x + inner.width - x)
        }
        if pods.count > inner.height - 1 {
            let more = " +\(pods.count - max(0, inner.height - 1)) more "
            frame.put(more, x: rect.x + rect.width - TextWidth.of(more) - 2, y: rect.maxY - 1, style: .dim)
        }
    }

    /// The lines under a pod, most telling first: why it is not healthy, how each container that
    /// restarted last ended (even when Running and Ready again: an OOMKilled MySQL is news), and,
    /// while it is not Ready, the latest Warning event about it.
    static func detailLines(_ pod: PodSummary, _ snap: EnvironmentSnapshot, now: Int) -> [(String, Style)] {
        var lines: [(String, Style)] = []
        let unhealthy = pod.health != .healthy
        let troubled = pod.health != .terminating && (unhealthy || pod.readyContainers < pod.totalContainers)
        let named = pod.containers.count > 1 || pod.terminations.contains { $0.initContainer }
        let termStyle: Style = pod.health == .failing ? .bad : .warn
        var terminations = pod.terminations
        let event = troubled ? snap.warning(for: pod) : nil
        // A waiting container's detail (`7×, last: Error exit 1`) is its termination line without the age.
        if unhealthy, let detail = pod.detail {
            if let i = terminations.firstIndex(where: { detail == $0.summary || detail.hasSuffix($0.outcome) }) {
                lines.append((terminations.remove(at: i).line(now: now, named: named), termStyle))
            } else if let event, !event.message.isEmpty,
                      detail == "not ready yet" || event.message.contains(detail) || detail.contains(event.message) {
                // The event says the same (the scheduler's message) or more (a failing probe), with a count and an age.
            } else {
                lines.append((detail, Renderer.healthStyle(pod.health)))
            }
        }
        if let event {
            lines.append((event.line(now: now), unhealthy ? Renderer.healthStyle(pod.health) : .warn))
        }
        // A claim that is not Bound holds its pod back: say why under the pod that waits for it.
        if troubled, pod.component == "mysql" || pod.name.hasPrefix("mysql-"), let volume = snap.volume.value,
           volume.phase != nil, volume.phase != "Bound", let claimEvent = snap.warning(forClaim: volume.claim) {
            lines.append(("pvc \(volume.claim) \(claimEvent.line(now: now))", .warn))
        }
        for termination in terminations {
            lines.append((termination.line(now: now, named: named), termStyle))
        }
        return lines
    }

    /// The daily states that replace the table, worded as what to do next.
    static func blockingMessage(_ snap: EnvironmentSnapshot, now: Int, ui: UIState = UIState()) -> (String, Style)? {
        if snap.usesVagrant, let vm = snap.vm.value {
            switch vm.state {
            case "not_created": return ("VM not created — " + DoctorPanel.provisionHint(ui), .warn)
            case "poweroff", "saved", "aborted", "suspended", "stopped", "shutoff", "paused":
                return ("VM is \(vm.stateHuman) — press u to start it", .warn)
            case "running": break
            default: return ("VM is \(vm.stateHuman)", .warn)
            }
        }
        if let error = snap.pods.error {
            let retry = Renderer.retry(snap.pods.nextAttemptAt, now: now)
            let stale = snap.pods.value != nil ? " · showing \(Renderer.ago(snap.pods.freshAt, now: now))" : ""
            return ("\(error)\(retry.isEmpty ? "" : " · \(retry)")\(stale)", .bad)
        }
        guard let pods = snap.pods.value else { return ("connecting to the cluster…", .dim) }
        if pods.isEmpty {
            return ("No pods in namespace \(snap.namespace)", .warn)
        }
        return nil
    }

    static func hint(_ snap: EnvironmentSnapshot) -> String? {
        if snap.pods.value?.isEmpty == true {
            return snap.usesVagrant ? "press u to provision, or check `kubectl get all -n \(snap.namespace)`"
                : "apply the manifests: kubectl apply -k manifests"
        }
        // A VM that is not running says so itself, with its own key hint.
        if snap.pods.errorKind == .noKubeconfig, snap.usesVagrant, snap.vm.value?.isRunning == true {
            return "press u to provision"
        }
        if snap.pods.errorKind == .unreachable, snap.usesVagrant {
            return "is the VM up? press u, or check `vagrant status`"
        }
        return nil
    }
}

extension String {
    /// Without Foundation: every `target` character replaced.
    func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
