import Testing
@testable import ClusterProbe
@testable import DevTUI

/// `devtui status`: what goes after `but`, and the lines under a pod and the claim.
@Suite struct StatusReportTests {
    static let now = TestData.nowMs / 1000

    /// Columns are terminal columns: a wide character takes two.
    @Test func paddingCountsTerminalColumns() {
        #expect("漢字".padding(6) == "漢字  ")
        #expect("ab".padding(6) == "ab    ")
        #expect("toolong".padding(3) == "toolong")
    }

    /// A world-readable .devenv/kubeconfig is said after `but` and in the footer; never fatal.
    @Test func aReadableKubeconfigIsAWarningNotAFailure() {
        var snap = TestData.healthy()
        let warning = ".devenv/kubeconfig (cluster-admin credentials) is readable by any user of this machine, mode 644: chmod 600 .devenv/kubeconfig"
        snap.kubeconfigWarning = warning
        let problems = StatusReport.problems(snap, now: Self.now)
        #expect(problems == ["kubeconfig: " + warning])
        #expect(StatusReport.text(snap, problems: problems, now: Self.now).hasSuffix("OK: the app answers 200; but kubeconfig: " + warning))
        let footer = FooterView.statusText(TestData.input(snap, width: 100, height: 30))
        #expect(footer.0 == "! " + warning && footer.1 == .warn)
    }

    @Test func anOOMKillWithinTheHourIsAButLaterItIsHistory() {
        var snap = TestData.healthy()
        snap.pods.value = TestData.pods("mysql-oomkilled")
        #expect(StatusReport.problems(snap, now: Self.now) == ["pod mysql-0: restarted (2×, last: OOMKilled exit 137, 4m ago)"])
        #expect(StatusReport.problems(snap, now: Self.now + 3600).isEmpty)
        let text = StatusReport.text(snap, problems: StatusReport.problems(snap, now: Self.now), now: Self.now)
        #expect(text.contains("\n    └ 2×, last: OOMKilled exit 137, 4m ago\n"))
        #expect(text.hasSuffix("OK: the app answers 200; but pod mysql-0: restarted (2×, last: OOMKilled exit 137, 4m ago)"))
    }

    @Test func aClaimThatIsNotBoundSaysWhyUnderMySQLAndAfterBut() {
        var snap = TestData.healthy()
        var pods = TestData.pods("failed-scheduling")
        pods[1].status = "Pending"
        pods[1].detail = nil
        pods[1].health = .progressing
        snap.pods.value = pods
        snap.volume.value?.phase = "Pending"
        snap.volume.value?.usedBytes = nil
        let event = WarningEvent(kind: "PersistentVolumeClaim", name: "mysql-data", reason: "ProvisioningFailed",
                                 message: "failed to provision volume with StorageClass \"local-path\": no space left", count: 2,
                                 lastSeenAt: Self.now - 30)
        snap.events.succeed([event], at: Self.now)
        let problems = StatusReport.problems(snap, now: Self.now)
        #expect(problems.contains("pvc mysql-data: Pending (ProvisioningFailed ×2, 30s ago: failed to provision volume with StorageClass \"local-path\": no space left)"))
        let lines = PodsView.detailLines(pods[1], snap, now: Self.now).map(\.0)
        #expect(lines == ["pvc mysql-data ProvisioningFailed ×2, 30s ago: failed to provision volume with StorageClass \"local-path\": no space left"])
        let text = StatusReport.text(snap, problems: problems, now: Self.now)
        #expect(text.contains("    └ pvc mysql-data Pending: ProvisioningFailed ×2, 30s ago:"))
    }

    @Test func nodeProblemsComeFirstAndOnlyForNodesThatMatter() {
        var snap = TestData.healthy()
        snap.node.succeed([NodeHealth(name: "devenv", ready: true, pressure: ["DiskPressure"]),
                           NodeHealth(name: "elsewhere", ready: false)], at: Self.now)
        #expect(StatusReport.problems(snap, now: Self.now) == ["node devenv: DiskPressure"])
        let text = StatusReport.text(snap, problems: [], now: Self.now)
        #expect(text.contains("\nNode    devenv DiskPressure\n"))
    }

