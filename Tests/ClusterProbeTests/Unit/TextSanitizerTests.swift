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

    /// C1 controls (U+0080-U+009F) are controls too: U+009B is a one-character CSI to a terminal
    /// that reads 8-bit controls, so `C2 9B 32 4A` could clear the screen like `ESC [ 2 J`. In
    /// UTF-8 every one is C2 80-C2 9F; none may reach ncurses, whichever path the line takes.
    @Test func c1ControlsBecomePlaceholders() {
        #expect(TextSanitizer.line([0x61, 0xC2, 0x9B, 0x32, 0x4A, 0x62]) == "a\u{FFFD}2Jb")
        let all: [UInt8] = (UInt8(0x80)...UInt8(0x9F)).flatMap { (second: UInt8) -> [UInt8] in [0xC2, second] }
        #expect(TextSanitizer.line(all) == String(repeating: "\u{FFFD}", count: 32))
        #expect(TextSanitizer.cleanLine("x\u{85}y\u{9D}0;t\u{9C}") == "x\u{FFFD}y\u{FFFD}0;t\u{FFFD}")
        #expect(TextSanitizer.clean(Array("ok\n\u{9B}31mred\n".utf8)) == "ok\n\u{FFFD}31mred")
        // Their neighbours are text: U+00A0 (C2 A0) and U+00E9 stay as they are.
        #expect(TextSanitizer.line(Array("caf\u{E9}\u{A0}ok".utf8)) == "caf\u{E9}\u{A0}ok")
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
