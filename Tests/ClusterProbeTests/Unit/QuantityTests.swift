import Testing
@testable import ClusterProbe

@Suite struct QuantityTests {
    @Test(arguments: [
        ("1Gi", Int64(1_073_741_824)), ("500M", 500_000_000), ("2G", 2_000_000_000), ("1.5Gi", 1_610_612_736),
        ("128974848", 128_974_848), ("129e6", 129_000_000), ("100Ki", 102_400), ("20Mi", 20_971_520), ("1Ti", 1_099_511_627_776),
    ])
    func parses(text: String, bytes: Int64) {
        #expect(Quantity.bytes(text) == bytes)
    }

    @Test(arguments: ["", "Gi", "abc", "1.2.3Gi", "-1Gi", "1Zi"])
    func rejects(text: String) {
        #expect(Quantity.bytes(text) == nil)
    }

    @Test func formatsForPeople() {
        #expect(ByteFormat.binary(196_083_712) == "187 MiB")
        #expect(ByteFormat.binary(2_147_483_648) == "2.0 GiB")
        #expect(ByteFormat.binary(512) == "512 B")
    }
}
