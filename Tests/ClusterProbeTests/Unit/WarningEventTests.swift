import Testing
@testable import ClusterProbe

/// Events as kubectl prints them (core/v1), and the choice of "the" event to show for an object.
@Suite struct WarningEventTests {
    static let now = 1_795_606_927 // 2026-11-25T11:42:07Z
    static func events(_ name: String) throws -> [EventResource] { try EventList.parse(Fixtures.bytes("events/\(name).json")) }
    static func digest(_ events: String, pods: String, claim: String? = nil) throws -> [WarningEvent] {
        var table = WarningEventTable(namespace: "devenv")
        table.load(try Self.events(events), now: now)
        return table.digest(pods: try Fixtures.pods(pods), claim: claim)
    }

    @Test func failedMountOfTheCurrentPodIsTheOneShown() throws {
        let digest = try Self.digest("failed-mount", pods: "failed-mount")
        // The gone pod and the older mysql-0 (other uid) have events too: neither is shown.
        #expect(digest.count == 1)
        let event = try #require(digest.first)
        #expect(event.kind == "Pod" && event.name == "app-7d9f8c6b5-mnt01" && event.reason == "FailedMount" && event.count == 6)
        #expect(event.lastSeenAt == Timestamp.parse("2026-11-25T11:41:27Z"))
        #expect(event.line(now: Self.now) == "FailedMount ×6, 40s ago: MountVolume.SetUp failed for volume \"code\" : hostPath type check failed: /vagrant/app is not a directory")
    }

    @Test func schedulerEventsOfTheNewAPIUseEventTimeAndSeries() throws {
        let raw = try #require(try Self.events("failed-scheduling").first)
        #expect(raw.lastTimestamp == nil && raw.firstTimestamp == nil && raw.count == nil)
        #expect(raw.occurrences == 4)
        #expect(raw.lastSeen == Timestamp.parse("2026-11-25T11:41:47Z"))
        #expect(raw.firstSeen == Timestamp.parse("2026-11-25T11:39:02Z"))
        let event = try #require(try Self.digest("failed-scheduling", pods: "failed-scheduling").first)
        #expect(event.line(now: Self.now) == "FailedScheduling ×4, 20s ago: 0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
    }

    @Test func aSingletonOfTheNewAPICountsOnce() {
        let event = EventResource(type: "Warning", eventTime: "2026-11-25T11:41:20.000001Z")
        #expect(event.occurrences == 1 && event.lastSeen == Timestamp.parse("2026-11-25T11:41:20Z"))
    }

    @Test func theChoice() {
        func e(_ reason: String, _ last: Int?, uid: String? = "u", count: Int = 1) -> WarningEvent {
            WarningEvent(kind: "Pod", name: "p", uid: uid, reason: reason, message: reason, count: count, lastSeenAt: last)
        }
        // The most recent wins.
        #expect(WarningEvent.choose([e("A", 10), e("B", 30), e("C", 20)], kind: "Pod", name: "p", uid: "u")?.reason == "B")
        // BackOff restates STATUS: a probe failure says more, even if older.
        #expect(WarningEvent.choose([e("BackOff", 50, count: 40), e("Unhealthy", 20)], kind: "Pod", name: "p", uid: "u")?.reason == "Unhealthy")
        #expect(WarningEvent.choose([e("BackOff", 50)], kind: "Pod", name: "p", uid: "u")?.reason == "BackOff")
        // Another pod of the same name (a recreated mysql-0) is not this one.
        #expect(WarningEvent.choose([e("Old", 99, uid: "other")], kind: "Pod", name: "p", uid: "u") == nil)
        // An event without a uid still counts; an undated one loses to a dated one.
        #expect(WarningEvent.choose([e("NoUID", 5, uid: nil), e("Undated", nil)], kind: "Pod", name: "p", uid: "u")?.reason == "NoUID")
        #expect(WarningEvent.choose([e("A", 10)], kind: "PersistentVolumeClaim", name: "p", uid: nil) == nil)
    }

