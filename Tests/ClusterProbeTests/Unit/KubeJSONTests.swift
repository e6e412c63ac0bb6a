import Testing
@testable import ClusterProbe

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
