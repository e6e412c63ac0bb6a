import CSystemShims

/// glibc gives each thread that allocates an arena of its own. The dashboard allocates little, on a
/// dozen Dispatch threads, and paid about 0.5 MB of RSS for their arenas (bench/tui); two are plenty.
public enum MallocArenas {
    /// Call before any thread starts; a no-op where the C library is not glibc.
    public static func limit(to count: Int32 = 2) {
        devtui_limit_malloc_arenas(count)
    }
}
