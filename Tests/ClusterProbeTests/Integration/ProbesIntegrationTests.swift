import Foundation
import Testing
@testable import ClusterProbe

/// Probes against stand-in kubectl/vagrant that replay recorded outputs and record their argv.
/// These prove the commands and the parsing, never that a real cluster works.
@Suite(.serialized) struct ProbesIntegrationTests {
    /// The app endpoint: a port that refuses for as long as the test runs (one instance per test).
    let appPort = RefusingPort()

    func probes(_ world: StandinWorld, kubeconfig: String? = "/p/.devenv/kubeconfig") -> Probes {
        let config = ProbeConfig(projectDir: world.dir, target: KubeTarget(kubeconfig: kubeconfig), appURL: appPort.url)
        return Probes(config: config, runner: world.runner)
    }

    @Test func vagrantStatusRunsInTheProjectFolder() async throws {
        let world = try StandinWorld(scenario: "healthy")
        defer { world.remove() }
        let vm = try await probes(world).vm().get()
        #expect(vm.state == "running" && vm.provider == "virtualbox")
        #expect(world.calls() == [["vagrant", "status", "--machine-readable"]])
    }

    @Test func aProjectFolderWithoutAVagrantfileIsNamedInTheVMProblem() async throws {
        let world = try StandinWorld(scenario: "healthy", extraFiles: [
            "vagrant-status": Fixtures.text("vagrant/status-no-vagrantfile.txt"), "vagrant-status.exit": "1",
        ])
        defer { world.remove() }
        let result = await probes(world).vm()
        #expect(result == .failure(.failed(tool: "vagrant", exitCode: 1, message: "no Vagrantfile in \(world.dir) or above")))
        var state = SourceState<VMStatus>()
        state.apply(result, at: 0)
        #expect(state.error == "vagrant: exit 1: no Vagrantfile in \(world.dir) or above")
        #expect(state.errorKind != .malformedOutput)
    }

    /// What Probes.volume's comment promises: a failing `du` is the failure, and snapshot()
    /// still shows the claim.
    @Test func aFailingDuIsTheProblemAndTheSnapshotKeepsTheClaim() async throws {
        let world = try StandinWorld(scenario: "healthy", extraFiles: [
            "kubectl-exec-du": "", "kubectl-exec-du.exit": "1", "kubectl-exec-du.stderr": "du: cannot read directory\n",
        ])
        defer { world.remove() }
        let p = probes(world)
        let claim = try await p.claim().get()
        guard case .failure = await p.volume(mysqlPod: "mysql-0", claim: claim) else {
            Issue.record("a failing du must be the failure")
            return
        }
        let snap = await p.snapshot()
        #expect(snap.volume.value == claim)
        #expect(snap.volume.value?.usedBytes == nil && claim.capacityBytes != nil)
        #expect(snap.volume.error?.contains("du: cannot read directory") == true)
    }

