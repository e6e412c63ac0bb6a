#if os(Linux)
import CSystemShims
import Dispatch
import Synchronization

/// `stream` for long-lived children (kubectl watches, `logs -f`) on Linux, without swift-subprocess.
///
/// Why: swift-subprocess 1.0.2 keeps one task per running child that wakes every second
/// (Configuration.swift, `withAsyncTaskCleanupHandler`: `Task.sleep(nanoseconds: 1_000_000_000)`
/// in a loop, only to notice cancellation). Three watches open while idle made that more than half
/// of the dashboard's context switches (bench/tui). Here a quiet child costs nothing: one thread
/// sleeps in poll(2) on its pipes, its exit is waited for once they have closed, and cancellation is
/// a handler, not a timer.
///
/// Same contract as swift-subprocess's path in `SubprocessRunner`: own process group (a Ctrl-C
/// meant for a shell never reaches it; a stop reaches its children), stdin from /dev/null, signal
/// dispositions and mask reset, SIGTERM on cancellation and SIGKILL one second later, and the call
/// returns only after the child has been reaped.
struct PipeStream: Sendable {
    var path: String
    var arguments: [String]
    var environment: [String: String]
    var mergeStderr: Bool
    var splitOnCR: Bool
    var toolName: String

    /// The first 64 KiB of stderr are kept for the end message; more is read and dropped.
    static let stderrLimit = 65_536

    func run(_ onLines: @escaping @Sendable ([String]) -> Void) async -> Result<StreamEnd, CommandError> {
        // Stopped before it started: start nothing.
        if Task.isCancelled { return .success(StreamEnd(exitCode: -1, message: "cancelled")) }
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard devtui_pipe_cloexec(&out) == 0 else { return .failure(launchError(errno)) }
        if !mergeStderr, devtui_pipe_cloexec(&err) != 0 {
            let code = errno
            close(out[0]); close(out[1])
            return .failure(launchError(code))
        }
        let spawned = spawn(stdout: out[1], stderr: mergeStderr ? out[1] : err[1])
        // The child has its copies now (or never will): only the read ends stay here.
        close(out[1])
        if !mergeStderr { close(err[1]) }
        guard case .success(let pid) = spawned else {
            close(out[0])
            if !mergeStderr { close(err[0]) }
            if case .failure(let error) = spawned { return .failure(error) }
            return .failure(launchError(EINVAL))
        }
        let child = RunningChild(pid: pid, stdout: out[0], stderr: mergeStderr ? nil : err[0],
                                 splitOnCR: splitOnCR, onLines: onLines)
        let (code, stderr, stopped) = await withTaskCancellationHandler {
            await withCheckedContinuation { child.start($0) }
        } onCancel: {
            child.stop()
        }
        if stopped { return .success(StreamEnd(exitCode: -1, message: "cancelled")) }
        return .success(StreamEnd(exitCode: code, message: TextSanitizer.firstLine(TextSanitizer.clean(stderr))))
    }

    private func launchError(_ code: Int32) -> CommandError {
        .launchFailed(tool: toolName, reason: String(cString: strerror(code)))
    }

    private func spawn(stdout: Int32, stderr: Int32) -> Result<pid_t, CommandError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        // The dashboard ignores or catches these (Dispatch signal sources need SIG_IGN), and an
        // ignored disposition survives exec: give the child the defaults back.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU,
                       SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([path] + arguments).map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            (envp + [nil]).withUnsafeBufferPointer { envpBuffer in
                posix_spawn(&pid, path, &actions, &attributes, argvBuffer.baseAddress!, envpBuffer.baseAddress!)
            }
        }
        return rc == 0 ? .success(pid) : .failure(launchError(rc))
    }
}

/// One spawned child: a thread that reads its pipes until both close and then reaps it, and
/// stopping it. The thread sleeps in poll(2) while the child is quiet. (Dispatch read sources were
/// tried first: closing and reopening pipes under them crashed libdispatch's epoll loop on quit,
/// about one quit in three.)
private final class RunningChild: Sendable {
    let pid: pid_t
    private let stdoutFD: Int32
    private let stderrFD: Int32?
    private let splitOnCR: Bool
    private let onLines: @Sendable ([String]) -> Void
    private let state = Mutex(State())

