import Foundation
import Testing
@testable import ClusterProbe

@Suite struct BackoffTests {
    @Test func doublesUpToTheCeilingAndResets() {
        var backoff = Backoff(base: .seconds(1), ceiling: .seconds(5))
        #expect([backoff.fail(), backoff.fail(), backoff.fail(), backoff.fail()] == [.seconds(1), .seconds(2), .seconds(4), .seconds(5)])
        backoff.reset()
        #expect(backoff.fail() == .seconds(1))
    }
}
