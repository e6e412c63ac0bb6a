import ClusterProbe

enum OverlayView {
    static func help(_ frame: inout Frame, _ input: RenderInput) {
        let lines = Keymap.helpLines.map { Frame.pad($0.keys, 14) + $0.text }
        centred(&frame, input, title: "Keys", lines: lines, style: .normal)
    }

    static func confirmTeardown(_ frame: inout Frame, _ input: RenderInput) {
        centred(&frame, input, title: "Teardown", lines: [
            "Destroy the VM? MySQL data in mysql-data will be lost.",
            "",
            "y destroy        any other key cancels  [y/N]",
        ], style: .bad)
    }

    static func confirmQuit(_ frame: inout Frame, _ input: RenderInput) {
        let what = input.ui.action?.kind.verb ?? "an action"
        centred(&frame, input, title: "Quit", lines: [
            "\(what) is still running.",
            "Quit and stop it?   y quit   any other key stays  [y/N]",
        ], style: .warn)
    }

    static func confirmProvision(_ frame: inout Frame, _ input: RenderInput) {
        guard let finding = input.ui.doctor?.firstFailure else { return }
        let width = max(20, min(76, input.width - 8))
        var lines = Frame.wrap("doctor: \(finding.summary).", width, maxLines: 4) + ["Provision anyway? [y/N]"]
        if let fix = finding.fix { lines += [""] + Frame.wrap("fix: \(fix)", width, maxLines: 3) }
        lines += ["", "y provision anyway    any other key cancels"]
        centred(&frame, input, title: "Provision", lines: lines, style: .bad)
    }

    static func centred(_ frame: inout Frame, _ input: RenderInput, title: String, lines: [String], style: Style) {
        let width = min(input.width - 2, (lines.map { TextWidth.of($0) }.max() ?? 0) + 4)
        let height = min(input.height - 2, lines.count + 2)
        let rect = Rect(x: (input.width - width) / 2, y: (input.height - height) / 2, width: width, height: height)
        for row in rect.y..<rect.maxY { frame.put(String(repeating: " ", count: rect.width), x: rect.x, y: row) }
        let inner = Renderer.box(&frame, rect, title: title, input.glyphs, titleStyle: style)
        for (i, line) in lines.prefix(inner.height).enumerated() {
            frame.put(Frame.fit(line, inner.width - 2), x: inner.x + 1, y: inner.y + i, style: i == 0 ? style : .normal)
        }
    }
}
