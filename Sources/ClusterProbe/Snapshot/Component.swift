/// A workload whose log the dashboard can follow: its `app.kubernetes.io/name` label value,
/// which is also its container's name.
public enum Component: String, Sendable, Equatable, Codable, CaseIterable {
    case app, mysql
}
