/// `.devenv/kubeconfig` outlives the VM it was written for: `vagrant destroy` leaves it, and until a
/// new k3s step rewrites it every kubectl with it fails with TLS or connection errors that point
/// nowhere. devtui says what it is instead, and its teardown removes it.
public enum StaleKubeconfig {
    public static let message = "\(ProbeConfig.generatedKubeconfig) belongs to a VM that no longer exists (destroyed): `vagrant up` writes a new one"

    /// The one line while the VM is not created but the generated kubeconfig (the one in use) is
    /// still there; nil otherwise.
    public static func check(vm: VMStatus?, kubeconfigExists: Bool) -> String? {
        vm?.state == "not_created" && kubeconfigExists ? message : nil
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// After a successful destroy: removes the file. Nil when it is gone (or was never there), else
    /// why it could not be removed.
    public static func remove(_ path: String) -> String? {
        if unlink(path) == 0 || errno == ENOENT { return nil }
        let reason = String(cString: strerror(errno))
        return "could not remove \(ProbeConfig.generatedKubeconfig): \(reason)"
    }
}

extension ProbeConfig {
    /// The project's generated kubeconfig, when it is the one kubectl is given (not `--kubeconfig`
    /// elsewhere, not `--context` with kubectl's own).
    public var generatedKubeconfigInUse: String? {
        guard let dir = projectDir, let path = target.kubeconfig, path == dir + "/" + ProbeConfig.generatedKubeconfig else { return nil }
        return path
    }
}

extension EnvironmentSnapshot {
    /// A cluster source's error as the user should read it: while the kubeconfig is stale, that is
    /// the reason, not the TLS or connection error kubectl gave.
    public func clusterError<Value>(_ source: SourceState<Value>) -> String? {
        source.error.map { staleKubeconfig ?? $0 }
    }
}
