#if os(Linux)
import CSystemShims
import Synchronization

/// Linux: notices saves under `app/` from inotify events instead of polling, so an idle dashboard
/// costs no wake-ups for it. One thread sleeps in poll() on the inotify descriptor and a wake pipe;
/// `stop()` writes the pipe, joins the thread and closes the descriptors, so nothing outlives
/// the Poller. Folders that appear later are watched as they appear, under the same depth limit
/// and skip rules as the polling `CodeWatcher`; a removed folder's watch is forgotten.
public final class InotifyCodeWatcher: @unchecked Sendable {
    public let root: String
    private let depth: Int
    let inotifyFD: Int32
    /// The wake pipe: stop() writes one byte to [1], the thread polls [0].
    let wakePipe: [Int32]
    /// The thread's kernel id once it runs (0 before), so a test can see that it ended.
    let threadID = Atomic<Int>(0)

    private struct Watch {
        /// Path relative to the root: "" for the root, else ending in "/".
        var prefix: String
        /// Folder levels still watched below this one.
        var depth: Int
    }

    /// Watch descriptor -> folder. Filled by init, then touched only by the watcher thread.
    private var watches: [Int32: Watch] = [:]

    private enum Phase: Equatable {
        case idle, running(pthread_t), stopped
        /// stop() was called from onChange, on the watcher's own thread: that thread closes the
        /// descriptors as it ends (it cannot join itself).
        case stoppedByOwnThread
    }
    private let phase = Mutex<Phase>(.idle)
    private let stopping = Atomic<Bool>(false)

    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR)

    /// Nil when inotify is not available or the root cannot be watched (the caller polls instead).
    public init?(root: String, depth: Int = 3) {
        self.root = root
        self.depth = depth
        inotifyFD = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        var pipeFDs: [Int32] = [-1, -1]
        // Close-on-exec from the start (a child spawned meanwhile must not inherit it), then non-blocking.
        if devtui_pipe_cloexec(&pipeFDs) == 0 {
            for fd in pipeFDs { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        } else {
            pipeFDs = [-1, -1]
        }
        wakePipe = pipeFDs
        // On failure deinit closes what was opened (a class's deinit runs when its init fails late).
        guard inotifyFD >= 0, wakePipe[0] >= 0 else { return nil }
        watch("", depth: depth, report: false)
        guard !watches.isEmpty else { return nil }
    }

    deinit {
        // A running watcher is kept alive by its thread, so here it is idle or stopped.
        if phase.withLock({ $0 == .idle }) { closeDescriptors() }
    }

    /// Starts the thread; `onChange(relative path, mtime ms)` runs on it for each saved source file.
    public func start(onChange: @escaping @Sendable (String, Int) -> Void) {
        phase.withLock { phase in
            guard phase == .idle else { return }
            let context = Unmanaged.passRetained(ThreadContext(watcher: self, onChange: onChange)).toOpaque()
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<ThreadContext>.fromOpaque(raw!).takeRetainedValue()
                context.watcher.run(context.onChange)
                return nil
            }, context)
            if created == 0 {
                phase = .running(thread)
            } else {
                Unmanaged<ThreadContext>.fromOpaque(context).release()
            }
        }
    }

    /// Ends the thread and closes the descriptors; no onChange call starts after this returns.
    /// Safe to call more than once, before start, and from onChange itself.
    public func stop() {
        let (previous, ownThread) = phase.withLock { phase -> (Phase, Bool) in
            let previous = phase
            var own = false
            switch phase {
            case .idle: phase = .stopped
            case .running(let thread):
                own = pthread_equal(thread, pthread_self()) != 0
                phase = own ? .stoppedByOwnThread : .stopped
            case .stopped, .stoppedByOwnThread: break
            }
            return (previous, own)
        }
        switch previous {
        case .idle:
            closeDescriptors()
        case .running(let thread):
            stopping.store(true, ordering: .sequentiallyConsistent)
            // The read end stays open until the thread has ended, so this write cannot raise SIGPIPE.
            var byte: UInt8 = 1
            _ = write(wakePipe[1], &byte, 1)
            guard !ownThread else { return }
            pthread_join(thread, nil)
            closeDescriptors()
        case .stopped, .stoppedByOwnThread:
            return
        }
    }

    private func closeDescriptors() {
        if inotifyFD >= 0 { close(inotifyFD) }
        for fd in wakePipe where fd >= 0 { close(fd) }
    }

    private final class ThreadContext {
        let watcher: InotifyCodeWatcher
        let onChange: @Sendable (String, Int) -> Void
        init(watcher: InotifyCodeWatcher, onChange: @escaping @Sendable (String, Int) -> Void) {
            self.watcher = watcher
            self.onChange = onChange
        }
    }

    private func run(_ onChange: @Sendable (String, Int) -> Void) {
        threadID.store(Self.currentThreadID(), ordering: .sequentiallyConsistent)
        defer { if phase.withLock({ $0 == .stoppedByOwnThread }) { closeDescriptors() } }
        var fds = [pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakePipe[0], events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopping.load(ordering: .sequentiallyConsistent) {
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0, fds[1].revents == 0, fds[0].revents & Int16(POLLIN) != 0 else { return }
            let count = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return }
            for (file, mtime) in handle(events(in: buffer, count: count)) {
                // stop() from another thread waits for this thread, so only a stop made from
                // inside onChange can be seen here; the check keeps its promise anyway.
                guard !stopping.load(ordering: .sequentiallyConsistent) else { return }
                onChange(file, mtime)
            }
        }
    }

    /// The calling thread's kernel id, from /proc/thread-self -> "<pid>/task/<tid>" (Glibc's
    /// gettid is not visible to Swift).
    private static func currentThreadID() -> Int {
        var link = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/thread-self", &link, link.count - 1)
        guard length > 0 else { return 0 }
        let text = String(decoding: link[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Int(text.split(separator: "/").last ?? "") ?? 0
    }

    private struct Event {
        var wd: Int32
        var mask: UInt32
        var name: String
        func has(_ flag: Int32) -> Bool { mask & UInt32(flag) != 0 }
    }

    private func events(in buffer: [UInt8], count: Int) -> [Event] {
        buffer.withUnsafeBytes { raw in
            var events: [Event] = []
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                let start = offset + header
                let name = raw[start..<min(count, start + Int(event.len))].prefix { $0 != 0 }
                events.append(Event(wd: event.wd, mask: event.mask, name: String(decoding: name, as: UTF8.self)))
                offset = start + Int(event.len)
            }
            return events
        }
    }

    /// Applies a batch of events to the watch table; returns the saves to report, in order.
    private func handle(_ events: [Event]) -> [(String, Int)] {
        var saves: [(String, Int)] = []
        for event in events {
            if event.has(IN_Q_OVERFLOW) {
                // Events were lost: make sure every folder is watched again (saves are not re-guessed).
                watch("", depth: depth, report: false)
                continue
            }
            if event.has(IN_IGNORED) || event.has(IN_DELETE_SELF) {
                watches[event.wd] = nil  // the folder is gone; if it comes back, its IN_CREATE adds it again
                continue
            }
            guard let folder = watches[event.wd], !CodeWatcher.isIgnored(event.name) else { continue }
            let relative = folder.prefix + event.name
            if event.has(IN_ISDIR) {
                if event.has(IN_MOVED_FROM) {
                    forget(relative + "/")
                } else if event.has(IN_CREATE) || event.has(IN_MOVED_TO), folder.depth > 0,
                          let newest = watch(relative + "/", depth: folder.depth - 1, report: true) {
                    // Files written before the watch existed (mkdir, then a quick save) count too,
                    // as saved now: a folder moved in keeps its files' old times, and a clock
                    // started days ago would read as "not live" at once.
                    saves.append((newest.0, Clock.wallMs()))
                }
            } else if event.has(IN_CLOSE_WRITE) || event.has(IN_MOVED_TO), event.name.hasSuffix(".py") {
                var info = stat()
                if stat(root + "/" + relative, &info) == 0 { saves.append((relative, mtimeMs(info))) }
            }
        }
        return saves
    }

    /// Watches the folder at `prefix` and its subfolders `depth` levels down. With `report`, returns
    /// the newest source file found in them.
    @discardableResult
    private func watch(_ prefix: String, depth: Int, report: Bool) -> (String, Int)? {
        let dir = prefix.isEmpty ? root : root + "/" + prefix.dropLast()
        let wd = inotify_add_watch(inotifyFD, dir, Self.mask)
        guard wd >= 0 else { return nil }
        watches[wd] = Watch(prefix: prefix, depth: depth)
        guard let handle = opendir(dir) else { return nil }
        defer { closedir(handle) }
        var newest: (String, Int)?
        func consider(_ found: (String, Int)?) {
            if let found, found.1 >= newest?.1 ?? .min { newest = found }
        }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !CodeWatcher.isIgnored(name) else { continue }
            let isFile = name.hasSuffix(".py")
            guard depth > 0 || (report && isFile) else { continue }
            var info = stat()
            guard stat(dir + "/" + name, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR, depth > 0 {
                consider(watch(prefix + name + "/", depth: depth - 1, report: report))
            } else if report, isFile, (info.st_mode & S_IFMT) == S_IFREG {
                consider((prefix + name, mtimeMs(info)))
            }
        }
        return newest
    }

    /// Drops the watches of a folder moved away and of everything below it (a move within the
    /// tree adds them again under the new name, from its IN_MOVED_TO).
    private func forget(_ prefix: String) {
        for (wd, folder) in watches where folder.prefix.hasPrefix(prefix) {
            inotify_rm_watch(inotifyFD, wd)
            watches[wd] = nil
        }
    }
}
#endif
