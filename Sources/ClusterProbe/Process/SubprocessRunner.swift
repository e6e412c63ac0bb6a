import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The real runner, on swift-subprocess: async, no Foundation, and a teardown sequence
/// (SIGTERM, then SIGKILL) when a timeout or a cancellation stops a child.
public struct SubprocessRunner: CommandRunning {
    /// PATH to search and to give children; nil means this process's PATH.
    public let searchPath: String?
    /// Variables every child gets on top of this process's environment (tests point stand-ins at
    /// their scenario here, instead of changing the environment other tests spawn with).
    public let environment: [String: String]

    public init(searchPath: String? = nil, environment: [String: String] = [:]) {
        self.searchPath = searchPath
        self.environment = environment
    }

    public func run(_ command: Command, outputLimit: Int) async -> Result<CommandOutput, CommandError> {
        guard let config = configuration(for: command) else {
            return .failure(.notFound(tool: command.toolName))
        }
        return await withTimeout(command) {
            do {
                let result = try await Subprocess.run(
                    config,
                    input: .none,
                    output: .bytes(limit: outputLimit),
                    error: .bytes(limit: 1_048_576)
                )
                return .success(CommandOutput(
                    exitCode: Self.exitCode(result.terminationStatus),
                    stdout: result.standardOutput,
                    stderr: result.standardError
                ))
            } catch let error as SubprocessError {
                return .failure(Self.map(error, command: command, limit: outputLimit))
            } catch {
                return .failure(.launchFailed(tool: command.toolName, reason: "\(error)"))
            }
        }
    }

    public func stream(
        _ command: Command,
        mergeStderr: Bool,
        onLines: @escaping @Sendable ([String]) -> Void
    ) async -> Result<StreamEnd, CommandError> {
        #if os(Linux)
        // Long-lived kubectl streams (they never need a working directory): see PipeStream.
        if command.workingDirectory == nil {
            guard let path = ExecutableLocator.find(command.executable, path: searchPath ?? ExecutableLocator.currentPath()) else {
                return .failure(.notFound(tool: command.toolName))
            }
            let stream = PipeStream(path: path, arguments: command.arguments, environment: childEnvironment(command),
                                    mergeStderr: mergeStderr, splitOnCR: command.carriageReturnEndsLine,
                                    toolName: command.toolName)
            return await withTimeout(command) { await stream.run(onLines) }
        }
        #endif
        guard let config = configuration(for: command) else {
            return .failure(.notFound(tool: command.toolName))
        }
        return await withTimeout(command) {
            do {
                if mergeStderr {
                    let result = try await Subprocess.run(
                        config, input: .none, output: .sequence, error: .combinedWithOutput
                    ) { execution in
                        try await Self.pump(execution.standardOutput, splitOnCR: command.carriageReturnEndsLine, onLines)
                    }
                    return .success(StreamEnd(exitCode: Self.exitCode(result.terminationStatus), message: ""))
                }
                let result = try await Subprocess.run(
                    config, input: .none, output: .sequence, error: .bytes(limit: 65536)
                ) { execution in
                    try await Self.pump(execution.standardOutput, splitOnCR: command.carriageReturnEndsLine, onLines)
                }
                let message = TextSanitizer.firstLine(TextSanitizer.clean(result.standardError))
                return .success(StreamEnd(exitCode: Self.exitCode(result.terminationStatus), message: message))
            } catch let error as SubprocessError {
                return .failure(Self.map(error, command: command, limit: 65536))
            } catch is CancellationError {
                return .success(StreamEnd(exitCode: -1, message: "cancelled"))
            } catch {
                return .failure(.launchFailed(tool: command.toolName, reason: "\(error)"))
            }
        }
    }

