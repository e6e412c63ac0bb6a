/// Where a `vagrant up` is, read from its output as it streams: box download (with Vagrant's own
/// percentage), boot, shared folders, each provisioner by name, ready. Message formats from
/// hashicorp/vagrant templates/locales/en.yml (`Booting VM...`, `Mounting shared folders...`,
/// `Running provisioner: %{provisioner}...`, `Successfully added box ...`) and
/// lib/vagrant/util/curl_helper.rb (`Progress: 37% (Rate: ..., Estimated time remaining: ...)`).
public struct UpProgress: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case download, boot, sharedFolders
        case provisioner(String)
        case ready

        public var name: String {
            switch self {
            case .download: return "box download"
            case .boot: return "boot"
            case .sharedFolders: return "shared folders"
            case .provisioner(let name): return "provisioner \(name)"
            case .ready: return "ready"
            }
        }
    }

    /// Provisioner names in the order the Vagrantfile declares them.
    public var provisioners: [String]
    public private(set) var phase: Phase?
    /// Vagrant's download percentage, while downloading.
    public private(set) var percent: Int?
    /// The latest step line of the phase (a provisioner's own `==> devenv: ...` lines).
    public private(set) var detail: String?
    public private(set) var phaseStartedMs: Int = 0

    public init(provisioners: [String]) {
        self.provisioners = provisioners
    }

    public var total: Int { 3 + provisioners.count + 1 }

    public func step(of phase: Phase) -> Int {
        switch phase {
        case .download: return 1
        case .boot: return 2
        case .sharedFolders: return 3
        case .provisioner(let name): return 4 + (provisioners.firstIndex(of: name) ?? provisioners.count)
        case .ready: return total
        }
    }

    /// `step 4/8: provisioner docker`, with the percentage while downloading.
    public var title: String? {
        guard let phase else { return nil }
        let pct = phase == .download ? percent.map { " \($0)%" } ?? "" : ""
        return "step \(step(of: phase))/\(total): \(phase.name)\(pct)"
    }

    /// Reads one output line; returns whether anything shown changed.
    @discardableResult
    public mutating func feed(_ raw: String, nowMs: Int) -> Bool {
        let before = self
        let line = raw.trimmingCharacters()
        guard !line.isEmpty else { return false }
        if let range = line.firstRange(of: "Progress: ") {
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            if let value = Int(digits), line[range.upperBound...].dropFirst(digits.count).first == "%" {
                enter(.download, nowMs)
                percent = min(100, value)
                return self != before
            }
        }
        let message = Self.message(line)
        if message.hasPrefix("Box '") && message.contains("could not be found. Attempting to find and install")
            || message.hasPrefix("Adding box '") || message.hasPrefix("Loading metadata for box '") || message.hasPrefix("Downloading: ") {
            enter(.download, nowMs)
        } else if message.hasPrefix("Successfully added box '") {
            enter(.download, nowMs)
            percent = 100
        } else if message.hasPrefix("Importing base box '") || message == "Booting VM..." || message.hasPrefix("Waiting for machine to boot") {
            enter(.boot, nowMs)
        } else if message == "Mounting shared folders..." {
            enter(.sharedFolders, nowMs)
        } else if message.hasPrefix("Running provisioner: "), message.hasSuffix("...") {
            var name = String(message.dropFirst("Running provisioner: ".count).dropLast(3))
            if let paren = name.lastRange(of: " ("), name.hasSuffix(")") { name = String(name[..<paren.lowerBound]) }
            if !provisioners.contains(name) { provisioners.append(name) }
            enter(.provisioner(name), nowMs)
        } else if let step = Self.stepLine(line) {
            // Our provisioners' own lines: `    devenv: ==> devenv: installing k3s v1.34.1+k3s1`.
            detail = step
        } else if phase != nil, line.hasPrefix("==> ") {
            detail = message
        }
        return self != before
    }

    /// `vagrant up` exited 0.
    public mutating func finish(nowMs: Int) {
        enter(.ready, nowMs)
    }

    private mutating func enter(_ next: Phase, _ nowMs: Int) {
        guard phase != next else { return }
        phase = next
        phaseStartedMs = nowMs
        detail = nil
        if next != .download { percent = nil }
    }

    /// Vagrant's text without its `==> devenv: ` or `    devenv: ` prefix.
    static func message(_ line: String) -> String {
        var text = Substring(line)
        if text.hasPrefix("==> ") { text = text.dropFirst(4) }
        if let colon = text.firstRange(of: ": "), !text[..<colon.lowerBound].contains(" ") {
            text = text[colon.upperBound...]
        }
        return String(text).trimmingCharacters()
    }

    /// A provisioner's own step line, nested in Vagrant's machine prefix.
    static func stepLine(_ line: String) -> String? {
        guard let inner = line.lastRange(of: "==> "), inner.lowerBound != line.startIndex else { return nil }
        let text = message(String(line[inner.lowerBound...]))
        return text.isEmpty ? nil : text
    }

    /// Provisioner names from a Vagrantfile: `vm.provision "docker", type: "shell", ...` in order.
    public static func provisioners(vagrantfile text: String) -> [String] {
        var names: [String] = []
        for line in text.split(separator: "\n") {
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let call = code.firstRange(of: ".vm.provision ") ?? code.firstRange(of: ".vm.provision(") else { continue }
            let rest = code[call.upperBound...].drop { $0 == " " }
            guard let quote = rest.first, quote == "\"" || quote == "'" else { continue }
            let name = rest.dropFirst().prefix { $0 != quote }
            if !name.isEmpty { names.append(String(name)) }
        }
        return names
    }
}

extension StringProtocol {
    /// The last occurrence of `target` (Foundation-free).
    func lastRange(of target: String) -> Range<Index>? {
        var found: Range<Index>?
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            found = range
            rest = rest[range.upperBound...]
        }
        return found
    }
}
