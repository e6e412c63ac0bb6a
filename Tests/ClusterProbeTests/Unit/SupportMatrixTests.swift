import Foundation
import Testing
@testable import ClusterProbe

@Suite struct SupportMatrixTests {
    func status(_ vagrant: ToolVersion, _ vbox: ToolVersion, macOS: Bool = false) -> DoctorFinding.Status {
        DoctorChecks.pair(vagrant: vagrant, virtualBox: vbox, macOS: macOS).status
    }

    @Test func eachVirtualBoxLineNeedsItsVagrant() {
        #expect(status(ToolVersion(2, 2, 6), ToolVersion(6, 1, 50)) == .fail)
        #expect(status(ToolVersion(2, 2, 7), ToolVersion(6, 1, 50)) == .ok)
        #expect(status(ToolVersion(2, 3, 1), ToolVersion(7, 0, 20)) == .fail)
        #expect(status(ToolVersion(2, 3, 2), ToolVersion(7, 0, 20)) == .ok)
        #expect(status(ToolVersion(2, 3, 2), ToolVersion(7, 0, 20), macOS: true) == .fail)
        #expect(status(ToolVersion(2, 3, 3), ToolVersion(7, 0, 20), macOS: true) == .ok)
        #expect(status(ToolVersion(2, 3, 4), ToolVersion(7, 1, 4)) == .fail)
        #expect(status(ToolVersion(2, 4, 1), ToolVersion(7, 1, 4)) == .fail)
        #expect(status(ToolVersion(2, 4, 2), ToolVersion(7, 1, 4)) == .ok)
        #expect(status(ToolVersion(2, 4, 8), ToolVersion(7, 2, 0)) == .fail)
        #expect(status(ToolVersion(2, 4, 9), ToolVersion(7, 2, 0)) == .ok)
        #expect(status(ToolVersion(2, 4, 9), ToolVersion(7, 3, 0)) == .warn)
        #expect(status(ToolVersion(2, 4, 9), ToolVersion(6, 0, 24)) == .fail)
    }

    @Test func theFixNamesTheVagrantToInstallAndAnOlderVirtualBox() {
        let finding = DoctorChecks.pair(vagrant: ToolVersion(2, 3, 4), virtualBox: ToolVersion(7, 1, 4), macOS: false)
        #expect(finding.summary == "Vagrant 2.3.4 cannot drive VirtualBox 7.1 (needs Vagrant 2.4.2+)")
        #expect(finding.fix?.contains("install Vagrant 2.4.2+") == true)
        #expect(finding.fix?.hasSuffix("or VirtualBox 7.0") == true)
    }

    @Test func virtualBoxCheckReadsOutputAndFailures() {
        func run(_ out: String, code: Int32 = 0) -> DoctorFinding {
            DoctorChecks.virtualBox(.success(CommandOutput(exitCode: code, stdout: Array(out.utf8), stderr: []))).0
        }
        #expect(run("7.1.4_Ubuntur165100\n").summary == "VirtualBox 7.1.4 (Ubuntu build)")
        #expect(run("6.1.26r145957\n").status == .fail)
        #expect(run("garbage\u{1B}[31m", code: 3).summary.contains("printed no version (exit 3"))
        #expect(DoctorChecks.virtualBox(.failure(.notFound(tool: "VBoxManage"))).0.status == .fail)
        #expect(DoctorChecks.virtualBox(.failure(.timedOut(tool: "VBoxManage", after: .seconds(2)))).0.status == .warn)
    }
}
