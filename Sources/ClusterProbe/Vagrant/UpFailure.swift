/// Why a `vagrant up` failed, from its output, and the fix for the failures we know.
/// Texts from hashicorp/vagrant templates/locales/en.yml (forward_ports collision_error,
/// virtualbox_invalid_host_subnet, provider_not_usable, box_add_short_not_found, downloader_error,
/// virtualbox_invalid_version) and VirtualBox's VERR_ codes as VBoxManage reports them.
public struct UpFailure: Sendable, Equatable {
    public var reason: String
    public var fix: String?

    public init(reason: String, fix: String?) {
        self.reason = reason
        self.fix = fix
    }

    public static func diagnose(_ lines: [String], vmIP: String) -> UpFailure? {
        // Vagrant wraps its messages: join the lines so a sentence matches across a wrap.
        let text = lines.map { $0.trimmingCharacters() }.joined(separator: " ")
        func has(_ s: String) -> Bool { text.contains(s) }
        if has("VERR_VMX_IN_VMX_ROOT_MODE") {
            return UpFailure(reason: "KVM holds VT-x (VERR_VMX_IN_VMX_ROOT_MODE)",
                             fix: "sudo modprobe -r kvm_intel, then u")
        }
        if has("VERR_SVM_IN_USE") {
            return UpFailure(reason: "KVM holds AMD-V (VERR_SVM_IN_USE)",
                             fix: "sudo modprobe -r kvm_amd, then u")
        }
        if has("VERR_VMX_NO_VMX") || has("VERR_VMX_MSR_ALL_VMX_DISABLED") || has("VERR_SVM_DISABLED") || has("VERR_NEM_NOT_AVAILABLE") {
            return UpFailure(reason: "VT-x/AMD-V is off or taken by another hypervisor",
                             fix: "enable virtualization in the BIOS/UEFI (Windows: turn Hyper-V off)")
        }
        if has("IP address configured for the host-only network is not within") {
            let octets = vmIP.split(separator: ".")
            let range = octets.count == 4 ? "\(octets[0]).\(octets[1]).\(octets[2]).0/24" : NetworksConf.defaultRange
            return UpFailure(reason: "VirtualBox refuses the host-only IP \(vmIP)",
                             fix: "echo '* \(range)' | sudo tee -a /etc/vbox/networks.conf, then u")
        }
        if has("Vagrant cannot forward the specified ports on this VM") {
            let port = firstNumber(after: "forwarded port to ", in: text)
            return UpFailure(reason: "port \(port.map { "127.0.0.1:\($0)" } ?? "") is taken".replacingAll("port  is", with: "a forwarded port is"),
                             fix: "free it (devtui doctor names the process) or change the port in settings.env, then u")
        }
        if has("No usable default provider could be found") || has("is reporting that it isn't usable on this system") {
            return UpFailure(reason: "Vagrant cannot use VirtualBox", fix: "run `devtui doctor`: VirtualBox missing, or too new for this Vagrant")
        }
        if has("that is not supported by this version of Vagrant") {
            return UpFailure(reason: "this Vagrant does not support the installed VirtualBox", fix: "run `devtui doctor`: it names the Vagrant to install")
        }
        if has("kernel module is not loaded") {
            return UpFailure(reason: "VirtualBox's kernel module is not loaded", fix: "sudo /sbin/vboxconfig, then u")
        }
        if has("could not be found or could not be accessed in the remote catalog") || has("An error occurred while downloading the remote file")
            || has("Error downloading:") || has("error occurred while downloading the metadata") {
            return UpFailure(reason: "the box could not be downloaded", fix: "check the network (proxy: HTTPS_PROXY), then u; the download resumes")
        }
        // Our provisioning scripts end with one line: `==> devenv: ERROR: <what to do>`.
        if let line = lines.last(where: { $0.contains("==> ") && $0.contains("ERROR: ") }),
           let range = line.firstRange(of: "ERROR: ") {
            return UpFailure(reason: String(line[range.upperBound...]).trimmingCharacters(), fix: nil)
        }
        return nil
    }

    static func firstNumber(after marker: String, in text: String) -> Int? {
        guard let range = text.firstRange(of: marker) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
