/// The HTTP(S) proxy the VM is given, read the way provisioning reads it (provision/lib.sh
/// `load_proxy`, on the first-boot branch): `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` from
/// settings.env when not empty, else the host's, either case, the lowercase name first (as curl
/// reads it). Credentials in a proxy URL (`user:password@`) are never shown.
public struct ProxySettings: Sendable, Equatable {
    public struct Variable: Sendable, Equatable {
        /// `HTTP_PROXY`, `HTTPS_PROXY` or `NO_PROXY`.
        public var key: String
        /// Where it came from: `settings.env`, or the host variable's name as set (`https_proxy`).
        public var source: String
        public var value: String
    }

    public var http: Variable?
    public var https: Variable?
    public var noProxy: Variable?
    /// Host names set in both cases to different values (the lowercase one is used; tools on the
    /// host may read the other: curl reads only lowercase `http_proxy`).
    public var conflicts: [String]

    /// From settings.env's values and the host's environment; empty values count as unset.
    public static func from(environment env: [String: String], settings: [String: String] = [:]) -> ProxySettings {
        var conflicts: [String] = []
        func pick(_ key: String) -> Variable? {
            if let value = settings[key], !value.isEmpty { return Variable(key: key, source: ProjectSettings.fileName, value: value) }
            let lower = key.lowercased()
            let l = env[lower].flatMap { $0.isEmpty ? nil : $0 }
            let u = env[key].flatMap { $0.isEmpty ? nil : $0 }
            if let l, let u, l != u { conflicts.append("\(lower)/\(key)") }
            if let l { return Variable(key: key, source: lower, value: l) }
            return u.map { Variable(key: key, source: key, value: $0) }
        }
        let http = pick("HTTP_PROXY")
        let https = pick("HTTPS_PROXY")
        let noProxy = pick("NO_PROXY")
        return ProxySettings(http: http, https: https, noProxy: noProxy, conflicts: conflicts)
    }

    public var isSet: Bool { http != nil || https != nil }

    /// As provisioning takes it: `http://` added when there is no scheme (as curl does).
    public static func url(_ value: String) -> String {
        value.contains("://") ? value : "http://" + value
    }

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

    /// The host a proxy URL names, without user, port or brackets ("" when none).
    public static func host(_ url: String) -> String {
        let schemeEnd = url.firstRange(of: "://").map(\.upperBound) ?? url.startIndex
        let rest = url[schemeEnd...]
        var authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") { return String(authority.dropFirst().prefix { $0 != "]" }) }
        return String(authority.prefix { $0 != ":" })
    }

    /// Why provisioning would refuse this proxy (lib.sh `proxy_url`), or nil: not an http(s) URL
    /// without spaces, quotes or backslashes (it goes into unit files and apt.conf between double
    /// quotes), or a host on this machine's loopback, which the VM cannot reach.
    public static func problem(_ value: String) -> (reason: String, loopback: Bool)? {
        let url = url(value)
        let scheme = url.hasPrefix("http://") || url.hasPrefix("https://")
        let clean = !url.contains { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }
        let host = host(url)
        guard scheme, clean, url.count > url.prefix(while: { $0 != ":" }).count + 3 else {
            return ("is not an http:// or https:// proxy URL without spaces or quotes", false)
        }
        if host.isEmpty || host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "0.0.0.0" {
            return ("is this machine's own loopback, which the VM cannot reach", true)
        }
        return nil
    }
}

extension DoctorChecks {
    /// The proxy the VM gets (`✓`), or nil when none is set. `✗` for a value provisioning refuses;
    /// `!` when a host name is set in both cases to different values.
    public static func proxy(_ settings: ProxySettings, vmIP: String) -> DoctorFinding? {
        guard settings.isSet else { return nil }
        let proxies = [settings.http, settings.https].compactMap { $0 }
        for variable in proxies {
            guard let problem = ProxySettings.problem(variable.value) else { continue }
            let from = variable.source == ProjectSettings.fileName ? "in settings.env" : "from this host's \(variable.source)"
            let hostSide = vmIP.split(separator: ".").dropLast().joined(separator: ".") + ".1"
            return DoctorFinding("proxy", .fail, "proxy: \(variable.key) \(from), \(ProxySettings.masked(variable.value)), \(problem.reason): provisioning stops",
                                 fix: problem.loopback
                                    ? "make the proxy listen on \(hostSide) (this host's side of the private network) and set \(variable.key)=http://\(hostSide):PORT in settings.env"
                                    : "set \(variable.key) in settings.env to http://HOST:PORT")
        }
        func shown(_ v: ProxySettings.Variable) -> String {
            "\(v.key)=\(ProxySettings.masked(ProxySettings.url(v.value))) (\(v.source))"
        }
        var parts = proxies.map(shown)
        let added = "127.0.0.1, localhost, \(vmIP), k3s's pod and service ranges, .svc, .cluster.local"
        if let no = settings.noProxy {
            let value = TextSanitizer.cleanLine(no.value)
            parts.append("NO_PROXY=\(value.count > 120 ? String(value.prefix(119)) + "…" : value) (\(no.source)) after \(added)")
        } else {
            parts.append("NO_PROXY=\(added)")
        }
        let summary = "proxy for the VM: " + parts.joined(separator: "; ")
        if !settings.conflicts.isEmpty {
            let names = settings.conflicts.joined(separator: ", ")
            return DoctorFinding("proxy", .warn, summary + " (\(names) differ on this host: the lowercase one is used)",
                                 fix: "give \(names) the same value, or set the proxy in settings.env")
        }
        return DoctorFinding("proxy", .ok, summary)
    }
}
