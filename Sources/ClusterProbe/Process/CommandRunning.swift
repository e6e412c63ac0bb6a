/// The capability every probe and action is written against; tests substitute a recorder.
public protocol CommandRunning: Sendable {
    /// Runs to completion and collects output. A non-zero exit is a result, not an error.
    func run(_ command: Command, outputLimit: Int) async -> Result<CommandOutput, CommandError>

    /// Runs and hands the sanitized stdout lines (and stderr lines, if `mergeStderr`) to `onLines`
    /// as they arrive, a chunk's worth at a time. Cancelling the calling task stops the child.
    func stream(
        _ command: Command,
        mergeStderr: Bool,
        onLines: @escaping @Sendable ([String]) -> Void
    ) async -> Result<StreamEnd, CommandError>

    /// Runs attached to this process's terminal (for `kubectl exec -it`). Returns the exit code.
    func runInteractive(_ command: Command) async -> Result<Int32, CommandError>
}

/// How a stream ended: its exit code and the first line of its stderr, if any.
public struct StreamEnd: Sendable, Equatable {
    public var exitCode: Int32
    public var message: String
    public init(exitCode: Int32, message: String) {
        self.exitCode = exitCode
        self.message = message
    }
}

extension CommandRunning {
    public func run(_ command: Command) async -> Result<CommandOutput, CommandError> {
        await run(command, outputLimit: 8 * 1_048_576)
    }

    /// Like `run`, but a non-zero exit becomes `.failed` with the first line of stderr.
    public func runChecked(_ command: Command, outputLimit: Int = 8 * 1_048_576) async -> Result<CommandOutput, CommandError> {
        switch await run(command, outputLimit: outputLimit) {
        case .failure(let error):
            return .failure(error)
        case .success(let output) where output.exitCode != 0:
            let message = TextSanitizer.firstLine(output.stderrText.isEmpty ? output.stdoutText : output.stderrText)
            return .failure(.failed(tool: command.toolName, exitCode: output.exitCode, message: message))
        case .success(let output):
            return .success(output)
        }
    }
}
