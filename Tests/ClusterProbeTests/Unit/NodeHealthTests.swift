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

    /// Each pressure the kubelet reports is named, in a fixed order, and only while True.
    @Test func everyPressureConditionIsNamed() throws {
        func node(_ conditions: [(String, String)]) throws -> NodeHealth {
            let list = conditions.map { "{\"type\": \"\($0.0)\", \"status\": \"\($0.1)\"}" }.joined(separator: ", ")
            let json = "{\"metadata\": {\"name\": \"devenv\"}, \"status\": {\"conditions\": [\(list)]}}"
            return NodeHealth(try KubeJSON.decode(NodeResource.self, from: Array(json.utf8)))
        }
        let all = try node([("Ready", "True"), ("PIDPressure", "True"), ("DiskPressure", "True"), ("MemoryPressure", "True")])
        #expect(all.problems == ["MemoryPressure", "DiskPressure", "PIDPressure"])
        #expect(try node([("Ready", "True"), ("PIDPressure", "True")]).problems == ["PIDPressure"])
        #expect(try node([("Ready", "True"), ("MemoryPressure", "True"), ("PIDPressure", "Unknown")]).problems == ["MemoryPressure"])
        #expect(try node([("Ready", "Unknown"), ("PIDPressure", "False")]).problems == ["NotReady"])
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
