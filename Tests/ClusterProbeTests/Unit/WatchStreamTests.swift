import Testing
@testable import ClusterProbe

@Suite struct WatchStreamTests {
    /// A 100 kB message arrives as several runner lines (cut at 16 KiB): the event still decodes,
    /// bounded; the events after it are not lost.
    @Test func aHundredKilobyteMessageSurvivesTheRunnersLineCuts() throws {
        let huge = String(repeating: "0123456789", count: 10_000)
        let raw = Fixtures.text("scenarios/failed-mount/kubectl-watch-events")
            .replacingOccurrences(of: "hostPath type check failed: /vagrant/app is not a directory", with: huge)
        var splitter = LineSplitter()
        var lines: [String] = []
        splitter.feed(Array(raw.utf8)) { lines.append($0) }
        splitter.finish { lines.append($0) }
        #expect(lines.contains { $0.utf8.count == splitter.maxLine })
        var stream = WatchStream()
        let objects = stream.objects(from: lines)
        #expect(objects.count == 3)
        let changes = objects.compactMap { try? KubeJSON.decode(EventWatchEvent.self, from: $0) }
        #expect(changes.count == 3)
        let event = try #require(WarningEvent(changes[0].object, namespace: "devenv", now: 1_795_606_927))
        #expect(event.message.count == 300 && event.message.hasSuffix("…"))
    }
}