    /// The hostile fixture plus `fillers` Warnings about pods long gone, as one kubectl List.
    static func hostileList(fillers: Int) throws -> [UInt8] {
        var bytes = Fixtures.bytes("events/hostile.json")
        let marker = Array("\"items\": [".utf8)
        let at = try #require((0...(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        let filler = (0..<fillers).map { i in
            #"{"apiVersion":"v1","count":2,"eventTime":null,"firstTimestamp":"2026-11-25T10:00:00Z","#
                + #""involvedObject":{"kind":"Pod","name":"app-7d9f8c6b5-old\#(i)","namespace":"devenv","uid":"old-\#(i)"},"#
                + #""kind":"Event","lastTimestamp":"2026-11-25T10:\#(10 + i / 60 % 40):\#(10 + i % 50)Z","message":"Back-off restarting failed container","#
                + #""metadata":{"name":"filler-\#(i)","namespace":"devenv","uid":"filler-\#(i)"},"reason":"BackOff","type":"Warning"},"#
        }.joined()
        bytes.insert(contentsOf: Array(filler.utf8), at: at + marker.count)
        return bytes
    }

    @Test func badInputIsBoundedSanitizedOrLeftOut() throws {
        let list = try EventList.parse(try Self.hostileList(fillers: 3000))
        // The item with a wrong type is skipped, not fatal; 3000 fillers and the rest decode.
        #expect(list.count > 3000)
        #expect(!list.contains { $0.metadata?.name == "wrongtype" })
        var table = WarningEventTable(namespace: "devenv")
        table.load(list, now: Self.now)
        #expect(table.count <= table.capacity + table.capacity / 5)
        // Trimming drops the oldest: the current pod's recent FailedMount is still there.
        #expect(table.digest(pods: try Fixtures.pods("failed-mount"), claim: nil).first?.reason == "FailedMount")
        let all = WarningEventTable.digest(Array(list.compactMap { WarningEvent($0, namespace: "devenv", now: Self.now) }),
                                           pods: try Fixtures.pods("failed-mount"), claim: nil)
        let chosen = try #require(all.first)
        // Other namespace, Normal, Node events are left out; the future one has no trusted time,
        // so the newest dated one (the 100 kB message, 11:41:30) is chosen.
        #expect(chosen.reason == "FailedMount" && chosen.lastSeenAt == Timestamp.parse("2026-11-25T11:41:30Z"))
        #expect(chosen.message.count <= 300 && chosen.message.hasPrefix("line one line two \u{FFFD}[2J\u{FFFD}[31mred\u{FFFD} xxx"))
        #expect(chosen.message.hasSuffix("…"))
        for event in list.compactMap({ WarningEvent($0, namespace: "devenv", now: Self.now) }) {
            #expect(!event.message.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
            #expect(event.message.count <= 300)
        }
        let bad = try #require(list.first { $0.metadata?.name == "badutf8" })
        #expect(bad.message?.contains("\u{FFFD}") == true)
        let future = try #require(list.first { $0.metadata?.name == "future" })
        let dated = try #require(WarningEvent(future, namespace: "devenv", now: Self.now))
        #expect(dated.lastSeenAt == Timestamp.parse("2026-11-25T11:38:12Z")) // falls back to firstTimestamp
        #expect(list.contains { $0.metadata?.name == "otherns" })
        #expect(WarningEvent(try #require(list.first { $0.metadata?.name == "otherns" }), namespace: "devenv", now: Self.now) == nil)
        #expect(WarningEvent(try #require(list.first { $0.metadata?.name == "normal" }), namespace: "devenv", now: Self.now) == nil)
        #expect(WarningEvent(try #require(list.first { $0.metadata?.name == "nodeevent" }), namespace: "devenv", now: Self.now) == nil)
    }

    @Test func watchStreamKeepsATableAndForgetsDeletedEvents() throws {
        var splitter = JSONObjectSplitter()
        var table = WarningEventTable(namespace: "devenv")
        var changes: [EventWatchEvent] = []
        splitter.feed(Fixtures.bytes("scenarios/failed-mount/kubectl-watch-events")) {
            changes.append(try! KubeJSON.decode(EventWatchEvent.self, from: $0))
        }
        #expect(changes.count == 3)
        changes.forEach { table.apply($0, now: Self.now) }
        let pods = try Fixtures.pods("failed-mount")
        #expect(table.digest(pods: pods, claim: nil).map(\.reason) == ["FailedMount"])
        var gone = changes[0]
        gone.type = "DELETED"
        table.apply(gone, now: Self.now)
        #expect(table.digest(pods: pods, claim: nil).isEmpty)
    }

    @Test func emptyOrGarbageListsAreOneLineErrors() {
        #expect(throws: CommandError.self) { try EventList.parse([]) }
        #expect(throws: CommandError.self) { try EventList.parse(Array("{\"items\": [".utf8)) }
        #expect((try? EventList.parse(Array("{\"kind\":\"List\",\"items\":[]}".utf8)))?.isEmpty == true)
    }
}
