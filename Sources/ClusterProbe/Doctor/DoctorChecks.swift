/// The checks as pure functions of what was measured, so each is unit tested on fixtures.
public enum DoctorChecks {
    public static let diskNeeded = 10 * gib
    /// Head-room the host keeps beside the VM's memory.
    public static let hostReserve = 1 * gib
    static let gib = 1_073_741_824
    static func size(_ bytes: Int) -> String { ByteFormat.binary(Int64(bytes)) }

    public static func arch(_ machine: String) -> DoctorFinding {
        switch machine {
        case "x86_64", "amd64", "i686", "i386":
            return DoctorFinding("arch", .ok, "host \(machine): the box geerlingguy/ubuntu1604 is amd64")
        case "arm64", "aarch64", "arm64e":
            return DoctorFinding("arch", .fail, "host \(machine): the box geerlingguy/ubuntu1604 is amd64 only, VirtualBox cannot run it here",
                                 fix: "use an x86_64 machine, or run the manifests on a local cluster (README: Beyond the VM)")
        default:
            return DoctorFinding("arch", .warn, "host \(machine): untested; the box is amd64",
                                 fix: "use an x86_64 machine if `vagrant up` fails to boot")
        }
    }

    public static let installVirtualBox = "install VirtualBox \(SupportMatrix.minimumVirtualBox)+ (virtualbox.org/wiki/Downloads) so that VBoxManage is on PATH"

    public static func virtualBox(_ outcome: Result<CommandOutput, CommandError>) -> (DoctorFinding, ToolVersion?) {
        switch outcome {
        case .failure(.notFound):
            return (DoctorFinding("virtualbox", .fail, "VirtualBox: VBoxManage not found on PATH", fix: installVirtualBox), nil)
        case .failure(.timedOut(_, let after)):
            return (DoctorFinding("virtualbox", .warn, "VirtualBox: `VBoxManage --version` gave no answer within \(DurationFormat.short(after))",
                                  fix: "run `VBoxManage --version` by hand; a hung VBoxSVC needs `pkill VBoxSVC` or a reboot"), nil)
        case .failure(let error):
            return (DoctorFinding("virtualbox", .fail, "VirtualBox: \(error)", fix: installVirtualBox), nil)
        case .success(let output):
            let text = output.stdoutText + "\n" + output.stderrText
            switch VersionParser.virtualBox(text) {
            case .failure(.kernelModuleNotLoaded(let line)):
                return (DoctorFinding("virtualbox", .fail, "VirtualBox: kernel module not loaded (\(line))",
                                      fix: "sudo /sbin/vboxconfig (needs your kernel's headers), then reboot if it asks"), nil)
            case .failure(.installIncomplete(let line)):
                return (DoctorFinding("virtualbox", .fail, "VirtualBox: installation incomplete (\(line))", fix: installVirtualBox), nil)
            case .failure(.unreadable(let line)):
                let code = output.exitCode == 0 ? "" : "exit \(output.exitCode), "
                return (DoctorFinding("virtualbox", .fail, "VirtualBox: `VBoxManage --version` printed no version (\(code)\(line))",
                                      fix: "run `VBoxManage --version` by hand; reinstall VirtualBox if it fails"), nil)
            case .success(let version):
                if version < SupportMatrix.minimumVirtualBox {
                    return (DoctorFinding("virtualbox", .fail, "VirtualBox \(version) is older than \(SupportMatrix.minimumVirtualBox)",
                                          fix: "install VirtualBox \(SupportMatrix.newest.virtualBox) (or any \(SupportMatrix.minimumVirtualBox)+) from virtualbox.org"), version)
                }
                let tag = version.suffix.isEmpty ? "" : " (\(version.suffix) build)"
                return (DoctorFinding("virtualbox", .ok, "VirtualBox \(version)\(tag)"), version)
            }
        }
    }

    public static let installVagrant = "install Vagrant \(SupportMatrix.newest.vagrant)+ from developer.hashicorp.com/vagrant/install (distribution packages lag and default to libvirt)"

