import ClusterProbe

enum VolumeView {
    static func render(_ frame: inout Frame, _ rect: Rect, _ input: RenderInput) {
        let usage = input.snapshot.volume.value
        let claimInfo = usage.map { $0.claim + ($0.storageClass.map { " (\($0))" } ?? "") } ?? "mysql-data"
        let inner = Renderer.box(&frame, rect, title: "MySQL\(input.glyphs.ellipsisSep)\(claimInfo)", input.glyphs)
        guard inner.height > 0 else { return }
        for (i, line) in lines(input, width: inner.width - 2, wrap: true).prefix(inner.height).enumerated() {
            Renderer.spans(&frame, line, x: inner.x + 1, y: inner.y + i, width: inner.width - 2)
        }
    }

    static func lines(_ input: RenderInput, width: Int, wrap: Bool) -> [[(String, Style)]] {
        let state = input.snapshot.volume
        let g = input.glyphs
        guard let usage = state.value else {
            if let error = input.snapshot.clusterError(state) {
                return wrap ? Frame.wrap(error, width, maxLines: 2).map { [($0, .bad)] } : [[(error, .bad)]]
            }
            return [[("measuring…", .dim)]]
        }
        var first: [(String, Style)] = []
        let figures: String
        switch (usage.usedBytes, usage.capacityBytes) {
        case let (used?, cap?): figures = "\(ByteFormat.binary(used)) / \(ByteFormat.binary(cap))"
        case let (nil, cap?): figures = "? / \(ByteFormat.binary(cap))"
        case let (used?, nil): figures = ByteFormat.binary(used)
        default: figures = "?"
        }
        let barWidth = max(4, width - TextWidth.of(figures) - 2)
        let fraction = usage.claimFraction ?? 0
        let filled = Int((Double(barWidth) * fraction).rounded(.up))
        let style: Style = fraction > 0.9 ? .bad : (fraction > 0.75 ? .warn : .ok)
        first.append((String(repeating: g.barFull, count: filled), style))
        first.append((String(repeating: g.barEmpty, count: barWidth - filled), .dim))
        first.append(("  " + figures, .normal))

        var second: [(String, Style)] = []
        if let pct = usage.filesystemPercent {
            second.append(("disk \(pct)% used", pct > 90 ? .bad : .normal))
        } else if usage.usedBytes == nil && state.error == nil {
            // With an error (du failed), the error is the reason; MySQL may well be running.
            second.append(("data size unknown until mysql runs", .dim))
        }
        if let error = input.snapshot.clusterError(state) {
            second.append(((second.isEmpty ? "" : g.ellipsisSep) + error, .bad))
        } else {
            second.append(((second.isEmpty ? "" : g.ellipsisSep) + "measured \(Renderer.ago(state.freshAt, now: input.now))", .dim))
        }
        return [first, second]
    }
}
