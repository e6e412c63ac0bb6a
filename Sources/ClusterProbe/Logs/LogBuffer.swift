/// A bounded ring of log lines. Appends are O(1); the oldest lines fall off.
public struct LogBuffer: Sendable, Equatable {
    public private(set) var capacity: Int
    private var storage: [String] = []
    private var head = 0

    public init(capacity: Int = 5000) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(min(self.capacity, 1024))
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public mutating func append(_ line: String) {
        if storage.count < capacity {
            storage.append(line)
        } else {
            storage[head] = line
            head = (head + 1) % capacity
        }
    }

    /// Line `i`, oldest first.
    public subscript(i: Int) -> String {
        storage[(head + i) % storage.count]
    }

    /// The last `n` lines ending `offsetFromEnd` lines before the newest, oldest first.
    public func window(last n: Int, offsetFromEnd: Int = 0) -> [String] {
        let end = max(0, count - max(0, offsetFromEnd))
        let start = max(0, end - max(0, n))
        return (start..<end).map { self[$0] }
    }

    public var lines: [String] { window(last: count) }
}
