#if os(Linux)
import Foundation
import Synchronization
import Testing
@testable import ClusterProbe

/// What a watcher reported, and bounded real-time waits for inotify delivery (a few ms here; a
/// wait that runs out fails the test).
final class Reports: Sendable {
    private let saves = Mutex<[(file: String, mtimeMs: Int)]>([])
    var onChange: @Sendable (String, Int) -> Void { { file, mtime in self.saves.withLock { $0.append((file, mtime)) } } }
    var all: [String] { saves.withLock { $0.map(\.file) } }
    /// The time reported with the first save of `file`.
    func time(of file: String) -> Int? { saves.withLock { $0.first { $0.file == file }?.mtimeMs } }

    /// Waits until `file` was reported; false after `timeoutMs`.
    func waitFor(_ file: String, timeoutMs: Int = 30_000) -> Bool {
        waitUntil(timeoutMs: timeoutMs) { self.all.contains(file) }
    }
}

extension WatchedFolder {
    /// A watcher on this folder, started, and what it reports.
    func watching(depth: Int = 3) throws -> (InotifyCodeWatcher, Reports) {
        let watcher = try #require(InotifyCodeWatcher(root: root, depth: depth))
        let reports = Reports()
        watcher.start(onChange: reports.onChange)
        return (watcher, reports)
    }
}

func waitUntil(timeoutMs: Int, _ condition: () -> Bool) -> Bool {
    let deadline = Clock.monotonicMs() + timeoutMs
    while !condition() {
        if Clock.monotonicMs() > deadline { return false }
        usleep(2_000)
    }
    return true
}