    @Test func podsPvcAndDiskUsageUseTheRightFlags() async throws {
        let world = try StandinWorld(scenario: "healthy")
        defer { world.remove() }
        let p = probes(world)
        let pods = try await p.pods().get()
        #expect(pods.count == 2)
        let volume = try await p.volume(mysqlPod: "mysql-0", claim: p.claim().get()).get()
        #expect(volume.capacityBytes == 2_147_483_648 && volume.usedBytes == 191_488 * 1024)
        let global = ["--kubeconfig", "/p/.devenv/kubeconfig", "--namespace", "devenv", "--request-timeout=5s"]
        #expect(world.calls() == [
            ["kubectl"] + global + ["get", "pods", "-o", "json"],
            ["kubectl"] + global + ["get", "pvc", "mysql-data", "-o", "json"],
            ["kubectl"] + global + ["exec", "mysql-0", "-c", "mysql", "--", "sh", "-c", "du -sk \"$0\" && df -Pk \"$0\"", "/var/lib/mysql"],
        ])
    }

    @Test func unreachableClusterIsOneLine() async throws {
        let world = try StandinWorld(scenario: "not-created")
        defer { world.remove() }
        let result = await probes(world).pods()
        guard case .failure(let error) = result else { Issue.record("expected a failure"); return }
        #expect(KubectlDiagnosis.describe(error) == "cluster unreachable: connection refused")
    }

    @Test func truncatedPodJSONIsOneLine() async throws {
        let full = Fixtures.text("pods/healthy.json")
        let world = try StandinWorld(scenario: "healthy", extraFiles: ["kubectl-get-pods": String(full.prefix(500))])
        defer { world.remove() }
        let result = await probes(world).pods()
        #expect(result == .failure(.malformedOutput(tool: "kubectl", reason: "not JSON (truncated or invalid)")))
    }

    @Test func aHungKubectlTimesOut() async throws {
        let world = try StandinWorld(scenario: "healthy", extraFiles: ["kubectl-get-pods.hang": ""])
        defer { world.remove() }
        var config = ProbeConfig(projectDir: world.dir, target: KubeTarget(), appURL: appPort.url)
        config.target.requestTimeoutSeconds = 1
        let command = Command("kubectl", config.target.getPods().arguments, timeout: .milliseconds(500))
        let result = await world.runner.run(command)
        #expect(result == .failure(.timedOut(tool: "kubectl", after: .milliseconds(500))))
    }

    @Test func watchStreamFeedsTheModel() async throws {
        let world = try StandinWorld(scenario: "crashloop")
        defer { world.remove() }
        let p = probes(world)
        let model = EnvironmentModel(snapshot: EnvironmentSnapshot(project: "t"))
        let poller = Poller(probes: p, model: model)
        poller.start()
        defer { poller.stop() }
        // The watch starts after the first list has filled the model: wait for its start too.
        await eventually("the pods, the VM, the previous log and the watch") {
            let state = model.read()
            return state.snapshot.pods.value?.count == 2 && state.snapshot.vm.value != nil
                && state.logs[.app]?.lines.contains(where: { $0.contains("missing environment variable") }) == true
                && world.calls().contains(where: { $0.contains("--watch") && $0.contains("--output-watch-events") })
        }
        let state = model.read()
        #expect(state.snapshot.pods.value?.first?.status == "CrashLoopBackOff")
        #expect(state.snapshot.vm.value?.state == "running")
        // After a crash the previous container's log is shown, between markers.
        let log = state.logs[.app]?.lines ?? []
        #expect(log.contains("── previous container of app-7d9f8c6b5-c7zzp (restart 7) ──"))
        #expect(log.contains { $0.contains("missing environment variable(s): MYSQL_PORT") })
        let calls = world.calls()
        #expect(calls.contains { $0.contains("--watch") && $0.contains("--output-watch-events") })
        #expect(calls.contains { $0.contains("--previous") })
    }

    @Test func snapshotOfNothingAtAllIsClearAndQuick() async throws {
        let world = try StandinWorld(scenario: "not-created")
        defer { world.remove() }
        let started = Clock.monotonicMs()
        let snap = await probes(world).snapshot()
        #expect(Clock.monotonicMs() - started < 10_000)
        #expect(snap.vm.value?.state == "not_created")
        #expect(snap.pods.error == "cluster unreachable: connection refused")
        #expect(snap.app.error == "connection refused")
    }

    // Issue 13.
    // The one-shot snapshot (`devtui status`): events only when something is unhealthy, the
    // node always, with the exact argv.
    static let diagnosisFlags = ["--kubeconfig", "/p/.devenv/kubeconfig", "--namespace", "devenv", "--request-timeout=5s"]

    @Test func healthyAsksTheNodeButNoEvents() async throws {
        let world = try StandinWorld(scenario: "healthy")
        defer { world.remove() }
        let snap = await probes(world).snapshot()
        #expect(snap.node.value == [NodeHealth(name: "devenv", ready: true)])
        #expect(snap.events == SourceState())
        #expect(world.calls().contains(["kubectl"] + Self.diagnosisFlags + ["get", "nodes", "-o", "json"]))
        #expect(!world.calls().contains { $0.contains("events") })
    }

    @Test func aStuckPodGetsItsWarning() async throws {
        let world = try StandinWorld(scenario: "failed-mount")
        defer { world.remove() }
        let snap = await probes(world).snapshot()
        #expect(world.calls().contains(["kubectl"] + Self.diagnosisFlags + ["get", "events", "--field-selector", "type=Warning", "-o", "json"]))
        let pod = try #require(snap.pods.value?.first { $0.name == "app-7d9f8c6b5-mnt01" })
        #expect(snap.warning(for: pod)?.reason == "FailedMount")
        #expect(snap.events.value?.count == 1)
    }

    @Test func eventsThatCannotBeReadAreAnErrorOfTheirOwn() async throws {
        let world = try StandinWorld(scenario: "failed-mount", extraFiles: [
            "kubectl-get-events": "", "kubectl-get-events.exit": "1",
            "kubectl-get-events.stderr": "Error from server (Forbidden): events is forbidden: User \"dev\" cannot list resource \"events\"\n",
        ])
        defer { world.remove() }
        let snap = await probes(world).snapshot()
        #expect(snap.events.value == nil)
        #expect(snap.events.error?.contains("forbidden") == true)
        #expect(snap.pods.error == nil && snap.pods.value?.count == 2)
    }
}
