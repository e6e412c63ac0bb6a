import Testing
@testable import ClusterProbe

@Suite struct QuantityTests {
    @Test(arguments: [
        ("1Gi", Int64(1_073_741_824)), ("500M", 500_000_000), ("2G", 2_000_000_000), ("1.5Gi", 1_610_612_736),
        ("128974848", 128_974_848), ("129e6", 129_000_000), ("100Ki", 102_400), ("20Mi", 20_971_520), ("1Ti", 1_099_511_627_776),
    ])
    func parses(text: String, bytes: Int64) {
        #expect(Quantity.bytes(text) == bytes)
    }

    @Test(arguments: ["", "Gi", "abc", "1.2.3Gi", "-1Gi", "1Zi"])
    func rejects(text: String) {
        #expect(Quantity.bytes(text) == nil)
    }

    @Test func formatsForPeople() {
        #expect(ByteFormat.binary(196_083_712) == "187 MiB")
        #expect(ByteFormat.binary(2_147_483_648) == "2.0 GiB")
        #expect(ByteFormat.binary(512) == "512 B")
    }
}

@Suite struct DiskUsageParserTests {
    @Test func duThenDf() throws {
        let figures = try DiskUsageParser.parse(Fixtures.text("scenarios/healthy/kubectl-exec-du"))
        #expect(figures.usedBytes == 191_488 * 1024)
        #expect(figures.filesystemSizeBytes == Int64(40_470_732) * 1024)
        #expect(figures.filesystemUsedBytes == Int64(9_538_640) * 1024)
    }

    @Test func wrappedFilesystemNameInDf() throws {
        let text = "12\t/var/lib/mysql\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/mapper/vg-very-long-name\n 1000 250 750 25% /var/lib/mysql\n"
        let figures = try DiskUsageParser.parse(text)
        #expect(figures.filesystemSizeBytes == 1000 * 1024 && figures.filesystemUsedBytes == 250 * 1024)
    }

    @Test func duAloneStillGivesTheDataSize() throws {
        #expect(try DiskUsageParser.parse("4\t/var/lib/mysql\n").usedBytes == 4096)
    }

    @Test func garbageIsAOneLineError() {
        #expect(throws: CommandError.malformedOutput(tool: "du", reason: "expected `SIZE PATH`, got `du: cannot access '/var/lib/mysql'`")) {
            try DiskUsageParser.parse("du: cannot access '/var/lib/mysql'\n")
        }
        #expect(throws: CommandError.malformedOutput(tool: "du", reason: "expected `SIZE PATH`, got nothing")) {
            try DiskUsageParser.parse("")
        }
    }

    @Test func claimFromRecordedPVC() throws {
        let claim = try KubeJSON.decode(ClaimResource.self, from: Fixtures.bytes("scenarios/healthy/kubectl-get-pvc")).usage()
        #expect(claim.claim == "mysql-data" && claim.storageClass == "local-path" && claim.phase == "Bound")
        #expect(claim.capacityBytes == 2_147_483_648)
    }
}

@Suite struct TimestampTests {
    @Test func rfc3339() {
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.parse("2026-11-25T10:03:12Z") == 1_795_600_992)
        #expect(Timestamp.parse("2026-11-25T10:03:12.123456Z") == 1_795_600_992)
        #expect(Timestamp.parse("2026-11-25T12:03:12+02:00") == 1_795_600_992)
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") == 1_709_164_800)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-25 10:03:12", "2026-11-25T10:03:12"])
    func rejects(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func ages() {
        #expect(DurationFormat.age(seconds: 45) == "45s")
        #expect(DurationFormat.age(seconds: 600) == "10m")
        #expect(DurationFormat.age(seconds: 3 * 3600) == "3h")
        #expect(DurationFormat.age(seconds: 5 * 86400) == "5d")
    }
}

@Suite struct KubeJSONTests {
    @Test func truncatedJSONIsAOneLineError() throws {
        let full = Fixtures.bytes("pods/healthy.json")
        #expect(throws: CommandError.malformedOutput(tool: "kubectl", reason: "not JSON (truncated or invalid)")) {
            try KubeJSON.decode(PodList.self, from: Array(full.prefix(full.count / 2)))
        }
    }

    @Test func emptyAndWrongShape() {
        #expect(throws: CommandError.malformedOutput(tool: "kubectl", reason: "empty output")) {
            try KubeJSON.decode(PodList.self, from: [])
        }
        #expect(throws: CommandError.malformedOutput(tool: "kubectl", reason: "missing .items")) {
            try KubeJSON.decode(PodList.self, from: Array(#"{"kind":"Status"}"#.utf8))
        }
    }

    @Test func splitterResynchronisesAfterAnOversizedObject() {
        var splitter = JSONObjectSplitter(maxObject: 64)
        var out: [String] = []
        let ok = splitter.feed(Array(("{\"a\":\"" + String(repeating: "x", count: 100) + "\"}{\"b\":1}").utf8)) {
            out.append(String(decoding: $0, as: UTF8.self))
        }
        #expect(!ok)
        #expect(out.last == "{\"b\":1}")
    }

    @Test func splitterIgnoresBracesInStrings() {
        var splitter = JSONObjectSplitter()
        var out: [String] = []
        splitter.feed(Array(#"{"m":"a } { \" }"} {"n":[{}]}"#.utf8)) { out.append(String(decoding: $0, as: UTF8.self)) }
        #expect(out == [#"{"m":"a } { \" }"}"#, #"{"n":[{}]}"#])
    }
}

@Suite struct KubectlDiagnosisTests {
    @Test(arguments: [
        ("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?", "cluster unreachable: connection refused"),
        ("Unable to connect to the server: dial tcp 127.0.0.1:6443: i/o timeout", "cluster unreachable: timed out"),
        ("error: You must be logged in to the server (Unauthorized)", "cluster refused the credentials (Unauthorized)"),
        ("error: stat /home/u/devenv/.devenv/kubeconfig: no such file or directory", "no kubeconfig yet (.devenv/kubeconfig): press u to provision"),
        ("error: context \"kind\" does not exist", "context \"kind\" does not exist"),
        ("Error from server (NotFound): persistentvolumeclaims \"mysql-data\" not found", "kubectl: Error from server (NotFound): persistentvolumeclaims \"mysql-data\" not found"),
    ])
    func explains(message: String, expected: String) {
        #expect(KubectlDiagnosis.explain(message) == expected)
    }
}
