/// What a cell looks like; the terminal layer maps these to ncurses attributes and colours.
enum Style: UInt8, Sendable, CaseIterable {
    case normal, bold, dim, reverse, ok, warn, bad, accent, border, title
}

struct Cell: Equatable, Sendable {
    var char: Character
    var style: Style
    /// The right half of a double-width character: painted by its left half.
    var continuation = false
}

/// A full screen of cells: the pure output of rendering, the only input of painting.
struct Frame: Equatable, Sendable {
    let width: Int
    let height: Int
    private(set) var rows: [[Cell]]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        rows = Array(repeating: Array(repeating: Cell(char: " ", style: .normal), count: self.width), count: self.height)
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns and the frame. Returns columns used.
    @discardableResult
    mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        // Nearly all text (ASCII, borders, bars, bullets) is scalars that are each a character of
        // their own: walk scalars and skip grapheme breaking, the bulk of a repaint's cost.
        if text.unicodeScalars.allSatisfy(TextWidth.standsAlone) {
            for scalar in text.unicodeScalars {
                guard place(Character(scalar), width: TextWidth.of(scalar), at: &col, y: y, limit: limit, style: style) else { break }
            }
        } else {
            for char in text {
                let w = TextWidth.of(char)
                if w == 0 { continue }
                guard place(char, width: w, at: &col, y: y, limit: limit, style: style) else { break }
            }
        }
        return col - x
    }

    /// One character at `col` (off-frame columns left of 0 are skipped), moving `col` on; false
    /// when it would pass `limit`.
    private mutating func place(_ char: Character, width w: Int, at col: inout Int, y: Int, limit: Int, style: Style) -> Bool {
        if col + w > limit { return false }
        if col >= 0 {
            rows[y][col] = Cell(char: char, style: style)
            if w == 2 { rows[y][col + 1] = Cell(char: " ", style: style, continuation: true) }
        }
        col += w
        return true
    }

    /// Text cut to `width` columns, with `…` when cut.
    static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        // A character is never wider than its UTF-8 bytes: few enough bytes always fit.
        if text.utf8.count <= width || TextWidth.of(text) <= width { return text }
        var out = ""
        var used = 0
        for char in text {
            let w = TextWidth.of(char)
            if used + w > width - 1 { break }
            out.append(char)
            used += w
        }
        return out + "…"
    }

    /// Word-wraps `text` into at most `maxLines` lines of `width` columns (the last one cut with `…`).
    static func wrap(_ text: String, _ width: Int, maxLines: Int) -> [String] {
        guard width > 0, maxLines > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if TextWidth.of(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            lines[maxLines - 1] = fit(lines[maxLines - 1] + " …", width)
        }
        return lines.map { fit($0, width) }
    }

    /// Text padded or cut to exactly `width` columns.
    static func pad(_ text: String, _ width: Int) -> String {
        let fitted = fit(text, width)
        return fitted + String(repeating: " ", count: max(0, width - TextWidth.of(fitted)))
    }

    mutating func fill(y: Int, from x: Int = 0, width w: Int? = nil, style: Style) {
        guard y >= 0, y < height else { return }
        for col in max(0, x)..<min(width, x + (w ?? width)) { rows[y][col].style = style }
    }

    /// The frame as plain text, one line per row, trailing spaces trimmed: what golden files hold.
    var text: String {
        rows.map { row in
            var line = ""
            for cell in row where !cell.continuation { line.append(cell.char) }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

/// Display width of text without the C library's locale-dependent wcwidth, so rendering stays pure.
enum TextWidth {
    static func of(_ text: String) -> Int {
        let scalars = text.unicodeScalars
        if scalars.allSatisfy(standsAlone) { return scalars.reduce(0) { $0 + of($1) } }
        return text.reduce(0) { $0 + of($1) }
    }

    static func of(_ char: Character) -> Int {
        guard let scalar = char.unicodeScalars.first else { return 0 }
        return of(scalar)
    }

    static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }  // ASCII: nearly every cell
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if (0x0300...0x036F).contains(v) || (0x200B...0x200F).contains(v) || v == 0xFE0F { return 0 }
        if v < 0x1100 { return 1 }
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    /// Scalars that never join a neighbour into one character (no combining marks, joiners,
    /// variation selectors, modifiers, regional indicators, Hangul jamo or CR/LF): in a text made
    /// only of these, every scalar is one character. Printable ASCII, Latin, general punctuation,
    /// arrows, math, box drawing, blocks, shapes, symbols and dingbats.
    static func standsAlone(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x20...0x7E).contains(v) || (0xA0...0x2FF).contains(v) || (0x2010...0x2027).contains(v)
            || (0x2030...0x205E).contains(v) || (0x2100...0x27BF).contains(v)
    }

    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]
}
