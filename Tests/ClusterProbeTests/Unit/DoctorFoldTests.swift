import Testing
@testable import ClusterProbe

/// `devtui doctor` says one cause once: a `✗ VM` line that only repeats a VirtualBox failure
/// (Vagrant's `vagrant status` fails when VirtualBox is missing or unsupported) is folded into it.
@Suite struct DoctorFoldTests {
    /// The VM check on Vagrant 2.3.4's recorded answer without VirtualBox (exit 1).
    static func noVirtualBoxVM() -> DoctorFinding {
        let out = CommandOutput(exitCode: 1, stdout: Fixtures.bytes("vagrant/status-no-virtualbox.txt"), stderr: [])
        return DoctorChecks.vm(VagrantStatusParser.status(of: out, machine: "devenv"), machine: "devenv")
    }

    static let vboxMissing = DoctorChecks.virtualBox(.failure(.notFound(tool: "VBoxManage"))).0

    @Test func vagrantsNoVirtualBoxIsRecognised() {
        let vm = Self.noVirtualBoxVM()
        #expect(vm.status == .fail)
        #expect(vm.summary == "VM: Vagrant cannot use VirtualBox: Vagrant could not detect VirtualBox! Make sure VirtualBox is properly installed.")
    }

    @Test func aVMLineThatRepeatsAMissingVirtualBoxIsFolded() {
        let findings = [DoctorChecks.arch("x86_64"), Self.vboxMissing, DoctorFinding("vagrant", .ok, "Vagrant 2.3.4"), Self.noVirtualBoxVM()]
        let folded = DoctorChecks.foldVM(findings)
        #expect(folded.map(\.id) == ["arch", "virtualbox", "vagrant"])
        #expect(folded[1].summary == "VirtualBox: VBoxManage not found on PATH (so `vagrant status` fails too)")
        #expect(folded[1].fix == Self.vboxMissing.fix)
        #expect(DoctorReport(findings: folded).problems.count == 1)
    }

    /// Vagrant older than the VirtualBox: its invalid-version text (en.yml `virtualbox_invalid_version`)
    /// repeats the pair check's failure.
    @Test func anUnsupportedVersionFoldsIntoThePairLine() {
        let message = "Vagrant has detected that you have a version of VirtualBox installed that is not supported by this version of Vagrant. Please install one of the supported versions listed below to use Vagrant:"
        let vm = DoctorChecks.vm(.failure(.failed(tool: "vagrant", exitCode: 1, message: message)), machine: "devenv")
        let pair = DoctorChecks.pair(vagrant: ToolVersion(2, 3, 4), virtualBox: ToolVersion(7, 1, 4), macOS: false)
        let folded = DoctorChecks.foldVM([DoctorFinding("virtualbox", .ok, "VirtualBox 7.1.4"), pair, vm])
        #expect(folded.map(\.id) == ["virtualbox", "vagrant-virtualbox"])
        #expect(folded[1].summary.hasSuffix("(needs Vagrant 2.4.2+) (so `vagrant status` fails too)"))
    }

    /// With VirtualBox found fine the VM line is news (say a PATH that differs for Vagrant): kept.
    @Test func aVMLineWithNoVirtualBoxFailureToRepeatIsKept() {
        let findings = [DoctorFinding("virtualbox", .ok, "VirtualBox 7.1.4"), Self.noVirtualBoxVM()]
        #expect(DoctorChecks.foldVM(findings) == findings)
        // Another `vagrant status` failure is not about VirtualBox: kept beside a VirtualBox failure.
        let other = DoctorChecks.vm(.failure(.failed(tool: "vagrant", exitCode: 1, message: "There is a syntax error in the following Vagrantfile.")), machine: "devenv")
        #expect(DoctorChecks.foldVM([Self.vboxMissing, other]) == [Self.vboxMissing, other])
    }
}
