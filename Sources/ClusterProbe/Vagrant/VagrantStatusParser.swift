/// Parses `vagrant status --machine-readable`: lines of `timestamp,target,type,data...`,
/// where commas inside data arrive as `%!(VAGRANT_COMMA)` and newlines as `\n`.
public enum VagrantStatusParser {
    public struct Line: Equatable, Sendable {
        public var target: String
        public var type: String
        public var data: [String]
    }

    public static func lines(_ text: String) -> [Line] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).compactMap { raw in
            let fields = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, Int(fields[0]) != nil else { return nil }
            return Line(target: fields[1], type: fields[2], data: fields.dropFirst(3).map(unescape))
        }
    }

    static func unescape(_ field: String) -> String {
        field.replacingAll("%!(VAGRANT_COMMA)", with: ",").replacingAll("\\n", with: "\n").replacingAll("\\r", with: "")
    }

    /// The status of `machine` (or of the only machine when there is one).
    public static func parse(_ text: String, machine preferred: String = "devenv") throws(CommandError) -> VMStatus {
        let all = lines(text)
        let targets = Set(all.map(\.target).filter { !$0.isEmpty })
        guard !targets.isEmpty else {
            if let error = all.first(where: { $0.type == "error-exit" }) {
                throw .malformedOutput(tool: "vagrant", reason: TextSanitizer.firstLine(error.data.last ?? ""))
            }
            throw .malformedOutput(tool: "vagrant", reason: "no machine in `vagrant status` output")
        }
        let machine = targets.contains(preferred) ? preferred : targets.sorted()[0]
        var state: String?
        var human: String?
        var provider: String?
        for line in all where line.target == machine {
            switch line.type {
            case "state": state = line.data.first
            case "state-human-short": human = line.data.first
            case "provider-name": provider = line.data.first
            case "metadata" where line.data.first == "provider": provider = provider ?? line.data.dropFirst().first
            default: break
            }
        }
        guard let state, !state.isEmpty else {
            throw .malformedOutput(tool: "vagrant", reason: "no state for machine \(machine)")
        }
        return VMStatus(state: state, stateHuman: human ?? state.replacingAll("_", with: " "), provider: provider, machine: machine)
    }
}

extension VagrantStatusParser {
    /// The VM's status from a finished `vagrant status --machine-readable`, or the one-line error
    /// Vagrant gave (devtui's VM probe and `devtui doctor` both read it this way). `directory` is
    /// where it ran, for the one error that is about the folder itself.
    public static func status(of output: CommandOutput, machine: String, directory: String? = nil) -> Result<VMStatus, CommandError> {
        if hasNoVagrantfile(output) {
            // Vagrant's own text is five lines whose first stops mid-sentence; say what is wrong.
            let place = directory ?? "this folder"
            return .failure(.failed(tool: "vagrant", exitCode: output.exitCode, message: "no Vagrantfile in \(place) or above"))
        }
        do throws(CommandError) {
            return .success(try parse(output.stdoutText, machine: machine))
        } catch {
            if output.exitCode != 0 {
                return .failure(.failed(tool: "vagrant", exitCode: output.exitCode, message: errorMessage(output)))
            }
            return .failure(error)
        }
    }

    /// Vagrant found no Vagrantfile in the folder or any folder above it (its NoEnvironmentError,
    /// exit 1; recorded from Vagrant 2.3.4 in Tests/Fixtures/vagrant/status-no-vagrantfile.txt).
    static func hasNoVagrantfile(_ output: CommandOutput) -> Bool {
        lines(output.stdoutText).contains { $0.type == "error-exit" && $0.data.first == "Vagrant::Errors::NoEnvironmentError" }
    }

    /// The error Vagrant gave: machine-readable `ui,error` / `error-exit` lines, else stderr's first
    /// line. For "the provider ... isn't usable ... The reason is shown below:", the reason itself
    /// (e.g. `Vagrant could not detect VirtualBox! ...`), which is what the user must act on.
    public static func errorMessage(_ output: CommandOutput) -> String {
        for line in lines(output.stdoutText) {
            let text: String?
            if line.type == "ui", line.data.first == "error", line.data.count > 1 { text = line.data[1] }
            else if line.type == "error-exit" { text = line.data.last }
            else { text = nil }
            guard let text else { continue }
            if let marker = text.firstRange(of: "reason is shown below:") {
                let reason = TextSanitizer.firstLine(String(text[marker.upperBound...]))
                if !reason.isEmpty { return reason }
            }
            return TextSanitizer.firstLine(text)
        }
        return TextSanitizer.firstLine(output.stderrText.isEmpty ? output.stdoutText : output.stderrText)
    }
}

extension String {
    /// Foundation-free replaceOccurrences.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}
