import Foundation
import Testing
@testable import ClusterProbe

/// `record` is every loop's bookkeeping: what it must keep, set and clear.
@Suite struct SourceStateRecordTests {
    @Test func aSuccessSetsTheValueAndBothTimesAndSchedulesTheNextAttempt() {
        var state = SourceState<Int>()
        state.record(.success(7), at: 100, nextAttemptIn: .seconds(15))
        #expect(state == SourceState(value: 7, error: nil, freshAt: 100, checkedAt: 100, nextAttemptAt: 115))
    }

    /// A blip keeps the last good value and when it was fresh; the error and its kind are shown.
    @Test func aFailureKeepsTheLastValueAndSaysWhenItRetries() {
        var state = SourceState<Int>()
        state.record(.success(7), at: 100, nextAttemptIn: nil)
        state.record(.failure(Problem(.unreachable, "cluster unreachable: connection refused")), at: 130, nextAttemptIn: .seconds(4))
        #expect(state.value == 7 && state.freshAt == 100 && state.checkedAt == 130 && state.nextAttemptAt == 134)
        #expect(state.error == "cluster unreachable: connection refused" && state.errorKind == .unreachable)
        state.record(.success(8), at: 134, nextAttemptIn: nil)
        #expect(state == SourceState(value: 8, error: nil, freshAt: 134, checkedAt: 134, nextAttemptAt: nil))
        #expect(state.errorKind == nil)
    }

    /// A live stream has no attempt due: nil clears a countdown left by an earlier failure.
    @Test func noDelayClearsTheCountdown() {
        var state = SourceState<Int>()
        state.record(.failure(Problem(.failed, "node watch ended: exit 1")), at: 10, nextAttemptIn: .seconds(2))
        #expect(state.nextAttemptAt == 12)
        state.record(.failure(Problem(.failed, "waiting for a running app pod")), at: 11, nextAttemptIn: nil)
        #expect(state.nextAttemptAt == nil && state.checkedAt == 11)
    }

    /// Due times are whole seconds, rounded down, as the loops always wrote them.
    @Test func subSecondDelaysRoundDown() {
        var state = SourceState<Int>()
        state.record(.success(1), at: 50, nextAttemptIn: .milliseconds(1500))
        #expect(state.nextAttemptAt == 51)
        state.record(.success(1), at: 50, nextAttemptIn: .milliseconds(500))
        #expect(state.nextAttemptAt == 50)
    }

    /// A command's error becomes a problem through kubectl's diagnosis unless told otherwise.
    @Test func aCommandErrorIsDiagnosed() {
        var state = SourceState<Int>()
        state.record(.failure(CommandError.notFound(tool: "kubectl")), at: 5, nextAttemptIn: .seconds(30))
        #expect(state.errorKind == .toolMissing && state.error == KubectlDiagnosis.describe(.notFound(tool: "kubectl")))
        #expect(state.nextAttemptAt == 35)
        state.record(.failure(CommandError.notFound(tool: "vagrant")), at: 6, nextAttemptIn: nil,
                     diagnose: { _ in Problem(.failed, "vagrant is not installed") })
        #expect(state.error == "vagrant is not installed" && state.errorKind == .failed)
    }

    /// `devtui status --json` reads these names: record must not change them.
    @Test func theJSONFieldsStayTheSame() throws {
        var state = SourceState<Int>()
        state.record(.failure(Problem(.timedOut, "kubectl timed out after 5 s")), at: 20, nextAttemptIn: .seconds(3))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(state)) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == ["error", "errorKind", "checkedAt", "nextAttemptAt"])
        #expect(json?["nextAttemptAt"] as? Int == 23 && json?["errorKind"] as? String == "timedOut")
    }
}
