/// glibc gives each thread that allocates an arena of its own. The dashboard allocates little, on a
/// dozen Dispatch threads, and paid about 0.5 MB of RSS for their arenas (bench/tui); two are plenty.
public enum MallocArenas {
    /// Call before any thread starts; a no-op where the C library is not glibc.
    public static func limit(to count: Int32 = 2) {
        #if canImport(Glibc)
        _ = glibcMallopt(mArenaMax, count)
        #endif
    }

    #if canImport(Glibc)
    /// `M_ARENA_MAX` in glibc's <malloc.h>, which the Glibc module does not import.
    private static let mArenaMax: Int32 = -8
    #endif
}

#if canImport(Glibc)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