    public static func vagrant(_ outcome: Result<CommandOutput, CommandError>) -> (DoctorFinding, ToolVersion?) {
        switch outcome {
        case .failure(.notFound):
            return (DoctorFinding("vagrant", .fail, "Vagrant: not found on PATH", fix: installVagrant), nil)
        case .failure(.timedOut(_, let after)):
            return (DoctorFinding("vagrant", .warn, "Vagrant: `vagrant --version` gave no answer within \(DurationFormat.short(after))",
                                  fix: "run `vagrant --version` by hand"), nil)
        case .failure(let error):
            return (DoctorFinding("vagrant", .fail, "Vagrant: \(error)", fix: installVagrant), nil)
        case .success(let output):
            switch VersionParser.vagrant(output.stdoutText) {
            case .success(let version):
                let dev = version.suffix.isEmpty ? "" : " (\(version.suffix) build)"
                return (DoctorFinding("vagrant", .ok, "Vagrant \(version)\(dev)"), version)
            case .failure(let failure):
                let line: String
                if case .unreadable(let text) = failure { line = text } else { line = "?" }
                return (DoctorFinding("vagrant", .fail, "Vagrant: `vagrant --version` printed no version (\(line))",
                                      fix: installVagrant), nil)
            }
        }
    }

    /// Whether this Vagrant drives this VirtualBox (Vagrant refuses VirtualBox lines it does not know).
    public static func pair(vagrant: ToolVersion, virtualBox: ToolVersion, macOS: Bool = !HostFacts.isLinux) -> DoctorFinding {
        let id = "vagrant-virtualbox"
        guard let row = SupportMatrix.row(for: virtualBox) else {
            if virtualBox < ToolVersion(6, 1) {
                return DoctorFinding(id, .fail, "VirtualBox \(virtualBox.minorLine) is too old for this environment",
                                     fix: "install VirtualBox \(SupportMatrix.newest.virtualBox)")
            }
            return DoctorFinding(id, .warn, "VirtualBox \(virtualBox.minorLine) is newer than the Vagrant releases devtui knows (\(SupportMatrix.newest.virtualBox) needs \(SupportMatrix.newest.vagrant)+)",
                                 fix: "check Vagrant's CHANGELOG for \"Add support for VirtualBox \(virtualBox.minorLine)\" and install that release, or VirtualBox \(SupportMatrix.newest.virtualBox)")
        }
        if vagrant < row.vagrant {
            let older = SupportMatrix.rows.last { vagrant >= $0.vagrant }
            return DoctorFinding(id, .fail, "Vagrant \(vagrant) cannot drive VirtualBox \(row.virtualBox) (needs Vagrant \(row.vagrant)+)",
                                 fix: "install Vagrant \(row.vagrant)+ from developer.hashicorp.com/vagrant/install"
                                    + (older.map { ", or VirtualBox \($0.virtualBox)" } ?? ""))
        }
        // This VM has a private network: on macOS VirtualBox 7.0 has host-only networks, not
        // adapters, and Vagrant drives them from 2.3.3 (before, the VM does not start).
        if macOS, row.virtualBox == "7.0", vagrant < SupportMatrix.macOSPrivateNetwork70 {
            return DoctorFinding(id, .fail, "Vagrant \(vagrant) cannot start this VM with VirtualBox 7.0 on macOS: its private network needs Vagrant \(SupportMatrix.macOSPrivateNetwork70)+ (\"Host-only adapters are no longer supported\")",
                                 fix: "install Vagrant \(SupportMatrix.macOSPrivateNetwork70)+ from developer.hashicorp.com/vagrant/install")
        }
        return DoctorFinding(id, .ok, "Vagrant \(vagrant) supports VirtualBox \(row.virtualBox) (from \(row.vagrant))")
    }