/// The Linux watcher: real inotify on a temp folder. Serialized: the stop test looks at this
/// process's threads and descriptors.
@Suite(.serialized) struct InotifyCodeWatcherTests {
    @Test func aSaveInTheRootIsReportedWithItsMtime() throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        let watcher = try #require(InotifyCodeWatcher(root: dir.root))
        defer { watcher.stop() }
        let mtimes = Locked<[Int]>([])
        watcher.start { _, mtime in mtimes.with { $0.append(mtime) } }
        // The close is the event, so the mtime is set before it (WatchedFolder sets it after).
        let fd = open(dir.root + "/application.py", O_WRONLY | O_TRUNC)
        _ = write(fd, "x = 2\n", 6)
        var times = [timespec(tv_sec: 2_000, tv_nsec: 0), timespec(tv_sec: 2_000, tv_nsec: 0)]
        futimens(fd, &times)
        close(fd)
        #expect(waitUntil(timeoutMs: 30_000) { !mtimes.with { $0.isEmpty } })
        #expect(mtimes.with { $0 } == [2_000_000])
    }

    @Test func aFolderCreatedAfterStartIsWatched() throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        let (watcher, reports) = try dir.watching()
        defer { watcher.stop() }
        dir.write("templates/first.py", mtimeSeconds: 2_000)
        #expect(reports.waitFor("templates/first.py"))
        // By now the folder's watch exists (it is added before the folder is read): a later save
        // there arrives as its own event.
        dir.write("templates/second.py", mtimeSeconds: 3_000)
        #expect(reports.waitFor("templates/second.py"))
    }

    @Test func aNestedFolderWithAFileWrittenBeforeItsWatchExistsIsReported() throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        let watcher = try #require(InotifyCodeWatcher(root: dir.root))
        defer { watcher.stop() }
        let reports = Reports()
        let hold = DispatchSemaphore(value: 0)
        watcher.start { file, mtime in
            // The first report holds the watcher's thread, so the folders below are made and
            // the file written before the watcher can even see that the folders exist.
            if file == "application.py" { hold.wait() }
            reports.onChange(file, mtime)
        }
        dir.write("application.py", mtimeSeconds: 2_000)
        mkdir(dir.root + "/pkg", 0o755)
        mkdir(dir.root + "/pkg/sub", 0o755)
        dir.write("pkg/sub/module.py", mtimeSeconds: 3_000)
        hold.signal()
        #expect(reports.waitFor("pkg/sub/module.py"))
        // And that nested folder is watched from now on.
        dir.write("pkg/sub/later.py", mtimeSeconds: 4_000)
        #expect(reports.waitFor("pkg/sub/later.py"))
    }

    @Test func aFolderRemovedAndMadeAgainIsStillWatched() throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("lib/helpers.py", mtimeSeconds: 1_000)
        let (watcher, reports) = try dir.watching()
        defer { watcher.stop() }
        try FileManager.default.removeItem(atPath: dir.root + "/lib")
        dir.write("lib/helpers.py", mtimeSeconds: 2_000)
        #expect(reports.waitFor("lib/helpers.py"))
        dir.write("lib/more.py", mtimeSeconds: 3_000)
        #expect(reports.waitFor("lib/more.py"))
    }

    @Test func aFolderRenamedInsideTheTreeIsWatchedUnderItsNewName() throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("old/helpers.py", mtimeSeconds: 1_000)
        let (watcher, reports) = try dir.watching()
        defer { watcher.stop() }
        let movedAt = Clock.wallMs()
        rename(dir.root + "/old", dir.root + "/new")
        #expect(reports.waitFor("new/helpers.py"), "a moved-in folder's files count as saved")
        // Saved now, not at the file's time of 1970: edit-to-live must not start in the past.
        #expect((reports.time(of: "new/helpers.py") ?? 0) >= movedAt)
        dir.write("new/helpers.py", mtimeSeconds: 2_000)
        dir.write("marker.py", mtimeSeconds: 2_000)
        #expect(reports.waitFor("marker.py"))
        #expect(reports.all.filter { $0 == "new/helpers.py" }.count == 2)
        #expect(!reports.all.contains { $0.hasPrefix("old/") })
    }

    @Test func hiddenFoldersCachesAndFoldersTooDeepAreNotWatched() throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        let (watcher, reports) = try dir.watching(depth: 1)
        defer { watcher.stop() }
        dir.write(".git/hook.py", mtimeSeconds: 2_000)
        dir.write("__pycache__/application.py", mtimeSeconds: 2_000)
        dir.write(".application.py", mtimeSeconds: 2_000)
        dir.write("application.py~", mtimeSeconds: 2_000)
        dir.write("notes.txt", mtimeSeconds: 2_000)
        dir.write("one/ok.py", mtimeSeconds: 2_000)
        // Once that is in, `one` is watched, so `two` arrives as an event (too deep to watch).
        #expect(reports.waitFor("one/ok.py"))
        dir.write("one/two/deep.py", mtimeSeconds: 2_000)
        dir.write("marker.py", mtimeSeconds: 2_000)
        // Events arrive in order: once the marker is in, everything before it was looked at.
        #expect(reports.waitFor("marker.py"))
        #expect(Set(reports.all) == ["one/ok.py", "marker.py"])
    }

    @Test func stopWaitsForTheCallbackEndsTheThreadAndClosesTheDescriptors() throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        let watcher = try #require(InotifyCodeWatcher(root: dir.root))
        let inCallback = DispatchSemaphore(value: 0)
        let calls = Locked<(started: Int, finished: Int)>((0, 0))
        watcher.start { _, _ in
            calls.with { $0.started += 1 }
            inCallback.signal()
            usleep(200_000)
            calls.with { $0.finished += 1 }
        }
        dir.write("application.py", mtimeSeconds: 2_000)
        #expect(inCallback.wait(timeout: .now() + 30) == .success)
        let thread = watcher.threadID.load(ordering: .sequentiallyConsistent)
        #expect(thread > 0)
        let inotify = DescriptorIdentity(inotify: watcher.inotifyFD, watching: dir.root)
        let pipes = watcher.wakePipe.map(DescriptorIdentity.init(file:))
        #expect(inotify.isOpen && pipes.allSatisfy(\.isOpen), "the identities are read right")

        watcher.stop()  // while the callback still sleeps
        #expect(calls.with { $0.finished == $0.started }, "stop returned during a callback")
        #expect(!inotify.isOpen && !pipes.contains { $0.isOpen })
        // A thread that was joined leaves /proc/self/task a moment later.
        #expect(waitUntil(timeoutMs: 30_000) { access("/proc/self/task/\(thread)", F_OK) != 0 })

        let before = calls.with { $0.started }
        dir.write("application.py", mtimeSeconds: 3_000)
        usleep(200_000)
        #expect(calls.with { $0.started } == before, "a save after stop is not reported")
        watcher.stop()  // twice is harmless
    }

    @Test func stopFromInsideTheCallbackEndsTheThreadToo() throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        let watcher = try #require(InotifyCodeWatcher(root: dir.root))
        let calls = Locked(0)
        watcher.start { _, _ in
            calls.with { $0 += 1 }
            watcher.stop()
        }
        let inotify = DescriptorIdentity(inotify: watcher.inotifyFD, watching: dir.root)
        dir.write("a.py", mtimeSeconds: 2_000)
        #expect(waitUntil(timeoutMs: 30_000) { !inotify.isOpen })
        let thread = watcher.threadID.load(ordering: .sequentiallyConsistent)
        #expect(waitUntil(timeoutMs: 30_000) { access("/proc/self/task/\(thread)", F_OK) != 0 })
        dir.write("b.py", mtimeSeconds: 3_000)
        usleep(100_000)
        #expect(calls.with { $0 } == 1)
    }

    @Test func codeLoopStopsWatchingWhenItsTaskIsCancelled() async throws {
        let dir = WatchedFolder(); defer { dir.remove() }
        dir.write("application.py", mtimeSeconds: 1_000)
        let model = EnvironmentModel(snapshot: EnvironmentSnapshot(project: "t"))
        let config = ProbeConfig(projectDir: nil, target: KubeTarget())
        let poller = Poller(probes: Probes(config: config, runner: SubprocessRunner()), model: model)
        let ended = Locked(false)
        let loop = Task {
            await poller.codeLoop(root: dir.root)
            ended.with { $0 = true }
        }
        // The watch is set up when the task first runs: keep saving until one is seen.
        #expect(waitUntil(timeoutMs: 30_000) {
            dir.write("application.py", mtimeSeconds: 2_000)
            usleep(20_000)
            return model.read().snapshot.codeChange?.file == "application.py"
        })
        loop.cancel()
        #expect(waitUntil(timeoutMs: 30_000) { ended.with { $0 } })
        dir.write("later.py", mtimeSeconds: 3_000)
        try await Task.sleep(for: .milliseconds(200))
        #expect(model.read().snapshot.codeChange?.file == "application.py", "a save after the loop ended changed the model")
    }
}

/// An open descriptor told from whatever reuses its number later (tests run in parallel and
/// open descriptors all the time): an inotify descriptor by the folder it watches, a pipe by
/// its inode.
struct DescriptorIdentity {
    let fd: Int32
    let check: (Int32) -> Bool

    init(inotify fd: Int32, watching folder: String) {
        var info = stat()
        stat(folder, &info)
        let inode = "ino:" + String(info.st_ino, radix: 16) + " "
        self.fd = fd
        check = { fd in
            guard let text = try? String(contentsOfFile: "/proc/self/fdinfo/\(fd)", encoding: .utf8) else { return false }
            return text.contains("inotify wd:") && text.contains(inode)
        }
    }

    init(file fd: Int32) {
        var info = stat()
        fstat(fd, &info)
        let (device, inode) = (info.st_dev, info.st_ino)
        self.fd = fd
        check = { fd in
            var now = stat()
            return fstat(fd, &now) == 0 && now.st_dev == device && now.st_ino == inode
        }
    }

    var isOpen: Bool { check(fd) }
}
#endif
