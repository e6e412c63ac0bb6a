/// The log pane's stream: `kubectl logs -f` of the followed component's current pod.
extension Poller {
    /// Follows the chosen component's current pod. When the stream ends (pod replaced, connection
    /// lost) it says so in the log, waits with backoff, and reattaches to whatever pod is current.
    func logLoop() async {
        var backoff = Backoff(base: .milliseconds(500), ceiling: .seconds(15))
        var previousFetched: Set<String> = []
        while !Task.isCancelled {
            let component = model.followed
            let container = component.rawValue
            let snap = model.snapshot()
            guard let pod = snap.pod(for: container), pod.phase == "Running" || pod.restarts > 0 else {
                let now = time.now()
                let waiting = Problem(.failed, "waiting for a running \(container) pod")
                model.update { $0.logs.record(.failure(waiting), at: now, nextAttemptIn: nil) }
                await wakeups.sleep(.seconds(1), or: .logs)
                continue
            }
            let source = LogSource(component)
            // After a crash the current container may be empty: show why the last one died.
            if pod.restarts > 0, !previousFetched.contains("\(pod.name)#\(pod.restarts)") {
                previousFetched.insert("\(pod.name)#\(pod.restarts)")
                let command = config.target.previousLogs(pod: pod.name, container: container, tail: 50)
                if case .success(let output) = await runner.run(command), output.exitCode == 0, !output.stdout.isEmpty {
                    var lines = ["── previous container of \(pod.name) (restart \(pod.restarts)) ──"]
                    var splitter = LineSplitter()
                    splitter.feed(output.stdout) { lines.append($0) }
                    splitter.finish { lines.append($0) }
                    model.appendLog(source, lines + ["── end of previous container ──"])
                }
            }
            model.appendLog(source, ["── following \(pod.name) -c \(container) ──"])
            let now = time.now()
            model.update { $0.logs.record(.success(LogStreamInfo(pod: pod.name, container: container)), at: now, nextAttemptIn: nil) }
            let model = self.model
            let batcher = LogBatcher(time: time) { [weak self] lines in
                model.appendLog(source, lines)
                if source == .app { self?.noticeReload(in: lines) }
            }
            let end = await withTaskGroup(of: Result<StreamEnd, CommandError>?.self) { group in
                group.addTask {
                    await self.runner.stream(self.config.target.followLogs(pod: pod.name, container: container, tail: self.config.logTail),
                                             mergeStderr: false) { batcher.add($0) }
                }
                // Reattaches when the user picks another log or a newer pod takes over. It sleeps
                // until the pod watch or a log switch wakes `.logs` (no timer while all is quiet;
                // the minute is only a safety net).
                group.addTask {
                    while !Task.isCancelled {
                        await self.wakeups.sleep(.seconds(60), or: .logs)
                        if self.model.followed != component { return nil }
                        if let current = self.model.snapshot().pod(for: container), current.name != pod.name,
                           current.readyContainers > 0 {
                            return nil
                        }
                    }
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            batcher.flush()
            guard !Task.isCancelled else { return }
            guard let end else {
                backoff.reset()
                model.appendLog(source, ["── switched away from \(pod.name) ──"])
                continue
            }
            let delay = backoff.fail()
            let why = KubectlDiagnosis.describe(end)
            model.appendLog(source, ["── log stream of \(pod.name) ended: \(why); reattaching in \(DurationFormat.short(delay)) ──"])
            // The follower's own sleep below is the retry; the log line names its delay.
            let ended = Problem(.failed, "log stream ended: \(why)")
            let failedAt = time.now()
            model.update { $0.logs.record(.failure(ended), at: failedAt, nextAttemptIn: nil) }
            await wakeups.sleep(delay, or: .logs)
        }
    }
}