    /// VirtualBox 7.2's NAT regressions that hit this VM (`VirtualBoxNAT`): one `!` per regression
    /// the installed release has, each with the release that fixes it (or the line to use while none
    /// does); nothing for other releases. `nameservers`: the host's resolv.conf, Linux only.
    public static func virtualBoxNAT(_ version: ToolVersion, nameservers: [String]?) -> [DoctorFinding] {
        guard version.minorLine == VirtualBoxNAT.affectedLine else { return [] }
        var found: [DoctorFinding] = []
        if version < VirtualBoxNAT.portForwardingFixed {
            found.append(DoctorFinding("virtualbox-nat-ports", .warn,
                                       "VirtualBox \(version): NAT can stop working when a VM forwards several ports, and this one forwards three (VirtualBox/virtualbox#232, fixed in \(VirtualBoxNAT.portForwardingFixed))",
                                       fix: "install VirtualBox \(VirtualBoxNAT.portForwardingFixed) or later (virtualbox.org/wiki/Downloads)"))
        }
        if let nameservers, !nameservers.isEmpty, nameservers.allSatisfy(isLoopback) {
            let shown = nameservers.joined(separator: ", ")
            found.append(DoctorFinding("virtualbox-nat-dns", .warn,
                                       "VirtualBox \(version) hands the VM this host's nameserver \(shown) (/etc/resolv.conf), a loopback address the VM cannot reach: it resolves no names (\(VirtualBoxNAT.dnsIssue), open: no 7.2 release fixes it)",
                                       fix: "use VirtualBox 7.1, which gives the VM its own DNS server at 10.0.2.3"))
        }
        return found
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || (IPv4Range.address(address).map { $0 >> 24 == 127 } ?? false)
    }

    /// Linux 6.12+ lets KVM take VT-x/AMD-V when its module loads; VirtualBox then fails to start VMs.
    public static func kvm(modules: Set<String>?, kernel: ToolVersion?, enableVirtAtLoad: String?) -> DoctorFinding {
        guard let modules else {
            return DoctorFinding("kvm", .warn, "KVM: cannot read the loaded modules (/proc/modules)",
                                 fix: "check by hand: `lsmod | grep kvm`; if kvm_intel/kvm_amd is loaded, `sudo modprobe -r kvm_intel` (or kvm_amd)")
        }
        let loaded = ["kvm_intel", "kvm_amd"].filter { modules.contains($0) }
        guard let module = loaded.first else { return DoctorFinding("kvm", .ok, "KVM: no kvm_intel/kvm_amd module loaded") }
        let error = module == "kvm_amd" ? "VERR_SVM_IN_USE" : "VERR_VMX_IN_VMX_ROOT_MODE"
        let holdsAtLoad = kernel.map { $0 >= ToolVersion(6, 12) } ?? true
        if enableVirtAtLoad == "N" || enableVirtAtLoad == "0" {
            return DoctorFinding("kvm", .ok, "KVM: \(module) loaded with enable_virt_at_load=N (VirtualBox can start VMs)")
        }
        if !holdsAtLoad {
            return DoctorFinding("kvm", .ok, "KVM: \(module) loaded; Linux \(kernel!.minorLine) takes the CPU only while a KVM VM runs")
        }
        return DoctorFinding("kvm", .warn,
                             "KVM: \(module) is loaded and Linux \(kernel.map { $0.minorLine } ?? "6.12+") gives it VT-x/AMD-V at load: VirtualBox fails with \(error)",
                             fix: "sudo modprobe -r \(module) (until reboot), or `options kvm enable_virt_at_load=0` in /etc/modprobe.d/kvm.conf (kernel: kvm.enable_virt_at_load=0)")
    }

