import Foundation
import Testing
@testable import ClusterProbe
@testable import DevTUI

/// Issue 13's screens: why something is broken, where the eye already is.
/// `scripts/update-goldens` rewrites them (Golden.check).
@Suite struct DiagnosisGoldenTests {
    @Test func lastTerminationOfARunningMySQL() throws {
        var snap = TestData.healthy()
        snap.pods.value = TestData.pods("mysql-oomkilled")
        try Golden.check("last-termination-100x30", TestData.input(snap, width: 100, height: 30))
        let text = Renderer.render(TestData.input(snap, width: 100, height: 30)).text
        #expect(text.contains("└ 2×, last: OOMKilled exit 137, 4m ago"))
    }

    static func events(_ name: String, pods: [PodSummary]) -> [WarningEvent] {
        var table = WarningEventTable(namespace: "devenv")
        table.load(try! EventList.parse(TestData.bytes("events/\(name).json")), now: TestData.nowMs / 1000)
        return table.digest(pods: pods, claim: "mysql-data")
    }

    static func nodes(_ name: String) -> [NodeHealth] {
        try! KubeJSON.decode(NodeList.self, from: TestData.bytes("nodes/\(name).json")).items.map(NodeHealth.init)
    }

    static func unhealthy(_ pods: String, events: String) -> EnvironmentSnapshot {
        var snap = TestData.healthy()
        let list = TestData.pods(pods)
        snap.pods.value = list
        snap.events.succeed(Self.events(events, pods: list), at: TestData.nowMs / 1000)
        snap.node.succeed(Self.nodes("ready"), at: TestData.nowMs / 1000)
        return snap
    }

    @Test func failedMount() throws {
        var snap = Self.unhealthy("failed-mount", events: "failed-mount")
        snap.app.value = AppHealth(url: "http://127.0.0.1:8080/", error: "connection refused")
        snap.app.fail("connection refused", at: TestData.nowMs / 1000)
        try Golden.check("failed-mount-100x30", TestData.input(snap, width: 100, height: 30))
        try Golden.check("failed-mount-80x24", TestData.input(snap, width: 80, height: 24))
    }

    @Test func asciiLocaleGetsASCIIMarks() {
        let snap = Self.unhealthy("failed-mount", events: "failed-mount")
        var ui = UIState()
        ui.ascii = true
        let text = Renderer.render(TestData.input(snap, ui: ui, width: 100, height: 30)).text
        #expect(text.contains("|   ` FailedMount x6, 40s ago: MountVolume.SetUp failed"))
        #expect(!text.contains("└") && !text.contains("×"))
    }

    @Test func failedScheduling() throws {
        let snap = Self.unhealthy("failed-scheduling", events: "failed-scheduling")
        try Golden.check("failed-scheduling-100x30", TestData.input(snap, width: 100, height: 30))
    }

    @Test func crashLoopWithItsBackOffEvent() throws {
        var snap = Self.unhealthy("crashloop", events: "crashloop")
        snap.app.value = AppHealth(url: "http://127.0.0.1:8080/", statusCode: 502, latencyMs: 3, firstLine: "Bad Gateway")
        try Golden.check("crashloop-events-100x30", TestData.input(snap, width: 100, height: 30))
    }

    @Test func nodeUnderDiskPressure() throws {
        var snap = TestData.healthy()
        snap.node.succeed(Self.nodes("disk-pressure"), at: TestData.nowMs / 1000)
        try Golden.check("disk-pressure-100x30", TestData.input(snap, width: 100, height: 30))
        try Golden.check("disk-pressure-80x24", TestData.input(snap, width: 80, height: 24))
        var gone = TestData.healthy()
        gone.node.succeed(Self.nodes("not-ready"), at: TestData.nowMs / 1000)
        let header = Renderer.render(TestData.input(gone, width: 100, height: 30)).text.split(separator: "\n")[0]
        #expect(header.contains("node: NotReady"))
    }

    /// The README's example: all three at once.
    @Test func everythingAtOnce() throws {
        var snap = Self.unhealthy("failed-mount", events: "failed-mount")
        let oom = TestData.pods("mysql-oomkilled").first { $0.name == "mysql-0" }!
        snap.pods.value = snap.pods.value!.map { $0.name == "mysql-0" ? oom : $0 }
        snap.node.succeed(Self.nodes("disk-pressure"), at: TestData.nowMs / 1000)
        snap.app.value = AppHealth(url: "http://127.0.0.1:8080/", error: "connection refused")
        snap.app.fail("connection refused", at: TestData.nowMs / 1000)
        try Golden.check("why-broken-100x30", TestData.input(snap, width: 100, height: 30))
    }

    @Test func hostileEventsKeepTheFrameIntact() {
        let pods = TestData.pods("failed-mount")
        var table = WarningEventTable(namespace: "devenv")
        table.load(try! EventList.parse(TestData.bytes("events/hostile.json")), now: TestData.nowMs / 1000)
        var snap = TestData.healthy()
        snap.pods.value = pods
        snap.events.succeed(table.digest(pods: pods, claim: nil), at: TestData.nowMs / 1000)
        for (w, h) in [(100, 30), (60, 15)] {
            let frame = Renderer.render(TestData.input(snap, width: w, height: h))
            for line in frame.text.split(separator: "\n", omittingEmptySubsequences: false) {
                #expect(TextWidth.of(String(line)) <= w)
                #expect(!line.unicodeScalars.contains { $0.value < 0x20 })
            }
            if w == 100 { #expect(frame.text.contains("└ FailedMount ×6, 37s ago: line one line two")) }
        }
    }
}
