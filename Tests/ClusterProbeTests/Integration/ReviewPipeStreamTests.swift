#if os(Linux)
import Foundation
import Testing
@testable import ClusterProbe

/// Review findings on PipeStream, each against what the swift-subprocess path it replaced does
/// (forced here with a working directory, which keeps a stream on swift-subprocess).
@Suite(.serialized) struct ReviewPipeStreamTests {
    let runner = SubprocessRunner()

    /// A child that exits while a grandchild (a credential plugin, a helper it forked) still holds
    /// stdout: swift-subprocess ends the stream when the child exits (its monitor cancels the
    /// pending read); PipeStream waited for the grandchild (forever for one that never exits).
    /// Order, not speed: the stream ends before the grandchild's sleep does (it then writes `done`).
    @Test(arguments: [nil, "/"] as [String?])
    func theStreamEndsWhenTheChildExitsEvenIfAGrandchildHoldsStdout(directory: String?) async throws {
        let marker = NSTemporaryDirectory() + "grandchild-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let lines = Locked<[String]>([])
        let end = await runner.stream(Command("/bin/sh", ["-c", "(sleep 30; echo done > \"$0\") & echo $!; echo hi; exit 3", marker],
                                              workingDirectory: directory, timeout: nil),
                                      mergeStderr: false) { batch in lines.with { $0.append(contentsOf: batch) } }
        let seen = lines.with { $0 }
        #expect(!FileManager.default.fileExists(atPath: marker), "the stream waited for the grandchild (working directory \(directory ?? "none"))")
        if let grandchild = seen.first.flatMap({ Int32($0) }) {
            // Its group is the child's own (never ours): the subshell and its sleep go together.
            let group = getpgid(grandchild)
            if group > 0, group != getpgrp() { kill(-group, SIGKILL) } else { kill(grandchild, SIGKILL) }
        }
        #expect(try end.get().exitCode == 3)
        #expect(seen.dropFirst() == ["hi"])
    }
}
#endif
