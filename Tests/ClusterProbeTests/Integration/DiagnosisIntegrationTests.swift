import Foundation
import Testing
@testable import ClusterProbe

/// The one-shot snapshot (`devtui status`) against stand-ins: events only when something is
/// unhealthy, the node always, with the exact argv. Proves commands and parsing, not a cluster.
@Suite(.serialized) struct DiagnosisIntegrationTests {
    func probes(_ world: StandinWorld) -> Probes {
        let config = ProbeConfig(projectDir: world.dir, target: KubeTarget(kubeconfig: "/p/.devenv/kubeconfig"), appURL: "http://127.0.0.1:1/")
        return Probes(config: config, runner: world.runner)
    }
    let global = ["--kubeconfig", "/p/.devenv/kubeconfig", "--namespace", "devenv", "--request-timeout=5s"]

    @Test func healthyAsksTheNodeButNoEvents() async throws {
        let world = try StandinWorld(scenario: "healthy")
        defer { world.remove() }
        let snap = await probes(world).snapshot()
        #expect(snap.node.value == [NodeHealth(name: "devenv", ready: true)])
        #expect(snap.events == SourceState())
        #expect(world.calls().contains(["kubectl"] + global + ["get", "nodes", "-o", "json"]))
        #expect(!world.calls().contains { $0.contains("events") })
    }

    @Test func aStuckPodGetsItsWarning() async throws {
        let world = try StandinWorld(scenario: "failed-mount")
        defer { world.remove() }
        let snap = await probes(world).snapshot()
        #expect(world.calls().contains(["kubectl"] + global + ["get", "events", "--field-selector", "type=Warning", "-o", "json"]))
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
