import Synchronization

/// The one shared, thread-safe place where probes write and the UI reads (k9s' model layer).
/// Readers get value copies; `version` tells them whether anything changed since they last looked.
public final class EnvironmentModel: Sendable {
    public struct State: Sendable {
        public var snapshot: EnvironmentSnapshot
        public var logs: [LogSource: LogBuffer]
        /// The component the log stream follows.
        public var followed: Component = .app
        public var version: UInt64 = 0
    }

    private let state: Mutex<State>
    /// Called after every change (outside the lock), so a sleeping UI can wake for it.
    private let observer = Mutex<(@Sendable () -> Void)?>(nil)

    public init(snapshot: EnvironmentSnapshot, logCapacity: Int = 5000) {
        var logs: [LogSource: LogBuffer] = [:]
        for source in LogSource.allCases { logs[source] = LogBuffer(capacity: logCapacity) }
        state = Mutex(State(snapshot: snapshot, logs: logs))
    }

    public var version: UInt64 { state.withLock { $0.version } }

    /// One observer (the dashboard's loop); set before the probes start.
    public func onChange(_ callback: @escaping @Sendable () -> Void) {
        observer.withLock { $0 = callback }
    }

    private func changed(_ didChange: Bool) {
        guard didChange, let callback = observer.withLock({ $0 }) else { return }
        callback()
    }

    /// A consistent copy of everything.
    public func read() -> State { state.withLock { $0 } }

    public func snapshot() -> EnvironmentSnapshot { state.withLock { $0.snapshot } }

    public func update(_ change: (inout EnvironmentSnapshot) -> Void) {
        changed(state.withLock { s in
            let before = s.snapshot
            change(&s.snapshot)
            guard s.snapshot != before else { return false }
            s.version &+= 1
            return true
        })
    }

    public func appendLog(_ source: LogSource, _ lines: [String]) {
        guard !lines.isEmpty else { return }
        state.withLock { s in
            for line in lines { s.logs[source]!.append(line) }
            s.version &+= 1
        }
        changed(true)
    }

    public var followed: Component { state.withLock { $0.followed } }

    public func setFollowed(_ component: Component) {
        changed(state.withLock { s in
            guard s.followed != component else { return false }
            s.followed = component
            s.version &+= 1
            return true
        })
    }
}
