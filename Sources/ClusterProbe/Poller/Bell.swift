/// What a loop on a thread of its own sleeps on: the thread blocks in the kernel until `ring`
/// or the timeout, with no timer thread and no hand-off involved. One bell serves one sleep.
/// A condition variable on the monotonic clock: a semaphore's timed wait (libdispatch, glibc's
/// sem_timedwait) counts on the wall clock, so a clock stepped back would stretch the sleep.
public final class Bell: @unchecked Sendable {
    // Allocated once, never moved (pthread objects must keep their address); `rung` is guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var rung = false

    public init() {
        pthread_mutex_init(mutex, nil)
        #if os(Linux)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        #else
        pthread_cond_init(condition, nil)  // waited on with a relative timeout below
        #endif
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func ring() {
        pthread_mutex_lock(mutex)
        rung = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Blocks until rung (true) or until `timeoutMs` has passed (false); nil waits for the ring.
    @discardableResult
    public func wait(timeoutMs: Int?) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let deadlineMs = timeoutMs.map { Clock.monotonicMs() + max(0, $0) }
        while !rung {
            guard let deadlineMs else { pthread_cond_wait(condition, mutex); continue }
            let left = deadlineMs - Clock.monotonicMs()
            if left <= 0 { break }
            #if os(Linux)
            var deadline = timespec()
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            let ns = Int(deadline.tv_nsec) + (left % 1000) * 1_000_000
            deadline.tv_sec += left / 1000 + ns / 1_000_000_000
            deadline.tv_nsec = ns % 1_000_000_000
            _ = pthread_cond_timedwait(condition, mutex, &deadline)
            #else
            var relative = timespec(tv_sec: left / 1000, tv_nsec: (left % 1000) * 1_000_000)
            _ = pthread_cond_timedwait_relative_np(condition, mutex, &relative)
            #endif
        }
        return rung
    }
}