    private struct State {
        var reaped = false
        var stopRequested = false
    }

    init(pid: pid_t, stdout: Int32, stderr: Int32?, splitOnCR: Bool, onLines: @escaping @Sendable ([String]) -> Void) {
        self.pid = pid
        stdoutFD = stdout
        stderrFD = stderr
        self.splitOnCR = splitOnCR
        self.onLines = onLines
    }

    /// Reads and reaps on a thread of its own (a private serial queue gets one even when the
    /// shared pool is busy), then resumes `continuation` with the exit code, stderr and whether
    /// `stop()` ended it.
    func start(_ continuation: CheckedContinuation<(Int32, [UInt8], Bool), Never>) {
        DispatchQueue(label: "devtui.stream").async { [self] in
            let stderr = readUntilClosed()
            // Waited for without reaping, then marked under the lock, then reaped: until the flag
            // is set the zombie keeps the pid (and so the group id) from being reused, so a stop()
            // racing with the exit can never signal someone else's group.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
            let stopped = state.withLock { s -> Bool in
                s.reaped = true
                return s.stopRequested
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            continuation.resume(returning: (Self.exitCode(status), stderr, stopped))
        }
    }

    /// SIGTERM to the child's group now, SIGKILL a second later if it is still there.
    func stop() {
        // Signalled under the lock: the child cannot be reaped (its pid freed) in between.
        let signalled = state.withLock { s -> Bool in
            s.stopRequested = true
            if s.reaped { return false }
            kill(-pid, SIGTERM)
            return true
        }
        guard signalled else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(1)) { [self] in
            // Checked under the lock: once reaped, the pid may belong to someone else.
            state.withLock { s in if !s.reaped { kill(-pid, SIGKILL) } }
        }
    }

    /// Hands stdout's lines to `onLines` as they arrive and keeps the first 64 KiB of stderr,
    /// until both pipes are closed (or fail). Closes them.
    private func readUntilClosed() -> [UInt8] {
        var splitter = LineSplitter(carriageReturnEndsLine: splitOnCR)
        var stderr: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var open = [stdoutFD] + (stderrFD.map { [$0] } ?? [])
        defer { open.forEach { close($0) } }
        // The child's exit ends the stream even while a grandchild still holds a pipe (as
        // swift-subprocess's monitor does): a pidfd turns readable when it exits (Linux 5.3+;
        // without one the pipes alone decide, as before).
        var pidFD = devtui_pidfd_open(pid)
        defer { if pidFD >= 0 { close(pidFD) } }
        var draining = false
        /// The unfinished last line, once stdout is done (closed, or left open by a grandchild).
        func finishStdout() {
            var tail: [String] = []
            splitter.finish { tail.append($0) }
            if !tail.isEmpty { onLines(tail) }
        }
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if pidFD >= 0 { fds.append(pollfd(fd: pidFD, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), draining ? 0 : -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            // Exited, and nothing left to read at once: what a grandchild writes later is not its output.
            if draining, ready == 0 { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == pidFD {
                    close(pidFD)
                    pidFD = -1
                    draining = true
                    continue
                }
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR || errno == EAGAIN { continue }
                let isStdout = entry.fd == stdoutFD
                if n <= 0 {
                    if isStdout { finishStdout() }
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if isStdout {
                    var lines: [String] = []
                    buffer.withUnsafeBytes { raw in
                        splitter.feed(raw: UnsafeRawBufferPointer(rebasing: raw[0..<n])) { lines.append($0) }
                    }
                    if !lines.isEmpty { onLines(lines) }
                } else if stderr.count < PipeStream.stderrLimit {
                    stderr += buffer[0..<min(n, PipeStream.stderrLimit - stderr.count)]
                }
            }
        }
        // Left open by a grandchild: the child's unfinished last line still counts.
        if open.contains(stdoutFD) { finishStdout() }
        return stderr
    }

    /// Exit status as the shell reports it: the code, or 128 + the signal that ended the child.
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
#endif
