import Foundation
import Testing
@testable import ClusterProbe

/// The real runner against real child processes: each failure mode is one typed, one-line error.
@Suite(.serialized) struct RunnerIntegrationTests {
    let runner = SubprocessRunner()

    @Test func missingBinaryIsNamed() async {
        let result = await SubprocessRunner(searchPath: "/nonexistent").run(Command("kubectl", ["get", "pods"]))
        #expect(result == .failure(.notFound(tool: "kubectl")))
        #expect(CommandError.notFound(tool: "kubectl").description == "kubectl: not found on PATH")
    }

    @Test func nonZeroExitKeepsTheMessage() async {
        let result = await runner.runChecked(Command("/bin/sh", ["-c", "echo 'error: the server is on fire' >&2; exit 3"]))
        #expect(result == .failure(.failed(tool: "sh", exitCode: 3, message: "error: the server is on fire")))
    }

    @Test func aHungCommandIsKilledAtTheTimeout() async throws {
        // The child (and its sleep, which inherits the ignored SIGTERM) ignores SIGTERM: the runner
        // must follow up with SIGKILL, and return only once the child is gone. Order, not speed:
        // gone before it could write `finished` (waited out, it would after its minute).
        let file = NSTemporaryDirectory() + "hung-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = await runner.run(Command("/bin/sh", ["-c", "trap '' TERM; echo $$ > \"$0\"; sleep 60; echo finished >> \"$0\"", file],
                                              timeout: .milliseconds(300)))
        #expect(result == .failure(.timedOut(tool: "sh", after: .milliseconds(300))))
        let written = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let pid = try #require(written.first.flatMap { Int32($0) })
        let gone = kill(pid, 0) != 0 && errno == ESRCH
        if !gone { kill(pid, SIGKILL) }
        #expect(gone, "the hung child \(pid) outlived its run")
        #expect(written.count == 1, "the child was waited out, not killed: \(written)")
        #expect(CommandError.timedOut(tool: "kubectl", after: .seconds(5)).description == "kubectl: no answer within 5.0 s")
    }

    @Test func tenMegabytesOfOutputIsRefusedCleanly() async {
        let result = await runner.run(Command("/bin/sh", ["-c", "head -c 10485760 /dev/zero"]), outputLimit: 8 * 1_048_576)
        #expect(result == .failure(.outputTooLarge(tool: "sh", limit: 8 * 1_048_576)))
        #expect(CommandError.outputTooLarge(tool: "kubectl", limit: 8 * 1_048_576).description == "kubectl: output larger than 8 MiB")
    }

    @Test func tenMegabytesUnderALargerLimitArrivesWhole() async throws {
        let result = await runner.run(Command("/bin/sh", ["-c", "head -c 10485760 /dev/zero"]), outputLimit: 16 * 1_048_576)
        #expect(try result.get().stdout.count == 10_485_760)
    }

    @Test func nonUTF8OutputIsSanitized() async throws {
        let output = try await runner.run(Command("/usr/bin/printf", ["ok\\377\\033[31mred\\n"])).get()
        #expect(output.stdoutText == "ok\u{FFFD}\u{FFFD}[31mred")
    }

    @Test func streamsLinesAsTheyArrive() async throws {
        let lines = Locked<[String]>([])
        let end = await runner.stream(Command("/bin/sh", ["-c", "echo one; sleep 0.1; printf 'two\\nthree'"], timeout: .seconds(5)),
                                      mergeStderr: false) { batch in lines.with { $0.append(contentsOf: batch) } }
        #expect(try end.get() == StreamEnd(exitCode: 0, message: ""))
        #expect(lines.with { $0 } == ["one", "two", "three"])
    }

    @Test func streamReportsStderrOfAFailedCommand() async throws {
        let end = await runner.stream(Command("/bin/sh", ["-c", "echo 'error: pod not found' >&2; exit 1"]), mergeStderr: false) { _ in }
        #expect(try end.get() == StreamEnd(exitCode: 1, message: "error: pod not found"))
    }

    /// Left alone the child would end after 60 s with exit 0; cancelled, the stream says so.
    @Test func cancellingAStreamStopsTheChild() async throws {
        let task = Task { await runner.stream(Command("/bin/sleep", ["60"], timeout: nil), mergeStderr: false) { _ in } }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        #expect(await task.value == .success(StreamEnd(exitCode: -1, message: "cancelled")))
    }

    @Test func workingDirectoryAndEnvironmentAreApplied() async throws {
        let output = try await runner.run(Command("/bin/sh", ["-c", "pwd; echo $DEVTUI_TEST"], workingDirectory: "/tmp",
                                                  environment: ["DEVTUI_TEST": "x y; rm -rf /"])).get()
        // The value arrives as data, never as shell syntax.
        #expect(output.stdoutText == "/tmp\nx y; rm -rf /")
    }
}
