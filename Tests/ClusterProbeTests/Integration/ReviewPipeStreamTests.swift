#if os(Linux)
import Testing
@testable import ClusterProbe

/// Review findings on PipeStream, each against what the swift-subprocess path it replaced does
/// (forced here with a working directory, which keeps a stream on swift-subprocess).
@Suite(.serialized) struct ReviewPipeStreamTests {
    let runner = SubprocessRunner()

    /// A child that exits while a grandchild (a credential plugin, a helper it forked) still holds
    /// stdout: swift-subprocess ends the stream when the child exits (its monitor cancels the
    /// pending read); PipeStream waited for the grandchild (3 s here; forever for one that never exits).
    @Test(arguments: [nil, "/"] as [String?])
    func theStreamEndsWhenTheChildExitsEvenIfAGrandchildHoldsStdout(directory: String?) async throws {
        let started = Clock.monotonicMs()
        let lines = Locked<[String]>([])
        let end = await runner.stream(Command("/bin/sh", ["-c", "sleep 3 & echo hi; exit 3"], workingDirectory: directory, timeout: nil),
                                      mergeStderr: false) { batch in lines.with { $0.append(contentsOf: batch) } }
        let took = Clock.monotonicMs() - started
        #expect(try end.get().exitCode == 3)
        #expect(lines.with { $0 } == ["hi"])
        #expect(took < 1500, "took \(took) ms (working directory \(directory ?? "none"))")
    }
}
#endif
