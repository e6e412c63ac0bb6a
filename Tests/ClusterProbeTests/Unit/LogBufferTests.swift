import Foundation
import Testing
@testable import ClusterProbe

@Suite struct LogBufferTests {
    @Test func keepsTheNewestLinesInOrder() {
        var buffer = LogBuffer(capacity: 3)
        for i in 1...5 { buffer.append("l\(i)") }
        #expect(buffer.lines == ["l3", "l4", "l5"])
        #expect(buffer.window(last: 2) == ["l4", "l5"])
        #expect(buffer.window(last: 2, offsetFromEnd: 1) == ["l3", "l4"])
        #expect(buffer.window(last: 10, offsetFromEnd: 10).isEmpty)
    }

    @Test func memoryIsBoundedUnderAFlood() {
        var buffer = LogBuffer(capacity: 5000)
        for i in 0..<100_000 { buffer.append("line \(i)") }
        #expect(buffer.count == 5000)
        #expect(buffer[0] == "line 95000")
        #expect(buffer[4999] == "line 99999")
    }
}
