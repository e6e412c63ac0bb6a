import Foundation
import Testing
@testable import ClusterProbe

@Suite struct VersionParserTests {
    @Test(arguments: [
        ("7.1.4_Ubuntur165100", "7.1.4"),
        ("7.0.20r163906", "7.0.20"),
        ("6.1.50_Debianr161033\n", "6.1.50"),
        ("WARNING: The vboxdrv kernel module is loaded but outdated\n7.2.4r170995\n", "7.2.4"),
        ("7.1.0_BETA2r164698", "7.1.0"),
    ])
    func virtualBoxVersions(_ output: String, _ expected: String) throws {
        let version = try VersionParser.virtualBox(output).get()
        #expect(version.description == expected)
    }

    @Test func virtualBoxGarbageAndKnownFailures() {
        #expect(throws: VersionParser.Failure.self) { try VersionParser.virtualBox("Segmentation fault").get() }
        #expect(throws: VersionParser.Failure.self) { try VersionParser.virtualBox("").get() }
        #expect(throws: VersionParser.Failure.self) { try VersionParser.virtualBox("7.x.y").get() }
        let module = "WARNING: The vboxdrv kernel module is not loaded. Either there is no module\n         available for the current kernel (6.12.1) or it failed to\n         load. Please recompile the kernel module and install it by\n\n           sudo /sbin/vboxconfig\n"
        guard case .failure(.kernelModuleNotLoaded) = VersionParser.virtualBox(module) else {
            Issue.record("kernel module message not recognised"); return
        }
    }

    @Test func vagrantVersions() throws {
        #expect(try VersionParser.vagrant("Vagrant 2.3.4\n").get() == ToolVersion(2, 3, 4))
        let dev = try VersionParser.vagrant("Vagrant 2.4.1.dev\n").get()
        #expect(dev == ToolVersion(2, 4, 1))
        #expect(dev.suffix == "dev")
        #expect(throws: VersionParser.Failure.self) { try VersionParser.vagrant("bash: vagrant: broken").get() }
    }

    @Test func kubectlVersionJSON() {
        let client = VersionParser.kubectl(Fixtures.bytes("doctor/ready/kubectl-version-client"), key: "clientVersion")
        #expect(client == ToolVersion(1, 34, 2))
        #expect(VersionParser.kubectl(Array("not json".utf8), key: "clientVersion") == nil)
        let server = VersionParser.kubectl(Array(#"{"serverVersion":{"gitVersion":"v1.34.1+k3s1"}}"#.utf8), key: "serverVersion")
        #expect(server == ToolVersion(1, 34, 1))
        #expect(server?.suffix == "+k3s1")
    }
}
