import ClusterProbe

extension LogSource {
    /// The log the `l` key shows next: app, mysql, the last action, round again.
    var next: LogSource {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
