/// What the app endpoint answered.
public struct AppHealth: Sendable, Equatable, Codable {
    public var url: String
    /// HTTP status code, or nil when no answer came (see `error`).
    public var statusCode: Int?
    public var latencyMs: Int?
    /// First line of the body, sanitized and cut to 200 characters.
    public var firstLine: String?
    /// Why there was no answer: `connection refused`, `timed out after 2 s`, ...
    public var error: String?
    /// When the body last changed (seconds since 1970); nil until it changes once.
    public var bodyChangedAt: Int?

    public init(url: String, statusCode: Int? = nil, latencyMs: Int? = nil, firstLine: String? = nil,
                error: String? = nil, bodyChangedAt: Int? = nil) {
        self.url = url
        self.statusCode = statusCode
        self.latencyMs = latencyMs
        self.firstLine = firstLine
        self.error = error
        self.bodyChangedAt = bodyChangedAt
    }

    public var isUp: Bool { statusCode == 200 }
}
