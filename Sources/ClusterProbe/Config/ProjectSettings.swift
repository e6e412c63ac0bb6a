/// The project's `settings.env`: the one home of the VM's name, IP, ports, size and pinned versions,
/// read by the Vagrantfile, provision/, devtui and the tests. `KEY=value` lines, `#` comments.
public struct ProjectSettings: Sendable, Equatable, Codable {
    public static let fileName = "settings.env"

    public var values: [String: String]
    /// The file's path when it was read; nil when there is none (devtui against any cluster).
    public var path: String?
    /// Lines that are not `KEY=value`, one message each (`settings.env line 4: ...`).
    public var problems: [String]
    /// `DEVENV_MEMORY` / `DEVENV_CPUS` from the environment, which override the file (as in the Vagrantfile).
    public var memoryOverride: String?
    public var cpusOverride: String?

    public init(values: [String: String] = [:], path: String? = nil, problems: [String] = [],
                memoryOverride: String? = nil, cpusOverride: String? = nil) {
        self.values = values
        self.path = path
        self.problems = problems
        self.memoryOverride = memoryOverride
        self.cpusOverride = cpusOverride
    }

    /// Used only when there is no settings.env (devtui pointed at another cluster). A unit test
    /// keeps them equal to the repo's settings.env, so they cannot drift from it.
    public enum Fallback {
        public static let vmName = "devenv"
        public static let vmIP = "192.168.56.10"
        public static let memoryMB = 3072
        public static let cpus = 2
        public static let apiHostPort = 6443
        public static let appHostPort = 8080
        public static let namespace = "devenv"
        public static let k3sVersion = "v1.34.1+k3s1"
    }

    public static func parse(_ text: String, path: String? = nil) -> ProjectSettings {
        var settings = ProjectSettings(path: path)
        let name = path.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? fileName
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "="), eq != line.startIndex else {
                settings.problems.append("\(name) line \(index + 1): not KEY=value: \(TextSanitizer.cleanLine(String(line.prefix(60))))")
                continue
            }
            let key = String(line[..<eq]).trimmingCharacters()
            let value = String(line[line.index(after: eq)...]).trimmingCharacters()
            guard key.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                settings.problems.append("\(name) line \(index + 1): bad key \(TextSanitizer.cleanLine(String(key.prefix(40))))")
                continue
            }
            settings.values[key] = value
        }
        return settings
    }

    /// Reads `<projectDir>/settings.env`; the fallbacks when there is no project or no file.
    public static func load(projectDir: String?, environment: [String: String] = ProcessEnvironment.current()) -> ProjectSettings {
        var settings = ProjectSettings()
        if let projectDir {
            let path = projectDir + "/" + fileName
            if let text = FileText.text(path) { settings = parse(text, path: path) }
        }
        settings.memoryOverride = environment["DEVENV_MEMORY"].flatMap { $0.isEmpty ? nil : $0 }
        settings.cpusOverride = environment["DEVENV_CPUS"].flatMap { $0.isEmpty ? nil : $0 }
        return settings
    }

    func int(_ key: String, _ fallback: Int) -> Int { values[key].flatMap { Int($0) } ?? fallback }

    public var vmName: String { values["VM_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? Fallback.vmName }
    public var vmIP: String { values["VM_IP"] ?? Fallback.vmIP }
    public var memoryMB: Int { memoryOverride.flatMap { Int($0) } ?? int("VM_MEMORY_MB", Fallback.memoryMB) }
    public var cpus: Int { cpusOverride.flatMap { Int($0) } ?? int("VM_CPUS", Fallback.cpus) }
    public var apiHostPort: Int { int("API_HOST_PORT", Fallback.apiHostPort) }
    public var appHostPort: Int { int("APP_HOST_PORT", Fallback.appHostPort) }
    public var namespace: String { values["NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? Fallback.namespace }
    public var k3sVersion: String { values["K3S_VERSION"] ?? Fallback.k3sVersion }
    public var appURL: String { "http://127.0.0.1:\(appHostPort)/" }
}

/// Small file and environment reads without Foundation.
public enum FileText {
    /// The whole file as text (at most `limit` bytes); nil when it cannot be read.
    public static func text(_ path: String, limit: Int = 1_048_576) -> String? {
        guard let bytes = readBytes(path, limit: limit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func readBytes(_ path: String, limit: Int = 1_048_576) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, min($0.count, limit - out.count)) }
            if n < 0 { return out.isEmpty ? nil : out }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}

public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var env: [String: String] = [:]
        #if canImport(Darwin)
        guard var pointer = _NSGetEnviron()?.pointee else { return env }
        #else
        var pointer = environ
        #endif
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                env[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer = pointer.advanced(by: 1)
        }
        return env
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
