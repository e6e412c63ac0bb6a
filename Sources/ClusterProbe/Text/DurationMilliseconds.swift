extension Duration {
    /// Whole milliseconds, the unit poll(2), semaphores and the clocks here count in.
    public var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