    /// Whether Vagrant will accept the VM's host-only IP (it checks before VirtualBox does):
    /// VirtualBox 6.1.28+, not on Windows, not on macOS from VirtualBox 7.0 (network.rb
    /// `validate_hostonly_ip!`).
    public static func hostOnly(ip: String, conf: NetworksConf, confPath: String, virtualBox: ToolVersion?,
                                macOS: Bool = !HostFacts.isLinux) -> DoctorFinding {
        let id = "host-only-network"
        if IPv4Range.address(ip) == nil {
            return DoctorFinding(id, .fail, "host-only network: VM_IP \(ip) in settings.env is not an IPv4 address", fix: "set VM_IP in settings.env, e.g. 192.168.56.10")
        }
        if let virtualBox, virtualBox < SupportMatrix.minimumVirtualBox {
            return DoctorFinding(id, .ok, "host-only network: VirtualBox \(virtualBox) restricts no range")
        }
        if macOS, let virtualBox, virtualBox >= ToolVersion(7, 0) {
            return DoctorFinding(id, .ok, "host-only network: \(ip) (VirtualBox 7 on macOS restricts no range)")
        }
        if let bad = conf.invalid.first {
            let more = conf.invalid.count > 1 ? " (+\(conf.invalid.count - 1) more)" : ""
            return DoctorFinding(id, .fail, "host-only network: \(confPath) \(bad)\(more) is no address or range: vagrant up stops reading the file",
                                 fix: "make each line of \(confPath) `* <range> [<range>...]`, with no comment after the ranges")
        }
        let ignored = conf.ignored.isEmpty ? "" : "; ignored in \(confPath): \(conf.ignored[0])\(conf.ignored.count > 1 ? " (+\(conf.ignored.count - 1) more)" : "")"
        if conf.allows(ip) {
            let source = conf.present ? confPath : "default \(NetworksConf.defaultRange), no \(confPath)"
            return DoctorFinding(id, conf.ignored.isEmpty ? .ok : .warn, "host-only network: \(ip) is allowed (\(source))\(ignored)",
                                 fix: conf.ignored.isEmpty ? nil : "lines of \(confPath) that do not start with `*` are ignored: `* <range> [<range>...]`")
        }
        let octets = ip.split(separator: ".")
        let suggestion = "* \(octets[0]).\(octets[1]).\(octets[2]).0/24"
        let v4 = conf.ranges.filter { IPv4Range($0) != nil }
        let allowed = v4.isEmpty ? "none" : v4.joined(separator: " ")
        return DoctorFinding(id, .fail, "host-only network: \(ip) is outside the ranges VirtualBox allows (\(allowed))\(ignored)",
                             fix: "echo '\(suggestion)' | sudo tee -a \(confPath)   (or set VM_IP in settings.env inside \(allowed == "none" ? NetworksConf.defaultRange : allowed))")
    }

    public static func port(_ port: Int, id: String, role: String, key: String, state: PortProbe.State,
                            owner: (pid: Int, name: String)?, vmRunning: Bool) -> DoctorFinding {
        if vmRunning {
            return DoctorFinding(id, .ok, "port 127.0.0.1:\(port) (\(role)): forwarded by the running VM")
        }
        switch state {
        case .free:
            return DoctorFinding(id, .ok, "port 127.0.0.1:\(port) (\(role)) is free")
        case .taken:
            let who = owner.map { " by \($0.name) (pid \($0.pid))" } ?? ""
            let stop = owner.map { "stop \($0.name) (pid \($0.pid))" } ?? "free it (`lsof -nP -iTCP:\(port) -sTCP:LISTEN` names the process)"
            return DoctorFinding(id, .fail, "port 127.0.0.1:\(port) (\(role)) is taken\(who): Vagrant cannot forward it",
                                 fix: "\(stop), or set \(key) in settings.env to a free port")
        case .unknown(let why):
            return DoctorFinding(id, .warn, "port 127.0.0.1:\(port) (\(role)): could not check (\(why))",
                                 fix: "check by hand: lsof -nP -iTCP:\(port) -sTCP:LISTEN")
        }
    }

    public static func memory(available: Int?, total: Int?, vmMB: Int, vmRunning: Bool) -> DoctorFinding {
        let need = vmMB * 1_048_576 + hostReserve
        if vmRunning {
            return DoctorFinding("memory", .ok, "memory: the VM is running with its \(size(vmMB * 1_048_576))")
        }
        let lower = "lower the VM's memory: DEVENV_MEMORY=\(max(1024, vmMB - 1024)) vagrant up (or VM_MEMORY_MB in settings.env)"
        if let available {
            if available < need {
                return DoctorFinding("memory", .fail, "memory: \(size(available)) free, the VM needs \(size(vmMB * 1_048_576)) + 1 GiB for the host",
                                     fix: "close programs, or \(lower)")
            }
            return DoctorFinding("memory", .ok, "memory: \(size(available)) free (the VM takes \(size(vmMB * 1_048_576)))")
        }
        if let total {
            if total < need {
                return DoctorFinding("memory", .fail, "memory: \(size(total)) in all, the VM needs \(size(vmMB * 1_048_576)) + 1 GiB", fix: lower)
            }
            return DoctorFinding("memory", .ok, "memory: \(size(total)) in all (free not measured; the VM takes \(size(vmMB * 1_048_576)))")
        }
        return DoctorFinding("memory", .warn, "memory: could not read free memory (/proc/meminfo)",
                             fix: "make sure \(size(need)) are free before `vagrant up`")
    }

