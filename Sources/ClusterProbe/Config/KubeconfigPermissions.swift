/// The generated kubeconfig holds cluster-admin credentials. In the VM it is written with mode
/// 600, but through a VirtualBox shared folder the host sees whatever mode the host gives it, so
/// devtui checks on the host side and says so in one line; it is a warning, never fatal.
public enum KubeconfigPermissions {
    /// Nil when the file is absent or readable by its owner only; else the one-line warning.
    public static func warning(path: String, shownAs name: String = ProbeConfig.generatedKubeconfig) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = Int(info.st_mode) & 0o777
        guard mode & 0o077 != 0 else { return nil }
        let who = mode & 0o007 != 0 ? "any user of this machine" : "the file's group"
        return "\(name) (cluster-admin credentials) is readable by \(who), mode \(String(mode, radix: 8)): chmod 600 \(name)"
    }
}
