/// Finds a tool on PATH ourselves, so that a missing `kubectl` or `vagrant` is a named,
/// one-line error before anything is spawned.
public enum ExecutableLocator {
    public static func find(_ name: String, path: String? = currentPath()) -> String? {
        if name.contains("/") { return isExecutable(name) ? name : nil }
        for dir in (path ?? "").split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = dir.hasSuffix("/") ? "\(dir)\(name)" : "\(dir)/\(name)"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    public static func currentPath() -> String? {
        guard let raw = getenv("PATH") else { return nil }
        return String(cString: raw)
    }

    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
