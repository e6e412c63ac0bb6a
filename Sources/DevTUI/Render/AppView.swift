import ClusterProbe

enum AppView {
    static func render(_ frame: inout Frame, _ rect: Rect, _ input: RenderInput) {
        let inner = Renderer.box(&frame, rect, title: "App  \(input.snapshot.app.value?.url ?? "")", input.glyphs)
        guard inner.height > 0 else { return }
        for (i, line) in lines(input, width: inner.width - 2).prefix(inner.height).enumerated() {
            Renderer.spans(&frame, line, x: inner.x + 1, y: inner.y + i, width: inner.width - 2)
        }
    }

    /// Status line, body line, change line; each a list of styled spans. With a width, a long
    /// exception wraps onto the body line instead of being cut.
    static func lines(_ input: RenderInput, width: Int? = nil) -> [[(String, Style)]] {
        let app = input.snapshot.app
        let g = input.glyphs
        var result: [[(String, Style)]] = []
        guard let health = app.value else {
            return [[(String(g.dot), .dim), (" checking…", .dim)]]
        }
        if let code = health.statusCode, let exception = health.exception {
            // The dev server's answer to code that fails to load: the exception says what to fix.
            let style: Style = code == 200 ? .ok : .bad
            let head = " \(code)\(g.ellipsisSep)\(exception)"
            var place = health.exceptionAt ?? "Python traceback"
            if let width, TextWidth.of(head) + 1 > width, let cut = wrapPoint(head, limit: width - 1) {
                let rest = head[cut...].trimmingCharacters()
                if TextWidth.of(rest + g.ellipsisSep + place) > width { place = shortPlace(place) }
                result.append([(String(g.dot), style), (String(head[..<cut]), style)])
                result.append([(rest, style), (g.ellipsisSep + place, .dim)])
            } else {
                if let width, TextWidth.of(place) > width { place = shortPlace(place) }
                result.append([(String(g.dot), style), (head, style)])
                result.append([(place, .dim)])
            }
        } else if let code = health.statusCode {
            let style: Style = code == 200 ? .ok : (code >= 500 ? .bad : .warn)
            result.append([(String(g.dot), style), (" \(code) \(reason(code))", style),
                           ("   \(health.latencyMs ?? 0) ms", .normal)])
            result.append([(health.firstLine ?? "", .normal)])
        } else {
            let retry = Renderer.retry(app.nextAttemptAt, now: input.now)
            result.append([(String(g.dot), .bad), (" \(health.error ?? "no answer")", .bad),
                           (retry.isEmpty ? "" : "\(g.ellipsisSep)\(retry)", .dim)])
            result.append([(down(input.snapshot), .dim)])
        }
        result.append(changeLine(input))
        return result
    }

    static func changeLine(_ input: RenderInput) -> [(String, Style)] {
        var parts: [(String, Style)] = []
        let g = input.glyphs
        if let changed = input.snapshot.app.value?.bodyChangedAt {
            parts.append(("changed \(Renderer.ago(changed, now: input.now))", .dim))
        }
        if let change = input.snapshot.codeChange {
            if !parts.isEmpty { parts.append((g.ellipsisSep, .dim)) }
            if let ms = change.liveAfterMs {
                parts.append(("edit live in \(seconds(ms))", .ok))
            } else if change.isWaiting(nowMs: input.nowMs) {
                parts.append(("\(change.file) saved, waiting… \(seconds(input.nowMs - change.savedAtMs))", .warn))
            } else {
                parts.append(("\(change.file) saved, not live after \(CodeChangeInfo.waitLimitMs / 1000) s", .bad))
            }
        }
        return parts.isEmpty ? [("edit app/ and the change shows here", .dim)] : parts
    }

    /// `/app/lib/db.py, line 3` -> `db.py, line 3`: in the pod a traceback names files by their
    /// full path, and a cut at the panel's edge would take the line number; the folder goes first.
    static func shortPlace(_ place: String) -> String {
        let pathEnd = place.firstRange(of: ", line ")?.lowerBound ?? place.endIndex
        guard let slash = place[..<pathEnd].lastIndex(of: "/") else { return place }
        return String(place[place.index(after: slash)...])
    }

    /// The last space at which `text` fits in `limit` columns.
    static func wrapPoint(_ text: String, limit: Int) -> String.Index? {
        var best: String.Index?
        var index = text.startIndex
        while let space = text[index...].firstIndex(of: " ") {
            if space > text.startIndex, TextWidth.of(String(text[..<space])) <= limit { best = space } else if space > text.startIndex { break }
            index = text.index(after: space)
        }
        return best
    }

    static func seconds(_ ms: Int) -> String { DurationFormat.format1(Double(max(0, ms)) / 1000) + " s" }

    /// Why the app may be down, from the pod table.
    static func down(_ snap: EnvironmentSnapshot) -> String {
        guard let pod = snap.appPod else { return snap.pods.value == nil ? "" : "no app pod" }
        if pod.health == .failing { return "app pod: \(pod.status)" }
        if pod.readyContainers < pod.totalContainers { return "app pod not ready (\(pod.status))" }
        return "app pod is Running: check the port forward 8080"
    }

    static func reason(_ code: Int) -> String {
        switch code {
        case 200: return "OK"
        case 301, 302: return "Redirect"
        case 404: return "Not Found"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }
}
