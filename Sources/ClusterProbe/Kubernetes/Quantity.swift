/// Kubernetes resource quantities (`1Gi`, `500M`, `2G`, `1.5Gi`, `128974848`, `129e6`, `750m`) in bytes.
public enum Quantity {
    static let suffixes: [(String, Double)] = [
        ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
        ("Pi", 1_125_899_906_842_624), ("Ei", 1_152_921_504_606_846_976),
        ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18), ("m", 1e-3),
    ]

    public static func bytes(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters()
        guard !trimmed.isEmpty else { return nil }
        var number = Substring(trimmed)
        var multiplier = 1.0
        // Binary suffixes first: "Mi" must not be read as "M".
        for (suffix, factor) in suffixes where number.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            multiplier = factor
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" }),
              let value = Double(number), value >= 0, value.isFinite else { return nil }
        let result = (value * multiplier).rounded(.up)
        guard result < 9.2e18 else { return nil }
        return Int64(result)
    }
}
