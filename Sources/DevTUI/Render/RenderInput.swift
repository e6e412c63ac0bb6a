import ClusterProbe

/// Everything a frame depends on. Render is a pure function of this value.
struct RenderInput: Sendable {
    var snapshot: EnvironmentSnapshot
    var logs: LogBuffer
    /// The component whose stream the log follower is on (its error belongs to that log only).
    var followed: Component
    var ui: UIState
    var width: Int
    var height: Int
    /// Wall clock in milliseconds: ages, countdowns and the header clock.
    var nowMs: Int
    /// Minutes east of UTC for the header clock.
    var utcOffsetMinutes: Int = 0

    var now: Int { nowMs / 1000 }
    var glyphs: Glyphs { ui.ascii ? .ascii : .unicode }
}
