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

    private static func walk(_ dir: String, prefix: String, depth: Int, into result: inout [String: Int]) {
        guard depth >= 0, let handle = opendir(dir) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") || name == "__pycache__" || name.hasSuffix(".pyc") || name.hasSuffix("~") { continue }
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

#if os(Linux)
import Dispatch

/// Linux: the same, from inotify events instead of polling, so an idle dashboard costs no
/// wake-ups for it. Reports (relative path, mtime ms) for each saved source file.
public final class InotifyCodeWatcher: @unchecked Sendable {
    private let fd: Int32
    private var watches: [Int32: String] = [:]

    /// Nil when inotify is not available (the caller polls instead).
    public init?(root: String, depth: Int = 3) {
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        addWatches(root, prefix: "", depth: depth)
        guard !watches.isEmpty else {
            close(fd)
            return nil
        }
    }

    private func addWatches(_ dir: String, prefix: String, depth: Int) {
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)
        let wd = inotify_add_watch(fd, dir, mask)
        guard wd >= 0 else { return }
        watches[wd] = prefix
        guard depth > 0, let handle = opendir(dir) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix("."), name != "__pycache__", entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            addWatches(dir + "/" + name, prefix: prefix + name + "/", depth: depth - 1)
        }
    }

    /// Blocks a Dispatch thread on the inotify descriptor for the life of the process.
    public func start(root: String, onChange: @escaping @Sendable (String, Int) -> Void) {
        DispatchQueue(label: "devtui.code-watcher").async { [self] in
            var buffer = [UInt8](repeating: 0, count: 16384)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return }
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= n {
                    let (wd, length, name) = buffer.withUnsafeBytes { raw -> (Int32, Int, String) in
                        let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        let start = offset + MemoryLayout<inotify_event>.size
                        let bytes = raw[start..<min(n, start + Int(event.len))]
                        return (event.wd, Int(event.len), String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self))
                    }
                    offset += MemoryLayout<inotify_event>.size + length
                    guard name.hasSuffix(".py"), !name.hasPrefix("."), let prefix = watches[wd] else { continue }
                    let relative = prefix + name
                    var info = stat()
                    guard stat(root + "/" + relative, &info) == 0 else { continue }
                    onChange(relative, mtimeMs(info))
                }
            }
        }
    }
}
#endif
