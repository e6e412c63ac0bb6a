import Foundation
import Testing
@testable import ClusterProbe
@testable import DevTUI

/// Issue 13's screens: why something is broken, where the eye already is.
/// `UPDATE_GOLDEN=1 swift test --filter DiagnosisGoldenTests` rewrites them (review the diff).
@Suite struct DiagnosisGoldenTests {
    func check(_ name: String, _ input: RenderInput, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = Renderer.render(input).text + "\n"
        let path = TestData.repoRoot + "/Tests/DevTUITests/Golden/\(name).txt"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let golden = try #require(try? String(contentsOfFile: path, encoding: .utf8), "missing golden \(name).txt", sourceLocation: sourceLocation)
        #expect(text == golden, "screen \(name) differs from its golden file", sourceLocation: sourceLocation)
    }

    @Test func lastTerminationOfARunningMySQL() throws {
        var snap = TestData.healthy()
        snap.pods.value = TestData.pods("mysql-oomkilled")
        try check("last-termination-100x30", TestData.input(snap, width: 100, height: 30))
        let text = Renderer.render(TestData.input(snap, width: 100, height: 30)).text
        #expect(text.contains("└ 2×, last: OOMKilled exit 137, 4m ago"))
    }
}
