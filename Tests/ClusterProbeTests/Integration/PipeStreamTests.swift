#if os(Linux)
import Testing
@testable import ClusterProbe

/// `stream` without a working directory runs on PipeStream (Linux): the same contract as the
/// swift-subprocess path, checked against real children.
@Suite(.serialized) struct PipeStreamTests {
    let runner = SubprocessRunner(environment: ["DEVTUI_RUNNER_VAR": "from runner"])

    func collect(_ command: Command, mergeStderr: Bool = false) async -> (Result<StreamEnd, CommandError>, [String]) {
        let lines = Locked<[String]>([])
        let end = await runner.stream(command, mergeStderr: mergeStderr) { batch in lines.with { $0.append(contentsOf: batch) } }
        return (end, lines.with { $0 })
    }

    @Test func environmentLayersAndArgumentsArriveAsData() async throws {
        let command = Command("/bin/sh", ["-c", "echo \"$DEVTUI_RUNNER_VAR|$DEVTUI_CMD_VAR|$1\"", "sh", "a b; rm -rf /"],
                              environment: ["DEVTUI_CMD_VAR": "from command"])
        let (end, lines) = await collect(command)
        #expect(try end.get() == StreamEnd(exitCode: 0, message: ""))
        #expect(lines == ["from runner|from command|a b; rm -rf /"])
    }

    @Test func theChildLeadsItsOwnGroupWithStdinFromDevNull() async throws {
        // /proc/self/stat: "pid (comm) state ppid pgrp ..."; fd 0 is /dev/null, not our terminal.
        let (end, lines) = await collect(Command("/bin/sh", ["-c", "cut -d' ' -f1,5 /proc/$$/stat; readlink /proc/$$/fd/0"]))
        #expect(try end.get().exitCode == 0)
        let ids = lines.first?.split(separator: " ") ?? []
        #expect(ids.count == 2 && ids[0] == ids[1], "pid and process group: \(lines)")
        #expect(lines.last == "/dev/null")
    }

    @Test func signalsIgnoredHereAreDefaultInTheChild() async throws {
        // The dashboard ignores signals it watches with Dispatch; an ignored disposition survives exec.
        let previous = signal(SIGUSR1, SIG_IGN)
        defer { signal(SIGUSR1, previous) }
        let (_, lines) = await collect(Command("/bin/grep", ["^SigIgn:", "/proc/self/status"]))
        let mask = UInt64(lines.first?.split(whereSeparator: { $0 == " " || $0 == "\t" }).last ?? "", radix: 16)
        #expect(mask != nil, "\(lines)")
        #expect((mask ?? ~0) & (1 << (UInt64(SIGUSR1) - 1)) == 0, "SIGUSR1 still ignored: \(lines)")
    }

    @Test func stderrIsMergedWhenAskedAndAnUnfinishedLastLineArrives() async throws {
        let (end, lines) = await collect(Command("/bin/sh", ["-c", "echo out; echo err >&2; printf tail"]), mergeStderr: true)
        #expect(try end.get() == StreamEnd(exitCode: 0, message: ""))
        #expect(Set(lines) == ["out", "err", "tail"])
    }

    @Test func aChildKilledBySignalReportsTheShellCode() async throws {
        let (end, _) = await collect(Command("/bin/sh", ["-c", "kill -TERM $$"]))
        #expect(try end.get().exitCode == 128 + SIGTERM)
    }

    @Test func aMissingToolIsNamed() async {
        let end = await SubprocessRunner(searchPath: "/nonexistent").stream(Command("kubectl", ["get", "pods", "--watch"]),
                                                                            mergeStderr: false) { _ in }
        #expect(end == .failure(.notFound(tool: "kubectl")))
    }

    @Test func cancellingKillsAChildThatIgnoresSIGTERMAndReapsIt() async throws {
        let pidLine = Locked<String?>(nil)
        let task = Task {
            await runner.stream(Command("/bin/sh", ["-c", "trap '' TERM; echo $$; while :; do sleep 0.05; done"], timeout: nil),
                                mergeStderr: false) { batch in pidLine.with { $0 = $0 ?? batch.first } }
        }
        guard await eventually("the child's pid", { pidLine.with { $0 } != nil }) else { task.cancel(); return }
        let pid = try #require(pidLine.with { $0 }.flatMap { Int32($0) })
        let cancelled = Clock.monotonicMs()
        task.cancel()
        // A broken stop must fail here, not hang the run: past the safety net the test kills the child itself.
        let stopped = await eventually("the child stopped after its stream's cancellation", limitMs: 60_000) { kill(pid, 0) != 0 }
        if !stopped { kill(pid, SIGKILL) }
        let end = await task.value
        let took = Clock.monotonicMs() - cancelled
        #expect(try end.get() == StreamEnd(exitCode: -1, message: "cancelled"))
        // SIGTERM is ignored, so SIGKILL only a second later (never at once); returned only once
        // reaped: no process, no zombie.
        #expect(took >= 900, "returned \(took) ms after the cancel: SIGKILL came without SIGTERM's second")
        #expect(kill(pid, 0) != 0 && errno == ESRCH, "pid \(pid) still exists")
    }

    /// (Left to itself the child would end after 30 s with exit 0, not a timeout.)
    @Test func aStreamThatTimesOutIsStopped() async throws {
        let end = await runner.stream(Command("/bin/sleep", ["30"], timeout: .milliseconds(200)), mergeStderr: false) { _ in }
        #expect(end == .failure(.timedOut(tool: "sleep", after: .milliseconds(200))))
    }

    @Test func aFloodArrivesWholeAndInOrder() async throws {
        let (end, lines) = await collect(Command("/usr/bin/seq", ["1", "200000"]))
        #expect(try end.get().exitCode == 0)
        #expect(lines.count == 200_000)
        #expect(lines.first == "1" && lines.last == "200000")
        #expect(lines == (1...200_000).map(String.init))
    }
}
#endif
