/// Turns kubectl's error text into the one line a user can act on.
public enum KubectlDiagnosis {
    public static func describe(_ error: CommandError) -> String { problem(error).text }

    /// Why a kubectl stream (watch, logs -f) ended, in one line.
    public static func describe(_ end: Result<StreamEnd, CommandError>) -> String { problem(end).text }

    public static func explain(_ message: String) -> String { problem(message: message).text }

    /// The kind and the one line for a failed command.
    public static func problem(_ error: CommandError) -> Problem {
        switch error {
        case .failed(let tool, _, let message) where tool == "kubectl": return problem(message: message)
        case .notFound: return Problem(.toolMissing, error.description)
        case .timedOut: return Problem(.timedOut, error.description)
        case .malformedOutput: return Problem(.malformedOutput, error.description)
        default: return Problem(.failed, error.description)
        }
    }

    /// The kind and the one line for a stream that ended.
    public static func problem(_ end: Result<StreamEnd, CommandError>) -> Problem {
        switch end {
        case .success(let info) where !info.message.isEmpty: return problem(message: info.message)
        case .success(let info): return Problem(.failed, "exit \(info.exitCode)")
        case .failure(let error): return problem(error)
        }
    }

    /// kubectl's error text as the problem a user can act on.
    public static func problem(message: String) -> Problem {
        let m = message.lowercased()
        if m.contains(".devenv/kubeconfig"), m.contains("no such file") {
            // Every surface reads this (`devtui status` too): name the command, not a dashboard key.
            return Problem(.noKubeconfig, "no kubeconfig yet (.devenv/kubeconfig): run `vagrant up`")
        }
        if m.contains("connection refused") || (m.contains("connection to the server") && m.contains("was refused")) {
            return Problem(.unreachable, "cluster unreachable: connection refused")
        }
        if m.contains("no route to host") { return Problem(.unreachable, "cluster unreachable: no route to host") }
        if m.contains("no such host") { return Problem(.unreachable, "cluster unreachable: unknown host") }
        if m.contains("i/o timeout") || m.contains("client.timeout") || m.contains("deadline exceeded")
            || m.contains("tls handshake timeout") || m.contains("request timed out") {
            return Problem(.unreachable, "cluster unreachable: timed out")
        }
        if m.contains("x509") || m.contains("certificate") { return Problem(.credentials, "cluster TLS not trusted: \(short(message))") }
        if m.contains("unauthorized") || m.contains("must be logged in") {
            return Problem(.credentials, "cluster refused the credentials (Unauthorized)")
        }
        if m.contains("current-context") || m.contains("no configuration has been provided") {
            return Problem(.noKubeconfig, "no kubeconfig: run `vagrant up` or pass --kubeconfig")
        }
        if m.contains("context") && m.contains("does not exist") { return Problem(.noKubeconfig, short(message)) }
        return Problem(.failed, "kubectl: \(short(message))")
    }

    static func short(_ message: String) -> String {
        var text = TextSanitizer.firstLine(message)
        for prefix in ["error: ", "Error from server: ", "Error: "] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        return text.count > 160 ? String(text.prefix(159)) + "…" : text
    }
}
