import ClusterProbe

/// A key as the dashboard understands it; the terminal layer translates ncurses codes.
enum Key: Equatable, Sendable {
    case char(Character)
    case up, down, pageUp, pageDown, home, end
    case resize
}

/// What a key asks the outside world to do; the dashboard carries these out.
enum Effect: Equatable, Sendable {
    case provision
    case restartApp
    case teardown
    case shell(pod: String)
    case followLogs(component: Component)
    /// Run `devtui doctor` in the background (its report comes back as an event).
    case runDoctor
    case quit
}
