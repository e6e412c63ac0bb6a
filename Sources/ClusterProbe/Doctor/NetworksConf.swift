/// VirtualBox's `/etc/vbox/networks.conf` (6.1.28+): lines `* 10.0.0.0/8 192.168.0.0/16` list the
/// ranges host-only networks may use. No file: 192.168.56.0/21 (and fe80::/10).
/// Read the way Vagrant reads it before `vagrant up` (plugins/providers/virtualbox/action/network.rb
/// `load_net_conf`): lines not starting with `*` are ignored; every word after the `*` must be an
/// address or range (`IPAddr.new`), so a stray word or a trailing `# comment` stops Vagrant.
public struct NetworksConf: Sendable, Equatable {
    public var ranges: [String]
    /// Lines Vagrant skips (no leading `*`), each `line N: text`.
    public var ignored: [String]
    /// Words on `*` lines that are no address: Vagrant fails on them.
    public var invalid: [String]
    /// False when the file does not exist (the default range applies).
    public var present: Bool

    public static let defaultRange = "192.168.56.0/21"

    public static func parse(_ text: String) -> NetworksConf {
        var conf = NetworksConf(ranges: [], ignored: [], invalid: [], present: true)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.hasPrefix("*") else {
                conf.ignored.append("line \(index + 1): \(TextSanitizer.cleanLine(String(line.prefix(40))))")
                continue
            }
            for word in line.dropFirst().split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                let text = String(word)
                if IPv4Range(text) != nil || Self.looksIPv6(text) {
                    conf.ranges.append(text)
                } else {
                    conf.invalid.append("line \(index + 1): \(TextSanitizer.cleanLine(String(text.prefix(40))))")
                }
            }
        }
        return conf
    }

    static func looksIPv6(_ text: String) -> Bool {
        let address = text.split(separator: "/", maxSplits: 1).first ?? ""
        return address.contains(":") && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    public static func absent() -> NetworksConf {
        NetworksConf(ranges: [defaultRange, "fe80::/10"], ignored: [], invalid: [], present: false)
    }

    public func allows(_ ip: String) -> Bool {
        guard let address = IPv4Range.address(ip) else { return false }
        return ranges.contains { IPv4Range($0)?.contains(address) == true }
    }
}

/// `a.b.c.d/n`, or a bare `a.b.c.d` (one address, as IPAddr reads it).
public struct IPv4Range: Sendable, Equatable {
    public var base: UInt32
    public var prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let address = Self.address(String(parts[0])) else { return nil }
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...32).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            self.prefix = 32
        }
        self.base = address
    }

    public func contains(_ address: UInt32) -> Bool {
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        return address & mask == base & mask
    }

    public static func address(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let n = UInt32(octet), n <= 255 else { return nil }
            value = value << 8 | n
        }
        return value
    }
}
