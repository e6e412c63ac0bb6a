/// Whether a loopback port can be bound, and who holds it when it cannot.
public enum PortProbe {
    public enum State: Sendable, Equatable {
        case free
        case taken
        case unknown(String)
    }

    /// Taken when something answers a connect to 127.0.0.1:port (Vagrant's own test before it
    /// forwards: lib/vagrant/util/is_port_open.rb) or when the port cannot be bound (VirtualBox's NAT
    /// must bind it; SO_REUSEADDR so TIME_WAIT leftovers do not count).
    public static func state(port: Int) -> State {
        if answers(port: port) { return .taken }
        return bindState(port: port)
    }

    static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return address
    }

    static func tcpSocket() -> Int32 {
        #if canImport(Glibc)
        return socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        return socket(AF_INET, SOCK_STREAM, 0)
        #endif
    }

    /// A loopback connect is answered or refused at once; no timeout needed.
    static func answers(port: Int) -> Bool {
        let fd = tcpSocket()
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func bindState(port: Int) -> State {
        let fd = tcpSocket()
        guard fd >= 0 else { return .unknown("socket: errno \(errno)") }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return .free }
        if errno == EADDRINUSE { return .taken }
        if errno == EACCES { return .unknown("not allowed to bind port \(port)") }
        return .unknown("bind: errno \(errno)")
    }

    /// Socket inodes listening on `port` (any local address), from `<proc>/net/tcp` and `tcp6`.
    public static func listeningInodes(procRoot: String, port: Int) -> Set<String>? {
        var found: Set<String> = []
        var readAny = false
        for table in ["tcp", "tcp6"] {
            guard let text = FileText.text(procRoot + "/net/" + table, limit: 16 * 1_048_576) else { continue }
            readAny = true
            found.formUnion(parseTCPTable(text, port: port))
        }
        return readAny ? found : nil
    }

    /// `sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode`: LISTEN is `0A`.
    public static func parseTCPTable(_ text: String, port: Int) -> Set<String> {
        var inodes: Set<String> = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count >= 10, fields[3] == "0A",
                  let colon = fields[1].lastIndex(of: ":"),
                  let localPort = Int(fields[1][fields[1].index(after: colon)...], radix: 16),
                  localPort == port else { continue }
            inodes.insert(String(fields[9]))
        }
        return inodes
    }

    /// The first process with an fd on one of `inodes`: (pid, command name). Unreadable folders are skipped.
    public static func owner(procRoot: String, inodes: Set<String>) -> (pid: Int, name: String)? {
        guard !inodes.isEmpty, let dir = opendir(procRoot) else { return nil }
        defer { closedir(dir) }
        let targets = Set(inodes.map { "socket:[\($0)]" })
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int(name) else { continue }
            let fdDir = procRoot + "/" + name + "/fd"
            guard let fds = opendir(fdDir) else { continue }
            defer { closedir(fds) }
            while let fd = readdir(fds) {
                let fdName = withUnsafeBytes(of: fd.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard fdName.first?.isNumber == true, let link = readLink(fdDir + "/" + fdName), targets.contains(link) else { continue }
                let comm = FileText.text(procRoot + "/" + name + "/comm")?.trimmingCharacters() ?? "?"
                return (pid, TextSanitizer.cleanLine(comm))
            }
        }
        return nil
    }

    /// `lsof -nP -iTCP:<port> -sTCP:LISTEN -Fpc` (where there is no /proc): `p<pid>` and `c<command>` lines.
    public static func lsofCommand(port: Int, timeout: Duration) -> Command {
        Command("lsof", ["-nP", "-iTCP:\(port)", "-sTCP:LISTEN", "-Fpc"], timeout: timeout)
    }

    public static func parseLsof(_ text: String) -> (pid: Int, name: String)? {
        var pid: Int?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("p") { pid = Int(line.dropFirst()) }
            if line.hasPrefix("c"), let pid { return (pid, TextSanitizer.cleanLine(String(line.dropFirst()))) }
        }
        return nil
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