    public static func disk(free: (bytes: Int, checked: String)?, vagrantHome: String) -> DoctorFinding {
        guard let free else {
            return DoctorFinding("disk", .warn, "disk: could not measure free space at \(vagrantHome)", fix: "make sure 10 GiB are free there")
        }
        if free.bytes < diskNeeded {
            return DoctorFinding("disk", .fail, "disk: \(size(free.bytes)) free at \(free.checked), the box and VM need 10 GiB",
                                 fix: "free space there, or point VAGRANT_HOME at a disk with 10 GiB free (and VirtualBox's machine folder)")
        }
        return DoctorFinding("disk", .ok, "disk: \(size(free.bytes)) free at \(free.checked)")
    }

    /// kubectl supports one minor version either side of the cluster's.
    public static func kubectl(_ outcome: Result<CommandOutput, CommandError>, cluster: ToolVersion?, pinned: String) -> DoctorFinding {
        let target = cluster ?? ToolVersion.leading(pinned[...])
        let against = cluster != nil ? "the cluster's" : "the pinned k3s"
        switch outcome {
        case .failure(.notFound):
            return DoctorFinding("kubectl", .warn, "kubectl: not on PATH (the VM has its own; devtui's cluster panels need one here)",
                                 fix: target.map { "install kubectl 1.\($0.minor - 1) to 1.\($0.minor + 1)" } ?? "install kubectl")
        case .failure(let error):
            return DoctorFinding("kubectl", .warn, "kubectl: \(error)", fix: "run `kubectl version --client` by hand")
        case .success(let output):
            guard let client = VersionParser.kubectl(output.stdout, key: "clientVersion") else {
                return DoctorFinding("kubectl", .warn, "kubectl: `kubectl version --client -o json` gave no version (\(TextSanitizer.firstLine(output.stderrText.isEmpty ? output.stdoutText : output.stderrText).prefix(60)))",
                                     fix: "run `kubectl version --client` by hand")
            }
            guard let target else { return DoctorFinding("kubectl", .ok, "kubectl \(client)") }
            let skew = abs(client.minor - target.minor)
            if client.major != target.major || skew > 1 {
                return DoctorFinding("kubectl", .warn, "kubectl \(client) is \(skew) minor versions from \(against) \(target.minorLine) (supported: one)",
                                     fix: "install kubectl 1.\(target.minor - 1) to 1.\(target.minor + 1)")
            }
            return DoctorFinding("kubectl", .ok, "kubectl \(client) (\(against) \(target.minorLine))")
        }
    }

    public static func vm(_ outcome: Result<VMStatus, CommandError>?, machine: String) -> DoctorFinding {
        guard let outcome else {
            return DoctorFinding("vm", .warn, "VM: `vagrant status` gave no answer in time", fix: "run `vagrant status` by hand")
        }
        switch outcome {
        case .failure(.notFound):
            return DoctorFinding("vm", .fail, "VM: cannot ask, vagrant is not on PATH", fix: installVagrant)
        case .failure(.timedOut(_, let after)):
            return DoctorFinding("vm", .warn, "VM: `vagrant status` gave no answer within \(DurationFormat.short(after))", fix: "run `vagrant status` by hand")
        case .failure(.failed(_, _, let message)) where virtualBoxUnusable.contains(where: { message.contains($0) }):
            return DoctorFinding("vm", .fail, "\(vmVirtualBoxUnusable)\(message)",
                                 fix: "make VirtualBox usable (the VirtualBox lines above), then `vagrant status` answers")
        case .failure(.failed(_, _, let message)) where message.contains("No usable default provider"):
            return DoctorFinding("vm", .fail, "VM: Vagrant finds no usable provider (\(message))",
                                 fix: "install VirtualBox (see above); `vagrant up --provider=virtualbox` says why it is not usable")
        case .failure(let error):
            return DoctorFinding("vm", .fail, "VM: \(error)", fix: "run `vagrant status` to see the whole message")
        case .success(let vm):
            if let provider = vm.provider, provider != "virtualbox" {
                return DoctorFinding("vm", .fail, "VM \(vm.machine): Vagrant picked the \(provider) provider, not virtualbox (\(vm.stateHuman))",
                                     fix: "make VirtualBox usable (see above), or `vagrant up --provider=virtualbox` to see why it is not"
                                        + (vm.isCreated ? "; `vagrant destroy` the \(provider) VM first" : ""))
            }
            switch vm.state {
            case "running": return DoctorFinding("vm", .ok, "VM \(vm.machine): running")
            case "not_created": return DoctorFinding("vm", .ok, "VM \(vm.machine): not created yet (`vagrant up` or u in devtui creates it)")
            case "inaccessible", "aborted":
                return DoctorFinding("vm", .warn, "VM \(vm.machine): \(vm.stateHuman)", fix: "vagrant up; if it stays \(vm.stateHuman): vagrant destroy -f && vagrant up")
            default: return DoctorFinding("vm", .ok, "VM \(vm.machine): \(vm.stateHuman) (`vagrant up` starts it)")
            }
        }
    }

