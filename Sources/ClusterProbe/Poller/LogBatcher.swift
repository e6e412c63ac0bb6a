import Synchronization

/// Collects streamed lines and hands them over in batches: a flood of log lines becomes a few
/// model updates per second instead of one lock and one redraw per line.
final class LogBatcher: Sendable {
    private struct Pending {
        var lines: [String] = []
        var last = 0
        /// A one-shot flush is on its way for lines held back (no timer runs while all is delivered).
        var flushScheduled = false
    }
    private let pending = Mutex(Pending())
    /// Taking a batch and delivering it happen under this lock, so two batches (the stream's and
    /// a scheduled flush's) can never arrive out of order. `deliver` never calls back in here.
    private let delivering = Mutex(())
    private let deliver: @Sendable ([String]) -> Void
    private let time: any TimeSource
    static let interval: Duration = .milliseconds(50)

    init(time: any TimeSource = SystemTime(), deliver: @escaping @Sendable ([String]) -> Void) {
        self.time = time
        self.deliver = deliver
    }

    func add(_ lines: [String]) {
        let schedule = delivering.withLock { _ in addAndDeliver(lines) }
        if schedule {
            // Lines held back are delivered by the next add or, if the stream goes quiet, here.
            Task { [weak self, time] in
                await time.sleep(for: Self.interval)
                self?.pending.withLock { $0.flushScheduled = false }
                self?.flush()
            }
        }
    }

    /// Delivers what is due; true when a flush must be scheduled for lines held back.
    private func addAndDeliver(_ lines: [String]) -> Bool {
        let (batch, schedule): ([String]?, Bool) = pending.withLock { p in
            p.lines.append(contentsOf: lines)
            let now = time.monotonicMs()
            // A quiet stream's line goes out at once; a flood goes out in chunks, at most every 50 ms.
            guard p.lines.count >= 4096 || now - p.last >= 50 else {
                defer { p.flushScheduled = true }
                return (nil, !p.flushScheduled)
            }
            p.last = now
            defer { p.lines.removeAll(keepingCapacity: true) }
            return (p.lines, false)
        }
        if let batch { deliver(batch) }
        return schedule
    }

    func flush() {
        delivering.withLock { _ in
            let batch = pending.withLock { p -> [String] in defer { p.lines.removeAll() }; return p.lines }
            if !batch.isEmpty { deliver(batch) }
        }
    }
}
