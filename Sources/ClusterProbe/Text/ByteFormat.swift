/// Byte counts for people: `187 MiB`, `2.0 GiB`.
public enum ByteFormat {
    public static func binary(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        if value < 10 { return "\(DurationFormat.format1(value)) \(units[unit])" }
        return "\(Int(value.rounded())) \(units[unit])"
    }
}
