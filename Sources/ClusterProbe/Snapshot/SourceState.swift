/// One data source's latest value, its latest error, and how fresh each is.
/// A failed refresh keeps the last good value, so a blip does not blank the screen.
public struct SourceState<Value: Sendable & Equatable & Codable>: Sendable, Equatable, Codable {
    public var value: Value?
    /// One line: why the last refresh failed (nil after a success).
    public var error: String?
    /// When `value` was last refreshed successfully (seconds since 1970).
    public var freshAt: Int?
    /// When the source was last asked, successfully or not.
    public var checkedAt: Int?
    /// When the next attempt is due, so the UI can count down a retry.
    public var nextAttemptAt: Int?

    public init(value: Value? = nil, error: String? = nil, freshAt: Int? = nil, checkedAt: Int? = nil, nextAttemptAt: Int? = nil) {
        self.value = value
        self.error = error
        self.freshAt = freshAt
        self.checkedAt = checkedAt
        self.nextAttemptAt = nextAttemptAt
    }

    public mutating func succeed(_ value: Value, at now: Int) {
        self.value = value
        error = nil
        freshAt = now
        checkedAt = now
    }

    public mutating func fail(_ message: String, at now: Int) {
        error = message
        checkedAt = now
    }
}
