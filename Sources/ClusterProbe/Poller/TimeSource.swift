/// The time the poller reads and waits on. Injected so the log follower and edit-to-live are
/// tested on a clock the test moves by hand: no test sleeps through a backoff.
public protocol TimeSource: Sendable {
    /// Wall-clock milliseconds since 1970 (file mtimes are wall-clock too).
    func wallMs() -> Int
    /// Milliseconds on a clock that never jumps, for durations.
    func monotonicMs() -> Int
    /// Waits `duration`; returns early when the calling task is cancelled.
    func sleep(for duration: Duration) async
    /// Blocks the calling thread for `duration`; returns early when `bell` rings.
    func block(for duration: Duration, orUntil bell: Bell)
}

extension TimeSource {
    /// Wall-clock seconds since 1970, the unit of `SourceState`'s times.
    public func now() -> Int { wallMs() / 1000 }
}

/// The real clocks.
public struct SystemTime: TimeSource {
    public init() {}
    public func wallMs() -> Int { Clock.wallMs() }
    public func monotonicMs() -> Int { Clock.monotonicMs() }
    public func sleep(for duration: Duration) async { try? await Task.sleep(for: duration) }
    public func block(for duration: Duration, orUntil bell: Bell) {
        bell.wait(timeoutMs: duration.milliseconds)
    }
}
