import ClusterProbe
import Dispatch
import Synchronization

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the loop checks, so every exit path goes
/// through the same terminal restore instead of dying in curses mode.
final class SignalWatcher: Sendable {
    private static let pending = Atomic<Int32>(0)
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    /// `onSignal` wakes the loop that calls `take()`.
    init(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT], onSignal: @escaping @Sendable () -> Void = {}) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                SignalWatcher.pending.store(number, ordering: .relaxed)
                onSignal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The signal that arrived since the last call, if any.
    func take() -> Int32? {
        let value = Self.pending.exchange(0, ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Forgets `number` if it is the one pending (a Ctrl-C meant for the shell we ran), and only it:
    /// a SIGTERM or SIGHUP that came meanwhile still ends the dashboard.
    func discard(_ number: Int32) {
        _ = Self.pending.compareExchange(expected: number, desired: 0, ordering: .relaxed)
    }
}
