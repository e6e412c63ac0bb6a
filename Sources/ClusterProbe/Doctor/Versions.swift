/// A dotted version as tools print it: `7.1.4`, `2.4.1.dev`, `1.34.1+k3s1`.
public struct ToolVersion: Sendable, Equatable, Comparable, Codable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// What followed the numbers (`dev`, `_Ubuntu`, `+k3s1`), kept for messages.
    public var suffix: String

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0, suffix: String = "") {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.suffix = suffix
    }

    public static func < (a: ToolVersion, b: ToolVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }
    public static func == (a: ToolVersion, b: ToolVersion) -> Bool {
        (a.major, a.minor, a.patch) == (b.major, b.minor, b.patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }
    public var minorLine: String { "\(major).\(minor)" }

    /// `1.2.3` at the start of `text` (an optional leading `v`); at least major.minor.
    public static func leading(_ text: Substring) -> ToolVersion? {
        var rest = text
        if rest.first == "v" { rest = rest.dropFirst() }
        var numbers: [Int] = []
        while numbers.count < 3 {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count < 9, let n = Int(digits) else { break }
            numbers.append(n)
            rest = rest.dropFirst(digits.count)
            guard numbers.count < 3, rest.first == ".", rest.dropFirst().first?.isNumber == true else { break }
            rest = rest.dropFirst()
        }
        guard numbers.count >= 2 else { return nil }
        var suffix = String(rest)
        if suffix.hasPrefix(".") || suffix.hasPrefix("-") || suffix.hasPrefix("_") { suffix.removeFirst() }
        return ToolVersion(numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0, suffix: suffix)
    }
}

/// Reading each tool's version output the way the tool's own users do.
public enum VersionParser {
    public enum Failure: Error, Equatable, Sendable {
        case kernelModuleNotLoaded(String)
        case installIncomplete(String)
        case unreadable(String)
    }

    /// `VBoxManage --version`: `7.0.20r163906`, `7.1.4_Ubuntur165100`, `6.1.50_Debianr161033`, after any
    /// `WARNING:` lines. Like Vagrant's own reader (plugins/providers/virtualbox/driver/meta.rb
    /// `read_version`): skip WARNING lines, cut at `_`, then at `r`.
    public static func virtualBox(_ output: String) -> Result<ToolVersion, Failure> {
        if output.contains("vboxdrv kernel module is not loaded") || output.lowercased().contains("kernel modules are not loaded") {
            return .failure(.kernelModuleNotLoaded(firstMeaningful(output)))
        }
        if output.contains("Please install") { return .failure(.installIncomplete(firstMeaningful(output))) }
        let line = output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters() }
            .first { !$0.isEmpty && !$0.hasPrefix("WARNING:") } ?? ""
        let head = line.split(separator: "_", maxSplits: 1).first.map(String.init) ?? ""
        let numeric = head.split(separator: "r", maxSplits: 1).first ?? ""
        guard let version = ToolVersion.leading(numeric), numeric.allSatisfy({ $0.isNumber || $0 == "." }) else {
            return .failure(.unreadable(line.isEmpty ? "no output" : String(TextSanitizer.cleanLine(line).prefix(60))))
        }
        var result = version
        result.suffix = line.contains("_") ? String(line.split(separator: "_", maxSplits: 1)[1].split(separator: "r").first ?? "") : ""
        return .success(result)
    }

    /// `vagrant --version`: `Vagrant 2.3.4`, `Vagrant 2.4.1.dev`.
    public static func vagrant(_ output: String) -> Result<ToolVersion, Failure> {
        for raw in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimmingCharacters()
            guard line.hasPrefix("Vagrant ") else { continue }
            if let version = ToolVersion.leading(line.dropFirst("Vagrant ".count)) { return .success(version) }
        }
        let first = firstMeaningful(output)
        return .failure(.unreadable(first.isEmpty ? "no output" : String(first.prefix(60))))
    }

    /// `kubectl version -o json`: `clientVersion.gitVersion` / `serverVersion.gitVersion`.
    public static func kubectl(_ json: [UInt8], key: String) -> ToolVersion? {
        guard let value = try? KubeJSON.decode(KubectlVersionDocument.self, from: json) else { return nil }
        let info = key == "serverVersion" ? value.serverVersion : value.clientVersion
        return info.flatMap { ToolVersion.leading($0.gitVersion[...]) }
    }

    static func firstMeaningful(_ output: String) -> String { TextSanitizer.firstLine(output) }
}

struct KubectlVersionDocument: Decodable {
    struct Info: Decodable { var gitVersion: String }
    var clientVersion: Info?
    var serverVersion: Info?
}

/// Which Vagrant release first drives each VirtualBox line. Source: hashicorp/vagrant CHANGELOG.md
/// (2.2.7: "Add VirtualBox provider support for version 6.1.x" GH-11250; 2.3.2: "Add support for
/// VirtualBox 7.0" GH-12947; 2.4.2: "Add support for VirtualBox 7.1" GH-13513; 2.4.9: "Add support
/// for VirtualBox 7.2" GH-13709) and plugins/providers/virtualbox/driver/meta.rb's driver map.
public enum SupportMatrix {
    public struct Row: Sendable {
        public var virtualBox: String
        public var vagrant: ToolVersion
    }

    public static let rows: [Row] = [
        Row(virtualBox: "6.1", vagrant: ToolVersion(2, 2, 7)),
        Row(virtualBox: "7.0", vagrant: ToolVersion(2, 3, 2)),
        Row(virtualBox: "7.1", vagrant: ToolVersion(2, 4, 2)),
        Row(virtualBox: "7.2", vagrant: ToolVersion(2, 4, 9)),
    ]

    /// 6.1.28 introduced /etc/vbox/networks.conf and the 192.168.56.0/21 default the VM's IP is in.
    public static let minimumVirtualBox = ToolVersion(6, 1, 28)

    /// VirtualBox 7.0 private networks on macOS work from Vagrant 2.3.3 (CHANGELOG 2.3.3: "Fix
    /// `:private_network` support for VirtualBox 7 on macOS [GH-12983]"; with 2.3.2 the VM does not
    /// start: "Host-only adapters are no longer supported!", hashicorp/vagrant#12959).
    public static let macOSPrivateNetwork70 = ToolVersion(2, 3, 3)

    public static func row(for virtualBox: ToolVersion) -> Row? {
        rows.first { $0.virtualBox == virtualBox.minorLine }
    }

    public static var newest: Row { rows[rows.count - 1] }
}

/// VirtualBox 7.2's NAT regressions that hit this VM, checked on github.com/VirtualBox/virtualbox.
/// Only what a source says is fixed gets a fixed release here.
public enum VirtualBoxNAT {
    /// The release line with the regressions.
    public static let affectedLine = "7.2"

    /// Several port-forwarding rules broke NAT on 7.2.0-7.2.3 (#232, titled "fixed in next 7.2.x
    /// maintenance release"; the 7.2.4 changelog entry, quoted by the VirtualBox team in #277: "NAT:
    /// Fixed issue when multiple port forwarding rules affected NAT functionality (github:gh-232)").
    /// This VM forwards three ports (Vagrant's ssh, the Kubernetes API, the app).
    public static let portForwardingFixed = ToolVersion(7, 2, 4)

    /// On a Linux host whose resolv.conf names only a loopback resolver (systemd-resolved's
    /// 127.0.0.53), 7.2 hands the VM that address by DHCP where 7.1 gave 10.0.2.3, and the VM
    /// resolves nothing (#205, open; no release fixes it). `--natdnshostresolver1` does not help on 7.2.
    public static let dnsIssue = "VirtualBox/virtualbox#205"
}
