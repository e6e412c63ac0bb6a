import Testing
@testable import ClusterProbe

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
