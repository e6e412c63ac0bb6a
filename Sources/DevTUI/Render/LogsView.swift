import ClusterProbe

enum LogsView {
    static func render(_ frame: inout Frame, _ rect: Rect, _ input: RenderInput) {
        let inner = Renderer.box(&frame, rect, title: title(input), input.glyphs)
        guard inner.height > 0, inner.width > 1 else { return }
        let lines = input.logs.window(last: inner.height, offsetFromEnd: input.ui.follow ? 0 : input.ui.scroll)
        if lines.isEmpty {
            frame.put(Frame.fit(emptyText(input), inner.width - 1), x: inner.x + 1, y: inner.y, style: .dim)
            return
        }
        for (i, line) in lines.enumerated() {
            let marker = line.hasPrefix("── ") || line.hasPrefix("-- ")
            frame.put(Frame.fit(input.ui.ascii ? asciiSafe(line) : line, inner.width - 1), x: inner.x + 1, y: inner.y + i,
                      style: marker ? .accent : style(of: line))
        }
    }

    static func title(_ input: RenderInput) -> String {
        let g = input.glyphs
        var parts = ["Logs"]
        switch input.ui.logSource {
        case .app: parts.append("app (gunicorn)")
        case .mysql: parts.append("mysql")
        case .action:
            if let action = input.ui.action, let title = action.stepTitle {
                parts.append("vagrant up \(elapsed(input.nowMs - action.startedAtMs))")
                parts.append(title)
            } else if let action = input.ui.action {
                parts.append("\(action.kind.verb) \(elapsed(input.nowMs - action.startedAtMs))")
            } else {
                parts.append("last action")
            }
        }
        if input.ui.follow {
            parts.append("follow")
        } else {
            parts.append("paused ↑\(input.ui.scroll) — f to follow")
        }
        if let error = input.snapshot.logs.error, input.ui.logSource.component == input.followed {
            parts.append(error)
        }
        return parts.joined(separator: g.ellipsisSep)
    }

    static func emptyText(_ input: RenderInput) -> String {
        switch input.ui.logSource {
        case .action: return "no action yet: u provisions, r restarts the app, t tears down"
        case .app, .mysql:
            return input.snapshot.logs.error ?? "waiting for log lines…"
        }
    }

    /// Colour Gunicorn's levels and HTTP 5xx lines so problems stand out in a stream.
    static func style(of line: String) -> Style {
        // Byte search: String.contains(String) goes through grapheme-aware matching, and this
        // runs for every visible line on every repaint (it was a third of an idle repaint).
        let bytes = line.utf8
        if bytes.has("[ERROR]") || bytes.has("[CRITICAL]") || bytes.has("Traceback") { return .bad }
        if bytes.has("[WARNING]") { return .warn }
        if bytes.has("\" 5") { return .bad }
        return .normal
    }

    static func asciiSafe(_ line: String) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.map { $0.isASCII ? $0 : "?" }))
    }

    static func elapsed(_ ms: Int) -> String {
        let s = max(0, ms / 1000)
        return s < 60 ? "\(s)s" : "\(s / 60)m \(s % 60)s"
    }
}

extension String.UTF8View {
    /// Whether `needle` occurs as a byte sequence (the needles here are ASCII, so a byte match is
    /// a text match).
    func has(_ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { pattern in
            withContiguousStorageIfAvailable { Self.find(pattern, in: $0) }
                ?? Array(self).withUnsafeBufferPointer { Self.find(pattern, in: $0) }
        }
    }

    private static func find(_ pattern: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = pattern.first else { return true }
        guard text.count >= pattern.count else { return false }
        for i in 0...(text.count - pattern.count) where text[i] == first {
            var j = 1
            while j < pattern.count, text[i + j] == pattern[j] { j += 1 }
            if j == pattern.count { return true }
        }
        return false
    }
}
