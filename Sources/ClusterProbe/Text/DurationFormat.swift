/// Compact human durations: `850 ms`, `4 s`, `3m`, `2h`, `1d`.
public enum DurationFormat {
    public static func short(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        let seconds = duration.components.seconds
        if ms < 1000 { return "\(ms) ms" }
        if ms < 10_000 { return String(format1(Double(ms) / 1000)) + " s" }
        return "\(seconds) s"
    }

    /// kubectl-style age: `45s`, `12m`, `3h`, `2d`.
    public static func age(seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// One decimal place without Foundation's formatters.
    public static func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
