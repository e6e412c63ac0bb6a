import Foundation
import Testing
@testable import ClusterProbe

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

    /// The VM's memory plus 1 GiB for the host: exactly that much free is enough, a byte less is
    /// not; the same with only the total known (no /proc/meminfo).
    @Test func memoryHeadRoomAtItsBoundary() {
        let gib = 1_073_741_824
        for vmMB in [3072, 1024] {
            let need = vmMB * 1_048_576 + gib
            for (measured, status) in [(need - 1, DoctorFinding.Status.fail), (need, .ok), (need + 1, .ok)] {
                let free = DoctorChecks.memory(available: measured, total: nil, vmMB: vmMB, vmRunning: false)
                #expect(free.status == status, "\(measured - need) bytes from \(vmMB) MB + 1 GiB free")
                let total = DoctorChecks.memory(available: nil, total: measured, vmMB: vmMB, vmRunning: false)
                #expect(total.status == status, "\(measured - need) bytes from \(vmMB) MB + 1 GiB in all")
            }
        }
        // The VM's memory alone, without the head-room, is not enough.
        #expect(DoctorChecks.memory(available: 3072 * 1_048_576, total: nil, vmMB: 3072, vmRunning: false).status == .fail)
        let short = DoctorChecks.memory(available: 4 * gib - 1, total: nil, vmMB: 3072, vmRunning: false)
        #expect(short.summary == "memory: 4.0 GiB free, the VM needs 3.0 GiB + 1 GiB for the host")
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
