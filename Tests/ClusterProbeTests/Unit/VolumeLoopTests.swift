import Synchronization
import Testing
@testable import ClusterProbe

/// The volume loop on a manual clock: the claim is asked for every 4th round, and kept (and
/// shown) when `du` fails, so the panel names the claim and its size beside the error.
@Suite struct VolumeLoopTests {
    static func world(duFails: Bool, pvcFails: Locked<Bool>? = nil) -> PollerWorld {
        let world = PollerWorld { argv in
            if argv.contains("pvc") {
                if pvcFails?.with({ $0 }) == true {
                    return .success(CommandOutput(exitCode: 1, stdout: [], stderr: Array("Unable to connect to the server\n".utf8)))
                }
                return .success(CommandOutput(exitCode: 0, stdout: Fixtures.bytes("scenarios/healthy/kubectl-get-pvc"), stderr: []))
            }
            if argv.contains("exec") {
                return duFails
                    ? .success(CommandOutput(exitCode: 1, stdout: [], stderr: Array("du: cannot read directory\n".utf8)))
                    : .success(CommandOutput(exitCode: 0, stdout: Fixtures.bytes("scenarios/healthy/kubectl-exec-du"), stderr: []))
            }
            return .failure(.malformedOutput(tool: "test", reason: "unexpected \(argv)"))
        }
        world.model.update { $0.pods.succeed([PollerWorld.pod("mysql-0", "mysql")], at: 0) }
        return world
    }

    static func count(_ world: PollerWorld, _ word: String) -> Int {
        world.runner.calls.filter { $0.contains(word) }.count
    }

    @Test func aFailingDuKeepsTheClaimOnScreenAndInHand() async {
        let world = Self.world(duFails: true)
        let loop = Task { await world.poller.volumeLoop() }
        defer { loop.cancel() }
        guard await eventually("the first round, then a 5 s backoff", { world.clock.pendingSleeps == [5000] }) else { return }
        let volume = world.model.snapshot().volume
        #expect(volume.value?.claim == "mysql-data")
        #expect(volume.value?.capacityBytes == 2_147_483_648)
        #expect(volume.value?.usedBytes == nil)
        #expect(volume.error?.contains("du: cannot read directory") == true)
        world.clock.advance(by: .seconds(5))
        guard await eventually("a second du", { Self.count(world, "exec") == 2 }) else { return }
        #expect(Self.count(world, "pvc") == 1, "the claim was asked for again after a failing du")
    }

    @Test func theClaimIsAskedForEveryFourthRound() async {
        let world = Self.world(duFails: false)
        let loop = Task { await world.poller.volumeLoop() }
        defer { loop.cancel() }
        for round in 1...5 {
            guard await eventually("round \(round)", { Self.count(world, "exec") == round && world.clock.pendingSleeps == [30_000] }) else { return }
            if round < 5 { world.clock.advance(by: .seconds(30)) }
        }
        #expect(Self.count(world, "pvc") == 2)
        #expect(world.model.snapshot().volume.value?.usedBytes == Int64(191_488 * 1024))
        #expect(world.model.snapshot().volume.error == nil)
    }

    /// No claim at all: the error shows, and the claim is asked for again each round, backing off.
    @Test func aFailingClaimIsAskedForEachRound() async {
        let world = Self.world(duFails: false, pvcFails: Locked(true))
        let loop = Task { await world.poller.volumeLoop() }
        defer { loop.cancel() }
        guard await eventually("a 5 s backoff", { world.clock.pendingSleeps == [5000] }) else { return }
        #expect(world.model.snapshot().volume.value == nil)
        #expect(world.model.snapshot().volume.error?.contains("Unable to connect to the server") == true)
        #expect(Self.count(world, "exec") == 0, "du without a claim")
        world.clock.advance(by: .seconds(5))
        await eventually("a second pvc list") { Self.count(world, "pvc") == 2 }
    }

    /// A refresh of the claim that fails keeps the one in hand: the next round measures with it.
    @Test func aFailingClaimRefreshKeepsTheClaimInHand() async {
        let failing = Locked(false)
        let world = Self.world(duFails: false, pvcFails: failing)
        let loop = Task { await world.poller.volumeLoop() }
        defer { loop.cancel() }
        for round in 1...4 {
            guard await eventually("round \(round)", { Self.count(world, "exec") == round && world.clock.pendingSleeps == [30_000] }) else { return }
            world.clock.advance(by: .seconds(30))
        }
        failing.with { $0 = true }  // round 5 asks for the claim again, and fails
        guard await eventually("the failed refresh, then a backoff", { world.clock.pendingSleeps == [5000] }) else { return }
        #expect(Self.count(world, "pvc") == 2)
        #expect(world.model.snapshot().volume.value?.usedBytes == Int64(191_488 * 1024), "the last figures were dropped")
        #expect(world.model.snapshot().volume.error?.contains("Unable to connect to the server") == true)
        world.clock.advance(by: .seconds(5))
        guard await eventually("round 6 measures with the claim in hand", { Self.count(world, "exec") == 5 }) else { return }
        #expect(Self.count(world, "pvc") == 2)
    }
}
