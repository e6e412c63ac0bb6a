import Testing
@testable import ClusterProbe

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
