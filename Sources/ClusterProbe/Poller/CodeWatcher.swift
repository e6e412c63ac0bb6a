/// A file's modification time in milliseconds since 1970.
func mtimeMs(_ info: stat) -> Int {
    #if canImport(Darwin)
    return Int(info.st_mtimespec.tv_sec) * 1000 + Int(info.st_mtimespec.tv_nsec) / 1_000_000
    #else
    return Int(info.st_mtim.tv_sec) * 1000 + Int(info.st_mtim.tv_nsec) / 1_000_000
    #endif
}

/// Notices saves under `app/` on the host by polling modification times: portable, and a few
/// `stat` calls four times a second cost nothing next to a kubectl start.
public struct CodeWatcher: Sendable {
    public let root: String
    private var known: [String: Int] = [:]

    public init(root: String) {
        self.root = root
        known = Self.scan(root)
    }

    /// The newest file saved since the last call, with its modification time in ms.
    public mutating func changes() -> (file: String, mtimeMs: Int)? {
        let now = Self.scan(root)
        defer { known = now }
        return now.filter { known[$0.key] != $0.value }.max { $0.value < $1.value }.map { ($0.key, $0.value) }
    }

    /// Relative path -> mtime in ms, for source files (caches and hidden folders skipped).
    public static func scan(_ root: String, depth: Int = 3) -> [String: Int] {
        var result: [String: Int] = [:]
        walk(root, prefix: "", depth: depth, into: &result)
        return result
    }

    /// Names that are never source: hidden files and folders (editor swap files, .git), Python
    /// caches, editor backups. The inotify watcher uses the same rule.
    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name == "__pycache__" || name.hasSuffix(".pyc") || name.hasSuffix("~")
    }

    private static func walk(_ dir: String, prefix: String, depth: Int, into result: inout [String: Int]) {
        guard depth >= 0, let handle = opendir(dir) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if isIgnored(name) { continue }
            let path = dir + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(path, prefix: prefix + name + "/", depth: depth - 1, into: &result)
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                result[prefix + name] = mtimeMs(info)
            }
        }
    }
}
