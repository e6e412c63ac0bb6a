import ClusterProbe

enum PodsView {
    static func render(_ frame: inout Frame, _ rect: Rect, _ input: RenderInput) {
        let snap = input.snapshot
        let inner = Renderer.box(&frame, rect, title: "Pods · \(snap.namespace)", input.glyphs)
        guard inner.width > 0, inner.height > 0 else { return }

        if let (message, style) = blockingMessage(snap, now: input.now) {
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
        var rows: [(PodSummary, detail: (String, Style)?)] = []
        for (i, pod) in pods.enumerated() {
            rows.append((pod, nil))
            for line in lines[i].prefix(granted[i]) { rows.append((pod, line)) }
        }
        for (i, row) in rows.prefix(inner.height - 1).enumerated() {
            let y = inner.y + 1 + i
            let pod = row.0
            if let (text, style) = row.detail {
                frame.put(Frame.fit("└ " + text, inner.width - 4), x: inner.x + 3, y: y, style: style)
                continue
            }
            var x = inner.x
            x += frame.put(" " + Frame.pad(pod.name, nameWidth) + "  ", x: x, y: y)
            x += frame.put(Frame.pad(pod.ready, 6), x: x, y: y, style: pod.readyContainers == pod.totalContainers ? .normal : .warn)
            // Without a reason line of its own, the reason goes into the STATUS column.
            let hasDetailRow = rows.contains { $0.detail != nil && $0.0.name == pod.name }
            let status = (!hasDetailRow && pod.health != .healthy) ? pod.detail.map { "\(pod.status) (\($0))" } ?? pod.status : pod.status
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
        let named = pod.containers.count > 1 || pod.terminations.contains { $0.initContainer }
        // A waiting container's detail (`7×, last: Error exit 1`) is its termination line without the age.
        let covered = pod.detail.map { detail in pod.terminations.contains { detail == $0.summary || detail.hasSuffix($0.outcome) } } ?? false
        if unhealthy, let detail = pod.detail, !covered {
            lines.append((detail, Renderer.healthStyle(pod.health)))
        }
        for termination in pod.terminations {
            lines.append((termination.line(now: now, named: named), pod.health == .failing ? .bad : .warn))
        }
        return lines
    }

    /// The daily states that replace the table, worded as what to do next.
    static func blockingMessage(_ snap: EnvironmentSnapshot, now: Int) -> (String, Style)? {
        if snap.usesVagrant, let vm = snap.vm.value {
            switch vm.state {
            case "not_created": return ("VM not created — press u to provision (first run ~10 min)", .warn)
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
        if snap.pods.error?.hasPrefix("cluster unreachable") == true, snap.usesVagrant {
            return "is the VM up? press u, or check `vagrant status`"
        }
        return nil
    }
}
