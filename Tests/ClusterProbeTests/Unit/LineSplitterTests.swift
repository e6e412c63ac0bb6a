import Foundation
import Testing
@testable import ClusterProbe

@Suite struct LineSplitterTests {
    @Test func splitsAcrossChunksAndFlushesTheTail() {
        var splitter = LineSplitter()
        var lines: [String] = []
        splitter.feed(Array("one\ntw".utf8)) { lines.append($0) }
        splitter.feed(Array("o\nthree".utf8)) { lines.append($0) }
        #expect(lines == ["one", "two"])
        splitter.finish { lines.append($0) }
        #expect(lines == ["one", "two", "three"])
    }

    @Test func aLineWithoutNewlinesCannotGrowForever() {
        var splitter = LineSplitter(maxLine: 100)
        var lines: [String] = []
        splitter.feed([UInt8](repeating: 0x61, count: 1000)) { lines.append($0) }
        #expect(lines.count == 10)
        #expect(lines.allSatisfy { $0.count == 100 })
    }
}
