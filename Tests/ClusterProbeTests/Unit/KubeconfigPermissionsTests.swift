import Foundation
import Testing
@testable import ClusterProbe

@Suite struct KubeconfigPermissionsTests {
    func file(mode: mode_t) throws -> String {
        let path = NSTemporaryDirectory() + "kubeconfig-" + UUID().uuidString
        #expect(FileManager.default.createFile(atPath: path, contents: Data("apiVersion: v1\n".utf8)))
        #expect(chmod(path, mode) == 0)
        return path
    }

    @Test func ownerOnlyIsFine() throws {
        let path = try file(mode: 0o600)
        defer { unlink(path) }
        #expect(KubeconfigPermissions.warning(path: path) == nil)
    }

    @Test func worldReadableIsNamedWithTheFix() throws {
        let path = try file(mode: 0o644)
        defer { unlink(path) }
        #expect(KubeconfigPermissions.warning(path: path)
            == ".devenv/kubeconfig (cluster-admin credentials) is readable by any user of this machine, mode 644: chmod 600 .devenv/kubeconfig")
    }

    @Test func groupReadableIsNamedToo() throws {
        let path = try file(mode: 0o640)
        defer { unlink(path) }
        #expect(KubeconfigPermissions.warning(path: path)?.contains("readable by the file's group, mode 640") == true)
    }

    @Test func aMissingFileIsNoWarning() {
        #expect(KubeconfigPermissions.warning(path: "/nonexistent/devenv/kubeconfig") == nil)
    }
}
