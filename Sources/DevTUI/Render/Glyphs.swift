/// Box and status characters; ASCII when the locale cannot show UTF-8.
struct Glyphs: Sendable, Equatable {
    var h, v, tl, tr, bl, br: Character
    var dot: Character
    var barFull: Character
    var barEmpty: Character
    var ellipsisSep: String
    var check: String
    var cross: String

    static let unicode = Glyphs(h: "─", v: "│", tl: "┌", tr: "┐", bl: "└", br: "┘",
                                dot: "●", barFull: "█", barEmpty: "░", ellipsisSep: " · ", check: "✓", cross: "✗")
    static let ascii = Glyphs(h: "-", v: "|", tl: "+", tr: "+", bl: "+", br: "+",
                              dot: "*", barFull: "#", barEmpty: ".", ellipsisSep: " - ", check: "ok", cross: "x")
}
