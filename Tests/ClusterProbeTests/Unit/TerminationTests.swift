import Testing
@testable import ClusterProbe

/// `lastState.terminated` of core/v1 ContainerStatus: why a container restarted.
@Suite struct TerminationTests {
    static func pod(_ statuses: String, inits: String = "[]", containers: String = #"[{"name":"app"}]"#) throws -> PodSummary {
        let json = """
        {"metadata":{"name":"p","uid":"u1","creationTimestamp":"2026-11-25T09:00:00Z"},
         "spec":{"containers":\(containers),"nodeName":"devenv"},
         "status":{"phase":"Running","containerStatuses":\(statuses),"initContainerStatuses":\(inits)}}
        """
        return PodSummary(try KubeJSON.decode(PodResource.self, from: Array(json.utf8)))
    }

    @Test func oomKilledMySQLThatIsRunningAgainStillSaysWhy() throws {
        let mysql = try #require(try Fixtures.pods("mysql-oomkilled").first { $0.name == "mysql-0" })
        #expect(mysql.status == "Running" && mysql.health == .healthy && mysql.restarts == 2)
        #expect(mysql.uid == "5d0e4c1e-6383-4f5b-9d2a-0c6e1f2b3a4d" && mysql.nodeName == "devenv")
        let finished = try #require(Timestamp.parse("2026-11-25T11:38:07Z"))
        #expect(mysql.terminations == [ContainerTermination(container: "mysql", restarts: 2, reason: "OOMKilled",
                                                            exitCode: 137, signal: 9, finishedAt: finished)])
        #expect(mysql.terminations[0].line(now: finished + 240, named: false) == "2×, last: OOMKilled exit 137, 4m ago")
    }

    @Test func lastStateWithoutTerminatedSaysNothing() throws {
        for pod in try Fixtures.pods("healthy") { #expect(pod.terminations.isEmpty) }
        let pod = try Self.pod(#"[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}},"lastState":{}}]"#)
        #expect(pod.terminations.isEmpty)
    }

    @Test func exitCodesAbove128NameTheirSignal() throws {
        let pod = try Self.pod(#"[{"name":"app","restartCount":1,"lastState":{"terminated":{"exitCode":143,"reason":"Error","finishedAt":"2026-11-25T11:00:00Z"}}}]"#)
        #expect(pod.terminations[0].outcome == "Error exit 143 (SIGTERM)")
        #expect(pod.terminations[0].signal == 15)
        let plain = try Self.pod(#"[{"name":"app","restartCount":4,"lastState":{"terminated":{"exitCode":1,"reason":"Error"}}}]"#)
        #expect(plain.terminations[0].outcome == "Error exit 1" && plain.terminations[0].signal == nil)
        #expect(plain.terminations[0].line(now: 0, named: false) == "4×, last: Error exit 1")
        let reported = try Self.pod(#"[{"name":"app","restartCount":1,"lastState":{"terminated":{"exitCode":0,"signal":6}}}]"#)
        #expect(reported.terminations[0].outcome == "exited exit 0 (SIGABRT)")
    }

    @Test func initContainersAndSeveralContainersAreNamedNewestFirst() throws {
        let pod = try Self.pod(
            #"[{"name":"app","restartCount":1,"lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2026-11-25T10:00:00Z"}}},"#
                + #"{"name":"metrics","restartCount":3,"lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled","finishedAt":"2026-11-25T11:00:00Z"}}}]"#,
            inits: #"[{"name":"fix-permissions","restartCount":2,"state":{"terminated":{"exitCode":0,"reason":"Completed"}},"lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2026-11-25T09:30:00Z"}}}]"#,
            containers: #"[{"name":"app"},{"name":"metrics"}]"#)
        #expect(pod.terminations.map(\.container) == ["metrics", "app", "fix-permissions"])
        #expect(pod.terminations[2].initContainer)
        let now = try #require(Timestamp.parse("2026-11-25T11:42:07Z"))
        #expect(pod.terminations[2].line(now: now, named: true) == "init fix-permissions 2×, last: Error exit 1, 2h ago")
        #expect(pod.terminations[0].line(now: now, named: true) == "metrics 3×, last: OOMKilled exit 137, 42m ago")
    }

    @Test func aFutureFinishTimeReadsJustNow() throws {
        let pod = try Self.pod(#"[{"name":"app","restartCount":1,"lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2099-01-01T00:00:00Z"}}}]"#)
        #expect(pod.terminations[0].line(now: 1_795_606_927, named: false) == "1×, last: Error exit 1, just now")
    }

    @Test func hostileReasonAndMessageAreBoundedAndPrintable() throws {
        let huge = String(repeating: "A\\u001b[2J\\n", count: 20_000)
        let pod = try Self.pod(#"[{"name":"app","restartCount":1,"lastState":{"terminated":{"exitCode":1,"reason":"Err\u001b[31mor\nX","message":""# + huge + #""}}}]"#)
        let t = try #require(pod.terminations.first)
        #expect(!t.reason.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(t.reason.count <= 64)
        let message = try #require(t.message)
        #expect(message.count <= 200 && message.hasSuffix("…"))
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func oneLineFoldsBlanksAndCuts() {
        #expect(ClusterText.oneLine("  a\n\n b\t c  ", max: 50) == "a b c")
        #expect(ClusterText.oneLine("abcdef", max: 4) == "abc…")
        #expect(ClusterText.oneLine("abcd", max: 4) == "abcd")
        #expect(ClusterText.oneLine("\u{1B}[31mred", max: 20) == "\u{FFFD}[31mred")
        #expect(ClusterText.oneLine(String(repeating: "x", count: 100_000), max: 10).count == 10)
    }
}
