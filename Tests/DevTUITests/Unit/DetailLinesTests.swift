import Testing
@testable import ClusterProbe
@testable import DevTUI

/// What goes under a pod, and in which order.
@Suite struct DetailLinesTests {
    static let now = TestData.nowMs / 1000

    static func pod(ready: Int = 0, health: PodSummary.Health, status: String, detail: String?,
                    terminations: [ContainerTermination] = []) -> PodSummary {
        var pod = TestData.pods("healthy")[0]
        pod.readyContainers = ready
        pod.health = health
        pod.status = status
        pod.detail = detail
        pod.terminations = terminations
        return pod
    }

    static func snap(_ pod: PodSummary, _ events: [WarningEvent]) -> EnvironmentSnapshot {
        var snap = TestData.healthy()
        snap.pods.value = [pod]
        snap.events.succeed(events, at: now)
        return snap
    }

    @Test func aFailingProbeSaysMoreThanNotReadyYet() {
        let pod = Self.pod(health: .progressing, status: "Running", detail: "not ready yet")
        let event = WarningEvent(kind: "Pod", name: pod.name, uid: pod.uid, reason: "Unhealthy",
                                 message: "Readiness probe failed: HTTP probe failed with statuscode: 500", count: 3, lastSeenAt: Self.now - 10)
        let lines = PodsView.detailLines(pod, Self.snap(pod, [event]), now: Self.now).map(\.0)
        #expect(lines == ["Unhealthy ×3, 10s ago: Readiness probe failed: HTTP probe failed with statuscode: 500"])
    }

    @Test func crashLoopTerminationFirstThenEventThenOtherContainers() {
        let app = ContainerTermination(container: "app", restarts: 7, reason: "Error", exitCode: 1, finishedAt: Self.now - 60)
        let sidecar = ContainerTermination(container: "metrics", restarts: 1, reason: "OOMKilled", exitCode: 137, signal: 9,
                                           finishedAt: Self.now - 3600)
        var pod = Self.pod(health: .failing, status: "CrashLoopBackOff", detail: "7×, last: Error exit 1", terminations: [app, sidecar])
        pod.containers = ["app", "metrics"]
        let event = WarningEvent(kind: "Pod", name: pod.name, uid: pod.uid, reason: "BackOff", message: "Back-off restarting failed container",
                                 count: 31, lastSeenAt: Self.now - 5)
        let lines = PodsView.detailLines(pod, Self.snap(pod, [event]), now: Self.now).map(\.0)
        #expect(lines == ["app 7×, last: Error exit 1, 60s ago", "BackOff ×31, 5s ago: Back-off restarting failed container",
                          "metrics 1×, last: OOMKilled exit 137, 60m ago"])
    }

    @Test func aHealthyPodShowsItsTerminationButNoEvent() {
        let oom = ContainerTermination(container: "app", restarts: 2, reason: "OOMKilled", exitCode: 137, signal: 9, finishedAt: Self.now - 240)
        let pod = Self.pod(ready: 1, health: .healthy, status: "Running", detail: nil, terminations: [oom])
        let stale = WarningEvent(kind: "Pod", name: pod.name, uid: pod.uid, reason: "Unhealthy", message: "old", lastSeenAt: Self.now - 500)
        #expect(PodsView.detailLines(pod, Self.snap(pod, [stale]), now: Self.now).map(\.0) == ["2×, last: OOMKilled exit 137, 4m ago"])
    }

    @Test func anEventAboutAnOlderPodOfTheSameNameIsNotShown() {
        let pod = Self.pod(health: .progressing, status: "ContainerCreating", detail: nil)
        let old = WarningEvent(kind: "Pod", name: pod.name, uid: "someone-else", reason: "FailedMount", message: "x", lastSeenAt: Self.now)
        #expect(PodsView.detailLines(pod, Self.snap(pod, [old]), now: Self.now).isEmpty)
    }

    @Test func anEventWithoutAMessageDoesNotHideTheReason() {
        let pod = Self.pod(health: .failing, status: "ErrImageNeverPull", detail: "Container image \"devenv-app:dev\" is not present")
        let event = WarningEvent(kind: "Pod", name: pod.name, uid: pod.uid, reason: "Failed", message: "", lastSeenAt: Self.now - 3)
        #expect(PodsView.detailLines(pod, Self.snap(pod, [event]), now: Self.now).map(\.0)
                == ["Container image \"devenv-app:dev\" is not present", "Failed, 3s ago"])
    }
}
