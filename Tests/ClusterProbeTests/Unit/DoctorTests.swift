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

@Suite struct SupportMatrixTests {
    func status(_ vagrant: ToolVersion, _ vbox: ToolVersion, macOS: Bool = false) -> DoctorFinding.Status {
        DoctorChecks.pair(vagrant: vagrant, virtualBox: vbox, macOS: macOS).status
    }

    @Test func eachVirtualBoxLineNeedsItsVagrant() {
        #expect(status(ToolVersion(2, 2, 6), ToolVersion(6, 1, 50)) == .fail)
        #expect(status(ToolVersion(2, 2, 7), ToolVersion(6, 1, 50)) == .ok)
        #expect(status(ToolVersion(2, 3, 1), ToolVersion(7, 0, 20)) == .fail)
        #expect(status(ToolVersion(2, 3, 2), ToolVersion(7, 0, 20)) == .ok)
        #expect(status(ToolVersion(2, 3, 2), ToolVersion(7, 0, 20), macOS: true) == .warn)
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

@Suite struct HostCheckTests {
    let hosts = Fixtures.repoRoot + "/Tests/Fixtures/doctor/hosts/"

    @Test func architecture() {
        #expect(DoctorChecks.arch("x86_64").status == .ok)
        #expect(DoctorChecks.arch("arm64").status == .fail)
        #expect(DoctorChecks.arch("aarch64").status == .fail)
        #expect(DoctorChecks.arch("riscv64").status == .warn)
    }

    @Test func pathsFromTheEnvironment() {
        let plain = DoctorPaths.from(["HOME": "/home/u"])
        #expect(plain == DoctorPaths(procRoot: "/proc", networksConf: "/etc/vbox/networks.conf", vagrantHome: "/home/u/.vagrant.d"))
        #expect(plain.sysRoot == "/sys")
        let set = DoctorPaths.from(["HOME": "/home/u", "DEVTUI_PROC_ROOT": "/t/h/proc", "DEVTUI_VBOX_NETWORKS_CONF": "/t/n.conf", "VAGRANT_HOME": "/big/vagrant"])
        #expect(set.procRoot == "/t/h/proc" && set.sysRoot == "/t/h/sys")
        #expect(set.networksConf == "/t/n.conf" && set.vagrantHome == "/big/vagrant")
    }

    @Test func kvmOnLinux612HoldsVTx() {
        let paths = DoctorPaths(procRoot: hosts + "kvm-intel-6.12/proc", vagrantHome: "/nonexistent")
        #expect(paths.sysRoot == hosts + "kvm-intel-6.12/sys")
        let finding = DoctorChecks.kvm(modules: HostFacts.modules(procRoot: paths.procRoot), kernel: HostFacts.kernel(procRoot: paths.procRoot),
                                       enableVirtAtLoad: HostFacts.kvmEnableVirtAtLoad(sysRoot: paths.sysRoot))
        #expect(finding.status == .warn)
        #expect(finding.summary.contains("VERR_VMX_IN_VMX_ROOT_MODE"))
        #expect(finding.fix?.hasPrefix("sudo modprobe -r kvm_intel") == true)
        #expect(finding.fix?.contains("enable_virt_at_load=0") == true)
    }

    @Test func kvmWithTheOverrideOrOlderKernelOrNone() {
        let off = DoctorPaths(procRoot: hosts + "kvm-amd-off/proc", vagrantHome: "/x")
        let offFinding = DoctorChecks.kvm(modules: HostFacts.modules(procRoot: off.procRoot), kernel: HostFacts.kernel(procRoot: off.procRoot),
                                          enableVirtAtLoad: HostFacts.kvmEnableVirtAtLoad(sysRoot: off.sysRoot))
        #expect(offFinding.status == .ok)
        #expect(offFinding.summary.contains("kvm_amd"))
        let amdOn = DoctorChecks.kvm(modules: ["kvm_amd", "kvm"], kernel: ToolVersion(6, 12), enableVirtAtLoad: nil)
        #expect(amdOn.summary.contains("VERR_SVM_IN_USE"))
        #expect(DoctorChecks.kvm(modules: ["kvm_intel"], kernel: ToolVersion(6, 6), enableVirtAtLoad: nil).status == .ok)
        #expect(DoctorChecks.kvm(modules: HostFacts.modules(procRoot: hosts + "plain-6.8/proc"), kernel: nil, enableVirtAtLoad: nil).status == .ok)
        #expect(DoctorChecks.kvm(modules: nil, kernel: nil, enableVirtAtLoad: nil).status == .warn)
    }

    @Test func networksConf() {
        let dir = Fixtures.repoRoot + "/Tests/Fixtures/doctor/networks/"
        let wide = NetworksConf.parse(FileText.text(dir + "wide.conf")!)
        #expect(wide.ranges == ["10.0.0.0/8", "192.168.0.0/16", "2001::/64"])
        #expect(wide.ignored.isEmpty && wide.invalid.isEmpty)
        #expect(wide.allows("192.168.56.10") && wide.allows("10.9.8.7") && !wide.allows("172.16.0.1"))
        let other = NetworksConf.parse(FileText.text(dir + "other-range.conf")!)
        let refused = DoctorChecks.hostOnly(ip: "192.168.56.10", conf: other, confPath: "/etc/vbox/networks.conf", virtualBox: ToolVersion(7, 1, 4), macOS: false)
        #expect(refused.status == .fail)
        #expect(refused.fix?.hasPrefix("echo '* 192.168.56.0/24' | sudo tee -a /etc/vbox/networks.conf") == true)
        let ignored = NetworksConf.parse(FileText.text(dir + "ignored.conf")!)
        #expect(ignored.ranges == ["192.168.56.0/21"])
        #expect(ignored.ignored == ["line 2: 192.168.56.0/21", "line 3: garbage line here"])
        let noted = DoctorChecks.hostOnly(ip: "192.168.56.10", conf: ignored, confPath: "n.conf", virtualBox: nil, macOS: false)
        #expect(noted.status == .warn)
        #expect(noted.summary == "host-only network: 192.168.56.10 is allowed (n.conf); ignored in n.conf: line 2: 192.168.56.0/21 (+1 more)")
        // Vagrant reads every word after `*` as an address: a stray word or a trailing comment stops it.
        let invalid = NetworksConf.parse(FileText.text(dir + "invalid.conf")!)
        #expect(invalid.invalid == ["line 1: not-a-range", "line 2: #", "line 2: a", "line 2: comment", "line 2: after", "line 2: the", "line 2: ranges"])
        let stops = DoctorChecks.hostOnly(ip: "192.168.56.10", conf: invalid, confPath: "n.conf", virtualBox: ToolVersion(7, 1, 4), macOS: false)
        #expect(stops.status == .fail)
        #expect(stops.summary == "host-only network: n.conf line 1: not-a-range (+6 more) is no address or range: vagrant up stops reading the file")
        // macOS with VirtualBox 7 and old VirtualBox restrict nothing.
        #expect(DoctorChecks.hostOnly(ip: "10.0.0.5", conf: other, confPath: "x", virtualBox: ToolVersion(7, 0, 20), macOS: true).status == .ok)
        #expect(NetworksConf.parse("* 192.168.56.10\n").allows("192.168.56.10"))
        #expect(!NetworksConf.parse("allow everything please\n").allows("192.168.56.10"))
        #expect(NetworksConf.absent().allows("192.168.63.254") && !NetworksConf.absent().allows("192.168.64.1"))
        // Before 6.1.28 VirtualBox restricted nothing.
        #expect(DoctorChecks.hostOnly(ip: "10.0.0.5", conf: .absent(), confPath: "x", virtualBox: ToolVersion(6, 1, 26), macOS: false).status == .ok)
    }

    @Test func portOwnerFromProcTables() {
        let proc = hosts + "plain-6.8/proc"
        #expect(PortProbe.listeningInodes(procRoot: proc, port: 8080) == ["4242001"])
        #expect(PortProbe.listeningInodes(procRoot: proc, port: 6443) == ["5151001"])
        let owner = PortProbe.owner(procRoot: proc, inodes: ["4242001"])
        #expect(owner?.pid == 31337)
        #expect(owner?.name == "nginx")
        #expect(PortProbe.owner(procRoot: proc, inodes: ["5151001"])?.name == "kubectl")
        #expect(PortProbe.listeningInodes(procRoot: "/nonexistent", port: 8080) == nil)
        #expect(PortProbe.parseLsof("p812\ncnginx\np813\ncnginx\n").map { "\($0.name) \($0.pid)" } == "nginx 812")
        #expect(PortProbe.parseLsof("garbage") == nil)
        let taken = DoctorChecks.port(8080, id: "port-app", role: "app", key: "APP_HOST_PORT", state: .taken, owner: owner, vmRunning: false)
        #expect(taken.summary == "port 127.0.0.1:8080 (app) is taken by nginx (pid 31337): Vagrant cannot forward it")
        #expect(taken.fix == "stop nginx (pid 31337), or set APP_HOST_PORT in settings.env to a free port")
        #expect(DoctorChecks.port(8080, id: "p", role: "app", key: "K", state: .taken, owner: nil, vmRunning: true).status == .ok)
    }

    @Test func aRealListenerIsSeenAndNamed() throws {
        let listener = try Listener()
        #expect(PortProbe.state(port: listener.port) == .taken)
        #if os(Linux)
        if let inodes = PortProbe.listeningInodes(procRoot: "/proc", port: listener.port) {
            #expect(PortProbe.owner(procRoot: "/proc", inodes: inodes)?.pid == Int(getpid()))
        }
        #endif
        listener.close()
    }

    @Test func memoryAndDisk() {
        let available = HostFacts.availableMemory(procRoot: hosts + "kvm-amd-off/proc")
        #expect(available == 2_297_856 * 1024)
        let short = DoctorChecks.memory(available: available, total: nil, vmMB: 3072, vmRunning: false)
        #expect(short.status == .fail)
        #expect(short.summary == "memory: 2.2 GiB free, the VM needs 3.0 GiB + 1 GiB for the host")
        #expect(short.fix?.contains("DEVENV_MEMORY=2048 vagrant up") == true)
        #expect(DoctorChecks.memory(available: available, total: nil, vmMB: 1024, vmRunning: false).status == .ok)
        #expect(DoctorChecks.memory(available: nil, total: nil, vmMB: 3072, vmRunning: false).status == .warn)
        #expect(DoctorChecks.memory(available: 1, total: nil, vmMB: 3072, vmRunning: true).status == .ok)
        #expect(DoctorChecks.disk(free: (5 * 1_073_741_824, "/home/u/.vagrant.d"), vagrantHome: "/home/u/.vagrant.d").status == .fail)
        #expect(DoctorChecks.disk(free: (50 * 1_073_741_824, "/home/u"), vagrantHome: "/home/u/.vagrant.d").status == .ok)
        // A Vagrant home that does not exist yet is measured on its nearest existing parent.
        #expect(HostFacts.freeDisk(at: NSTemporaryDirectory() + "no/such/dir")?.checked.hasPrefix("/") == true)
    }

    @Test func vmStateAndProvider() {
        let libvirt = VMStatus(state: "not_created", stateHuman: "not created", provider: "libvirt", machine: "devenv")
        let picked = DoctorChecks.vm(.success(libvirt), machine: "devenv")
        #expect(picked.status == .fail)
        #expect(picked.summary == "VM devenv: Vagrant picked the libvirt provider, not virtualbox (not created)")
        let none = DoctorChecks.vm(.failure(.failed(tool: "vagrant", exitCode: 1, message: "No usable default provider could be found for your system.")), machine: "devenv")
        #expect(none.status == .fail && none.summary.hasPrefix("VM: Vagrant finds no usable provider"))
        let running = VMStatus(state: "running", stateHuman: "running", provider: "virtualbox", machine: "devenv")
        #expect(DoctorChecks.vm(.success(running), machine: "devenv").status == .ok)
        #expect(DoctorChecks.vm(nil, machine: "devenv").status == .warn)
        // Machine-readable errors come out as their message, not the raw line.
        let out = CommandOutput(exitCode: 1, stdout: Array("1796042506,,ui,error,No usable default provider could be found for your system.\\n\\nVagrant relies on interactions\n".utf8), stderr: [])
        #expect(VagrantStatusParser.errorMessage(out) == "No usable default provider could be found for your system.")
    }

    @Test func kubectlSkew() {
        let json = CommandOutput(exitCode: 0, stdout: Fixtures.bytes("doctor/ready/kubectl-version-client"), stderr: [])
        #expect(DoctorChecks.kubectl(.success(json), cluster: nil, pinned: "v1.34.1+k3s1").status == .ok)
        let far = DoctorChecks.kubectl(.success(json), cluster: ToolVersion(1, 32, 0), pinned: "v1.34.1+k3s1")
        #expect(far.status == .warn)
        #expect(far.summary == "kubectl 1.34.2 is 2 minor versions from the cluster's 1.32 (supported: one)")
        #expect(DoctorChecks.kubectl(.failure(.notFound(tool: "kubectl")), cluster: nil, pinned: "v1.34.1+k3s1").fix == "install kubectl 1.33 to 1.35")
    }
}

/// A real TCP listener on 127.0.0.1, on a port the kernel picks.
final class Listener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0, listen(fd, 4) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { _ = Glibc.close(fd); throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
