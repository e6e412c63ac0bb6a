/// Which log a pane shows: a component's stream or the output of the last action.
public enum LogSource: String, Sendable, CaseIterable, Codable {
    case app, mysql, action

    /// The log of a followed component.
    public init(_ component: Component) {
        switch component {
        case .app: self = .app
        case .mysql: self = .mysql
        }
    }

    /// The component whose stream this log is (nil for an action's output).
    public var component: Component? {
        switch self {
        case .app: return .app
        case .mysql: return .mysql
        case .action: return nil
        }
    }
}
