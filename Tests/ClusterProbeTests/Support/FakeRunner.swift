import Synchronization
@testable import ClusterProbe

/// A CommandRunning double: records every argv, answers `run` from a script, and keeps each
/// stream open until the test ends it (or the caller's task is cancelled, as a real child is stopped).
final class FakeRunner: CommandRunning {
    private struct OpenStream {
        let onLines: @Sendable ([String]) -> Void
        var finish: CheckedContinuation<Result<StreamEnd, CommandError>, Never>?
        /// How it ended, when that came before its caller began to wait.
        var endedWith: Result<StreamEnd, CommandError>?
        var ended = false
    }
    private struct State {
        var calls: [[String]] = []
        var streamArgv: [[String]] = []
        var streams: [OpenStream] = []
    }
    private let state = Mutex(State())
    private let answer: @Sendable ([String]) -> Result<CommandOutput, CommandError>

    /// `answer` replies to `run` by argv; by default every command succeeds with no output.
    init(answer: @escaping @Sendable ([String]) -> Result<CommandOutput, CommandError> = { _ in
        .success(CommandOutput(exitCode: 0, stdout: [], stderr: []))
    }) {
        self.answer = answer
    }

    /// What a stream stopped by its caller's cancellation returns (SIGTERM).
    static let stopped: Result<StreamEnd, CommandError> = .success(StreamEnd(exitCode: -15, message: ""))

    static func argv(_ command: Command) -> [String] { [command.executable] + command.arguments }

    func run(_ command: Command, outputLimit: Int) async -> Result<CommandOutput, CommandError> {
        let argv = Self.argv(command)
        state.withLock { $0.calls.append(argv) }
        return answer(argv)
    }

    func stream(_ command: Command, mergeStderr: Bool,
                onLines: @escaping @Sendable ([String]) -> Void) async -> Result<StreamEnd, CommandError> {
        let argv = Self.argv(command)
        let index = state.withLock { s -> Int in
            s.calls.append(argv)
            s.streamArgv.append(argv)
            s.streams.append(OpenStream(onLines: onLines))
            return s.streams.count - 1
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let endedBefore = state.withLock { s -> Result<StreamEnd, CommandError>? in
                    if let result = s.streams[index].endedWith { return result }
                    if Task.isCancelled { s.streams[index].ended = true; return Self.stopped }
                    s.streams[index].finish = continuation
                    return nil
                }
                if let endedBefore { continuation.resume(returning: endedBefore) }
            }
        } onCancel: {
            self.end(index, with: Self.stopped)
        }
    }

    func runInteractive(_ command: Command) async -> Result<Int32, CommandError> {
        .failure(.notFound(tool: command.toolName))
    }

    /// Every argv run or streamed, in order.
    var calls: [[String]] { state.withLock { $0.calls } }
    /// Argv of every stream started, in order (an index here names the stream).
    var streams: [[String]] { state.withLock { $0.streamArgv } }
    /// Indices of the streams still running.
    var openStreams: [Int] { state.withLock { s in s.streams.indices.filter { !s.streams[$0].ended } } }

    /// Hands lines to a running stream's reader, as the child printing them would.
    func send(_ lines: [String], to index: Int) {
        let onLines = state.withLock { $0.streams[index].onLines }
        onLines(lines)
    }

    /// Ends a stream: its `stream` call returns `result`.
    func end(_ index: Int, with result: Result<StreamEnd, CommandError>) {
        let finish = state.withLock { s -> CheckedContinuation<Result<StreamEnd, CommandError>, Never>? in
            guard !s.streams[index].ended else { return nil }
            s.streams[index].ended = true
            guard let finish = s.streams[index].finish else {
                s.streams[index].endedWith = result
                return nil
            }
            s.streams[index].finish = nil
            return finish
        }
        finish?.resume(returning: result)
    }
}
