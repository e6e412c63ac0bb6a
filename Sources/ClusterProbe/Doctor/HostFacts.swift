/// Where doctor reads the host. Tests point these at fixtures: `DEVTUI_PROC_ROOT`,
/// `DEVTUI_VBOX_NETWORKS_CONF`, `VAGRANT_HOME` (Vagrant's own variable).
public struct DoctorPaths: Sendable, Equatable {
    public var procRoot: String
    /// `sys` beside the proc root: /sys for /proc, `X/sys` for a fixture `X/proc`.
    public var sysRoot: String
    public var networksConf: String
    public var vagrantHome: String
    /// `etc/resolv.conf` beside the proc root: /etc/resolv.conf for /proc.
    public var resolvConf: String

    public init(procRoot: String = "/proc", networksConf: String = "/etc/vbox/networks.conf", vagrantHome: String) {
        self.procRoot = procRoot
        self.networksConf = networksConf
        self.vagrantHome = vagrantHome
        var parent = procRoot
        while parent.hasSuffix("/"), parent.count > 1 { parent.removeLast() }
        if let slash = parent.lastIndex(of: "/") { parent = String(parent[..<slash]) } else { parent = "." }
        sysRoot = parent + "/sys"
        resolvConf = parent + "/etc/resolv.conf"
    }

    public static func from(_ env: [String: String]) -> DoctorPaths {
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        return DoctorPaths(
            procRoot: env["DEVTUI_PROC_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "/proc",
            networksConf: env["DEVTUI_VBOX_NETWORKS_CONF"].flatMap { $0.isEmpty ? nil : $0 } ?? "/etc/vbox/networks.conf",
            vagrantHome: env["VAGRANT_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (home.hasSuffix("/") ? home : home + "/") + ".vagrant.d"
        )
    }
}

/// Host readings, each a plain function of files under the configured roots.
public enum HostFacts {
    public static var isLinux: Bool {
        #if os(Linux)
        return true
        #else
        return false
        #endif
    }

    /// `uname -m`: x86_64, aarch64, arm64.
    public static func machine() -> String {
        var info = utsname()
        guard uname(&info) == 0 else { return "unknown" }
        return withUnsafeBytes(of: &info.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// MemAvailable from `<proc>/meminfo`, in bytes.
    public static func availableMemory(procRoot: String) -> Int? {
        guard let text = FileText.text(procRoot + "/meminfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
        }
        return nil
    }

    /// Total memory on macOS (free memory has no single honest number there).
    public static func totalMemory() -> Int? {
        #if canImport(Darwin)
        var size: UInt64 = 0
        var length = MemoryLayout<UInt64>.size
        return sysctlbyname("hw.memsize", &size, &length, nil, 0) == 0 ? Int(size) : nil
        #else
        return nil
        #endif
    }

    /// Free bytes on the file system holding `path` (or its nearest existing parent), and that folder.
    public static func freeDisk(at path: String) -> (bytes: Int, checked: String)? {
        var dir = path
        while true {
            var info = statvfs()
            if statvfs(dir, &info) == 0 {
                return (Int(info.f_bavail) * Int(info.f_frsize), dir)
            }
            guard let slash = dir.lastIndex(of: "/"), dir != "/" else { return nil }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
    }

    /// Loaded module names from `<proc>/modules`; nil when unreadable.
    public static func modules(procRoot: String) -> Set<String>? {
        guard let text = FileText.text(procRoot + "/modules") else { return nil }
        return Set(text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
    }

    /// The running kernel's version (`6.12.1-arch1`), from `<proc>/sys/kernel/osrelease`.
    public static func kernel(procRoot: String) -> ToolVersion? {
        FileText.text(procRoot + "/sys/kernel/osrelease").flatMap { ToolVersion.leading($0.trimmingCharacters()[...]) }
    }

    /// The `nameserver` addresses of a resolv.conf, in order; nil when unreadable.
    public static func nameservers(resolvConf: String) -> [String]? {
        guard let text = FileText.text(resolvConf) else { return nil }
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return words.count >= 2 && words[0] == "nameserver" ? String(words[1]) : nil
        }
    }

    /// KVM's `enable_virt_at_load` parameter (Linux 6.12+): "Y", "N", or nil when absent.
    public static func kvmEnableVirtAtLoad(sysRoot: String) -> String? {
        FileText.text(sysRoot + "/module/kvm/parameters/enable_virt_at_load").map { $0.trimmingCharacters() }
    }
}
