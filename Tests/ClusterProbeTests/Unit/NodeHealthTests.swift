import Testing
@testable import ClusterProbe

@Suite struct NodeHealthTests {
    @Test func readyNodeHasNoProblems() throws {
        let nodes = try KubeJSON.decode(NodeList.self, from: Fixtures.bytes("nodes/ready.json")).items.map(NodeHealth.init)
        #expect(nodes == [NodeHealth(name: "devenv", ready: true, pressure: [])])
        #expect(nodes[0].problems.isEmpty)
    }

    @Test func diskPressureAndNotReady() throws {
        let disk = try KubeJSON.decode(NodeList.self, from: Fixtures.bytes("nodes/disk-pressure.json")).items.map(NodeHealth.init)
        #expect(disk[0].problems == ["DiskPressure"])
        let gone = try KubeJSON.decode(NodeList.self, from: Fixtures.bytes("nodes/not-ready.json")).items.map(NodeHealth.init)
        #expect(gone[0].ready == false && gone[0].problems == ["NotReady"])
        #expect(gone[0].readyReason == "NodeStatusUnknown" && gone[0].readyMessage == "Kubelet stopped posting node status.")
    }

    @Test func aSingleNodeIsNotAList() throws {
        let nodes = try KubeJSON.decode(NodeList.self, from: Fixtures.bytes("nodes/single.json")).items
        #expect(nodes.map(\.metadata.name) == ["devenv"])
    }

    @Test func nodesOfConcernAreThoseRunningOurPods() throws {
        var snap = EnvironmentSnapshot(project: "p")
        snap.pods.value = try Fixtures.pods("healthy")
        snap.node.value = [NodeHealth(name: "devenv", ready: true), NodeHealth(name: "other", ready: false)]
        #expect(snap.nodesOfConcern.map(\.name) == ["devenv"])
        snap.pods.value = try Fixtures.pods("failed-scheduling").filter { $0.nodeName == nil }
        #expect(snap.nodesOfConcern.map(\.name) == ["devenv", "other"])
    }
}
