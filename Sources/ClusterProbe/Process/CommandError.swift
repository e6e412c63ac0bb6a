/// Why a command gave no usable result. Every case renders as one line a user can act on.
public enum CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(tool: String)
    case launchFailed(tool: String, reason: String)
    case timedOut(tool: String, after: Duration)
    case failed(tool: String, exitCode: Int32, message: String)
    case outputTooLarge(tool: String, limit: Int)
    case malformedOutput(tool: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let tool):
            return "\(tool): not found on PATH"
        case .launchFailed(let tool, let reason):
            return "\(tool): could not start: \(reason)"
        case .timedOut(let tool, let after):
            return "\(tool): no answer within \(DurationFormat.short(after))"
        case .failed(let tool, let code, let message):
            let text = message.isEmpty ? "no message" : message
            return "\(tool): exit \(code): \(text)"
        case .outputTooLarge(let tool, let limit):
            return "\(tool): output larger than \(limit / 1_048_576) MiB"
        case .malformedOutput(let tool, let reason):
            return "\(tool): unreadable output: \(reason)"
        }
    }
}
