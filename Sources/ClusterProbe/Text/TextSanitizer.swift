/// Turns untrusted bytes (logs, command output) into text that is safe to print on a terminal.
public enum TextSanitizer {
    /// Decodes UTF-8, replacing invalid sequences with U+FFFD, and replaces control characters
    /// (ESC sequences included) with visible placeholders so that log text is never interpreted.
    /// Newlines are kept; one trailing newline is dropped.
    public static func clean(_ bytes: some Collection<UInt8>) -> String {
        var lines = Array(bytes).split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { line($0) }.joined(separator: "\n")
    }

    /// One line of text for a terminal cell row: newlines become spaces too.
    public static func line(_ bytes: some Collection<UInt8>) -> String {
        // Fast path (almost every log line): no C0 control, no DEL, no C1 control (encoded 0xC2 0x80-0x9F).
        if !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return cleanLine(String(decoding: bytes, as: UTF8.self))
    }

    public static func cleanLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09: out.append(contentsOf: "    ".unicodeScalars)
            case 0x0A: out.append(" ")
            case 0x0D: continue
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                out.append("\u{FFFD}")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The first non-empty line of a message, trimmed: what fits in a one-line error.
    public static func firstLine(_ text: String) -> String {
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = line.trimmingCharacters()
            if !trimmed.isEmpty { return cleanLine(trimmed) }
        }
        return ""
    }
}

extension StringProtocol {
    /// Whitespace trim without Foundation.
    public func trimmingCharacters() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, f.properties.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
