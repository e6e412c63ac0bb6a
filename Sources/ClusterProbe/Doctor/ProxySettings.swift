/// The host's HTTP(S) proxy as the VM is to get it: `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` in
/// either case. Credentials in a proxy URL (`user:password@`) are never shown.
public struct ProxySettings: Sendable, Equatable {
    public struct Variable: Sendable, Equatable {
        /// The name as set (`https_proxy` or `HTTPS_PROXY`).
        public var name: String
        public var value: String
    }

    public var http: Variable?
    public var https: Variable?
    public var noProxy: Variable?
    /// Names set in both cases to different values: which one a tool reads differs (curl reads only
    /// lowercase `http_proxy`), so the user must choose.
    public var conflicts: [String]

    /// From an environment; empty values count as unset.
    public static func from(_ env: [String: String]) -> ProxySettings {
        var conflicts: [String] = []
        func pick(_ lower: String) -> Variable? {
            let upper = lower.uppercased()
            let l = env[lower].flatMap { $0.isEmpty ? nil : $0 }
            let u = env[upper].flatMap { $0.isEmpty ? nil : $0 }
            if let l, let u, l != u { conflicts.append("\(lower)/\(upper)") }
            if let l { return Variable(name: lower, value: l) }
            return u.map { Variable(name: upper, value: $0) }
        }
        let http = pick("http_proxy")
        let https = pick("https_proxy")
        let noProxy = pick("no_proxy")
        return ProxySettings(http: http, https: https, noProxy: noProxy, conflicts: conflicts)
    }

    public var isSet: Bool { http != nil || https != nil }

    /// `http://user:secret@proxy:3128` → `http://***@proxy:3128`; the same without a scheme. The
    /// user part ends at the last `@` before the path (a password may hold a bare `@`).
    public static func masked(_ url: String) -> String {
        let clean = TextSanitizer.cleanLine(url)
        let schemeEnd = clean.firstRange(of: "://").map(\.upperBound) ?? clean.startIndex
        let rest = clean[schemeEnd...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return clean }
        return String(clean[..<schemeEnd]) + "***" + String(clean[at...])
    }

    /// The host (and port) a proxy URL names; nil when it names none.
    public static func host(_ url: String) -> String? {
        let schemeEnd = url.firstRange(of: "://").map(\.upperBound) ?? url.startIndex
        let rest = url[schemeEnd...]
        var authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return host.isEmpty ? nil : String(authority)
    }
}

extension DoctorChecks {
    /// The proxy the VM gets from this host, for the user to check (`✓`); `!` when a name is set
    /// in both cases to different values or a proxy names no host. Nil when no proxy is set.
    public static func proxy(_ settings: ProxySettings) -> DoctorFinding? {
        guard settings.isSet else { return nil }
        func shown(_ v: ProxySettings.Variable) -> String { "\(v.name)=\(ProxySettings.masked(v.value))" }
        var parts = [settings.http, settings.https].compactMap { $0 }.map(shown)
        if let no = settings.noProxy {
            let value = TextSanitizer.cleanLine(no.value)
            parts.append("\(no.name)=\(value.count > 120 ? String(value.prefix(119)) + "…" : value)")
        }
        let summary = "proxy from this host's environment, passed on to the VM: " + parts.joined(separator: " ")
        if let bad = [settings.http, settings.https].compactMap({ $0 }).first(where: { ProxySettings.host($0.value) == nil }) {
            return DoctorFinding("proxy", .warn, "\(bad.name)=\(ProxySettings.masked(bad.value)) names no proxy host",
                                 fix: "set \(bad.name) to http://HOST:PORT (or unset it)")
        }
        if !settings.conflicts.isEmpty {
            return DoctorFinding("proxy", .warn, summary + " (\(settings.conflicts.joined(separator: ", ")) differ)",
                                 fix: "give \(settings.conflicts.joined(separator: ", ")) the same value, or unset one of each")
        }
        return DoctorFinding("proxy", .ok, summary)
    }
}
