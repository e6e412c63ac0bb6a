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
        let nameWidth = min(max(4, pods.map { TextWidth.of($0.name) }.max() ?? 4), max(12, inner.width / 3))
        let fixed = 1 + nameWidth + 2 + 6 + 2 + 9 + 5
        let statusWidth = max(8, inner.width - fixed)
        let header = " " + Frame.pad("NAME", nameWidth) + "  " + Frame.pad("READY", 6) + Frame.pad("STATUS", statusWidth)
            + "  " + Frame.pad("RESTARTS", 9) + "AGE"
        frame.put(header, x: inner.x, y: inner.y, style: .bold, maxWidth: inner.width)
        for (i, pod) in pods.prefix(inner.height - 1).enumerated() {
            let y = inner.y + 1 + i
            var x = inner.x
            x += frame.put(" " + Frame.pad(pod.name, nameWidth) + "  ", x: x, y: y)
            x += frame.put(Frame.pad(pod.ready, 6), x: x, y: y, style: pod.readyContainers == pod.totalContainers ? .normal : .warn)
            let status = pod.detail.map { "\(pod.status) (\($0))" } ?? pod.status
            x += frame.put(Frame.pad(status, statusWidth), x: x, y: y, style: Renderer.healthStyle(pod.health))
            let age = pod.createdAt.map { DurationFormat.age(seconds: input.now - $0) } ?? "?"
            frame.put("  " + Frame.pad(String(pod.restarts), 9) + age, x: x, y: y, style: pod.restarts > 0 ? .warn : .normal,
                      maxWidth: inner.x + inner.width - x)
        }
        if pods.count > inner.height - 1, inner.height > 1 {
            frame.put(" +\(pods.count - inner.height + 1) more", x: inner.x + inner.width - 10, y: inner.y + inner.height - 1, style: .dim)
        }
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
