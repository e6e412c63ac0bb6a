/// VirtualBox's `/etc/vbox/networks.conf` (6.1.28+): lines `* 10.0.0.0/8 192.168.0.0/16` list the
/// ranges host-only networks may use; `#` starts a comment. No file: only 192.168.56.0/21.
/// Source: VirtualBox manual, "Host-Only Networking" (ch06), and Vagrant's
/// `virtualbox_invalid_host_subnet` message (templates/locales/en.yml).
public struct NetworksConf: Sendable, Equatable {
    public var ranges: [String]
    /// Lines VirtualBox would not understand, each `line N: text`.
    public var junk: [String]
    /// False when the file does not exist (the default range applies).
    public var present: Bool

    public static let defaultRange = "192.168.56.0/21"

    public static func parse(_ text: String) -> NetworksConf {
        var conf = NetworksConf(ranges: [], junk: [], present: true)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = words.first else { continue }
            guard first == "*" else {
                conf.junk.append("line \(index + 1): \(TextSanitizer.cleanLine(String(raw.prefix(40))))")
                continue
            }
            if words.count == 1 { conf.junk.append("line \(index + 1): `*` with no range") }
            for word in words.dropFirst() {
                let text = String(word)
                if IPv4Range(text) != nil || (text.contains(":") && text.contains("/")) {
                    conf.ranges.append(text)
                } else {
                    conf.junk.append("line \(index + 1): not a range: \(TextSanitizer.cleanLine(String(text.prefix(40))))")
                }
            }
        }
        return conf
    }

    public static func absent() -> NetworksConf {
        NetworksConf(ranges: [defaultRange], junk: [], present: false)
    }

    public func allows(_ ip: String) -> Bool {
        guard let address = IPv4Range.address(ip) else { return false }
        return ranges.contains { IPv4Range($0)?.contains(address) == true }
    }
}

/// `a.b.c.d/n`.
public struct IPv4Range: Sendable, Equatable {
    public var base: UInt32
    public var prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = Self.address(String(parts[0])), let prefix = Int(parts[1]),
              (0...32).contains(prefix) else { return nil }
        self.base = address
        self.prefix = prefix
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
