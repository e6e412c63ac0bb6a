import Testing
@testable import ClusterProbe

/// The proxy `devtui doctor` reports for the VM (issue 21 item 3): read as provisioning reads it
/// (settings.env first, then the host's, lowercase first), refused where provisioning refuses it,
/// and never with its password.
@Suite struct ProxySettingsTests {
    @Test func credentialsInAProxyURLAreNeverShown() {
        #expect(ProxySettings.masked("http://alice:s3cret@proxy.corp:3128") == "http://***@proxy.corp:3128")
        #expect(ProxySettings.masked("http://alice:p@ss@proxy.corp:3128/") == "http://***@proxy.corp:3128/")
        #expect(ProxySettings.masked("alice:s3cret@proxy.corp:3128") == "***@proxy.corp:3128")
        #expect(ProxySettings.masked("https://token@proxy.corp") == "https://***@proxy.corp")
        #expect(ProxySettings.masked("http://proxy.corp:3128") == "http://proxy.corp:3128")
        // An @ in the path is no user part.
        #expect(ProxySettings.masked("http://proxy.corp:3128/a@b") == "http://proxy.corp:3128/a@b")
        #expect(ProxySettings.host("http://alice:s3cret@proxy.corp:3128") == "proxy.corp")
        #expect(ProxySettings.host("http://[::1]:3128") == "::1")
        #expect(ProxySettings.host("http://alice@:3128") == "")
    }

    @Test func settingsEnvFirstThenTheHostLowercaseFirst() {
        let host = ProxySettings.from(environment: ["https_proxy": "http://p:1", "HTTPS_PROXY": "http://q:1", "NO_PROXY": "localhost"])
        #expect(host.https == .init(key: "HTTPS_PROXY", source: "https_proxy", value: "http://p:1"))
        #expect(host.http == nil && host.noProxy?.source == "NO_PROXY")
        #expect(host.conflicts == ["https_proxy/HTTPS_PROXY"])
        let file = ProxySettings.from(environment: ["https_proxy": "http://p:1"], settings: ["HTTPS_PROXY": "http://s:1", "HTTP_PROXY": ""])
        #expect(file.https == .init(key: "HTTPS_PROXY", source: "settings.env", value: "http://s:1"))
        #expect(file.http == nil)
        #expect(!ProxySettings.from(environment: ["HTTP_PROXY": "", "NO_PROXY": "localhost"]).isSet)
        #expect(ProxySettings.from(environment: ["http_proxy": "http://a:1", "HTTP_PROXY": "http://a:1"]).conflicts.isEmpty)
    }

    @Test func theDoctorLineSaysWhatTheVMGets() throws {
        #expect(DoctorChecks.proxy(ProxySettings.from(environment: [:]), vmIP: "192.168.56.10") == nil)
        let env = ["HTTP_PROXY": "alice:s3cret@proxy.corp:3128", "https_proxy": "http://alice:s3cret@proxy.corp:3128",
                   "no_proxy": ".corp"]
        let finding = try #require(DoctorChecks.proxy(ProxySettings.from(environment: env), vmIP: "192.168.56.10"))
        #expect(finding.status == .ok)
        #expect(finding.summary == "proxy for the VM: HTTP_PROXY=http://***@proxy.corp:3128 (HTTP_PROXY); HTTPS_PROXY=http://***@proxy.corp:3128 (https_proxy); NO_PROXY=.corp (no_proxy) after 127.0.0.1, localhost, 192.168.56.10, k3s's pod and service ranges, .svc, .cluster.local")
        #expect(!finding.summary.contains("s3cret") && !finding.summary.contains("alice"))

        let differ = try #require(DoctorChecks.proxy(ProxySettings.from(environment: ["http_proxy": "http://u:pw@a:1", "HTTP_PROXY": "http://b:1"]),
                                                     vmIP: "192.168.56.10"))
        #expect(differ.status == .warn && differ.summary.hasSuffix("(http_proxy/HTTP_PROXY differ on this host: the lowercase one is used)"))
        #expect(!differ.summary.contains("pw"))
    }

    /// What provisioning refuses (lib.sh proxy_url) is a ✗ before `vagrant up`, never with the password.
    @Test func aProxyTheVMCannotUseIsAFailure() throws {
        let loopback = try #require(DoctorChecks.proxy(ProxySettings.from(environment: ["HTTPS_PROXY": "http://me:pw@127.0.0.1:3128"]),
                                                       vmIP: "192.168.56.10"))
        #expect(loopback.status == .fail)
        #expect(loopback.summary == "proxy: HTTPS_PROXY from this host's HTTPS_PROXY, http://***@127.0.0.1:3128, is this machine's own loopback, which the VM cannot reach: provisioning stops")
        #expect(loopback.fix == "make the proxy listen on 192.168.56.1 (this host's side of the private network) and set HTTPS_PROXY=http://192.168.56.1:PORT in settings.env")
        for value in ["localhost:3128", "http://[::1]:3128", "http://0.0.0.0:8080"] {
            #expect(DoctorChecks.proxy(ProxySettings.from(environment: ["http_proxy": value]), vmIP: "10.0.0.5")?.status == .fail)
        }
        let quoted = try #require(DoctorChecks.proxy(ProxySettings.from(environment: [:], settings: ["HTTP_PROXY": "socks5://p:1080"]),
                                                     vmIP: "192.168.56.10"))
        #expect(quoted.status == .fail && quoted.summary.hasPrefix("proxy: HTTP_PROXY in settings.env, socks5://p:1080, is not an http:// or https:// proxy URL"))
        #expect(DoctorChecks.proxy(ProxySettings.from(environment: ["http_proxy": "http://pro xy:1"]), vmIP: "192.168.56.10")?.status == .fail)
        #expect(DoctorChecks.proxy(ProxySettings.from(environment: ["http_proxy": "proxy.corp:3128"]), vmIP: "192.168.56.10")?.status == .ok)
    }
}
