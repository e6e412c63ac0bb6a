import Foundation
import Testing
@testable import ClusterProbe

/// `.devenv/kubeconfig` left by a destroyed VM (issue 21 item 8): named for what it is, never as
/// kubectl's TLS error with it; removable after a destroy.
@Suite(.serialized) struct StaleKubeconfigTests {
    let appPort = RefusingPort()

    static let notCreated = VMStatus(state: "not_created", stateHuman: "not created", provider: "virtualbox", machine: "devenv")

    @Test func onlyANotCreatedVMWithTheFileThereIsStale() {
        #expect(StaleKubeconfig.check(vm: Self.notCreated, kubeconfigExists: true) == StaleKubeconfig.message)
        #expect(StaleKubeconfig.check(vm: Self.notCreated, kubeconfigExists: false) == nil)
        let running = VMStatus(state: "running", stateHuman: "running", provider: "virtualbox", machine: "devenv")
        #expect(StaleKubeconfig.check(vm: running, kubeconfigExists: true) == nil)
        // A stopped VM keeps its cluster: its kubeconfig is still good.
        let off = VMStatus(state: "poweroff", stateHuman: "poweroff", provider: "virtualbox", machine: "devenv")
        #expect(StaleKubeconfig.check(vm: off, kubeconfigExists: true) == nil)
        #expect(StaleKubeconfig.check(vm: nil, kubeconfigExists: true) == nil)
    }

    @Test func onlyTheGeneratedKubeconfigCounts() {
        let generated = ProbeConfig(projectDir: "/p", target: KubeTarget(kubeconfig: "/p/.devenv/kubeconfig"))
        #expect(generated.generatedKubeconfigInUse == "/p/.devenv/kubeconfig")
        #expect(ProbeConfig(projectDir: "/p", target: KubeTarget(kubeconfig: "/home/u/.kube/config")).generatedKubeconfigInUse == nil)
        #expect(ProbeConfig(projectDir: "/p", target: KubeTarget(kubeconfig: nil, context: "kind-kind")).generatedKubeconfigInUse == nil)
        #expect(ProbeConfig(projectDir: nil, target: KubeTarget(kubeconfig: "/p/.devenv/kubeconfig")).generatedKubeconfigInUse == nil)
    }

    @Test func theStaleReasonReplacesClusterErrorsOnly() {
        var snap = EnvironmentSnapshot(project: "p")
        snap.pods.fail(Problem(.credentials, "cluster TLS not trusted: x509"), at: 0)
        #expect(snap.clusterError(snap.pods) == "cluster TLS not trusted: x509")
        snap.staleKubeconfig = StaleKubeconfig.message
        #expect(snap.clusterError(snap.pods) == StaleKubeconfig.message)
        #expect(snap.clusterError(snap.volume) == nil, "no error, nothing to replace")
    }

    @Test func removeTakesTheFileAndSaysWhyItCouldNot() throws {
        let dir = NSTemporaryDirectory() + "stale-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/kubeconfig"
        try "apiVersion: v1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(StaleKubeconfig.remove(path) == nil)
        #expect(!StaleKubeconfig.exists(path))
        #expect(StaleKubeconfig.remove(path) == nil, "already gone is fine")
        // A path that cannot be removed (its parent is a file): the reason, in one line.
        #expect(StaleKubeconfig.remove(dir + "/kubeconfig-parent-is-a-file/x") == nil, "absent")
        try "".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        #expect(StaleKubeconfig.remove(dir + "/file/x") == "could not remove .devenv/kubeconfig: Not a directory")
    }

    /// `devtui status`'s snapshot against the recorded world: VM not created, kubectl failing x509
    /// with the left-over file.
    @Test func theSnapshotNamesTheStaleKubeconfig() async throws {
        let world = try StandinWorld(scenario: "destroyed")
        defer { world.remove() }
        try FileManager.default.createDirectory(atPath: world.dir + "/.devenv", withIntermediateDirectories: true)
        let path = world.dir + "/.devenv/kubeconfig"
        try "apiVersion: v1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let probes = Probes(config: ProbeConfig(projectDir: world.dir, target: KubeTarget(kubeconfig: path), appURL: appPort.url),
                            runner: world.runner)
        let snap = await probes.snapshot()
        #expect(snap.staleKubeconfig == StaleKubeconfig.message)
        #expect(snap.pods.errorKind == .credentials, "kubectl's own failure is kept as the data")
        #expect(snap.clusterError(snap.pods) == StaleKubeconfig.message)
        try FileManager.default.removeItem(atPath: path)
        #expect(await probes.snapshot().staleKubeconfig == nil)
    }
}
