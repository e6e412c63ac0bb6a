/// Edit-to-live: a save in `app/` on the host (inotify on Linux, polling elsewhere) starts a clock
/// that stops at the first sign the running app has it: a Gunicorn worker booting after the save
/// (below), or the app's answer changing (appLoop). CodeChangeInfo holds the rule and its limit.
extension Poller {
    /// Edit-to-live: a save under app/ starts the clock; the first response that differs, or a
    /// Gunicorn worker booting after the save, stops it.
    func codeLoop(root: String) async {
        let model = self.model
        let wakeups = self.wakeups
        let saved: @Sendable (String, Int) -> Void = { file, mtimeMs in
            model.update { $0.codeChange = CodeChangeInfo(file: file, savedAtMs: min(mtimeMs, Clock.wallMs())) }
            wakeups.wake(.app)
        }
        #if os(Linux)
        if let watcher = InotifyCodeWatcher(root: root) {
            watcher.start(onChange: saved)
            // The watcher's thread does the work; this task only waits to be cancelled (a
            // cancelled sleep ends at once), then ends the thread and closes its descriptors.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            watcher.stop()
            return
        }
        #endif
        var watcher = CodeWatcher(root: root)
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            if let change = watcher.changes() { saved(change.file, change.mtimeMs) }
        }
    }

    /// Marks the pending code change live when Gunicorn reports a reload after the save.
    func noticeReload(in lines: [String]) {
        guard lines.contains(where: { $0.contains("Booting worker") }) else { return }
        let now = Clock.wallMs()
        model.update { snap in
            if let live = snap.codeChange?.live(at: now, signal: "worker reloaded") { snap.codeChange = live }
        }
    }
}
