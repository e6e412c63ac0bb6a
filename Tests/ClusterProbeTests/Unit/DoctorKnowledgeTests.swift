import Testing
@testable import ClusterProbe

/// What `devtui doctor` knows about host software that breaks this VM (issue 21 items 1-3), each
/// fact checked upstream (the sources are named beside the code in Versions.swift and DoctorChecks.swift).
@Suite struct DoctorKnowledgeTests {
    /// Vagrant CHANGELOG 2.3.3 (GH-12983), hashicorp/vagrant#12959: with 2.3.2 the VM, which has a
    /// private network, does not start on macOS with VirtualBox 7.0.
    @Test func macOSVirtualBox70NeedsVagrant233ForThePrivateNetwork() {
        let old = DoctorChecks.pair(vagrant: ToolVersion(2, 3, 2), virtualBox: ToolVersion(7, 0, 20), macOS: true)
        #expect(old.status == .fail)
        #expect(old.summary == "Vagrant 2.3.2 cannot start this VM with VirtualBox 7.0 on macOS: its private network needs Vagrant 2.3.3+ (\"Host-only adapters are no longer supported\")")
        #expect(old.fix == "install Vagrant 2.3.3+ from developer.hashicorp.com/vagrant/install")
        #expect(DoctorChecks.pair(vagrant: ToolVersion(2, 3, 3), virtualBox: ToolVersion(7, 0, 20), macOS: true).status == .ok)
        // Linux and Windows: 2.3.2 drives 7.0, private network included.
        #expect(DoctorChecks.pair(vagrant: ToolVersion(2, 3, 2), virtualBox: ToolVersion(7, 0, 20), macOS: false).status == .ok)
        // Other lines on macOS are not concerned.
        #expect(DoctorChecks.pair(vagrant: ToolVersion(2, 2, 19), virtualBox: ToolVersion(6, 1, 50), macOS: true).status == .ok)
    }
}
