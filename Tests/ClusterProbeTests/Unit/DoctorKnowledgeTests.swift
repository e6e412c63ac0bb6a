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

    /// VirtualBox/virtualbox#232 and the 7.2.4 changelog: several port-forwarding rules broke NAT
    /// on 7.2.0-7.2.3. #205 (open): a host on systemd-resolved gives the VM 127.0.0.53.
    @Test func virtualBox72NATRegressionsAreNamedWithTheirFix() {
        let early = DoctorChecks.virtualBoxNAT(ToolVersion(7, 2, 2), nameservers: ["192.168.1.1"])
        #expect(early.map(\.id) == ["virtualbox-nat-ports"])
        #expect(early[0].status == .warn)
        #expect(early[0].summary == "VirtualBox 7.2.2: NAT can stop working when a VM forwards several ports, and this one forwards three (VirtualBox/virtualbox#232, fixed in 7.2.4)")
        #expect(early[0].fix == "install VirtualBox 7.2.4 or later (virtualbox.org/wiki/Downloads)")
        #expect(DoctorChecks.virtualBoxNAT(ToolVersion(7, 2, 4), nameservers: ["192.168.1.1"]).isEmpty)
        #expect(DoctorChecks.virtualBoxNAT(ToolVersion(7, 2, 0), nameservers: nil).map(\.id) == ["virtualbox-nat-ports"])

        let resolved = DoctorChecks.virtualBoxNAT(ToolVersion(7, 2, 8), nameservers: ["127.0.0.53"])
        #expect(resolved.map(\.id) == ["virtualbox-nat-dns"])
        #expect(resolved[0].summary == "VirtualBox 7.2.8 hands the VM this host's nameserver 127.0.0.53 (/etc/resolv.conf), a loopback address the VM cannot reach: it resolves no names (VirtualBox/virtualbox#205, open: no 7.2 release fixes it)")
        #expect(resolved[0].fix == "use VirtualBox 7.1, which gives the VM its own DNS server at 10.0.2.3")
        #expect(DoctorChecks.virtualBoxNAT(ToolVersion(7, 2, 0), nameservers: ["127.0.0.53"]).count == 2)
        // One reachable server is enough; no resolv.conf (not Linux, unreadable) says nothing.
        #expect(DoctorChecks.virtualBoxNAT(ToolVersion(7, 2, 8), nameservers: ["127.0.0.53", "10.0.0.1"]).isEmpty)
        #expect(DoctorChecks.virtualBoxNAT(ToolVersion(7, 2, 8), nameservers: []).isEmpty)
        #expect(DoctorChecks.virtualBoxNAT(ToolVersion(7, 2, 8), nameservers: ["::1"]).count == 1)
        // 7.1 and older hand out 10.0.2.3 and have neither regression; 7.3 is not known.
        #expect(DoctorChecks.virtualBoxNAT(ToolVersion(7, 1, 12), nameservers: ["127.0.0.53"]).isEmpty)
        #expect(DoctorChecks.virtualBoxNAT(ToolVersion(7, 3, 0), nameservers: ["127.0.0.53"]).isEmpty)
    }

    @Test func resolvConfNameserversAndWhereTheyAreRead() throws {
        let paths = DoctorPaths(procRoot: Fixtures.repoRoot + "/Tests/Fixtures/doctor/hosts/resolved-7.2/proc", vagrantHome: "/v")
        #expect(paths.resolvConf == Fixtures.repoRoot + "/Tests/Fixtures/doctor/hosts/resolved-7.2/etc/resolv.conf")
        #expect(DoctorPaths(vagrantHome: "/v").resolvConf == "/etc/resolv.conf")
        #expect(HostFacts.nameservers(resolvConf: paths.resolvConf) == ["127.0.0.53"])
        #expect(HostFacts.nameservers(resolvConf: "/nonexistent/resolv.conf") == nil)
    }
}
