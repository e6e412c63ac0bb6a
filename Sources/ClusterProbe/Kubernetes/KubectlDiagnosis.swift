/// Turns kubectl's error text into the one line a user can act on.
public enum KubectlDiagnosis {
    public static func describe(_ error: CommandError) -> String {
        guard case .failed(let tool, _, let message) = error, tool == "kubectl" else { return error.description }
        return explain(message)
    }

    /// Why a kubectl stream (watch, logs -f) ended, in one line.
    public static func describe(_ end: Result<StreamEnd, CommandError>) -> String {
        switch end {
        case .success(let info) where !info.message.isEmpty: return explain(info.message)
        case .success(let info): return "exit \(info.exitCode)"
        case .failure(let error): return describe(error)
        }
    }

    public static func explain(_ message: String) -> String {
        let m = message.lowercased()
        if m.contains(".devenv/kubeconfig"), m.contains("no such file") {
            return "no kubeconfig yet (.devenv/kubeconfig): press u to provision"
        }
        if m.contains("connection refused") || (m.contains("connection to the server") && m.contains("was refused")) {
            return "cluster unreachable: connection refused"
        }
        if m.contains("no route to host") { return "cluster unreachable: no route to host" }
        if m.contains("no such host") { return "cluster unreachable: unknown host" }
        if m.contains("i/o timeout") || m.contains("client.timeout") || m.contains("deadline exceeded")
            || m.contains("tls handshake timeout") || m.contains("request timed out") {
            return "cluster unreachable: timed out"
        }
        if m.contains("x509") || m.contains("certificate") { return "cluster TLS not trusted: \(short(message))" }
        if m.contains("unauthorized") || m.contains("must be logged in") { return "cluster refused the credentials (Unauthorized)" }
        if m.contains("current-context") || m.contains("no configuration has been provided") {
            return "no kubeconfig: run `vagrant up` or pass --kubeconfig"
        }
        if m.contains("context") && m.contains("does not exist") { return short(message) }
        return "kubectl: \(short(message))"
    }

    static func short(_ message: String) -> String {
        var text = TextSanitizer.firstLine(message)
        for prefix in ["error: ", "Error from server: ", "Error: "] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        return text.count > 160 ? String(text.prefix(159)) + "…" : text
    }
}
