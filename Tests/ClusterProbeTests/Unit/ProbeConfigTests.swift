import Foundation
import Testing
@testable import ClusterProbe

@Suite struct ProbeConfigTests {
    @Test func findsTheProjectAndItsKubeconfig() {
        let root = Fixtures.repoRoot
        let config = ProbeConfig.resolve(workingDirectory: root + "/Sources/ClusterProbe")
        #expect(config.projectDir == root)
        #expect(config.target.kubeconfig == root + "/.devenv/kubeconfig")
        #expect(config.target.namespace == "devenv")
    }

    @Test func aContextMeansTheUsersOwnKubeconfig() {
        let config = ProbeConfig.resolve(workingDirectory: Fixtures.repoRoot, context: "prod-like")
        #expect(config.target.kubeconfig == nil)
        #expect(config.target.globalFlags == ["--context", "prod-like", "--namespace", "devenv"])
    }

    /// The project is the nearest folder up with a Vagrantfile; a folder without one is never it
    /// (whatever lies above the temporary folder on this machine, a stray /Vagrantfile included).
    @Test func theNearestVagrantfileUpIsTheProject() throws {
        let base = NSTemporaryDirectory() + "devtui-project-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/project/app/lib", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/elsewhere/deeper", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: base + "/project/Vagrantfile", contents: Data())
        #expect(ProbeConfig.resolve(workingDirectory: base + "/project/app/lib").projectDir == base + "/project")
        let outside = ProbeConfig.resolve(workingDirectory: base + "/elsewhere/deeper")
        #expect(outside.projectDir == ProbeConfig.findProject(from: base))
        #expect(outside.projectDir?.hasPrefix(base) != true)
        if outside.projectDir == nil { #expect(outside.target.kubeconfig == nil) }
    }

    @Test func relativeFlagsAreResolved() {
        let config = ProbeConfig.resolve(workingDirectory: "/a/b", projectDir: "../c", kubeconfig: "./k")
        #expect(config.projectDir == "/a/c")
        #expect(config.target.kubeconfig == "/a/b/k")
    }
}
