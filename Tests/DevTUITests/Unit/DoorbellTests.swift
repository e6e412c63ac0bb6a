import Foundation
import Testing
@testable import DevTUI

/// The self-pipe that wakes the dashboard's sleeping loop.
@Suite struct DoorbellTests {
    func readable(_ bell: Doorbell, waitMs: Int32 = 0) -> Bool {
        var fds = [pollfd(fd: bell.readFD, events: Int16(POLLIN), revents: 0)]
        return poll(&fds, 1, waitMs) == 1
    }

    @Test func silentUntilRung() {
        let bell = Doorbell()
        #expect(!readable(bell))
        bell.ring()
        #expect(readable(bell))
    }

    @Test func drainSilencesItAndTheNextRingWakesAgain() {
        let bell = Doorbell()
        bell.ring()
        bell.ring()
        bell.drain()
        #expect(!readable(bell), "both rings were one wake-up, and it was drained")
        bell.ring()
        #expect(readable(bell))
    }

    @Test func aRingFromAnotherThreadWakesAWaiter() async {
        let bell = Doorbell()
        Task.detached {
            try? await Task.sleep(for: .milliseconds(100))
            bell.ring()
        }
        // Unrung, the poll would end at its (safety-net) timeout, unreadable.
        #expect(readable(bell, waitMs: 30_000))
    }
}
