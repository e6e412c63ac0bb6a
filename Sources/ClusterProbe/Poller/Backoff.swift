/// Doubling retry delay: 1 s, 2 s, 4 s ... up to a ceiling, reset by a success.
public struct Backoff: Sendable, Equatable {
    public let base: Duration
    public let ceiling: Duration
    public private(set) var failures = 0

    public init(base: Duration = .seconds(1), ceiling: Duration = .seconds(30)) {
        self.base = base
        self.ceiling = ceiling
    }

    public mutating func fail() -> Duration {
        failures += 1
        let factor = 1 << min(failures - 1, 16)
        return min(base * factor, ceiling)
    }

    public mutating func reset() { failures = 0 }
}
