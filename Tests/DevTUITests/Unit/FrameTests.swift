import Testing
@testable import DevTUI

/// The fast paths of `Frame.put`, `Frame.fit` and `TextWidth.of` must draw exactly what the
/// character-by-character walk draws; the golden screens cover common text, these the edges.
@Suite struct FrameTests {
    static let samples: [String] = [
        "plain ascii", "┌ Pods · devenv ──┐", "██░░░ 187 MiB", "café ✓ ✗ ● …", "日本語のログ",
        "e\u{301}t\u{301}e\u{301}",          // combining accents: three characters, six scalars
        "flag 🇩🇪 and 👍🏽 and 👩‍💻",         // regional indicators, a modifier, a joiner
        "cr\r\nlf", "tab\there", "\u{1B}[31mred", "zero\u{200B}width", "❤\u{FE0F} heart",
    ]

    @Test(arguments: samples)
    func putDrawsWhatTheCharacterWalkDraws(text: String) {
        for maxWidth in [nil, 3, 7] as [Int?] {
            var fast = Frame(width: 30, height: 1)
            let used = fast.put(text, x: 2, y: 0, style: .warn, maxWidth: maxWidth)
            let (expected, expectedUsed) = Self.reference(text, width: 30, x: 2, maxWidth: maxWidth)
            #expect(fast.rows[0] == expected, "\(text) maxWidth \(String(describing: maxWidth))")
            #expect(used == expectedUsed)
        }
    }

    @Test(arguments: samples)
    func widthAndFitAgreeWithTheCharacterWalk(text: String) {
        let slow = text.reduce(0) { $0 + TextWidth.of($1) }
        #expect(TextWidth.of(text) == slow)
        for width in 1...12 {
            let fitted = Frame.fit(text, width)
            #expect(TextWidth.of(fitted) <= width)
            if slow <= width { #expect(fitted == text) } else { #expect(fitted.hasSuffix("…")) }
        }
    }

    @Test func standsAloneExcludesEverythingThatJoins() {
        for joiner: Unicode.Scalar in ["\u{301}", "\u{200D}", "\u{FE0F}", "\u{1F3FD}", "\u{1F1E9}", "\r", "\n", "\u{1100}", "\u{200B}"] {
            #expect(!TextWidth.standsAlone(joiner), "U+\(String(joiner.value, radix: 16))")
        }
        for lone: Unicode.Scalar in ["a", "~", "é", "·", "…", "─", "█", "●", "✓", "↑"] {
            #expect(TextWidth.standsAlone(lone))
        }
    }

    @Test func everyScalarThatStandsAloneIsACharacterOfItsOwnBesideAnyOther() {
        // Exhaustive over the ranges: next to ASCII and next to itself, each stays one character
        // (an Extend, SpacingMark, Prepend, joiner or Hangul jamo among them would merge).
        var checked = 0
        for v in UInt32(0)...0x2FFFF {
            guard let scalar = Unicode.Scalar(v), TextWidth.standsAlone(scalar) else { continue }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: ["a", scalar, scalar, "b", scalar])
            #expect(String(text).count == 5, "U+\(String(v, radix: 16))")
            checked += 1
        }
        #expect(checked > 1000)
    }

    /// The walk `put` did before its fast path: one grapheme at a time.
    static func reference(_ text: String, width: Int, x: Int, maxWidth: Int?) -> ([Cell], Int) {
        var row = Array(repeating: Cell(char: " ", style: .normal), count: width)
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        for char in text {
            let w = TextWidth.of(char)
            if w == 0 { continue }
            if col + w > limit { break }
            row[col] = Cell(char: char, style: .warn)
            if w == 2 { row[col + 1] = Cell(char: " ", style: .warn, continuation: true) }
            col += w
        }
        return (row, col - x)
    }
}
