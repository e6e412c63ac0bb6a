import Foundation
import Testing
@testable import ClusterProbe

@Suite struct ProjectSettingsTests {
    @Test func readsKeyValueLinesAndReportsJunk() {
        let settings = ProjectSettings.parse("# comment\nVM_IP=10.1.2.3\n\nAPP_HOST_PORT = 9090\nthis is junk\nBAD KEY=1\n", path: "/p/settings.env")
        #expect(settings.vmIP == "10.1.2.3")
        #expect(settings.appHostPort == 9090)
        #expect(settings.appURL == "http://127.0.0.1:9090/")
        #expect(settings.problems == ["settings.env line 5: not KEY=value: this is junk", "settings.env line 6: bad key BAD KEY"])
        // Absent keys fall back; a bad number falls back too.
        #expect(ProjectSettings.parse("API_HOST_PORT=lots").apiHostPort == 6443)
    }

    @Test func theRepoSettingsFileIsWhatTheFallbacksSay() throws {
        // The fallbacks serve only when settings.env is absent; they must not drift from it.
        let settings = ProjectSettings.load(projectDir: Fixtures.repoRoot, environment: [:])
        #expect(settings.path == Fixtures.repoRoot + "/settings.env")
        #expect(settings.problems.isEmpty)
        #expect(settings.vmName == ProjectSettings.Fallback.vmName)
        #expect(settings.values["VM_IP"] == ProjectSettings.Fallback.vmIP)
        #expect(settings.values["VM_MEMORY_MB"] == String(ProjectSettings.Fallback.memoryMB))
        #expect(settings.values["VM_CPUS"] == String(ProjectSettings.Fallback.cpus))
        #expect(settings.values["API_HOST_PORT"] == String(ProjectSettings.Fallback.apiHostPort))
        #expect(settings.values["APP_HOST_PORT"] == String(ProjectSettings.Fallback.appHostPort))
        #expect(settings.values["NAMESPACE"] == ProjectSettings.Fallback.namespace)
        #expect(settings.values["K3S_VERSION"] == ProjectSettings.Fallback.k3sVersion)
    }

    @Test func environmentOverridesMemoryLikeTheVagrantfile() {
        let settings = ProjectSettings.load(projectDir: Fixtures.repoRoot, environment: ["DEVENV_MEMORY": "4096", "DEVENV_CPUS": "4"])
        #expect(settings.memoryMB == 4096)
        #expect(settings.cpus == 4)
    }

    @Test func probeConfigTakesNamespaceAndAppURLFromTheProject() throws {
        let dir = NSTemporaryDirectory() + "settings-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "".write(toFile: dir + "/Vagrantfile", atomically: true, encoding: .utf8)
        try "VM_NAME=box1\nNAMESPACE=team\nAPP_HOST_PORT=18080\n".write(toFile: dir + "/settings.env", atomically: true, encoding: .utf8)
        let config = ProbeConfig.resolve(workingDirectory: dir, environment: [:])
        #expect(config.target.namespace == "team")
        #expect(config.appURL == "http://127.0.0.1:18080/")
        #expect(config.machine == "box1")
        // Flags still win.
        let flagged = ProbeConfig.resolve(workingDirectory: dir, namespace: "other", appURL: "http://127.0.0.1:1/", environment: [:])
        #expect(flagged.target.namespace == "other")
        #expect(flagged.appURL == "http://127.0.0.1:1/")
        // No project: the fallbacks.
        let none = ProbeConfig.resolve(workingDirectory: "/", context: "kind-kind", environment: [:])
        #expect(none.target.namespace == "devenv")
        #expect(none.appURL == "http://127.0.0.1:8080/")
    }
}
