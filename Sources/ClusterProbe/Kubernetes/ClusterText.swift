/// Text that comes from the cluster (event messages, termination reasons) made into one bounded,
/// printable line: TextSanitizer's control-character rules, newlines and runs of blanks folded
/// into one space, cut with `…`. A 100 kB message costs a prefix scan, not a 100 kB string walk.
public enum ClusterText {
    public static func oneLine(_ text: String, max limit: Int) -> String {
        guard limit > 0 else { return "" }
        // Enough raw characters for `limit` printable ones even after folding blanks.
        let scalars = text.unicodeScalars
        let end = scalars.index(scalars.startIndex, offsetBy: limit * 4 + 16, limitedBy: scalars.endIndex) ?? scalars.endIndex
        let rawCut = end != scalars.endIndex
        let cleaned = TextSanitizer.cleanLine(String(scalars[scalars.startIndex..<end]))
        var out: [Unicode.Scalar] = []
        var pendingSpace = false
        for scalar in cleaned.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(scalar)
            if out.count > limit { break }
        }
        if out.count > limit || (rawCut && !out.isEmpty) {
            out = Array(out.prefix(limit - 1))
            while out.last == " " { out.removeLast() }
            out.append("…")
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: out)
        return String(result)
    }
}