    /// Vagrant's words when its VirtualBox provider is not usable: templates/locales/en.yml
    /// `virtualbox_not_detected`, `virtualbox_invalid_version`, `virtualbox_kernel_module_not_loaded`,
    /// `virtualbox_install_incomplete`, each inside `provider_not_usable` ("The provider 'virtualbox'
    /// that was requested ... isn't usable on this system"; checked in Vagrant 2.3.4's en.yml).
    static let virtualBoxUnusable = [
        "Vagrant could not detect VirtualBox",
        "a version of VirtualBox installed that is not supported",
        "VirtualBox is complaining that the kernel module is not loaded",
        "VirtualBox is complaining that the installation is incomplete",
        "provider 'virtualbox' that was requested",
    ]
    static let vmVirtualBoxUnusable = "VM: Vagrant cannot use VirtualBox: "

    /// A `✗ VM` line that only repeats a VirtualBox failure already listed (no VBoxManage, a
    /// VirtualBox this Vagrant cannot drive) is folded into that line: one cause, one line.
    public static func foldVM(_ findings: [DoctorFinding]) -> [DoctorFinding] {
        guard let vm = findings.firstIndex(where: { $0.id == "vm" && $0.status == .fail && $0.summary.hasPrefix(vmVirtualBoxUnusable) }),
              let cause = findings.firstIndex(where: { ($0.id == "virtualbox" || $0.id == "vagrant-virtualbox") && $0.status == .fail })
        else { return findings }
        var out = findings
        out[cause].summary += " (so `vagrant status` fails too)"
        out.remove(at: vm)
        return out
    }

    public static func kubeconfig(path: String, exists: Bool) -> DoctorFinding {
        exists ? DoctorFinding("kubeconfig", .ok, "kubeconfig: \(path)")
            : DoctorFinding("kubeconfig", .fail, "kubeconfig: the VM runs but \(path) is missing",
                            fix: "vagrant provision (the k3s step writes it)")
    }

    public static func api(_ outcome: Result<CommandOutput, CommandError>) -> (DoctorFinding, ToolVersion?) {
        switch outcome {
        case .success(let output):
            if let server = VersionParser.kubectl(output.stdout, key: "serverVersion") {
                return (DoctorFinding("api", .ok, "Kubernetes API answers (\(server)\(server.suffix))"), server)
            }
            let line = TextSanitizer.firstLine(output.stderrText.isEmpty ? output.stdoutText : output.stderrText)
            if output.exitCode == 0 {
                return (DoctorFinding("api", .warn, "Kubernetes API: `kubectl version` gave no server version (\(String(line.prefix(60))))",
                                      fix: "run `kubectl version` by hand"), nil)
            }
            return (DoctorFinding("api", .fail, "Kubernetes API does not answer: \(String(KubectlDiagnosis.describe(.failed(tool: "kubectl", exitCode: output.exitCode, message: line)).prefix(100)))",
                                  fix: "vagrant provision, or look inside: vagrant ssh -c 'sudo systemctl status k3s'"), nil)
        case .failure(let error):
            return (DoctorFinding("api", .fail, "Kubernetes API: \(KubectlDiagnosis.describe(error))",
                                  fix: "vagrant provision, or look inside: vagrant ssh -c 'sudo systemctl status k3s'"), nil)
        }
    }
}
