import Foundation
import Testing
@testable import ClusterProbe

@Suite struct TextSanitizerTests {
    @Test func invalidUTF8BecomesReplacementCharacters() {
        let line = TextSanitizer.line([0x6F, 0x6B, 0xFF, 0xFE, 0x21])
        #expect(line == "ok\u{FFFD}\u{FFFD}!")
    }

    @Test func escapeSequencesAreNeverPassedThrough() {
        let line = TextSanitizer.line(Array("\u{1B}[2J\u{1B}]0;title\u{07}red".utf8))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 })
        #expect(line.hasSuffix("red"))
    }

    @Test func tabsExpandAndCarriageReturnsVanish() {
        #expect(TextSanitizer.line(Array("a\tb\r".utf8)) == "a    b")
    }

    @Test func multiLineOutputKeepsItsLines() {
        #expect(TextSanitizer.clean(Array("a\r\nb\n".utf8)) == "a\nb")
    }

    @Test func firstLineSkipsBlankLines() {
        #expect(TextSanitizer.firstLine("\n  \nerror: boom\nmore") == "error: boom")
    }
}
