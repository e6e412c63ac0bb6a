// The C library, imported once for the package (DevTUI gets it through ClusterProbe): Glibc on
// Linux, Darwin on macOS.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif
