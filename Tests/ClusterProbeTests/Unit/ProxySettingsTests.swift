import Testing
@testable import ClusterProbe

/// The proxy `devtui doctor` reports for the VM (issue 21 item 3): either case, and never a password.
@Suite struct ProxySettingsTests {
    @Test func credentialsInAProxyURLAreNeverShown() {
        #expect(ProxySettings.masked("http://alice:s3cret@proxy.corp:3128") == "http://***@proxy.corp:3128")
        #expect(ProxySettings.masked("http://alice:p@ss@proxy.corp:3128/") == "http://***@proxy.corp:3128/")
        #expect(ProxySettings.masked("alice:s3cret@proxy.corp:3128") == "***@proxy.corp:3128")
        #expect(ProxySettings.masked("https://token@proxy.corp") == "https://***@proxy.corp")
        #expect(ProxySettings.masked("http://proxy.corp:3128") == "http://proxy.corp:3128")
        // An @ in the path is no user part.
        #expect(ProxySettings.masked("http://proxy.corp:3128/a@b") == "http://proxy.corp:3128/a@b")
        #expect(ProxySettings.host("http://alice:s3cret@proxy.corp:3128") == "proxy.corp:3128")
        #expect(ProxySettings.host("http://") == nil)
        #expect(ProxySettings.host("http://alice@:3128") == nil)
    }

    @Test func eitherCaseAndEmptyIsUnset() {
        let lower = ProxySettings.from(["https_proxy": "http://p:1", "NO_PROXY": "localhost"])
        #expect(lower.https?.name == "https_proxy" && lower.http == nil && lower.noProxy?.name == "NO_PROXY")
        #expect(lower.conflicts.isEmpty)
        #expect(!ProxySettings.from(["HTTP_PROXY": "", "NO_PROXY": "localhost"]).isSet)
        let both = ProxySettings.from(["http_proxy": "http://a:1", "HTTP_PROXY": "http://b:1"])
        #expect(both.conflicts == ["http_proxy/HTTP_PROXY"])
        #expect(ProxySettings.from(["http_proxy": "http://a:1", "HTTP_PROXY": "http://a:1"]).conflicts.isEmpty)
    }

    @Test func theDoctorLineSaysWhatTheVMGets() throws {
        #expect(DoctorChecks.proxy(ProxySettings.from([:])) == nil)
        let env = ["HTTP_PROXY": "http://alice:s3cret@proxy.corp:3128", "HTTPS_PROXY": "http://alice:s3cret@proxy.corp:3128",
                   "no_proxy": "localhost,127.0.0.1,.corp"]
        let finding = try #require(DoctorChecks.proxy(ProxySettings.from(env)))
        #expect(finding.status == .ok)
        #expect(finding.summary == "proxy from this host's environment, passed on to the VM: HTTP_PROXY=http://***@proxy.corp:3128 HTTPS_PROXY=http://***@proxy.corp:3128 no_proxy=localhost,127.0.0.1,.corp")
        #expect(!finding.summary.contains("s3cret") && !finding.summary.contains("alice"))

        let differ = try #require(DoctorChecks.proxy(ProxySettings.from(["http_proxy": "http://u:pw@a:1", "HTTP_PROXY": "http://b:1"])))
        #expect(differ.status == .warn && differ.summary.hasSuffix("(http_proxy/HTTP_PROXY differ)"))
        #expect(!differ.summary.contains("pw") && differ.fix?.contains("same value") == true)

        let hostless = try #require(DoctorChecks.proxy(ProxySettings.from(["HTTPS_PROXY": "http://u:pw@"])))
        #expect(hostless.status == .warn && hostless.summary == "HTTPS_PROXY=http://***@ names no proxy host")
    }
}
