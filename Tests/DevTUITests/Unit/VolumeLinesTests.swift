import Testing
@testable import ClusterProbe
@testable import DevTUI

/// The MySQL panel's text when `du` fails: the claim and its size stay, the error says why.
@Suite struct VolumeLinesTests {
    static func text(_ snap: EnvironmentSnapshot) -> [String] {
        VolumeView.lines(TestData.input(snap, width: 100, height: 30), width: 40, wrap: false)
            .map { $0.map(\.0).joined() }
    }

    @Test func aFailingDuBeforeAnyMeasureShowsTheClaimAndTheError() {
        var snap = TestData.healthy()
        let claim = VolumeUsage(claim: "mysql-data", storageClass: "local-path", phase: "Bound", capacityBytes: 2_147_483_648)
        snap.volume.fail("du: cannot read directory", at: TestData.nowMs / 1000)
        snap.volume.value = claim
        let lines = Self.text(snap)
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix("? / 2.0 GiB"), "\(lines[0])")
        #expect(lines[1] == "du: cannot read directory")
    }

    @Test func noDataSizeYetWithoutAnErrorWaitsForMySQL() {
        var snap = TestData.healthy()
        snap.volume.succeed(VolumeUsage(claim: "mysql-data", capacityBytes: 2_147_483_648), at: TestData.nowMs / 1000)
        #expect(Self.text(snap)[1].hasPrefix("data size unknown until mysql runs"))
    }
}
