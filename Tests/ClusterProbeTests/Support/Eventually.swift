import Testing
@testable import ClusterProbe

/// Waits until `condition` holds while the code under test runs on other tasks. Nothing here
/// depends on real time passing: the limit is only a safety net that fails the test instead
/// of hanging it, generous because a loaded machine (the other core busy) stalls tasks for seconds.
@discardableResult
func eventually(_ what: String, limitMs: Int = 30_000, sourceLocation: SourceLocation = #_sourceLocation,
                _ condition: () -> Bool) async -> Bool {
    let limit = Clock.monotonicMs() + limitMs
    while !condition() {
        if Clock.monotonicMs() > limit {
            Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
            return false
        }
        await Task.yield()
        try? await Task.sleep(for: .milliseconds(1))
    }
    return true
}
