import Foundation
import Testing
@testable import ClusterProbe

/// A scratch app folder; files get explicit mtimes so no test waits for the clock.
struct WatchedFolder {
    let root: String
    init() {
        var template = Array("/tmp/devtui-watch-XXXXXX".utf8CString)
        root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    func write(_ relative: String, mtimeSeconds: Int, _ text: String = "x = 1\n") {
        let path = root + "/" + relative
        if let slash = relative.lastIndex(of: "/") {
            mkdir(root + "/" + relative[..<slash], 0o755)
        }
        let file = fopen(path, "w")!
        fputs(text, file)
        fclose(file)
        var times = [timespec(tv_sec: mtimeSeconds, tv_nsec: 0), timespec(tv_sec: mtimeSeconds, tv_nsec: 0)]
        utimensat(AT_FDCWD, path, &times, 0)
    }
    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The polling watcher: devtui's path on macOS and wherever inotify is unavailable.
@Suite struct CodeWatcherTests {
    @Test func reportsNothingUntilAFileIsSaved() {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        var watcher = CodeWatcher(root: dir.root)
        #expect(watcher.changes() == nil)
        #expect(watcher.changes() == nil)
    }

    @Test func reportsASaveOnceWithItsMtime() {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        var watcher = CodeWatcher(root: dir.root)
        dir.write("application.py", mtimeSeconds: 2_000)
        let change = watcher.changes()
        #expect(change?.file == "application.py")
        #expect(change?.mtimeMs == 2_000_000)
        #expect(watcher.changes() == nil, "the same save is reported once")
    }

    @Test func aNewFileInASubfolderCountsAndTheNewestSaveWins() {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        var watcher = CodeWatcher(root: dir.root)
        dir.write("lib/helpers.py", mtimeSeconds: 3_000)
        dir.write("application.py", mtimeSeconds: 2_000)
        let change = watcher.changes()
        #expect(change?.file == "lib/helpers.py")
        #expect(change?.mtimeMs == 3_000_000)
    }

    @Test func cachesHiddenFilesAndEditorBackupsAreNotSaves() {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        var watcher = CodeWatcher(root: dir.root)
        dir.write("application.pyc", mtimeSeconds: 2_000)
        dir.write(".application.py.swp", mtimeSeconds: 2_000)
        dir.write("application.py~", mtimeSeconds: 2_000)
        dir.write("__pycache__/application.cpython.pyc", mtimeSeconds: 2_000)
        #expect(watcher.changes() == nil)
    }
}
