/// One child process to run: always an argv array, never a shell string.
public struct Command: Sendable, Equatable, CustomStringConvertible {
    public var executable: String
    public var arguments: [String]
    public var workingDirectory: String?
    /// Variables set on top of the inherited environment.
    public var environment: [String: String]
    /// Wall-clock limit; SIGTERM when it passes, SIGKILL one second later.
    public var timeout: Duration?
    /// A streamed line also ends at `\r` (Vagrant redraws its download progress with `\r\e[K`).
    public var carriageReturnEndsLine = false

    public init(
        _ executable: String,
        _ arguments: [String] = [],
        workingDirectory: String? = nil,
        environment: [String: String] = [:],
        timeout: Duration? = .seconds(10)
    ) {
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeout = timeout
    }

    /// The short name errors are reported under (`kubectl`, not `/usr/bin/kubectl`).
    public var toolName: String {
        executable.split(separator: "/").last.map(String.init) ?? executable
    }

    public var description: String {
        ([executable] + arguments).joined(separator: " ")
    }
}

/// What a finished command left behind.
public struct CommandOutput: Sendable, Equatable {
    public var exitCode: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public init(exitCode: Int32, stdout: [UInt8], stderr: [UInt8]) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    public var stdoutText: String { TextSanitizer.clean(stdout) }
    public var stderrText: String { TextSanitizer.clean(stderr) }
}
