import ClusterProbe

/// snapshot + UI state + size -> frame. No I/O, no clock, no ncurses: golden-tested.
enum Renderer {
    static func render(_ input: RenderInput) -> Frame {
        var frame = Frame(width: input.width, height: input.height)
        let layout = Layout.compute(width: input.width, height: input.height, podCount: PodsView.rowDemand(input.snapshot, input.ui))
        guard layout.kind != .tooSmall else {
            renderTooSmall(&frame, input)
            return frame
        }
        HeaderView.render(&frame, layout.header, input)
        PodsView.render(&frame, layout.pods, input)
        if let volumeRect = layout.volume {
            AppView.render(&frame, layout.app, input)
            VolumeView.render(&frame, volumeRect, input)
        } else {
            StatusBoxView.render(&frame, layout.app, input)
        }
        LogsView.render(&frame, layout.logs, input)
        FooterView.render(&frame, layout.footer, input)
        switch input.ui.overlay {
        case .none: break
        case .help: OverlayView.help(&frame, input)
        case .confirmTeardown: OverlayView.confirmTeardown(&frame, input)
        case .confirmQuit: OverlayView.confirmQuit(&frame, input)
        case .confirmProvision: OverlayView.confirmProvision(&frame, input)
        }
        return frame
    }

    static func renderTooSmall(_ frame: inout Frame, _ input: RenderInput) {
        let lines = ["Terminal too small: \(input.width)x\(input.height)",
                     "devtui needs \(Layout.minWidth)x\(Layout.minHeight)", "q quits"]
        let top = max(0, (input.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let fitted = Frame.fit(line, input.width)
            frame.put(fitted, x: max(0, (input.width - TextWidth.of(fitted)) / 2), y: top + i, style: i == 0 ? .warn : .normal)
        }
    }

    /// A bordered box with a title in its top edge. Returns the inner rectangle.
    @discardableResult
    static func box(_ frame: inout Frame, _ rect: Rect, title: String, _ g: Glyphs, titleStyle: Style = .title) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let horizontal = String(repeating: g.h, count: rect.width - 2)
        frame.put(String(g.tl) + horizontal + String(g.tr), x: rect.x, y: rect.y, style: .border)
        for row in (rect.y + 1)..<(rect.maxY - 1) {
            frame.put(String(g.v), x: rect.x, y: row, style: .border)
            frame.put(String(g.v), x: rect.x + rect.width - 1, y: row, style: .border)
        }
        frame.put(String(g.bl) + horizontal + String(g.br), x: rect.x, y: rect.maxY - 1, style: .border)
        frame.put(" " + Frame.fit(title, rect.width - 5) + " ", x: rect.x + 1, y: rect.y, style: titleStyle)
        return Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 2)
    }

    /// Styled spans on one row, cut with `…` when they do not fit in `width` columns.
    static func spans(_ frame: inout Frame, _ spans: [(String, Style)], x: Int, y: Int, width: Int) {
        let total = spans.reduce(0) { $0 + TextWidth.of($1.0) }
        var budget = total > width ? width - 1 : width
        var col = x
        for (text, style) in spans where budget > 0 {
            let used = frame.put(text, x: col, y: y, style: style, maxWidth: budget)
            col += used
            budget -= used
            if used < TextWidth.of(text) { break }
        }
        if total > width, width > 0 { frame.put("…", x: col, y: y, style: .dim) }
    }

    static func healthStyle(_ health: PodSummary.Health) -> Style {
        switch health {
        case .healthy: return .ok
        case .progressing, .terminating: return .warn
        case .failing: return .bad
        }
    }

    /// `retry in 3 s` from a source's next attempt.
    static func retry(_ next: Int?, now: Int) -> String {
        guard let next else { return "" }
        let left = next - now
        return left > 0 ? "retry in \(left) s" : "retrying"
    }

    static func ago(_ then: Int?, now: Int) -> String {
        guard let then else { return "never" }
        return DurationFormat.age(seconds: now - then) + " ago"
    }
}
