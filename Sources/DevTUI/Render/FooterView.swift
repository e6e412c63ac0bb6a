import ClusterProbe

enum FooterView {
    static func render(_ frame: inout Frame, _ rect: Rect, _ input: RenderInput) {
        let right = statusText(input)
        // A failure with its fix may take the hints' room: it is what the user needs now.
        let failing = input.ui.action == nil && input.ui.status?.kind == .failure
        let rightWidth = min(TextWidth.of(right.0), failing ? rect.width - 2 : rect.width / 2)
        let hintSpace = rect.width - rightWidth - 2
        var x = 0
        for (key, label, command) in Keymap.footerHints {
            let text = command == .cycleLogs ? "\(label):\(input.ui.logSource.rawValue)" : label
            guard x + 3 + TextWidth.of(text) <= hintSpace else { break }
            x += frame.put(" " + key, x: x, y: rect.y, style: .bold)
            x += frame.put(" " + text + " ", x: x, y: rect.y)
        }
        if !right.0.isEmpty {
            let fitted = Frame.fit(right.0, rightWidth)
            frame.put(fitted, x: rect.width - TextWidth.of(fitted) - 1, y: rect.y, style: right.1)
        }
    }

    static func statusText(_ input: RenderInput) -> (String, Style) {
        let g = input.glyphs
        if let status = input.ui.status, status.kind == .info, input.nowMs - status.atMs < 4000 {
            return (status.text, .warn)
        }
        if let action = input.ui.action, let progress = action.progress, let title = action.stepTitle {
            let detail = (progress.detail ?? action.latestLine).map { g.ellipsisSep + $0 } ?? ""
            return ("\(title) \(LogsView.elapsed(input.nowMs - action.startedAtMs))\(detail)", .accent)
        }
        if let action = input.ui.action {
            let latest = action.latestLine.map { ": \($0)" } ?? ""
            return ("\(action.kind.verb) \(LogsView.elapsed(input.nowMs - action.startedAtMs))\(latest)", .accent)
        }
        guard let status = input.ui.status else {
            // Nothing else to say: a standing warning keeps the spot.
            if let warning = input.snapshot.kubeconfigWarning { return ("! \(warning)", .warn) }
            return ("", .normal)
        }
        switch status.kind {
        case .success: return ("\(g.check) \(status.text)", .ok)
        case .failure: return ("\(g.cross) \(status.text)", .bad)
        case .info: return (status.text, .warn)
        }
    }
}
