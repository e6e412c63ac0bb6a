/// What the app endpoint answered.
public struct AppHealth: Sendable, Equatable, Codable {
    public var url: String
    /// HTTP status code, or nil when no answer came (see `error`).
    public var statusCode: Int?
    public var latencyMs: Int?
    /// The body's line worth showing, sanitized and cut to 200 characters: its first line, or for a
    /// Python traceback the exception (its last line).
    public var firstLine: String?
    /// Why there was no answer: `connection refused`, `timed out after 2 s`, ...
    public var error: String?
    /// When the body last changed (seconds since 1970); nil until it changes once.
    public var bodyChangedAt: Int?
    /// Set when the body is a Python traceback (the dev server's answer to code that fails to
    /// load): the exception line, e.g. `NameError: name 'x' is not defined`.
    public var exception: String?
    /// Where the traceback ends, e.g. `application.py, line 12`.
    public var exceptionAt: String?

    public init(url: String, statusCode: Int? = nil, latencyMs: Int? = nil, firstLine: String? = nil,
                error: String? = nil, bodyChangedAt: Int? = nil, exception: String? = nil, exceptionAt: String? = nil) {
        self.url = url
        self.statusCode = statusCode
        self.latencyMs = latencyMs
        self.firstLine = firstLine
        self.error = error
        self.bodyChangedAt = bodyChangedAt
        self.exception = exception
        self.exceptionAt = exceptionAt
    }

    /// An answer, summarized from its body.
    public init(url: String, statusCode: Int, latencyMs: Int, body: [UInt8]) {
        let text = String(decoding: body, as: UTF8.self)
        if let traceback = Traceback(text) {
            self.init(url: url, statusCode: statusCode, latencyMs: latencyMs, firstLine: traceback.exception,
                      exception: traceback.exception, exceptionAt: traceback.location)
        } else {
            self.init(url: url, statusCode: statusCode, latencyMs: latencyMs,
                      firstLine: String(TextSanitizer.firstLine(text).prefix(200)))
        }
    }

    public var isUp: Bool { statusCode == 200 }
}

/// The parts of a Python traceback worth a dashboard line.
public struct Traceback: Sendable, Equatable {
    /// The last line: `NameError: name 'x' is not defined`.
    public var exception: String
    /// The innermost frame: `application.py, line 12` (nil when there is none).
    public var location: String?

    public init(exception: String, location: String?) {
        self.exception = exception
        self.location = location
    }

    /// Nil unless the text starts like a Python traceback.
    public init?(_ text: String) {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters() }
        guard let first = lines.first(where: { !$0.isEmpty }), first.hasPrefix("Traceback (most recent call last)") else {
            return nil
        }
        guard let last = lines.last(where: { !$0.isEmpty }), last != first else { return nil }
        exception = String(TextSanitizer.cleanLine(last).prefix(200))
        location = lines.last(where: { $0.hasPrefix("File \"") }).flatMap(Self.frame)
    }

    /// `File "application.py", line 12, in <module>` -> `application.py, line 12`.
    static func frame(_ line: String) -> String? {
        let rest = line.dropFirst(6)
        guard let quote = rest.firstIndex(of: "\"") else { return nil }
        let file = rest[..<quote]
        let after = rest[rest.index(after: quote)...]
        guard after.hasPrefix(", line ") else { return TextSanitizer.cleanLine(String(file)) }
        let number = after.dropFirst(7).prefix { $0.isNumber }
        return TextSanitizer.cleanLine("\(file), line \(number)")
    }
}
