import Testing
@testable import ClusterProbe

@Suite struct PodSummaryTests {
    @Test func healthyPods() throws {
        let pods = try Fixtures.pods("healthy")
        #expect(pods.map(\.name) == ["app-7d9f8c6b5-x2kq9", "mysql-0"])
        let app = pods[0]
        #expect(app.ready == "1/1" && app.status == "Running" && app.health == .healthy && app.restarts == 0)
        #expect(app.component == "app")
        #expect(app.detail == nil)
        #expect(app.createdAt == Timestamp.parse("2026-11-25T09:40:07Z"))
    }

    @Test func crashLoopSaysHowOftenAndWhy() throws {
        let app = try Fixtures.pods("crashloop")[0]
        #expect(app.status == "CrashLoopBackOff")
        #expect(app.detail == "7×, last: Error exit 1")
        #expect(app.health == .failing)
        #expect(app.restarts == 7)
        #expect(app.ready == "0/1")
    }

    @Test func pendingShowsTheSchedulerMessage() throws {
        let pod = try Fixtures.pods("pending")[0]
        #expect(pod.status == "Unschedulable")
        #expect(pod.detail?.hasPrefix("0/1 nodes are available: 1 Insufficient memory.") == true)
        #expect(pod.health == .failing)
        #expect(pod.ready == "0/1")
    }

    @Test func imageNeverPulledNamesTheImage() throws {
        let pod = try Fixtures.pods("image-never-pulled")[0]
        #expect(pod.status == "ErrImageNeverPull")
        #expect(pod.detail == "Container image \"devenv-app:dev\" is not present with pull policy of Never")
        #expect(pod.health == .failing)
    }

    @Test func terminatingComesFromDeletionTimestamp() throws {
        let pods = try Fixtures.pods("terminating")
        let old = try #require(pods.first { $0.name == "app-6c5b4a3f2-old11" })
        #expect(old.status == "Terminating" && old.health == .terminating)
    }

    /// RESTARTS is the sum over the containers, as kubectl's: mysql restarted once and metrics
    /// twice make 3 (the larger alone would say 2).
    @Test func multiContainerCountsReadyAndRestartsAcrossContainers() throws {
        let pod = try Fixtures.pods("multi-container")[0]
        #expect(pod.ready == "1/2")
        #expect(pod.restarts == 3)
        #expect(pod.terminations.map(\.container) == ["mysql", "metrics"])  // the one with a finish time first
        #expect(pod.containers == ["mysql", "metrics"])
        #expect(pod.health == .progressing)
        #expect(pod.detail == "not ready, last exit: OOMKilled exit 137")
    }

    @Test func initContainerProgress() throws {
        let pod = try Fixtures.pods("init-container")[0]
        #expect(pod.status == "Init:0/1")
        #expect(pod.health == .progressing)
    }

    @Test func oomKilled() throws {
        let pod = try Fixtures.pods("oomkilled")[0]
        #expect(pod.status == "OOMKilled")
        #expect(pod.health == .failing)
    }

    @Test func noPods() throws {
        #expect(try Fixtures.pods("empty").isEmpty)
    }

    @Test func snapshotPicksTheReadyNewestAppPodAndSkipsTerminating() throws {
        var snap = EnvironmentSnapshot(project: "p")
        snap.pods.value = try Fixtures.pods("terminating")
        #expect(snap.appPod?.name == "app-7d9f8c6b5-x2kq9")
        #expect(snap.mysqlPod == nil)
    }

    @Test func watchEventsKeepTheTableCurrent() throws {
        var splitter = JSONObjectSplitter()
        var table = PodTable()
        var events: [PodWatchEvent] = []
        let stream = Fixtures.bytes("scenarios/healthy/kubectl-watch-pods")
        // Fed in awkward chunks, as a pipe delivers them.
        var index = 0
        while index < stream.count {
            let end = min(stream.count, index + 777)
            splitter.feed(stream[index..<end]) { events.append(try! KubeJSON.decode(PodWatchEvent.self, from: $0)) }
            index = end
        }
        #expect(events.count == 2)
        events.forEach { table.apply($0) }
        #expect(table.sorted.map(\.name) == ["app-7d9f8c6b5-x2kq9", "mysql-0"])
        var deleted = events[0]
        deleted.type = "DELETED"
        table.apply(deleted)
        #expect(table.sorted.map(\.name) == ["mysql-0"])
    }
}
