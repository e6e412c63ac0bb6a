/// A save in `app/` on the host and when the running app first showed it.
public struct CodeChangeInfo: Sendable, Equatable, Codable {
    public var file: String
    public var savedAtMs: Int
    /// Milliseconds from save to the first sign of the change (nil while waiting).
    public var liveAfterMs: Int?
    public var signal: String?

    public init(file: String, savedAtMs: Int, liveAfterMs: Int? = nil, signal: String? = nil) {
        self.file = file
        self.savedAtMs = savedAtMs
        self.liveAfterMs = liveAfterMs
        self.signal = signal
    }

    /// How long devtui waits for a save to show before it says "not live" (one constant for the
    /// probe that times it, the App panel and the screen's clock).
    public static let waitLimitMs = 15_000

    /// Still waiting for the running app to show this save.
    public func isWaiting(nowMs: Int) -> Bool {
        liveAfterMs == nil && nowMs - savedAtMs < Self.waitLimitMs
    }

    /// This change, live at `nowMs` by `signal`; nil when it is not waiting any more.
    public func live(at nowMs: Int, signal: String) -> CodeChangeInfo? {
        guard isWaiting(nowMs: nowMs) else { return nil }
        var change = self
        change.liveAfterMs = max(0, nowMs - savedAtMs)
        change.signal = signal
        return change
    }
}