    /// During a rollout the old pod is Terminating, not Ready, and may have a Warning (its probe
    /// failing as it stops): neither is a problem, in `status` or in the events it asks for.
    @Test func aTerminatingPodIsNoProblem() {
        var snap = TestData.healthy()
        let old = PodSummary(name: "app-6c5b4a3f2-old11", uid: "old-uid", nodeName: "devenv", component: "app", phase: "Running",
                             readyContainers: 0, totalContainers: 1, restarts: 0, createdAt: Self.now - 7200,
                             status: "Terminating", detail: nil, health: .terminating, containers: ["app"])
        snap.pods.value?.append(old)
        snap.events.succeed([WarningEvent(kind: "Pod", name: old.name, uid: "old-uid", reason: "Unhealthy",
                                          message: "Readiness probe failed: connection refused", count: 3, lastSeenAt: Self.now - 5)], at: Self.now)
        #expect(StatusReport.problems(snap, now: Self.now) == [])
        #expect(!snap.needsEvents)
        #expect(StatusReport.text(snap, problems: [], now: Self.now).hasSuffix("\nOK: the app answers 200"))
    }

    /// Anything but 200 is down, and the problem says why when the body does: a traceback's
    /// exception and where it was raised. A redirect is not followed.
    @Test func anAnswerOtherThan200IsDownWithItsReason() {
        let url = "http://127.0.0.1:8080/"
        let traceback = "Traceback (most recent call last):\n  File \"/app/application.py\", line 59, in <module>\n    x + 1\nNameError: name 'x' is not defined\n"
        for (code, body, problem) in [
            (500, traceback, "app: HTTP 500: NameError: name 'x' is not defined (/app/application.py, line 59)"),
            (404, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<title>404 Not Found</title>", "app: HTTP 404"),
            (302, "<title>Redirecting...</title>", "app: HTTP 302"),
            (204, "", "app: HTTP 204"),
        ] {
            var snap = TestData.healthy()
            snap.app.succeed(AppHealth(url: url, statusCode: code, latencyMs: 4, body: Array(body.utf8)), at: Self.now)
            #expect(!StatusReport.appUp(snap), "\(code)")
            let problems = StatusReport.problems(snap, now: Self.now)
            #expect(problems == [problem])
            #expect(StatusReport.text(snap, problems: problems, now: Self.now).hasSuffix("\nDOWN: " + problem))
        }
        var snap = TestData.healthy()
        snap.app.succeed(AppHealth(url: url, statusCode: 500, latencyMs: 4, body: Array(traceback.utf8)), at: Self.now)
        #expect(StatusReport.text(snap, problems: [], now: Self.now)
            .contains("\nApp     \(url)  500 in 4 ms: NameError: name 'x' is not defined (/app/application.py, line 59)\n"))
    }

    /// The header's node text is drawn in the warning colour for pressure and in the failure
    /// colour once a node is not Ready: the colour says which matters more.
    @Test func theHeadersNodeColourSaysHowBad() {
        func header(_ node: NodeHealth) -> [(Character, Style)] {
            var snap = TestData.healthy()
            snap.node.succeed([node], at: Self.now)
            let frame = Renderer.render(TestData.input(snap, width: 100, height: 30))
            return frame.rows[0].filter { !$0.continuation }.map { ($0.char, $0.style) }
        }
        func style(of text: String, in row: [(Character, Style)]) -> Set<Style> {
            let chars = row.map(\.0)
            let target = Array(text)
            guard let start = (0...(chars.count - target.count)).first(where: { Array(chars[$0..<($0 + target.count)]) == target }) else {
                Issue.record("\(text) not in the header: \(String(chars))")
                return []
            }
            return Set(row[start..<(start + target.count)].map(\.1))
        }
        #expect(style(of: "node: DiskPressure", in: header(NodeHealth(name: "devenv", ready: true, pressure: ["DiskPressure"]))) == [.warn])
        #expect(style(of: "node: NotReady, DiskPressure", in: header(NodeHealth(name: "devenv", ready: false, pressure: ["DiskPressure"]))) == [.bad])
    }
}
