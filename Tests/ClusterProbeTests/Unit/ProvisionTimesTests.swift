import Foundation
import Testing
@testable import ClusterProbe

/// `.devenv/provision-times.json` as provisioning writes it (provision/lib.sh timing_report on the
/// first-boot branch), read for `first provisioning took 8m13s` and `usually 2m10s` (issue 21 item 9).
@Suite struct ProvisionTimesTests {
    static func times(_ name: String) throws -> ProvisionTimes {
        try KubeJSON.decode(ProvisionTimes.self, from: Fixtures.bytes("provision-times/\(name).json"))
    }

    @Test func theFileAsProvisioningWritesIt() throws {
        let times = try Self.times("first-boot")
        #expect(times.format == 1)
        let first = try #require(times.firstBoot)
        #expect(first.seconds == 493 && first.ok)
        #expect(first.steps.map(\.name) == ["docker", "k3s", "image", "rollout", "on-boot"])
        #expect(ProvisionTimes.human(first.seconds) == "8m13s")
        #expect(try Self.times("later-up").lastRun?.steps.map(\.name) == ["on-boot"])
    }

    @Test func eachProvisionerUsuallyTakesItsSteps() throws {
        let first = try #require(try Self.times("first-boot").firstBoot)
        #expect(ProvisionTimes.seconds(of: .provisioner("docker"), in: first) == 130)
        #expect(ProvisionTimes.seconds(of: .provisioner("k3s"), in: first) == 100)
        #expect(ProvisionTimes.seconds(of: .provisioner("app"), in: first) == 185 + 72)  // image and rollout
        #expect(ProvisionTimes.seconds(of: .provisioner("on-boot"), in: first) == 6)
        // Not timed by provisioning: the box download, the boot, the shared folders.
        #expect(ProvisionTimes.seconds(of: .download, in: first) == nil)
        #expect(ProvisionTimes.seconds(of: .boot, in: first) == nil)
        #expect(ProvisionTimes.seconds(of: .provisioner("other"), in: first) == nil)
        // A step that failed is no measure of how long it takes.
        var failed = first
        failed.steps[1].ok = false
        #expect(ProvisionTimes.seconds(of: .provisioner("k3s"), in: failed) == nil)
    }

    @Test func aNewVMIsComparedWithTheFirstBootAnUpWithTheLastRun() throws {
        let later = try Self.times("later-up")
        #expect(later.usualRun(vmCreated: false) == later.firstBoot)
        #expect(later.usualRun(vmCreated: true) == later.lastRun)
        var failedLast = later
        failedLast.lastRun?.ok = false
        #expect(failedLast.usualRun(vmCreated: true) == later.firstBoot)
    }

    @Test func humanDurationsAsProvisioningPrintsThem() {
        #expect(ProvisionTimes.human(45) == "45s")
        #expect(ProvisionTimes.human(125) == "2m05s")
        #expect(ProvisionTimes.human(600) == "10m00s")
        #expect(ProvisionTimes.human(3720) == "1h02m")
    }

    @Test func theProjectsFileAndNothingForAnotherFormatOrNone() throws {
        let dir = NSTemporaryDirectory() + "times-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/.devenv", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(ProvisionTimes.load(projectDir: dir) == nil)
        try Data(Fixtures.bytes("provision-times/first-boot.json")).write(to: URL(fileURLWithPath: dir + "/" + ProvisionTimes.path))
        #expect(ProvisionTimes.load(projectDir: dir) == (try Self.times("first-boot")))
        try "{\"format\": 2, \"last_run\": null, \"first_boot\": null}\n".write(toFile: dir + "/" + ProvisionTimes.path, atomically: true, encoding: .utf8)
        #expect(ProvisionTimes.load(projectDir: dir) == nil)
        try "{\"format\": 1, \"last_run\"".write(toFile: dir + "/" + ProvisionTimes.path, atomically: true, encoding: .utf8)
        #expect(ProvisionTimes.load(projectDir: dir) == nil, "a file cut short while written")
        #expect(ProvisionTimes.load(projectDir: nil) == nil)
    }
}
