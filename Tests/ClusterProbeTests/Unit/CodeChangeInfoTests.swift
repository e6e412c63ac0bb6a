import Testing
@testable import ClusterProbe

/// Edit-to-live's one rule: waiting until the limit, live once, never after the limit.
@Suite struct CodeChangeInfoTests {
    @Test func aSaveWaitsUntilTheLimitThenGoesLiveOnce() {
        let saved = CodeChangeInfo(file: "application.py", savedAtMs: 10_000)
        #expect(saved.isWaiting(nowMs: 10_000 + CodeChangeInfo.waitLimitMs - 1))
        #expect(!saved.isWaiting(nowMs: 10_000 + CodeChangeInfo.waitLimitMs))
        let live = saved.live(at: 10_150, signal: "worker reloaded")
        #expect(live?.liveAfterMs == 150 && live?.signal == "worker reloaded")
        #expect(live?.live(at: 10_300, signal: "response changed") == nil, "the first sign wins")
        #expect(saved.live(at: 10_000 + CodeChangeInfo.waitLimitMs, signal: "response changed") == nil)
    }
}