    public func runInteractive(_ command: Command) async -> Result<Int32, CommandError> {
        // Stays in our process group, which owns the terminal, so the shell gets its keys.
        guard let config = configuration(for: command, ownGroup: false) else {
            return .failure(.notFound(tool: command.toolName))
        }
        do {
            let result = try await Subprocess.run(
                config,
                input: .fileDescriptor(.standardInput, closeAfterSpawningProcess: false),
                output: .fileDescriptor(.standardOutput, closeAfterSpawningProcess: false),
                error: .fileDescriptor(.standardError, closeAfterSpawningProcess: false)
            )
            return .success(Self.exitCode(result.terminationStatus))
        } catch let error as SubprocessError {
            return .failure(Self.map(error, command: command, limit: 0))
        } catch {
            return .failure(.launchFailed(tool: command.toolName, reason: "\(error)"))
        }
    }

    // MARK: - Helpers

    private func configuration(for command: Command, ownGroup: Bool = true) -> Configuration? {
        guard let path = ExecutableLocator.find(command.executable, path: searchPath ?? ExecutableLocator.currentPath()) else {
            return nil
        }
        var options = PlatformOptions()
        if ownGroup {
            // Own process group: a timeout stops vagrant's children too, and a Ctrl-C in a
            // shell started from devtui is not delivered to background probes.
            options.processGroupID = 0
            options.teardownSequence = [.send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(1))]
        }
        var env = Environment.inherit
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        for (key, value) in command.environment { updates[Environment.Key(stringLiteral: key)] = value }
        if let searchPath { updates["PATH"] = searchPath }
        if !updates.isEmpty { env = env.updating(updates) }
        return Configuration(
            executable: .path(FilePath(path)),
            arguments: Arguments(command.arguments),
            environment: env,
            workingDirectory: command.workingDirectory.map { FilePath($0) },
            platformOptions: options
        )
    }

    /// This process's environment with the runner's and the command's variables on top, and the
    /// runner's PATH: what `configuration(for:)` gives swift-subprocess.
    private func childEnvironment(_ command: Command) -> [String: String] {
        var env = ProcessEnvironment.current()
        for (key, value) in environment { env[key] = value }
        for (key, value) in command.environment { env[key] = value }
        if let searchPath { env["PATH"] = searchPath }
        return env
    }

    private static func pump(_ sequence: SubprocessOutputSequence, splitOnCR: Bool, _ onLines: @Sendable ([String]) -> Void) async throws {
        var splitter = LineSplitter(carriageReturnEndsLine: splitOnCR)
        var lines: [String] = []
        for try await buffer in sequence {
            buffer.withUnsafeBytes { raw in splitter.feed(raw: raw) { lines.append($0) } }
            if !lines.isEmpty {
                onLines(lines)
                lines.removeAll(keepingCapacity: true)
            }
        }
        splitter.finish { lines.append($0) }
        if !lines.isEmpty { onLines(lines) }
    }

    private func withTimeout<T: Sendable>(
        _ command: Command,
        _ body: @escaping @Sendable () async -> Result<T, CommandError>
    ) async -> Result<T, CommandError> {
        guard let timeout = command.timeout else { return await body() }
        return await withTaskGroup(of: Result<T, CommandError>?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(.timedOut(tool: command.toolName, after: timeout))
            }
            var outcome: Result<T, CommandError>?
            while let next = await group.next() {
                if let next {
                    outcome = next
                    group.cancelAll()
                    break
                }
            }
            // Wait for the child to be torn down before answering, so no zombie outlives the call.
            for await _ in group {}
            return outcome ?? .failure(.timedOut(tool: command.toolName, after: timeout))
        }
    }

    private static func exitCode(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): return code
        case .signaled(let signal): return 128 + signal
        }
    }

    private static func map(_ error: SubprocessError, command: Command, limit: Int) -> CommandError {
        switch error.code {
        case .executableNotFound:
            return .notFound(tool: command.toolName)
        case .outputLimitExceeded:
            return .outputTooLarge(tool: command.toolName, limit: limit)
        case .failedToChangeWorkingDirectory:
            return .launchFailed(tool: command.toolName, reason: "cannot enter \(command.workingDirectory ?? "?")")
        default:
            return .launchFailed(tool: command.toolName, reason: TextSanitizer.firstLine("\(error)"))
        }
    }
}
