import Testing
@testable import ClusterProbe

@Suite struct VagrantStatusParserTests {
    @Test func runningMachineFromRecordedOutput() throws {
        let status = try VagrantStatusParser.parse(Fixtures.text("scenarios/healthy/vagrant-status"))
        #expect(status == VMStatus(state: "running", stateHuman: "running", provider: "virtualbox", machine: "devenv"))
        #expect(status.isRunning)
    }

    @Test func notCreatedAndPoweroff() throws {
        let notCreated = try VagrantStatusParser.parse(Fixtures.text("scenarios/not-created/vagrant-status"))
        #expect(notCreated.state == "not_created")
        #expect(notCreated.stateHuman == "not created")
        #expect(!notCreated.isCreated)
        let off = try VagrantStatusParser.parse(Fixtures.text("scenarios/poweroff/vagrant-status"))
        #expect(off.state == "poweroff" && off.isCreated && !off.isRunning)
    }

    @Test func abortedWithLibvirtAsDebianVagrantPrintsIt() throws {
        let text = """
            1795607349,default,metadata,provider,libvirt
            1795607349,default,provider-name,libvirt
            1795607349,default,state,aborted
            1795607349,default,state-human-short,aborted
            1795607349,,ui,info,Current machine states:\\n\\ndefault                   aborted (libvirt)
            """
        let status = try VagrantStatusParser.parse(text)
        #expect(status.machine == "default")
        #expect(status.state == "aborted")
        #expect(status.provider == "libvirt")
    }

    @Test func prefersTheDevenvMachineAmongSeveral() throws {
        let text = """
            1,db,state,running
            1,devenv,state,saved
            1,devenv,state-human-short,saved
            """
        #expect(try VagrantStatusParser.parse(text).state == "saved")
    }

    @Test func commasAndNewlinesAreUnescaped() {
        let lines = VagrantStatusParser.lines("1,devenv,state-human-long,a%!(VAGRANT_COMMA) b\\nc")
        #expect(lines.first?.data == ["a, b\nc"])
    }

    @Test func emptyOrForeignOutputIsAOneLineError() {
        #expect(throws: CommandError.malformedOutput(tool: "vagrant", reason: "no machine in `vagrant status` output")) {
            try VagrantStatusParser.parse("")
        }
        #expect(throws: CommandError.self) { try VagrantStatusParser.parse("Vagrant failed to initialize\n<html>") }
        #expect(throws: CommandError.malformedOutput(tool: "vagrant", reason: "no state for machine devenv")) {
            try VagrantStatusParser.parse("1,devenv,provider-name,virtualbox")
        }
    }

    /// Recorded from Vagrant 2.3.4 with the provider forced to VirtualBox on a host without it:
    /// exit 1, nothing on stderr, the reason inside the machine-readable error.
    @Test func anUnusableProviderSaysWhy() {
        let out = CommandOutput(exitCode: 1, stdout: Fixtures.bytes("vagrant/status-no-virtualbox.txt"), stderr: [])
        let result = VagrantStatusParser.status(of: out, machine: "devenv")
        #expect(result == .failure(.failed(tool: "vagrant", exitCode: 1,
            message: "Vagrant could not detect VirtualBox! Make sure VirtualBox is properly installed.")))
    }

    /// Recorded from Vagrant 2.3.4 in a folder with no Vagrantfile here or above: exit 1, and a
    /// five-line NoEnvironmentError whose first line ends mid-sentence.
    @Test func noVagrantfileSaysSoInOneLineNamingTheFolder() {
        let out = CommandOutput(exitCode: 1, stdout: Fixtures.bytes("vagrant/status-no-vagrantfile.txt"), stderr: [])
        let result = VagrantStatusParser.status(of: out, machine: "devenv", directory: "/home/dev/project")
        #expect(result == .failure(.failed(tool: "vagrant", exitCode: 1, message: "no Vagrantfile in /home/dev/project or above")))
        guard case .failure(let error) = result else { return }
        #expect(error.description == "vagrant: exit 1: no Vagrantfile in /home/dev/project or above")
        #expect(VagrantStatusParser.status(of: out, machine: "devenv")
            == .failure(.failed(tool: "vagrant", exitCode: 1, message: "no Vagrantfile in this folder or above")))
    }

    /// Another error-exit keeps Vagrant's own words (only NoEnvironmentError is rewritten).
    @Test func otherErrorsAreNotTakenForAMissingVagrantfile() {
        let out = CommandOutput(exitCode: 1, stdout: Fixtures.bytes("vagrant/status-no-virtualbox.txt"), stderr: [])
        #expect(!VagrantStatusParser.hasNoVagrantfile(out))
        #expect(VagrantStatusParser.hasNoVagrantfile(
            CommandOutput(exitCode: 1, stdout: Fixtures.bytes("vagrant/status-no-vagrantfile.txt"), stderr: [])))
    }
}
