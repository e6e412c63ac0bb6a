import Foundation
import Testing
@testable import ClusterProbe
@testable import DevTUI

/// Replays a recorded `vagrant up` through the same line splitting the real runner uses.
struct TranscriptRunner: CommandRunning {
    let transcript: String
    let exitCode: Int32
    let seen = Locked<[Command]>([])

    func run(_ command: Command, outputLimit: Int) async -> Result<CommandOutput, CommandError> {
        .success(CommandOutput(exitCode: 0, stdout: [], stderr: []))
    }
    func stream(_ command: Command, mergeStderr: Bool, onLines: @escaping @Sendable ([String]) -> Void) async -> Result<StreamEnd, CommandError> {
        seen.with { $0.append(command) }
        var splitter = LineSplitter(carriageReturnEndsLine: command.carriageReturnEndsLine)
        var lines: [String] = []
        splitter.feed(TestData.bytes("transcripts/\(transcript)")) { lines.append($0) }
        splitter.finish { lines.append($0) }
        for chunk in stride(from: 0, to: lines.count, by: 5) { onLines(Array(lines[chunk..<min(lines.count, chunk + 5)])) }
        return .success(StreamEnd(exitCode: exitCode, message: ""))
    }
    func runInteractive(_ command: Command) async -> Result<Int32, CommandError> { .success(0) }
}

@Suite struct ActionRunnerTests {
    func provision(_ transcript: String, exit: Int32) async throws -> (ActionRunner, EnvironmentModel, [ActionRunner.Event], TranscriptRunner) {
        let runner = TranscriptRunner(transcript: transcript, exitCode: exit)
        let config = ProbeConfig.resolve(workingDirectory: TestData.repoRoot, environment: [:])
        let model = EnvironmentModel(snapshot: EnvironmentSnapshot(project: "devenv"))
        let actions = ActionRunner(probes: Probes(config: config, runner: runner), model: model, poller: nil)
        actions.start(.provision)
        var events: [ActionRunner.Event] = []
        let deadline = ContinuousClock.now + .seconds(30)  // a safety net, not a measure
        while ContinuousClock.now < deadline {
            events += actions.drain()
            if events.contains(where: { if case .finished = $0 { return true }; return false }) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return (actions, model, events, runner)
    }

    @Test func aFirstUpReportsEveryStepAndKeepsTheLogShort() async throws {
        let (_, model, events, runner) = try await provision("first-up.txt", exit: 0)
        #expect(runner.seen.with { $0 }.first?.carriageReturnEndsLine == true)
        var titles: [String] = []
        for case .phase(let progress) in events {
            if let title = progress.title, titles.last != title { titles.append(title) }
        }
        #expect(titles.first == "step 1/8: box download")
        #expect(titles.contains("step 1/8: box download 37%"))
        #expect(titles.last == "step 8/8: ready")
        let log = model.read().logs[.action]!.lines
        // Percentages 0 3 12 37 58 81 100: one line per new tens digit.
        #expect(log.filter { $0.contains("Progress: ") }.map { $0.split(separator: " ")[2] } == ["0%", "12%", "37%", "58%", "81%", "100%"])
        #expect(log.last?.hasPrefix("── provisioned") == true)
    }

    @Test func aFailedUpCarriesItsStepAndFix() async throws {
        let (_, _, events, _) = try await provision("fail-port.txt", exit: 1)
        guard case .finished(let kind, let ok, let message, let failure)? = events.last else {
            Issue.record("no finished event: \(events)"); return
        }
        #expect(kind == .provision && !ok)
        #expect(failure == UpFailed(step: "step 2/8: boot", reason: "port 127.0.0.1:8080 is taken",
                                    fix: "free it (devtui doctor names the process) or change the port in settings.env, then u"))
        #expect(message == "up failed at 2/8 boot: port 127.0.0.1:8080 is taken · fix: free it (devtui doctor names the process) or change the port in settings.env, then u")
    }
}
