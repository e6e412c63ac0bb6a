import Testing
@testable import ClusterProbe
@testable import DevTUI

/// The follower's problem ("waiting for a running mysql pod") belongs to the log it follows:
/// shown in that log's title, never in another's.
@Suite struct LogsTitleTests {
    static func title(showing source: LogSource, followed: Component) -> String {
        var snap = TestData.healthy()
        snap.logs.fail("waiting for a running mysql pod", at: 0)
        var ui = UIState()
        ui.logSource = source
        var input = TestData.input(snap, ui: ui, width: 100, height: 30)
        input.followed = followed
        return LogsView.title(input)
    }

    @Test func theFollowersErrorShowsOnlyOnTheFollowedLog() {
        #expect(Self.title(showing: .mysql, followed: .mysql).contains("waiting for a running mysql pod"))
        #expect(!Self.title(showing: .app, followed: .mysql).contains("waiting for"))
        #expect(!Self.title(showing: .action, followed: .mysql).contains("waiting for"))
    }
}
