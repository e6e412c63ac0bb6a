import ClusterProbe

enum HeaderView {
    static func render(_ frame: inout Frame, _ rect: Rect, _ input: RenderInput) {
        let snap = input.snapshot
        let g = input.glyphs
        frame.fill(y: rect.y, style: .reverse)
        var x = frame.put(" devtui\(g.ellipsisSep)\(snap.project)", x: 0, y: rect.y, style: .reverse)
        let context = "\(snap.kubeContext ?? "-")/\(snap.namespace)"
        x += frame.put("  ctx \(context)", x: x, y: rect.y, style: .reverse, maxWidth: rect.width - x)
        let node = nodeText(snap)
        // The node's trouble keeps its room: the VM text is cut first.
        let nodeRoom = node.map { min(TextWidth.of($0.0) + 2, rect.width / 3) } ?? 0
        if snap.usesVagrant {
            let (text, style) = vmText(snap.vm)
            x += frame.put("  VM ", x: x, y: rect.y, style: .reverse)
            x += frame.put(String(g.dot), x: x, y: rect.y, style: style)
            x += frame.put(" " + Frame.fit(text, rect.width - x - 1 - (nodeRoom > 0 ? nodeRoom + 1 : 0)), x: x, y: rect.y, style: .reverse)
        }
        // Node pressure where the eye lands first: `node: DiskPressure` in the warning colour.
        if let (text, style) = node {
            x += frame.put("  ", x: x, y: rect.y, style: .reverse)
            x += frame.put(Frame.fit(text, max(0, rect.width - x - 1)), x: x, y: rect.y, style: style)
        }
        let clock = " refreshed \(clockText(snap.pods.freshAt ?? snap.takenAt, offset: input.utcOffsetMinutes)) "
        let clockX = rect.width - TextWidth.of(clock)
        if clockX > x + 1 { frame.put(clock, x: clockX, y: rect.y, style: .reverse) }
    }

    static func vmText(_ vm: SourceState<VMStatus>) -> (String, Style) {
        if let status = vm.value {
            let provider = status.provider.map { " (\($0))" } ?? ""
            let style: Style = status.isRunning ? .ok : (status.isCreated ? .warn : .bad)
            let stale = vm.error != nil ? " ?" : ""
            return (status.stateHuman + provider + stale, style)
        }
        if let error = vm.error { return (error, .bad) }
        return ("checking…", .dim)
    }

    /// `node: DiskPressure`, `node: NotReady, MemoryPressure`; `node devenv2: ...` when several
    /// nodes matter. Nil while every node of concern is fine (or none is known).
    static func nodeText(_ snap: EnvironmentSnapshot) -> (String, Style)? {
        let troubled = snap.nodesOfConcern.filter { !$0.problems.isEmpty }
        guard !troubled.isEmpty else { return nil }
        let several = snap.nodesOfConcern.count > 1
        let text = troubled.map { (several ? "node \($0.name): " : "node: ") + $0.problems.joined(separator: ", ") }
            .joined(separator: "  ")
        return (text, troubled.contains { $0.ready == false } ? .bad : .warn)
    }

    static func clockText(_ seconds: Int, offset: Int) -> String {
        let local = seconds + offset * 60
        let day = ((local % 86400) + 86400) % 86400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(day / 3600)):\(two(day / 60 % 60)):\(two(day % 60))"
    }
}
